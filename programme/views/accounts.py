"""The person's own account: sign up, confirm the e-mail address, log in and out, reset or
change the password, and the account page (name and language)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programme import services, services_two_factor
from programme.errors import RuleViolation
from programme.forms_accounts import (
    AccountForm,
    LoginForm,
    NotificationMailForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignupForm,
)
from programme.middleware_two_factor import required_mark
from programme.models import User
from programme.views import two_factor
from programme.views.language import language_use

# Two authentication backends are configured (rules for objects, ModelBackend for passwords);
# logging a person in without a password has to name the one that knows them.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 (a class path, not a secret)

# Where a rule refused by a service is shown in the form.
FIELD_OF_RULE = {
    "email": "email",
    "email_taken": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "language": "language",
    "password": "password1",
}


def _next_url(request: HttpRequest) -> str:
    """Where the person was going (``next``, carried by the form or in the address), if it is a
    page of this site; anything else is dropped, so that a link cannot send people elsewhere."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("account")
    next_url = _next_url(request)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
            )
        except RuleViolation as refused:
            form.add_error(FIELD_OF_RULE.get(refused.code), refused.message)
        else:
            login(request, user, backend=PASSWORD_BACKEND)
            # Not ``redirect()``: it would take a ``next`` without a slash for the name of a URL.
            response = HttpResponseRedirect(next_url) if next_url else redirect("applications:companies")
            language_use(request, response, user.language)
            messages.success(request, _("Your account has been created, and you are logged in."))
            messages.warning(
                request,
                _(
                    "We have sent an e-mail to %(email)s. Open the link in it to confirm your e-mail address: "
                    "you must do that before you can submit an application."
                )
                % {"email": user.email},
            )
            return response
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail.  It also logs the person in, but only the first
    time it is followed, so that a forwarded or stored link is not a key to the account."""
    try:
        before = services.verification_token_read(token=token)
        user = services.user_verify_email(token=token)
    except RuleViolation as refused:
        context = {"message": refused.message}
        return render(request, "programme/account_verification_failed.html", context, status=400)

    if before.email_verified:
        messages.info(request, _("Your e-mail address %(email)s was already confirmed.") % {"email": user.email})
    else:
        messages.success(
            request,
            _("Thank you. Your e-mail address %(email)s is confirmed, and you can submit applications.")
            % {"email": user.email},
        )
    # A person with two-factor login logs in with the code, never by a link alone.
    first_time = not before.email_verified and not services_two_factor.has_two_factor(user)
    if not request.user.is_authenticated and first_time and user.is_active:
        login(request, user, backend=PASSWORD_BACKEND)
    if request.user.is_authenticated:
        # A redirect, so that the token does not stay in the address bar or in a Referer header.
        return redirect("applications:companies")
    return redirect("login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        services.user_resend_verification(user=user)
    except RuleViolation as refused:
        messages.warning(request, refused.message)
    else:
        messages.success(
            request,
            _("We have sent a new link to %(email)s. It is valid for three days.") % {"email": user.email},
        )
    return redirect("account")


def _mail_choice(request: HttpRequest, user: User) -> tuple[NotificationMailForm, bool]:
    """The choice of immediate mails or a daily digest: (the form, whether it was saved).

    The page shows it to staff only (the menu already knows the roles, at no extra query);
    the service refuses the digest to anyone else."""
    posted = request.method == "POST" and request.POST.get("section") == "notifications"
    initial = {"mail": NotificationMailForm.DIGEST if user.daily_digest else NotificationMailForm.IMMEDIATE}
    form = NotificationMailForm(request.POST if posted else None, initial=initial, prefix="notifications")
    if not (posted and form.is_valid()):
        return form, False
    try:
        services.user_daily_digest_set(user=user, daily_digest=form.cleaned_data["mail"] == NotificationMailForm.DIGEST)
    except RuleViolation as refused:
        form.add_error("mail", refused.message)
        return form, False
    return form, True


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    mail_form, mail_saved = _mail_choice(request, user)
    if mail_saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect("account")
    details_posted = request.method == "POST" and request.POST.get("section") != "notifications"
    initial = {"first_name": user.first_name, "last_name": user.last_name, "language": user.language}
    form = AccountForm(request.POST if details_posted else None, initial=initial)
    if details_posted and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update_profile(
                user=user, first_name=data["first_name"], last_name=data["last_name"], language=data["language"]
            )
        except RuleViolation as refused:
            form.add_error(FIELD_OF_RULE.get(refused.code), refused.message)
        else:
            response = redirect("account")
            language_use(request, response, user.language)
            messages.success(request, _("Your changes have been saved."))
            return response
    context = {
        "form": form,
        "account": user,
        "mail_form": mail_form,
        "two_factor": services_two_factor.two_factor_status(user=user),
    }
    return render(request, "programme/account.html", context)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"

    def form_valid(self, form: LoginForm) -> HttpResponse:
        if services_two_factor.has_two_factor(form.get_user()):
            # Not logged in yet: the code comes first (programme/views/two_factor.py).
            return two_factor.code_step_begin(self.request, form.get_user(), next_url=self.get_redirect_url())
        response = super().form_valid(form)
        # Staff of a programme that requires two-factor login turn it on first.
        required_mark(self.request, form.get_user())
        # The pages speak the language the person chose on the account page.
        return language_use(self.request, response, form.get_user().language)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "programme/emails/password_reset_subject.txt"
    email_template_name = "programme/emails/password_reset.txt"
    html_email_template_name = "programme/emails/password_reset.html"

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        # The link goes to SITE_URL, not to whatever Host header the request came with.
        return {"site_name": "Næringsprogram", "site_url": settings.SITE_URL}

    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    # Not Django's default name: the admin site uses that one for its own page.
    template_name = "registration/account_password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponseRedirect:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response
