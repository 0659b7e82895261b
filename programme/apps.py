from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDevicesConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDevicesConfig


class ProgrammeConfig(AppConfig):
    # The one of this module's configs that Django picks for "programme".
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "programme"
    verbose_name = _("Programmes")


# The third-party apps' sections of the Django admin, named in the reader's language: their
# own configs carry no name or an untranslated one.  Listed in INSTALLED_APPS in their place.
# (rest_framework.authtoken must keep its own dotted name there; its "Auth Token" is
# translated in our catalogue instead.)


class LoginAttemptsConfig(AxesAppConfig):
    default = False
    verbose_name = _("Login attempts")


class AuthenticatorAppsConfig(TotpDevicesConfig):
    default = False
    verbose_name = _("Two-factor login: authenticator apps")


class BackupCodesConfig(StaticDevicesConfig):
    default = False
    verbose_name = _("Two-factor login: backup codes")
