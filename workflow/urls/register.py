"""The Register for offentlig støtte page (administrators): awards to record, and the export.

Included by ``workflow.urls.administration`` under its namespace."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import register

urlpatterns = [
    path("<code:code>/offentlig-register/", register.public_register, name="public_register"),
    path(
        "<code:code>/offentlig-register/eksport.<str:fmt>/",
        register.public_register_export,
        name="public_register_export",
    ),
    path(
        "<code:code>/offentlig-register/<int:pk>/registrert/",
        register.public_register_mark,
        name="public_register_mark",
    ),
]
