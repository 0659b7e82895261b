"""Every write on people: sign-up, confirming the e-mail address, the account's own settings.

The e-mail that confirms an address carries a signed token (``django.core.signing``, i.e.
``TimestampSigner``) bound to the person and the address; it is valid for three days and
needs no table of its own.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from programme.errors import RuleViolation
from programme.models import User

logger = logging.getLogger(__name__)

VERIFICATION_SALT = "programme.email-verification"
VERIFICATION_VALID_FOR = timedelta(days=3)
# One confirmation mail a minute per person is plenty; more is someone pressing "send again"
# at a mailbox that is not theirs.
VERIFICATION_RESEND_INTERVAL_SECONDS = 60
NAME_MAX_LENGTH = 150


def _language_codes() -> set[str]:
    return {code for code, _name in User._meta.get_field("language").choices}


def _email_clean(email: str) -> str:
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise RuleViolation(_("Enter an e-mail address in the form name@example.no."), code="email") from error
    if len(address) > User._meta.get_field("email").max_length:
        raise RuleViolation(_("The e-mail address is too long."), code="email")
    return address


def _name_clean(value: str, *, code: str, missing: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise RuleViolation(missing, code=code)
    if len(name) > NAME_MAX_LENGTH:
        raise RuleViolation(
            _("A name can have at most %(max)d characters.") % {"max": NAME_MAX_LENGTH},
            code=code,
        )
    return name


def _language_clean(language: str) -> str:
    if language not in _language_codes():
        raise RuleViolation(_("Choose Norwegian bokmål or English."), code="language")
    return language


def _site_url(site_url: str | None) -> str:
    # SITE_URL, which the settings require in production, unless a caller names another.
    return (site_url or settings.SITE_URL).rstrip("/")


def _email_taken() -> RuleViolation:
    return RuleViolation(
        _(
            "There is already an account with this e-mail address. "
            "Log in, or use “Forgotten your password?” if you do not remember the password."
        ),
        code="email_taken",
    )


def user_register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    language: str = "nb",
    site_url: str | None = None,
) -> User:
    """Create an applicant's account: active, with the e-mail address not yet confirmed, and
    send (once the account is saved) the link that confirms the address, in the person's
    language.  ``site_url`` is the scheme and host the link points at."""
    address = _email_clean(email)
    first_name = _name_clean(first_name, code="first_name", missing=_("Enter your first name."))
    last_name = _name_clean(last_name, code="last_name", missing=_("Enter your last name."))
    language = _language_clean(language)
    try:
        password_validation.validate_password(
            password, user=User(email=address, first_name=first_name, last_name=last_name)
        )
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), code="password") from error

    if User.objects.filter(email__iexact=address).exists():
        raise _email_taken()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=address,
                password=password,
                first_name=first_name,
                last_name=last_name,
                language=language,
                email_verified=False,
                is_active=True,
            )
            _verification_mail_enqueue(user_id=user.pk, site_url=_site_url(site_url))
    except IntegrityError as error:
        # Two sign-ups with the same address at the same moment: the unique index decides.
        raise _email_taken() from error
    return user


def user_resend_verification(*, user: User, site_url: str | None = None) -> None:
    """Send the confirmation link again to a person whose address is not yet confirmed."""
    if user.email_verified:
        raise RuleViolation(_("Your e-mail address is already confirmed."), code="already_verified")
    if cache.get(_resend_key(user.pk)):
        raise RuleViolation(
            _(
                "We sent you a link less than a minute ago. Look for it in your inbox and your spam folder "
                "before you ask for a new one."
            ),
            code="too_soon",
        )
    _verification_mail_enqueue(user_id=user.pk, site_url=_site_url(site_url))


def verification_token_make(*, user: User) -> str:
    """A signed, URL-safe token for confirming ``user``'s present e-mail address."""
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=VERIFICATION_SALT)


def verification_token_read(*, token: str) -> User:
    """The person a confirmation token was made for; refuses a forged, expired or outdated one."""
    try:
        payload = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_VALID_FOR)
    except signing.SignatureExpired as error:
        raise RuleViolation(
            _(
                "The confirmation link has expired: a link is valid for three days. "
                "Log in and ask for a new link on your account page."
            ),
            code="token_expired",
        ) from error
    except signing.BadSignature as error:
        raise _token_invalid() from error
    if not isinstance(payload, dict):
        raise _token_invalid()
    user = User.objects.filter(pk=payload.get("user")).first()
    if user is None or user.email.lower() != str(payload.get("email", "")):
        # The account is gone, or its address has changed since the link was sent.
        raise _token_invalid()
    return user


def user_verify_email(*, token: str) -> User:
    """Mark the address in ``token`` as confirmed.  Following the link twice is harmless."""
    user = verification_token_read(token=token)
    if not user.email_verified:
        User.objects.filter(pk=user.pk, email_verified=False).update(email_verified=True)
        user.email_verified = True
    return user


def user_update_profile(*, user: User, first_name: str, last_name: str, language: str) -> User:
    """Change a person's name and preferred language."""
    user.first_name = _name_clean(first_name, code="first_name", missing=_("Enter your first name."))
    user.last_name = _name_clean(last_name, code="last_name", missing=_("Enter your last name."))
    user.language = _language_clean(language)
    user.save(update_fields=["first_name", "last_name", "language"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Keep the language a person chose with the language button on the account, so that it
    follows them to the next login, on any browser, and into their e-mails."""
    user.language = _language_clean(language)
    user.save(update_fields=["language"])
    return user


def user_daily_digest_set(*, user: User, daily_digest: bool) -> User:
    """Staff choose one daily digest instead of a mail for each notification (SPEC §8);
    applicants get each mail at once.  Notifications not yet mailed go in the next digest,
    or, when the digest is turned off, are mailed by the next sweep."""
    if daily_digest and not user.staff_roles.exists():
        raise RuleViolation(
            _("Only staff (advisers, board members and administrators) can choose a daily digest."),
            code="daily_digest",
        )
    user.daily_digest = bool(daily_digest)
    user.save(update_fields=["daily_digest"])
    return user


def _token_invalid() -> RuleViolation:
    return RuleViolation(
        _(
            "The confirmation link is not valid. Check that you opened the whole link from the e-mail, "
            "or log in and ask for a new link on your account page."
        ),
        code="token_invalid",
    )


def _resend_key(user_id: int) -> str:
    return f"programme:verification-mail:{user_id}"


def _verification_mail_enqueue(*, user_id: int, site_url: str) -> None:
    # Robust: a mail server that is down must not undo the sign-up or show an error page;
    # the failure is logged and the person can ask for the link again.
    def send_verification_mail() -> None:
        _verification_mail_send(user_id=user_id, site_url=site_url)

    transaction.on_commit(send_verification_mail, robust=True)


def _verification_mail_send(*, user_id: int, site_url: str) -> None:
    user = User.objects.filter(pk=user_id, email_verified=False).first()
    if user is None:
        return
    cache.set(_resend_key(user.pk), True, VERIFICATION_RESEND_INTERVAL_SECONDS)
    link = site_url + reverse("verify_email", kwargs={"token": verification_token_make(user=user)})
    context = {"user": user, "link": link, "valid_days": VERIFICATION_VALID_FOR.days}
    with translation.override(user.language):
        subject = " ".join(render_to_string("programme/emails/verify_email_subject.txt", context).split())
        text = render_to_string("programme/emails/verify_email.txt", context)
        html = render_to_string("programme/emails/verify_email.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info("Sent the e-mail confirmation link to user %s", user.pk)
