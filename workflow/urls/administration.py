"""The administrator's pages (under ``/administrasjon/<programme code>/``), one URL module per
feature, under one namespace (``staff_admin``).  Each page and action exists only for the
programme's administrators; for everyone else it is a 404."""

from workflow.urls import budget, evaluation, outcomes, payments, portfolio_import, register

app_name = "staff_admin"
urlpatterns = [
    *budget.urlpatterns,
    *payments.urlpatterns,
    *register.urlpatterns,
    *outcomes.urlpatterns,
    *evaluation.urlpatterns,
    *portfolio_import.urlpatterns,
]
