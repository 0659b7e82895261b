"""Accounts: logging in and out, and resetting and changing the password."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.programme.accounts.support import link_in, logged_in_user_id

pytestmark = pytest.mark.django_db


# Logging in and out


def test_a_person_logs_in_with_the_email_in_any_case_and_logs_out(client) -> None:
    user = UserFactory(email="lise@example.no", password="Riktig-Passord-77")

    response = client.post(reverse("login"), {"username": "Lise@Example.NO", "password": "Riktig-Passord-77"})

    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_user_id(client) == str(user.pk)

    assert client.get(reverse("logout")).status_code == 405  # a link cannot log anybody out
    assert logged_in_user_id(client) == str(user.pk)
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_a_wrong_password_is_refused_with_a_message(english) -> None:
    UserFactory(email="lise@example.no", password="Riktig-Passord-77")

    response = english.post(reverse("login"), {"username": "lise@example.no", "password": "feil"})

    assert response.status_code == 200
    assert "The e-mail address or the password is wrong" in response.content.decode()
    assert logged_in_user_id(english) is None


def test_logging_in_follows_next_but_only_within_the_site(client) -> None:
    UserFactory(email="lise@example.no", password="Riktig-Passord-77")
    credentials = {"username": "lise@example.no", "password": "Riktig-Passord-77"}

    inside = client.post(reverse("login") + "?next=/konto/", credentials)
    assert inside.url == "/konto/"
    client.logout()
    outside = client.post(reverse("login") + "?next=https://evil.example.com/", credentials)
    assert outside.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_logging_in_switches_to_the_persons_language(client) -> None:
    UserFactory(email="john@example.no", password="Riktig-Passord-77", language="en")

    response = client.post(reverse("login"), {"username": "john@example.no", "password": "Riktig-Passord-77"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_page_is_labelled_for_password_managers_and_screen_readers(client) -> None:
    text = client.get(reverse("login")).content.decode()

    assert 'autocomplete="email"' in text
    assert 'autocomplete="current-password"' in text
    assert '<label class="ds-label" for="id_username">' in text
    assert "autofocus" not in text
    assert "<script>" not in text and "style=" not in text


def test_sign_up_page_asks_for_the_right_autocomplete_tokens(client) -> None:
    text = client.get(reverse("signup")).content.decode()

    for token in ["email", "given-name", "family-name", "new-password"]:
        assert f'autocomplete="{token}"' in text
    assert "style=" not in text


# Password reset and change


def test_a_forgotten_password_is_reset_end_to_end(client) -> None:
    user = UserFactory(email="mona@example.no", password="Gammelt-Passord-1")

    response = client.post(reverse("password_reset"), {"email": "Mona@Example.no"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mona@example.no"]
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = link_in(message)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": "Nytt-Passord-2026", "new_password2": "Nytt-Passord-2026"})

    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Nytt-Passord-2026")
    # The link is used up.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    logged_in = client.post(reverse("login"), {"username": "mona@example.no", "password": "Nytt-Passord-2026"})
    assert logged_in.status_code == 302


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.no"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_reset_mail_follows_the_language_of_the_page(client) -> None:
    UserFactory(email="mona@example.no")

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("password_reset"), {"email": "mona@example.no"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    client.post(reverse("password_reset"), {"email": "mona@example.no"})

    english_mail, norwegian_mail = mail.outbox
    assert english_mail.subject == "Choose a new password for Næringsprogram"
    assert "Someone, hopefully you, asked to choose a new password" in english_mail.body
    assert 'lang="en"' in english_mail.alternatives[0][0]
    assert 'lang="nb"' in norwegian_mail.alternatives[0][0]


def test_a_broken_reset_link_shows_a_message_and_changes_nothing(english) -> None:
    user = UserFactory(password="Gammelt-Passord-1")

    response = english.get(reverse("password_reset_confirm", kwargs={"uidb64": "Zm9v", "token": "nonsense"}))

    assert response.status_code == 200
    assert "has already been used, has expired, or is incomplete" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Gammelt-Passord-1")


def test_a_logged_in_person_changes_the_password(client) -> None:
    user = UserFactory(password="Gammelt-Passord-1")
    client.force_login(user)

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "feil", "new_password1": "Nytt-Passord-2026", "new_password2": "Nytt-Passord-2026"},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Gammelt-Passord-1",
            "new_password1": "Nytt-Passord-2026",
            "new_password2": "Nytt-Passord-2026",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("account")
    user.refresh_from_db()
    assert user.check_password("Nytt-Passord-2026")
    assert logged_in_user_id(client) == str(user.pk)
