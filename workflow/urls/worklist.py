"""The case worklist of advisers and administrators (under ``/saksbehandling/``)."""

from django.urls import path

from workflow.views import worklist

app_name = "worklist"
urlpatterns = [
    path("", worklist.worklist, name="list"),
    path("eksport.<str:fmt>/", worklist.worklist_export, name="export"),
]
