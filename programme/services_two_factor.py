"""Two-factor login (tofaktorinnlogging) for staff: a code from an authenticator app (TOTP)
after the password, with ten one-time backup codes for the day the phone is lost.

The devices are django-otp's: a confirmed ``TOTPDevice`` is the app, a ``StaticDevice`` holds
the backup codes.  Only a confirmed device counts; a person has either both or neither.  The
secret of an app being set up lives in the session until the person has typed a correct code,
so that no half-made device is ever stored.
"""

from __future__ import annotations

import logging
import secrets
import time
from base64 import b32encode
from binascii import Error as BinasciiError
from binascii import unhexlify
from dataclasses import dataclass

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from programme.errors import RuleViolation
from programme.locking import lock_objects
from programme.models import User

log = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
# Ten digits: typed on the same numeric keyboard as the app's six, and told apart by length.
BACKUP_CODE_DIGITS = 10
APP_DEVICE_NAME = "Autentiseringsapp"
BACKUP_DEVICE_NAME = "Reservekoder"


@dataclass(frozen=True)
class TwoFactorStatus:
    """What the account page shows: whether it is on, and how many backup codes are left.

    ``offered`` covers the site's staff and those who have it on; the page adds the programme
    roles from the menu, which has read them already (no second query for the same thing)."""

    offered: bool
    on: bool
    backup_codes_left: int


def is_staff_person(user: User) -> bool:
    """Advisers, board members and administrators of a programme, and the site's staff."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or user.staff_roles.exists())


def has_two_factor(user: User) -> bool:
    """The person has a confirmed device, so the password alone does not let them in."""
    return user.is_authenticated and user_has_device(user, confirmed=True)


def must_turn_on(user: User) -> bool:
    """The person has a role in a programme whose administrator requires two-factor login of
    its staff, and has not turned it on yet."""
    if not user.is_authenticated or has_two_factor(user):
        return False
    return user.staff_roles.filter(programme__staff_two_factor_required=True).exists()


def session_is_verified(user: User) -> bool:
    """This session has been confirmed with a code, or the person has no second factor."""
    is_verified = getattr(user, "is_verified", None)
    return not has_two_factor(user) or bool(is_verified and is_verified())


def two_factor_status(*, user: User) -> TwoFactorStatus:
    on = has_two_factor(user)
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count() if on else 0
    # One who has left the staff but still has it on may still turn it off.
    return TwoFactorStatus(offered=on or user.is_staff or user.is_superuser, on=on, backup_codes_left=left)


# Setting up the app


def secret_new() -> str:
    """A new secret for an authenticator app: 20 random bytes, hex-encoded as django-otp keeps it."""
    return random_hex(20)


def _app_device(user: User, secret: str) -> TOTPDevice:
    return TOTPDevice(user=user, key=secret, name=APP_DEVICE_NAME, confirmed=False)


def secret_for_typing(secret: str) -> str:
    """The secret in base32, in groups of four, as the apps ask for it when it is typed."""
    text = b32encode(unhexlify(secret)).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_qr_svg(*, user: User, secret: str) -> SafeString:
    """The otpauth address as a QR code, an inline SVG drawn on the server (no script, no
    external service).  Its accessible name comes from the title; the page also shows the
    secret as text for those who cannot scan."""
    qr = segno.make(_app_device(user, secret).config_url, error="m")
    title = _("QR code for your authenticator app")
    svg = qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title, svgclass="np-qr", omitsize=True)
    # A viewBox without a fixed size: app.css sizes it to the screen.  segno escapes the title;
    # the rest is paths drawn from the code's modules, with no text.
    return SafeString(svg.replace("<svg ", '<svg role="img" ', 1))


def _totp_matches(device: TOTPDevice, code: str) -> int | None:
    """The time step of ``code`` if it is one of the app's current codes (one step either way)."""
    if not (code.isdigit() and len(code) == device.digits):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), device.tolerance) else None


def normalise_code(code: str) -> str:
    """People type codes with spaces or dashes (as the backup codes are printed)."""
    return "".join(ch for ch in code if ch not in " -\t").lower()


def _backup_codes_make(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**BACKUP_CODE_DIGITS):0{BACKUP_CODE_DIGITS}d}" for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_enable(*, user: User, secret: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor login on with the app set up from ``secret``, once the person has typed
    a code it shows; returns the device and the ten backup codes (shown once, never again)."""
    if not is_staff_person(user):
        raise RuleViolation(_("Two-factor login is for the programmes' staff."), code="not_staff")
    try:
        device = _app_device(user, secret)
        device.bin_key  # noqa: B018 (a malformed secret fails here, not in the database)
    except (BinasciiError, ValueError, TypeError):
        raise RuleViolation(_("The setup has expired. Start again."), code="secret") from None
    step = _totp_matches(device, normalise_code(code))
    if step is None:
        raise RuleViolation(
            _("The code is wrong. Type the six digits the app shows now for Næringsprogram."), code="code"
        )
    with transaction.atomic():
        # One setup at a time for a person: a second tab cannot make a second app.
        lock_objects(user)
        if has_two_factor(user):
            raise RuleViolation(_("Two-factor login is already on."), code="already_on")
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.last_t = step  # the code just used cannot be used again to log in
        device.save()
        codes = _backup_codes_make(user)
    log.info("two-factor login turned on for user %s", user.pk)
    return device, codes


# Checking a code


def two_factor_code_check(*, user: User, code: str) -> Device:
    """The device that accepts ``code`` (a code from the app, or a backup code, which is then
    used up); refuses a wrong code, and any code while the devices wait after wrong ones."""
    code = normalise_code(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        devices = [device for device in devices_for_user(user, for_verify=True) if isinstance(device, model)]
        checks = [(device, *device.verify_is_allowed()) for device in devices]
        allowed = [device for device, may_verify, _why in checks if may_verify]
        accepted = next((device for device in allowed if device.verify_token(code)), None)
    # Outside the transaction: the count of failed tries, which slows guessing, must stay.
    if accepted is not None:
        return accepted
    if devices and not allowed:
        # Each wrong code doubles the wait (django-otp): 1, 2, 4, 8 … seconds.
        until = min(why["locked_until"] for _device, _may, why in checks)
        raise RuleViolation(
            _("Too many wrong codes in a row. Try again with a new code after %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M:%S")},
            code="throttled",
        )
    raise RuleViolation(
        _("The code is wrong or has expired. Type the code the app shows now, or one of your backup codes."),
        code="code",
    )


# Backup codes and turning it off


def two_factor_backup_codes_renew(*, user: User, code: str) -> list[str]:
    """Ten new backup codes in place of the old ones, after a valid code."""
    two_factor_code_check(user=user, code=code)
    with transaction.atomic():
        lock_objects(user)
        if not has_two_factor(user):
            raise RuleViolation(_("Two-factor login is off."), code="off")
        codes = _backup_codes_make(user)
    log.info("new backup codes for user %s", user.pk)
    return codes


def two_factor_disable(*, user: User, code: str) -> None:
    """Turn two-factor login off after a valid code: the app and the backup codes are removed."""
    if not has_two_factor(user):
        raise RuleViolation(_("Two-factor login is off."), code="off")
    two_factor_code_check(user=user, code=code)
    with transaction.atomic():
        lock_objects(user)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    log.info("two-factor login turned off for user %s", user.pk)
