"""/api/: the resources, the token endpoint, the OpenAPI schema and its docs (assets from
drf-spectacular-sidecar, no CDN)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from workflow.api import views, views_cases

app_name = "api"

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("budget-years", views.BudgetYearViewSet, basename="budget-year")
router.register("cases", views_cases.CaseViewSet, basename="case")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

_case = rf"^cases/(?P<reference>{views_cases.REFERENCE_PATTERN})/"

urlpatterns = [
    path("token/", obtain_auth_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(rf"{_case}timeline/$", views_cases.TimelineView.as_view(), name="case-timeline"),
    re_path(rf"{_case}decisions/$", views_cases.DecisionsView.as_view(), name="case-decisions"),
    re_path(rf"{_case}payments/$", views_cases.PaymentsView.as_view(), name="case-payments"),
    re_path(rf"{_case}job-reports/$", views_cases.JobReportsView.as_view(), name="case-job-reports"),
    *router.urls,
]
