"""What the account tests share: a strong password, sign-up data, and the links in the mails."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from programme import services
from programme.models import User

STRONG = "Fjellvann-Tursti-42"
# Every mail links to SITE_URL, never to the Host header of the request that sent it.
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/\S+?/)(?=\s|$)", re.MULTILINE)


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "kari.nordmann@example.no",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "language": "nb",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def link_in(message: mail.EmailMessage) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def sign_up_form(response) -> str:
    """The sign-up form's markup alone (the language switch elsewhere on the page carries the
    page's own address, ``next`` included)."""
    page = response.content.decode()
    return page[page.index('<form class="np-form"') :].split("</form>")[0]


def verification_link_for(user: User) -> str:
    return reverse("verify_email", kwargs={"token": services.verification_token_make(user=user)})
