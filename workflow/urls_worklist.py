"""The case worklist of advisers and administrators (under ``/saksbehandling/``)."""

app_name = "worklist"
urlpatterns: list = []
