"""The staff case page and the adviser's actions (under ``/saksbehandling/sak/``)."""

app_name = "staff"
urlpatterns: list = []
