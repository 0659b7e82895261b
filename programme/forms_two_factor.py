"""The one field every two-factor page asks for: a code from the authenticator app (or, when
logging in and turning it off, a backup code).

``autocomplete="one-time-code"`` lets phones offer the code, ``inputmode="numeric"`` gives the
number keyboard (the backup codes are digits too); no ``pattern``, since people type spaces."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.forms import DesignsystemetForm

CODE_MAX_LENGTH = 24


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
                "size": "14",
            }
        ),
        error_messages={
            "required": _("Type the code."),
            "max_length": _("The code is too long. Type the six digits from the app, or a backup code."),
        },
    )


class SetupCodeForm(DesignsystemetForm):
    """Confirms that the app has been set up: only a code it shows turns two-factor login on."""

    code = _code_field(_("Code from the app"), _("Six digits. The app shows a new code every 30 seconds."))


class CodeForm(DesignsystemetForm):
    """A code from the app, or one of the backup codes (when logging in, or to turn it off)."""

    code = _code_field(
        _("Code from the authenticator app, or a backup code"),
        _("Six digits from the app, or one of your ten-digit backup codes. Each backup code works once."),
    )
