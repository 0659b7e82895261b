"""The payments page (administrators): requests to decide, payments to register, the export.

Included by ``workflow.urls.administration`` under its namespace."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import payments

urlpatterns = [
    path("<code:code>/utbetalinger/", payments.payments, name="payments"),
    path(
        "<code:code>/utbetalinger/eksport.<str:fmt>/",
        payments.payments_export,
        name="payments_export",
    ),
    path(
        "<code:code>/utbetalinger/<int:pk>/registrer/",
        payments.payment_register,
        name="payment_register",
    ),
    path(
        "<code:code>/utbetalinger/<int:pk>/avvis/",
        payments.payment_request_refuse,
        name="payment_request_refuse",
    ),
    path(
        "<code:code>/utbetalinger/<int:pk>/returner-sluttrapport/",
        payments.final_report_return,
        name="final_report_return",
    ),
]
