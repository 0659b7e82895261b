"""Django's admin for a site with two-factor login.

The admin's own login page would log a person in with the password alone, so it sends people
to the site's login (password, then the code).  And a session that has not given a code is
refused the admin when the person has a device: one logged in before turning two-factor
login on, in another browser, must log in again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _


class AdminConfig(DjangoAdminConfig):
    default_site = "programme.admin_site.AdminSite"


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here, as below: Django loads this module (the app's config) before the models.
        from programme.services_two_factor import session_is_verified

        return super().has_permission(request) and session_is_verified(request.user)  # type: ignore[arg-type]

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active and not user.is_staff:
            # Logging in again would not help: say so instead of sending them round in a circle.
            message = _("Your account does not give access to the administration pages.")
            html = render_to_string("refused.html", {"message": message}, request=request)
            return HttpResponse(html, status=403)
        if user.is_authenticated:
            messages.info(
                request, _("Log in again with the code from your authenticator app to open the administration pages.")
            )
        from django.contrib.auth.views import redirect_to_login

        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, login_url=reverse("login"))
