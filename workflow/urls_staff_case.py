"""The staff case page and the adviser's actions (under ``/saksbehandling/sak/``)."""

from django.urls import path

from workflow.views import staff_case

app_name = "staff"
urlpatterns = [
    path("<reference:reference>/", staff_case.case_detail, name="case_detail"),
]
