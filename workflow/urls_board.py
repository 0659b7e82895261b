"""The board's meetings, agendas, decisions and documents (under ``/styre/``)."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import board_decisions, board_meetings

app_name = "board"
_meeting = "<code:code>/mote/<int:pk>/"
_case = _meeting + "sak/<reference:reference>/vedtak/"
urlpatterns = [
    path("<code:code>/", board_meetings.meetings, name="meetings"),
    path(_meeting, board_meetings.meeting, name="meeting"),
    path(_meeting + "medlemmer/", board_meetings.meeting_members, name="meeting_members"),
    path(_meeting + "saksliste/", board_meetings.agenda_add, name="agenda_add"),
    path(_meeting + "saksliste/<int:item_pk>/flytt/", board_meetings.agenda_move, name="agenda_move"),
    path(_case + "innvilg/", board_decisions.decision_approve, name="decision_approve"),
    path(_case + "avsla/", board_decisions.decision_reject, name="decision_reject"),
    path(_case + "utsett/", board_decisions.decision_defer, name="decision_defer"),
    path(_meeting + "dokumenter/", board_meetings.documents, name="documents"),
    path(_meeting + "dokumenter/lag/", board_meetings.document_make, name="document_make"),
    path(_meeting + "dokumenter/<int:document_pk>/", board_meetings.document_download, name="document_download"),
]
