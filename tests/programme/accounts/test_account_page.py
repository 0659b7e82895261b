"""Accounts: the account page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from programme.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# The account page


def test_the_account_page_needs_a_logged_in_person(client) -> None:
    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_account_page_changes_name_and_language_for_the_account_and_the_session(client) -> None:
    user = UserFactory(first_name="Kari", last_name="Nordmann", language="nb")
    client.force_login(user)

    response = client.post(reverse("account"), {"first_name": "Kari Anne", "last_name": "Nordmann", "language": "en"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.language) == ("Kari Anne", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("account")).content.decode()
    assert '<html lang="en"' in page
    assert "Your changes have been saved." in page


def test_bad_account_input_gets_a_message_and_changes_nothing(client) -> None:
    user = UserFactory(first_name="Kari", language="nb")
    client.force_login(user)

    response = client.post(reverse("account"), {"first_name": "", "last_name": "Nordmann", "language": "xx"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"first_name", "language"}
    user.refresh_from_db()
    assert (user.first_name, user.language) == ("Kari", "nb")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_account_page_offers_to_send_the_link_again_only_while_unconfirmed(client) -> None:
    user = UserFactory(email_verified=False)
    client.force_login(user)
    assert reverse("resend_verification") in client.get(reverse("account")).content.decode()

    User.objects.filter(pk=user.pk).update(email_verified=True)
    assert reverse("resend_verification") not in client.get(reverse("account")).content.decode()


@pytest.mark.parametrize(
    "name", ["login", "signup", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_the_public_account_pages_open(client, name: str) -> None:
    assert client.get(reverse(name)).status_code == 200


def test_a_logged_in_person_who_opens_sign_up_goes_to_the_account_page(client) -> None:
    client.force_login(UserFactory())

    response = client.get(reverse("signup"))

    assert response.url == reverse("account")
