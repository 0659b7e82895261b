"""Public pages (under ``/offentlig/``): no login needed."""

from django.urls import path

from workflow.views import public

app_name = "public"
urlpatterns = [
    path("tilskudd/", public.granted_support_list, name="granted_support"),
    path("tilskudd.csv", public.granted_support_csv, name="granted_support_csv"),
    path("tilskudd.xlsx", public.granted_support_xlsx, name="granted_support_xlsx"),
]
