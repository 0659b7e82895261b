"""The board's meetings, agendas, decisions and documents (under ``/styre/``)."""

app_name = "board"
urlpatterns: list = []
