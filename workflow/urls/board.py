"""The board's meetings, agendas, decisions and documents (under ``/styre/``)."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import board

app_name = "board"
_meeting = "<code:code>/mote/<int:pk>/"
_case = _meeting + "sak/<reference:reference>/vedtak/"
urlpatterns = [
    path("<code:code>/", board.meetings, name="meetings"),
    path(_meeting, board.meeting, name="meeting"),
    path(_meeting + "medlemmer/", board.meeting_members, name="meeting_members"),
    path(_meeting + "saksliste/", board.agenda_add, name="agenda_add"),
    path(_meeting + "saksliste/<int:item_pk>/flytt/", board.agenda_move, name="agenda_move"),
    path(_case + "innvilg/", board.decision_approve, name="decision_approve"),
    path(_case + "avsla/", board.decision_reject, name="decision_reject"),
    path(_case + "utsett/", board.decision_defer, name="decision_defer"),
    path(_meeting + "dokumenter/", board.documents, name="documents"),
    path(_meeting + "dokumenter/lag/", board.document_make, name="document_make"),
    path(_meeting + "dokumenter/<int:document_pk>/", board.document_download, name="document_download"),
]
