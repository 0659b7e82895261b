"""The staff case page and the adviser's actions (under ``/saksbehandling/sak/``).  Every
action is a POST on the case's reference (``NUP-2026-011``)."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import case

app_name = "staff"
urlpatterns = [
    path("<reference:reference>/", case.case_detail, name="case_detail"),
    path("<reference:reference>/ta/", case.case_take, name="case_take"),
    path("<reference:reference>/kartlegging/", case.screening_save, name="screening_save"),
    path("<reference:reference>/returner/", case.case_return, name="case_return"),
    path("<reference:reference>/avvis/", case.case_dismiss, name="case_dismiss"),
    path("<reference:reference>/innstilling/", case.recommendation_record, name="recommendation_record"),
    path("<reference:reference>/gjenopprett/", case.case_reopen, name="case_reopen"),
    path("<reference:reference>/inhabilitet/", case.conflict_declare, name="conflict_declare"),
    path("<reference:reference>/notat/", case.case_note_add, name="case_note_add"),
]
