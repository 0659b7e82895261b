"""Accounts: signing up, and confirming the e-mail address by the link in the mail."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applications.models import CompanyMember, Invitation
from programme import clock, services
from programme.errors import RuleViolation
from programme.models import User
from tests.factories import CompanyFactory, UserFactory, add_member
from tests.programme.accounts.support import (
    STRONG,
    link_in,
    logged_in_user_id,
    sign_up_form,
    signup_data,
    verification_link_for,
)

pytestmark = pytest.mark.django_db


# Sign-up and the confirmation link


def test_the_confirmation_link_goes_to_the_sites_address_not_the_requests_host(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://naeringsprogram.example.no"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), signup_data(), HTTP_HOST="testserver")

    (message,) = mail.outbox
    assert "https://naeringsprogram.example.no/bekreft-epost/" in message.body
    assert "testserver" not in message.body and "testserver" not in message.alternatives[0][0]


def test_signing_up_creates_an_unverified_user_logs_in_and_mails_a_link_that_confirms_the_address(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), signup_data(email="Kari.Nordmann@Example.no "))

    assert response.status_code == 302
    assert response.url == reverse("applications:companies")
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name, user.language) == (
        "kari.nordmann@example.no",
        "Kari",
        "Nordmann",
        "nb",
    )
    assert user.is_active and not user.email_verified
    assert user.check_password(STRONG)
    assert logged_in_user_id(client) == str(user.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari.nordmann@example.no"]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'lang="nb"' in html
    link = link_in(message)
    assert link in html

    confirmed = client.get(link)

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("applications:companies")
    user.refresh_from_db()
    assert user.email_verified


def test_after_signing_up_the_person_is_told_to_confirm_the_address_before_applying(
    english, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        english.post(reverse("signup"), signup_data(language="en"))

    # The messages show on the next page the person sees.
    text = english.get(reverse("account")).content.decode()
    assert "kari.nordmann@example.no" in text
    assert "before you can submit an application" in text


def test_signing_up_with_a_next_page_on_this_site_carries_it_and_goes_there_afterwards(client) -> None:
    target = reverse("account")

    form = sign_up_form(client.get(reverse("signup"), {"next": target}))
    response = client.post(reverse("signup"), {**signup_data(), "next": target})

    assert f'<input type="hidden" name="next" value="{target}">' in form
    assert response.status_code == 302
    assert response.url == target
    assert logged_in_user_id(client) == str(User.objects.get(email="kari.nordmann@example.no").pk)


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_signing_up_ignores_a_next_page_off_this_site(client, unsafe: str) -> None:
    form = sign_up_form(client.get(reverse("signup"), {"next": unsafe}))
    response = client.post(reverse("signup"), {**signup_data(), "next": unsafe})

    assert 'name="next"' not in form and "evil.example" not in form
    assert response.status_code == 302
    assert response.url == reverse("applications:companies")
    assert User.objects.filter(email="kari.nordmann@example.no").exists()


def test_an_invitation_leads_through_sign_up_and_confirmation_back_to_the_invitation(
    english, django_capture_on_commit_callbacks
) -> None:
    inviter = UserFactory()
    company = CompanyFactory()
    add_member(company, inviter)
    invitation = Invitation.objects.create(
        company=company, email="kari.nordmann@example.no", invited_by=inviter, token="invitert-kari"
    )
    path = reverse("applications:invitation_accept", kwargs={"token": invitation.token})

    page = english.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = english.post(reverse("signup"), {**signup_data(language="en"), "next": path})
    offered = english.get(path).content.decode()
    refused_unconfirmed = english.post(path)
    english.get(link_in(mail.outbox[-1]))
    joined = english.post(path)

    assert "kari.nordmann@example.no" in page
    assert f'href="{reverse("login")}?next={path}"' in page
    assert f'href="{reverse("signup")}?next={path}"' in page
    assert signed_up.url == path
    assert company.name in offered and 'method="post"' in offered.split('id="main"')[1]
    assert "Confirm your e-mail address" in refused_unconfirmed.content.decode()
    assert joined.status_code == 302
    assert CompanyMember.objects.filter(company=company, user__email="kari.nordmann@example.no").exists()


def test_the_confirmation_mail_is_in_english_when_the_person_chose_english(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), signup_data(language="en"))

    assert response.status_code == 302
    assert User.objects.get().language == "en"
    # The pages follow the choice too.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    message = mail.outbox[0]
    assert message.subject == "Confirm your e-mail address for Næringsprogram"
    assert "Hello Kari," in message.body
    assert "The link is valid for 3 days." in message.body
    assert 'lang="en"' in message.alternatives[0][0]


def test_a_mail_server_that_is_down_does_not_undo_the_sign_up_or_show_an_error_page(
    client, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), signup_data())

    assert response.status_code == 302
    assert User.objects.filter(email="kari.nordmann@example.no", email_verified=False).exists()
    assert mail.outbox == []


@pytest.mark.parametrize("typed", ["kari@example.no", "KARI@Example.NO"])
def test_a_taken_email_is_refused_in_any_case_and_creates_nothing(
    english, django_capture_on_commit_callbacks, typed: str
) -> None:
    UserFactory(email="kari@example.no")

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("signup"), signup_data(email=typed))

    assert response.status_code == 200
    assert "There is already an account with this e-mail address" in response.content.decode()
    assert User.objects.count() == 1
    assert mail.outbox == []
    assert logged_in_user_id(english) is None


def test_the_service_refuses_a_taken_email_in_other_case_in_plain_words() -> None:
    UserFactory(email="ola@example.no")

    with pytest.raises(RuleViolation) as refused:
        services.user_register(
            email="Ola@EXAMPLE.no", password=STRONG, first_name="Ola", last_name="Nordmann", language="nb"
        )

    assert refused.value.code == "email_taken"
    assert User.objects.count() == 1


@pytest.mark.parametrize("weak", ["12345678", "password", "kort", "karinordmann"])
def test_a_weak_password_is_refused_at_the_field_and_creates_nothing(english, weak: str) -> None:
    response = english.post(
        reverse("signup"), signup_data(email="karinordmann@example.no", password1=weak, password2=weak)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["password1"]
    text = response.content.decode()
    assert 'href="#id_password1"' in text  # the error summary links to the field
    assert 'aria-invalid="true"' in text
    assert not User.objects.exists()


def test_the_service_refuses_a_weak_password_too() -> None:
    with pytest.raises(RuleViolation) as refused:
        services.user_register(
            email="per@example.no", password="123", first_name="Per", last_name="Hansen", language="nb"
        )
    assert refused.value.code == "password"
    assert not User.objects.exists()


def test_two_different_passwords_are_refused(english) -> None:
    response = english.post(reverse("signup"), signup_data(password2=STRONG + "x"))

    assert response.context["form"].errors["password2"] == ["The two passwords are not the same."]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": ""},
        {"email": "not-an-address"},
        {"email": "a" * 300 + "@example.no"},
        {"first_name": "   "},
        {"last_name": "x" * 500},
        {"language": "sv"},
        {"first_name": "Kari\x00"},
        {"password1": "", "password2": ""},
    ],
)
def test_bad_sign_up_input_gets_a_message_and_changes_nothing(client, overrides: dict[str, str]) -> None:
    response = client.post(reverse("signup"), signup_data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "error-summary" in response.content.decode()
    assert not User.objects.exists()


def test_an_empty_sign_up_post_shows_every_problem_at_once(client) -> None:
    response = client.post(reverse("signup"), {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "email",
        "first_name",
        "last_name",
        "language",
        "password1",
        "password2",
    }


def test_a_forged_token_is_refused_and_changes_nothing(english) -> None:
    user = UserFactory(email_verified=False)
    token = services.verification_token_make(user=user)
    other = UserFactory(email_verified=False)
    forged = token.replace(token.split(":")[0], services.verification_token_make(user=other).split(":")[0])

    for bad in [forged, token[:-2] + "xx", "anything", token + "a", "a:b:c", ":::", "æøå:1:2", "%00"]:
        response = english.get(reverse("verify_email", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "The confirmation link is not valid" in response.content.decode()

    user.refresh_from_db()
    other.refresh_from_db()
    assert not user.email_verified and not other.email_verified
    assert logged_in_user_id(english) is None


def test_a_link_older_than_three_days_is_refused_and_changes_nothing(english) -> None:
    user = UserFactory(email_verified=False)
    made = clock.now()
    with time_machine.travel(made, tick=False):
        link = verification_link_for(user)
    with time_machine.travel(made + dt.timedelta(days=3, seconds=1), tick=False):
        response = english.get(link)

    assert response.status_code == 400
    assert "The confirmation link has expired" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified


def test_a_link_is_still_good_just_before_three_days_have_passed(client) -> None:
    user = UserFactory(email_verified=False)
    made = clock.now()
    with time_machine.travel(made, tick=False):
        link = verification_link_for(user)
    with time_machine.travel(made + dt.timedelta(days=3, minutes=-1), tick=False):
        response = client.get(link)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(client) -> None:
    user = UserFactory(email="old@example.no", email_verified=False)
    link = verification_link_for(user)
    User.objects.filter(pk=user.pk).update(email="new@example.no")

    assert client.get(link).status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_following_the_link_logs_the_person_in_the_first_time_only(client) -> None:
    user = UserFactory(email_verified=False)
    link = verification_link_for(user)

    first = client.get(link)
    assert first.url == reverse("applications:companies")
    assert logged_in_user_id(client) == str(user.pk)

    client.logout()
    second = client.get(link)

    # Following it again is harmless, but the link is no key to the account.
    assert second.status_code == 302
    assert second.url == reverse("login")
    assert logged_in_user_id(client) is None
    user.refresh_from_db()
    assert user.email_verified


def test_confirming_twice_through_the_service_is_harmless() -> None:
    user = UserFactory(email_verified=False)
    token = services.verification_token_make(user=user)

    assert services.user_verify_email(token=token).email_verified
    assert services.user_verify_email(token=token).email_verified
    user.refresh_from_db()
    assert user.email_verified


def test_a_link_followed_while_someone_else_is_logged_in_confirms_without_switching_account(client) -> None:
    owner = UserFactory(email_verified=False)
    someone_else = UserFactory()
    client.force_login(someone_else)

    client.get(verification_link_for(owner))

    owner.refresh_from_db()
    assert owner.email_verified
    assert logged_in_user_id(client) == str(someone_else.pk)


def test_an_unverified_person_can_have_the_link_sent_again(english, django_capture_on_commit_callbacks) -> None:
    user = UserFactory(email_verified=False, language="en")
    english.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("resend_verification"), follow=True)

    assert "We have sent a new link" in response.content.decode()
    assert len(mail.outbox) == 1
    english.get(link_in(mail.outbox[0]))
    user.refresh_from_db()
    assert user.email_verified


def test_the_link_is_not_sent_again_within_a_minute(english, django_capture_on_commit_callbacks) -> None:
    user = UserFactory(email_verified=False)
    english.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        english.post(reverse("resend_verification"))
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("resend_verification"), follow=True)

    assert "less than a minute ago" in response.content.decode()
    assert len(mail.outbox) == 1


def test_a_confirmed_person_is_told_there_is_nothing_to_send(english, django_capture_on_commit_callbacks) -> None:
    english.force_login(UserFactory(email_verified=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("resend_verification"), follow=True)

    assert "already confirmed" in response.content.decode()
    assert mail.outbox == []


def test_sending_again_needs_a_logged_in_person_and_a_post(client) -> None:
    response = client.post(reverse("resend_verification"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

    client.force_login(UserFactory(email_verified=False))
    assert client.get(reverse("resend_verification")).status_code == 405
    assert mail.outbox == []
