"""Programme-level background tasks."""

from celery import shared_task
from django.db import connection


@shared_task(name="programme.heartbeat")
def heartbeat() -> dict[str, str]:
    """Answer from the worker with the database it sees: proves worker, broker and DB work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
