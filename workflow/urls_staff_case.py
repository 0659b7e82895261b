"""The staff case page and the adviser's actions (under ``/saksbehandling/sak/``).  Every
action is a POST on the case's reference (``NUP-2026-011``)."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import staff_actions, staff_case

app_name = "staff"
urlpatterns = [
    path("<reference:reference>/", staff_case.case_detail, name="case_detail"),
    path("<reference:reference>/ta/", staff_actions.case_take, name="case_take"),
    path("<reference:reference>/kartlegging/", staff_actions.screening_save, name="screening_save"),
    path("<reference:reference>/returner/", staff_actions.case_return, name="case_return"),
    path("<reference:reference>/avvis/", staff_actions.case_dismiss, name="case_dismiss"),
    path("<reference:reference>/innstilling/", staff_actions.recommendation_record, name="recommendation_record"),
    path("<reference:reference>/gjenopprett/", staff_actions.case_reopen, name="case_reopen"),
    path("<reference:reference>/inhabilitet/", staff_actions.conflict_declare, name="conflict_declare"),
    path("<reference:reference>/notat/", staff_actions.case_note_add, name="case_note_add"),
]
