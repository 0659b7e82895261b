"""Norwegian bokmål is the default whatever the browser asks; English is the person's choice
(the language button, the account), and a choice sticks (programme/middleware_language.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"accept-language": "en-GB,en;q=0.9"}
NORWEGIAN_BROWSER = {"accept-language": "nb-NO,nb;q=0.9"}


def page_language(response) -> str:
    html = response.content.decode()
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


def press_language_button(client: Client, language: str, **kwargs):
    return client.post(reverse("set_language"), {"language": language, "next": reverse("login")}, **kwargs)


def test_a_browser_asking_for_english_gets_norwegian(client) -> None:
    response = client.get(reverse("login"), headers=ENGLISH_BROWSER)

    assert response.status_code == 200
    assert page_language(response) == "nb"
    assert response.headers["Content-Language"] == "nb"
    assert "Logg inn" in response.content.decode()


def test_a_logged_in_person_with_an_english_browser_gets_norwegian_by_default(client) -> None:
    client.force_login(UserFactory(language="nb"))

    response = client.get(reverse("account"), headers=ENGLISH_BROWSER)

    assert page_language(response) == "nb"


def test_the_language_button_gives_english_and_it_sticks_whatever_the_browser_asks(client) -> None:
    switched = press_language_button(client, "en", headers=NORWEGIAN_BROWSER)

    assert switched.status_code == 302 and switched.url == reverse("login")
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    for _ in range(2):
        page = client.get(reverse("login"), headers=NORWEGIAN_BROWSER)
        assert page_language(page) == "en"
        assert "Log in" in page.content.decode()

    press_language_button(client, "nb", headers=ENGLISH_BROWSER)

    assert page_language(client.get(reverse("login"), headers=ENGLISH_BROWSER)) == "nb"


def test_a_logged_in_persons_choice_is_kept_on_the_account_and_follows_them_to_another_browser(client) -> None:
    user = UserFactory(language="nb", password="Fjellvann-Tursti-42")
    client.force_login(user)

    press_language_button(client, "en")

    user.refresh_from_db()
    assert user.language == "en"
    # Another browser, which asks for Norwegian: the login takes the account's choice.
    other = Client()
    logged_in = other.post(
        reverse("login"), {"username": user.email, "password": "Fjellvann-Tursti-42"}, headers=NORWEGIAN_BROWSER
    )
    assert logged_in.status_code == 302
    assert page_language(other.get(reverse("account"), headers=NORWEGIAN_BROWSER)) == "en"
    # A browser that lost the cookie but keeps the session: the account's choice too.
    del other.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert page_language(other.get(reverse("account"), headers=NORWEGIAN_BROWSER)) == "en"


def test_an_unknown_language_changes_nothing(client) -> None:
    user = UserFactory(language="nb")
    client.force_login(user)

    response = press_language_button(client, "xx")

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.language == "nb"
    assert page_language(client.get(reverse("account"))) == "nb"


def test_the_language_button_only_takes_a_post(client) -> None:
    response = client.get(reverse("set_language"), {"language": "en"})

    assert response.status_code == 405
    assert page_language(client.get(reverse("login"))) == "nb"
