"""The Celery app: Redis as broker when REDIS_URL is set (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "programme.settings")

app = Celery("programme")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
