"""The case pages (under ``/saker/``).  The applicant's case page and its actions take the
case reference (``NUP-2026-011``); downloads take the file's id."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import applicant, files

app_name = "workflow"
urlpatterns = [
    path("", applicant.my_cases, name="my_cases"),
    path("soknad/<int:pk>/send-inn/", applicant.application_submit, name="application_submit"),
    path("vedlegg/<int:pk>/", files.attachment_download, name="attachment_download"),
    path("dokument/<int:pk>/", files.case_file_download, name="case_file_download"),
    path("<reference:reference>/", applicant.case_detail, name="case_detail"),
    path("<reference:reference>/send-inn-igjen/", applicant.case_resubmit, name="case_resubmit"),
    path("<reference:reference>/trekk-tilbake/", applicant.case_withdraw, name="case_withdraw"),
    path("<reference:reference>/tilsagn/godta/", applicant.offer_accept, name="offer_accept"),
    path("<reference:reference>/tilsagn/avsla/", applicant.offer_decline, name="offer_decline"),
    path("<reference:reference>/utbetaling/", applicant.payment_request_create, name="payment_request_create"),
    path("<reference:reference>/sluttrapport/", applicant.final_report_file, name="final_report_file"),
    path("<reference:reference>/jobbrapport/", applicant.job_report_file, name="job_report_file"),
    path("<reference:reference>/klage/", applicant.case_appeal, name="case_appeal"),
]
