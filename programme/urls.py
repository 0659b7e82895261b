"""Top-level URLs.  The apps are included by dotted string (see DESIGN.md: dependencies)."""

from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from programme.views import errors, language
from programme.views.home import home


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for docker-compose and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", home, name="home"),
    path("", include("programme.urls_accounts")),
    # The language button (Django's set_language, and the choice kept on the account).
    path("i18n/setlang/", language.language_switch, name="set_language"),
    path("bedrift/", include("applications.urls")),
    path("saker/", include("workflow.urls.applicant")),
    path("saksbehandling/sak/", include("workflow.urls.case")),
    path("saksbehandling/", include("workflow.urls.worklist")),
    path("styre/", include("workflow.urls.board")),
    path("administrasjon/", include("workflow.urls.administration")),
    path("offentlig/", include("workflow.urls.public")),
    path("varsler/", include("workflow.urls.notifications")),
    path("api/", include("workflow.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]

# A database that refuses connections answers 503 with a plain page (DEBUG off).
handler500 = errors.handler500
