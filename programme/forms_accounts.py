"""Forms for signing up, logging in, the account page and the password pages.

They parse and check input for the page; the rules themselves live in ``programme.services``.
Django's own authentication forms get Designsystemet's look and the accessible error wiring
of ``programme.forms``, the ``autocomplete`` tokens password managers rely on, and no
``autofocus`` (it would skip the page's heading for a screen-reader user).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from programme.forms import DesignsystemetForm, describe_errors, style_fields
from programme.models import User
from programme.services import NAME_MAX_LENGTH

LANGUAGE_CHOICES = User._meta.get_field("language").choices


def _password_help_text() -> str:
    return " ".join(password_validation.password_validators_help_texts())


# Evaluated when the page is drawn, so that it follows the language of the request.
_password_help = lazy(_password_help_text, str)


def _email_field(**kwargs: Any) -> forms.EmailField:
    return forms.EmailField(
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the form name@example.no."),
        },
        **kwargs,
    )


def _name_field(label: str, autocomplete: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": required_message},
    )


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        initial="nb",
        help_text=_("The language of the pages and of the e-mails we send you."),
        error_messages={"invalid_choice": _("Choose Norwegian bokmål or English.")},
    )


class _Styled:
    """Designsystemet's look for Django's own forms, which do not inherit from ours."""

    def _style(self) -> None:
        style_fields(self)  # type: ignore[arg-type]
        for field in self.fields.values():  # type: ignore[attr-defined]
            field.widget.attrs.pop("autofocus", None)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        describe_errors(self)  # type: ignore[arg-type]


class SignupForm(DesignsystemetForm):
    email = _email_field(
        label=_("E-mail address"),
        help_text=_("We send a link to this address. You must open it before you can submit an application."),
    )
    first_name = _name_field(_("First name"), "given-name", _("Enter your first name."))
    last_name = _name_field(_("Last name"), "family-name", _("Enter your last name."))
    language = _language_field()
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_password_help(),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password once more.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password1")
        if password and data.get("password2") and password != data["password2"]:
            self.add_error("password2", _("The two passwords are not the same."))
        if password:
            person = User(
                email=data.get("email") or "",
                first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "",
            )
            try:
                password_validation.validate_password(password, user=person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AccountForm(DesignsystemetForm):
    first_name = _name_field(_("First name"), "given-name", _("Enter your first name."))
    last_name = _name_field(_("Last name"), "family-name", _("Enter your last name."))
    language = _language_field()


class NotificationMailForm(DesignsystemetForm):
    """Staff choose a mail for each notification or one daily digest (SPEC §8)."""

    IMMEDIATE, DIGEST = "immediate", "digest"
    mail = forms.ChoiceField(
        label=_("E-mail about notifications"),
        choices=[
            (IMMEDIATE, _("A mail for each notification, at once")),
            (DIGEST, _("One mail a day with all new notifications (daily digest, in the morning)")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how you want to receive notifications by e-mail."),
            "invalid_choice": _("Choose how you want to receive notifications by e-mail."),
        },
    )


class LoginForm(_Styled, auth_forms.AuthenticationForm):
    username = _email_field(label=_("E-mail address"))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. Check both and try again, or use “Forgotten your password?”."
        ),
        "inactive": _("This account is closed. Contact the programme's administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self._style()

    def clean_username(self) -> str:
        # Addresses are stored in lower case; find the account however the person typed it.
        typed = self.cleaned_data["username"]
        stored = User.objects.filter(email__iexact=typed).values_list("email", flat=True).first()
        return stored or typed.lower()


class PasswordResetForm(_Styled, auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"] = _email_field(label=_("E-mail address"))
        self._style()


class SetPasswordForm(_Styled, auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _password_help()
        self.fields["new_password2"].label = _("Repeat the new password")
        self._style()


class PasswordChangeForm(_Styled, auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Your present password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _password_help()
        self.fields["new_password2"].label = _("Repeat the new password")
        self._style()
