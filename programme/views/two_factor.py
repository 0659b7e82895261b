"""Two-factor login: the code step after the password, and the staff's pages to turn it on
(QR code, secret as text, a code to confirm), see the backup codes once, make new ones, and
turn it off again.

The password step (``accounts.LoginView``) does not log a person with a device in: it keeps
who they are in the session for ``PENDING_SECONDS`` and sends them here.  Only a valid code
logs the session in and marks it verified (django-otp's ``otp_login``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from programme import services_two_factor as two_factor
from programme.errors import RuleViolation
from programme.forms_two_factor import CodeForm, SetupCodeForm
from programme.models import User
from programme.views.language import language_use

# Between the password and the code: long enough to open the app, short enough that a
# forgotten half-login on a shared computer does not wait for the next person.
PENDING_SECONDS = 5 * 60
# Wrong codes in one login before the password is asked for again (django-otp also slows
# every guess down after a wrong one).
PENDING_TRIES = 5
PENDING_KEY = "two_factor_pending"
SETUP_SECRET_KEY = "two_factor_setup_secret"  # noqa: S105 (a session key, not a secret)
BACKUP_CODES_KEY = "two_factor_backup_codes"


# The code step of the login


def code_step_begin(request: HttpRequest, user: User, *, next_url: str) -> HttpResponse:
    """Called by the login view once the password is right, for a person with a device."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "since": timezone.now().timestamp(),
        "next": next_url,
        "tries": 0,
    }
    return redirect("login_code")


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if timezone.now().timestamp() - pending["since"] > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        messages.warning(request, _("The time to type the code ran out. Log in again."))
        return None
    return pending


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def login_code(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        del request.session[PENDING_KEY]
        return redirect("login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.two_factor_code_check(user=user, code=form.cleaned_data["code"])
        except RuleViolation as refused:
            # A code refused only for coming too soon after a wrong one is not another guess.
            pending["tries"] += refused.code != "throttled"
            if pending["tries"] >= PENDING_TRIES:
                del request.session[PENDING_KEY]
                messages.error(request, _("Too many wrong codes. Log in again with your password."))
                return redirect("login")
            request.session[PENDING_KEY] = pending
            form.add_error("code", refused.message)
        else:
            del request.session[PENDING_KEY]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            if device.model_label() == "otp_static.staticdevice":
                messages.warning(
                    request,
                    _("You logged in with a backup code, which cannot be used again. Codes left: %(count)s.")
                    % {"count": device.token_set.count()},
                )
            response = HttpResponseRedirect(_safe_next(request, pending["next"]))
            return language_use(request, response, user.language)
    return render(request, "programme/two_factor/login_code.html", {"form": form})


# The staff's pages on the account


def _staff_only(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not (two_factor.is_staff_person(user) or two_factor.has_two_factor(user)):
        raise Http404
    return user


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    if two_factor.has_two_factor(user):
        messages.info(request, _("Two-factor login is already on."))
        return redirect("account")
    secret = request.session.get(SETUP_SECRET_KEY) or two_factor.secret_new()
    request.session[SETUP_SECRET_KEY] = secret
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.two_factor_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        except RuleViolation as refused:
            form.add_error("code", refused.message)
        else:
            del request.session[SETUP_SECRET_KEY]
            # This session has just shown a code: it counts as verified.
            otp_login(request, device)
            request.session[BACKUP_CODES_KEY] = codes
            messages.success(request, _("Two-factor login is on. From now on you give a code after the password."))
            return redirect("two_factor_backup_codes")
    context = {
        "form": form,
        "qr_svg": two_factor.setup_qr_svg(user=user, secret=secret),
        "secret_text": two_factor.secret_for_typing(secret),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "programme/two_factor/setup.html", context)


@login_required
@require_GET
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes, once: they leave the session as the page is drawn."""
    _staff_only(request)
    codes = request.session.pop(BACKUP_CODES_KEY, None)
    if not codes:
        messages.info(request, _("Backup codes are shown only once. You can make new ones below."))
        return redirect("account")
    shown = [f"{code[:5]} {code[5:]}" for code in codes]
    response = render(request, "programme/two_factor/backup_codes.html", {"codes": shown})
    # Not kept by the browser's cache or back button.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    if not two_factor.has_two_factor(user):
        messages.info(request, _("Two-factor login is off."))
        return redirect("account")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_backup_codes_renew(user=user, code=form.cleaned_data["code"])
        except RuleViolation as refused:
            form.add_error("code", refused.message)
        else:
            request.session[BACKUP_CODES_KEY] = codes
            return redirect("two_factor_backup_codes")
    return render(request, "programme/two_factor/renew.html", {"form": form})


@login_required
def disable(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    if not two_factor.has_two_factor(user):
        messages.info(request, _("Two-factor login is off."))
        return redirect("account")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.two_factor_disable(user=user, code=form.cleaned_data["code"])
        except RuleViolation as refused:
            form.add_error("code", refused.message)
        else:
            messages.success(request, _("Two-factor login is off. You log in with the password alone."))
            return redirect("account")
    return render(request, "programme/two_factor/disable.html", {"form": form})
