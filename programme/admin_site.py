"""Django's admin for a site with two-factor login, open to superusers and to programme
administrators.

A programme's administrators (a ``StaffRole`` of kind admin) manage their own programme's
configuration here: the programme's rules, its budget years with contributions and targets,
municipalities, focus areas and staff roles; they may look at (not change) its companies,
cases, offers, ledger rows and timeline.  Accounts, login records, tokens and two-factor
devices of every programme's people are the superusers' alone.  Django's model permissions
(groups) give nothing here: the role in the programme does.

The admin's own login page would log a person in with the password alone, so it sends people
to the site's login (password, then the code).  And a session that has not given a code is
refused the admin when the person has a device: one logged in before turning two-factor
login on, in another browser, must log in again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from programme.forms import number_formfield
from programme.money import nok_text
from programme.numbers import format_org_number

_ADMINISTERED = "_np_administered_programme_ids"


def administered_programme_ids(request: HttpRequest) -> frozenset[int]:
    """The programmes the request's person administers, read once per request."""
    user = request.user
    cached = getattr(request, _ADMINISTERED, None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    ids: frozenset[int] = frozenset()
    if user.is_authenticated and user.is_active:
        from programme.models import StaffRole

        ids = frozenset(
            StaffRole.objects.filter(user_id=user.pk, kind=StaffRole.Kind.ADMIN).values_list("programme_id", flat=True)
        )
    setattr(request, _ADMINISTERED, (user.pk, ids))
    return ids


def _may_enter(user: Any, request: HttpRequest) -> bool:
    return user.is_active and (user.is_staff or bool(administered_programme_ids(request)))


class ProgrammeScopedAdmin(BaseModelAdmin):
    """What a programme administrator may do with a model, and on which rows.

    ``programme_path`` leads from the model to its programme (``"pk"`` for the programme
    itself); the administrator sees only the rows of the programmes they administer, and
    may do what ``administrator_may`` lists.  Superusers may do what Django's admin allows."""

    programme_path = "programme"
    administrator_may: frozenset[str] = frozenset({"view"})

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Amounts and other decimals read and shown the Norwegian way, as on the site's pages.
        if isinstance(db_field, models.DecimalField):
            return number_formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _administrator_may(self, request: HttpRequest, action: str) -> bool:
        return action in self.administrator_may and bool(administered_programme_ids(request))

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.programme_path}__in": administered_programme_ids(request)})

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return self._administrator_may(request, "view") or self._administrator_may(request, "change")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # ``*args``: inlines are asked with the parent object, model admins without.
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        return self._administrator_may(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._administrator_may(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self._administrator_may(request, "delete")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or self.has_view_permission(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # An administrator chooses among their own programmes' rows only.
        if not request.user.is_superuser:
            scoped = _scoped_choices(db_field.related_model, request)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            scoped = _scoped_choices(db_field.related_model, request)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _scoped_choices(model: Any, request: HttpRequest) -> Any:
    from programme.models import Municipality, Programme

    ids = administered_programme_ids(request)
    if model is Programme:
        return Programme.objects.filter(pk__in=ids)
    if model is Municipality:
        return Municipality.objects.filter(programme_id__in=ids)
    return None


class AdminConfig(DjangoAdminConfig):
    default_site = "programme.admin_site.AdminSite"


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here, as below: Django loads this module (the app's config) before the models.
        from programme.services_two_factor import session_is_verified

        # Django's asks for ``is_staff``; a programme's administrator need not be staff of the site.
        return _may_enter(request.user, request) and session_is_verified(request.user)  # type: ignore[arg-type]

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active and not _may_enter(user, request):
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


def nok_column(model: type[models.Model], field_name: str) -> Any:
    """A list column showing an amount as the site's pages do (``1 250 000 kr``), not as
    Django's ``1250000,00``; sortable by the field."""
    field = model._meta.get_field(field_name)

    @admin.display(description=capfirst(field.verbose_name), ordering=field_name)
    def column(obj: models.Model) -> str:
        return nok_text(getattr(obj, field_name))

    column.__name__ = f"{field_name}_nok"
    return column


def org_number_column(path: str = "org_number") -> Any:
    """A list column showing an organisation number in groups of three (``948 009 943``)."""

    @admin.display(description=_lazy("organisation number"), ordering=path.replace(".", "__"))
    def column(obj: models.Model) -> str:
        value: Any = obj
        for step in path.split("."):
            value = getattr(value, step)
        return format_org_number(value)

    column.__name__ = "org_number_spaced"
    return column
