"""The administrator's pages (under ``/administrasjon/<programme code>/``).  Each page and
action exists only for the programme's administrators; for everyone else it is a 404."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import (
    admin_budget,
    admin_evaluations,
    admin_import,
    admin_outcomes,
    admin_payments,
    admin_register,
)

app_name = "staff_admin"
urlpatterns = [
    path("<code:code>/budsjett/", admin_budget.budget_latest, name="budget_latest"),
    path("<code:code>/budsjett/<int:year>/", admin_budget.budget, name="budget"),
    path("<code:code>/budsjett/nytt-ar/", admin_budget.budget_year_add, name="budget_year_add"),
    path("<code:code>/utbetalinger/", admin_payments.payments, name="payments"),
    path(
        "<code:code>/utbetalinger/eksport.<str:fmt>/",
        admin_payments.payments_export,
        name="payments_export",
    ),
    path(
        "<code:code>/utbetalinger/<int:pk>/registrer/",
        admin_payments.payment_register,
        name="payment_register",
    ),
    path(
        "<code:code>/utbetalinger/<int:pk>/avvis/",
        admin_payments.payment_request_refuse,
        name="payment_request_refuse",
    ),
    path(
        "<code:code>/utbetalinger/<int:pk>/returner-sluttrapport/",
        admin_payments.final_report_return,
        name="final_report_return",
    ),
    path("<code:code>/offentlig-register/", admin_register.public_register, name="public_register"),
    path(
        "<code:code>/offentlig-register/eksport.<str:fmt>/",
        admin_register.public_register_export,
        name="public_register_export",
    ),
    path(
        "<code:code>/offentlig-register/<int:pk>/registrert/",
        admin_register.public_register_mark,
        name="public_register_mark",
    ),
    path("<code:code>/jobber/", admin_outcomes.job_outcomes, name="job_outcomes"),
    path("<code:code>/jobber/eksport.<str:fmt>/", admin_outcomes.job_reports_export, name="job_reports_export"),
    path(
        "<code:code>/jobber/<int:pk>/rapport/",
        admin_outcomes.job_report_on_behalf,
        name="job_report_on_behalf",
    ),
    path("<code:code>/evaluering/", admin_evaluations.evaluations, name="evaluations"),
    path("<code:code>/evaluering/<int:pk>/", admin_evaluations.evaluation, name="evaluation"),
    path(
        "<code:code>/evaluering/<int:pk>/status/",
        admin_evaluations.evaluation_status,
        name="evaluation_status",
    ),
    path("<code:code>/evaluering/<int:pk>/pdf/", admin_evaluations.evaluation_pdf, name="evaluation_pdf"),
    path("<code:code>/evaluering/<int:pk>/json/", admin_evaluations.evaluation_json, name="evaluation_json"),
    path("<code:code>/import/", admin_import.portfolio_import_page, name="portfolio_import"),
]
