"""The administrator's pages (under ``/administrasjon/<programme code>/``).  Each page and
action exists only for the programme's administrators; for everyone else it is a 404."""

from django.urls import path

from workflow.views import admin_budget, admin_outcomes, admin_payments, admin_register

app_name = "staff_admin"
urlpatterns = [
    path("<str:code>/budsjett/", admin_budget.budget_latest, name="budget_latest"),
    path("<str:code>/budsjett/<int:year>/", admin_budget.budget, name="budget"),
    path("<str:code>/utbetalinger/", admin_payments.payments, name="payments"),
    path("<str:code>/utbetalinger/<int:pk>/registrer/", admin_payments.payment_register, name="payment_register"),
    path(
        "<str:code>/utbetalinger/<int:pk>/avvis/", admin_payments.payment_request_refuse, name="payment_request_refuse"
    ),
    path(
        "<str:code>/utbetalinger/<int:pk>/returner-sluttrapport/",
        admin_payments.final_report_return,
        name="final_report_return",
    ),
    path("<str:code>/offentlig-register/", admin_register.public_register, name="public_register"),
    path(
        "<str:code>/offentlig-register/<int:pk>/registrert/",
        admin_register.public_register_mark,
        name="public_register_mark",
    ),
    path("<str:code>/jobber/", admin_outcomes.job_outcomes, name="job_outcomes"),
    path("<str:code>/jobber/<int:pk>/rapport/", admin_outcomes.job_report_on_behalf, name="job_report_on_behalf"),
]
