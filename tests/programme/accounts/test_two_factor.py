"""Two-factor login for staff (issue 7): turning it on with a real code from an authenticator
app, logging in with the code or a backup code, and the admin and the API token endpoint, which
must not let the password alone through."""

from __future__ import annotations

import re
from base64 import b32decode
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from programme import clock as programme_clock
from programme import services
from programme.models import StaffRole, User
from programme.views import two_factor as two_factor_views
from tests.factories import ProgrammeFactory, UserFactory
from tests.programme.accounts.support import logged_in_user_id

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Test-1234"  # UserFactory's


@pytest.fixture
def clock() -> Iterator:
    """Time that stands still until the test moves it on (``clock.shift(seconds)``): a code from
    the app is only good in its 30-second window, and only once."""
    with time_machine.travel(programme_clock.now(), tick=False) as traveller:
        yield traveller


def staff_person(**fields: object) -> User:
    user = UserFactory(**fields)
    StaffRole.objects.create(user=user, programme=ProgrammeFactory(code="NUP"), kind="board")
    return user


def app_code(key: bytes) -> str:
    """What the authenticator app shows now for ``key``."""
    totp = TOTP(key)
    totp.time = programme_clock.now().timestamp()
    return f"{totp.token():06d}"


def secret_shown(page: str) -> bytes:
    """The key as the setup page shows it for typing (base32 in groups of four)."""
    text = re.search(r'<code class="np-secret">([A-Z2-7 ]+)</code>', page)
    assert text, "the setup page shows no secret for typing"
    return b32decode(text.group(1).replace(" ", ""))


def turn_on(client, user: User, clock) -> tuple[bytes, list[str]]:
    """Set up the app as a person does: read the key off the page, type the code it gives.
    Returns the key and the backup codes shown."""
    client.force_login(user)
    key = secret_shown(client.get(reverse("two_factor_setup")).content.decode())
    response = client.post(reverse("two_factor_setup"), {"code": app_code(key)})
    assert response.status_code == 302 and response.url == reverse("two_factor_backup_codes")
    page = client.get(response.url).content.decode()
    codes = [code.replace(" ", "") for code in re.findall(r"<li><code>(\d{5} \d{5})</code></li>", page)]
    clock.shift(60)  # the next code the app shows
    return key, codes


def log_in_with_password(client, user: User, next_url: str = ""):
    query = f"?next={next_url}" if next_url else ""
    return client.post(reverse("login") + query, {"username": user.email, "password": PASSWORD})


# Turning it on


def test_staff_turn_it_on_with_a_code_from_the_app_and_see_ten_backup_codes_once(client, clock) -> None:
    user = staff_person()
    client.force_login(user)

    page = client.get(reverse("two_factor_setup")).content.decode()
    assert '<svg role="img"' in page and "<title>" in page  # the QR code, with a text alternative
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "<script" not in page.split("<main")[1] and "style=" not in page
    key = secret_shown(page)

    response = client.post(reverse("two_factor_setup"), {"code": app_code(key)})

    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and bytes.fromhex(device.key) == key
    codes_page = client.get(reverse("two_factor_backup_codes")).content.decode()
    codes = re.findall(r"<li><code>(\d{5} \d{5})</code></li>", codes_page)
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert {code.replace(" ", "") for code in codes} == stored
    # Shown once: the page does not give them again.
    again = client.get(reverse("two_factor_backup_codes"))
    assert again.status_code == 302 and again.url == reverse("account")
    # The session that set it up has given a code.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert "Tofaktorinnlogging er på" in client.get(reverse("account")).content.decode()


def test_a_wrong_code_at_setup_is_refused_and_nothing_is_stored(client, clock) -> None:
    user = staff_person()
    client.force_login(user)
    key = secret_shown(client.get(reverse("two_factor_setup")).content.decode())
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("two_factor_setup"), {"code": wrong})

    assert response.status_code == 200
    assert "Koden er feil" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    # The same key stays on the page, so the app already set up still fits.
    assert secret_shown(response.content.decode()) == key


def test_an_applicant_is_not_offered_two_factor_login(client) -> None:
    applicant = UserFactory()
    client.force_login(applicant)

    assert "tofaktor" not in client.get(reverse("account")).content.decode().lower()
    assert client.get(reverse("two_factor_setup")).status_code == 404
    assert client.post(reverse("two_factor_setup"), {"code": "123456"}).status_code == 404
    assert not TOTPDevice.objects.filter(user=applicant).exists()


def test_staff_find_the_option_on_the_account_page(client) -> None:
    client.force_login(staff_person())

    page = client.get(reverse("account")).content.decode()

    assert "Tofaktorinnlogging er av" in page
    assert f'href="{reverse("two_factor_setup")}"' in page


def test_a_device_that_was_never_confirmed_does_not_count(client) -> None:
    user = staff_person()
    TOTPDevice.objects.create(user=user, name="halvferdig", confirmed=False)

    response = log_in_with_password(client, user)

    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_user_id(client) == str(user.pk)


def test_staff_without_two_factor_log_in_with_the_password_alone(client) -> None:
    user = staff_person()

    response = log_in_with_password(client, user)

    assert response.status_code == 302 and response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_user_id(client) == str(user.pk)


# Logging in


def test_the_password_alone_does_not_log_in_a_person_with_two_factor(client, clock) -> None:
    user = staff_person()
    key, _codes = turn_on(client, user, clock)
    client.logout()

    response = log_in_with_password(client, user, next_url="/konto/")

    assert response.status_code == 302 and response.url == reverse("login_code")
    assert logged_in_user_id(client) is None
    assert client.get(reverse("account")).url.startswith(reverse("login"))
    page = client.get(reverse("login_code")).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label class="ds-label" for="id_code">' in page

    response = client.post(reverse("login_code"), {"code": app_code(key)})

    assert response.status_code == 302 and response.url == "/konto/"
    assert logged_in_user_id(client) == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=user).persistent_id


def test_a_wrong_code_is_refused_in_norwegian_and_does_not_log_in(client, clock) -> None:
    user = staff_person()
    key, _codes = turn_on(client, user, clock)
    client.logout()
    log_in_with_password(client, user)
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("login_code"), {"code": wrong})

    assert response.status_code == 200
    assert "Koden er feil eller utløpt" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert logged_in_user_id(client) is None
    # A right code at once after a wrong one waits (django-otp slows guessing down)...
    waited = client.post(reverse("login_code"), {"code": app_code(key)})
    assert "For mange feil koder" in waited.content.decode()
    assert logged_in_user_id(client) is None
    # ...and is taken a moment later.
    clock.shift(2)
    client.post(reverse("login_code"), {"code": app_code(key)})
    assert logged_in_user_id(client) == str(user.pk)


def test_a_code_already_used_is_refused(client, clock) -> None:
    user = staff_person()
    key, _codes = turn_on(client, user, clock)
    client.logout()
    log_in_with_password(client, user)
    used = app_code(key)
    client.post(reverse("login_code"), {"code": used})
    client.logout()

    log_in_with_password(client, user)
    response = client.post(reverse("login_code"), {"code": used})

    assert "Koden er feil eller utløpt" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_too_many_wrong_codes_send_the_person_back_to_the_password(client, clock) -> None:
    user = staff_person()
    turn_on(client, user, clock)
    client.logout()
    log_in_with_password(client, user)

    for _attempt in range(two_factor_views.PENDING_TRIES):
        response = client.post(reverse("login_code"), {"code": "000000"})
        clock.shift(60)

    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("login_code")).url == reverse("login")
    assert logged_in_user_id(client) is None


def test_the_code_step_expires_after_a_few_minutes(client, clock) -> None:
    user = staff_person()
    key, _codes = turn_on(client, user, clock)
    client.logout()
    log_in_with_password(client, user)

    clock.shift(two_factor_views.PENDING_SECONDS + 1)
    response = client.post(reverse("login_code"), {"code": app_code(key)})

    assert response.status_code == 302 and response.url == reverse("login")
    assert logged_in_user_id(client) is None
    assert "Tiden for å skrive inn koden gikk ut" in client.get(reverse("login")).content.decode()


def test_the_code_step_without_a_password_sends_the_person_to_the_login(client) -> None:
    response = client.post(reverse("login_code"), {"code": "123456"})

    assert response.status_code == 302 and response.url == reverse("login")
    assert logged_in_user_id(client) is None


def test_next_to_another_site_is_dropped_after_the_code(client, clock) -> None:
    user = staff_person()
    key, _codes = turn_on(client, user, clock)
    client.logout()

    log_in_with_password(client, user, next_url="https://evil.example.com/")
    response = client.post(reverse("login_code"), {"code": app_code(key)})

    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_a_backup_code_logs_in_once(client, clock) -> None:
    user = staff_person()
    _key, codes = turn_on(client, user, clock)
    client.logout()

    log_in_with_password(client, user)
    response = client.post(reverse("login_code"), {"code": f"{codes[0][:5]} {codes[0][5:]}"})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == StaticDevice.objects.get(user=user).persistent_id
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.logout()
    clock.shift(5)

    log_in_with_password(client, user)
    response = client.post(reverse("login_code"), {"code": codes[0]})

    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_the_link_in_a_confirmation_mail_does_not_log_in_a_person_with_two_factor(client, clock) -> None:
    user = staff_person(email_verified=False)
    turn_on(client, user, clock)
    client.logout()

    client.get(reverse("verify_email", kwargs={"token": services.verification_token_make(user=user)}))

    assert logged_in_user_id(client) is None


# Backup codes and turning it off


def test_new_backup_codes_replace_the_old_ones_after_a_code(client, clock) -> None:
    user = staff_person()
    key, old = turn_on(client, user, clock)

    refused = client.post(reverse("two_factor_backup_codes_renew"), {"code": "999999"})
    assert refused.status_code == 200 and "Koden er feil" in refused.content.decode()
    clock.shift(2)
    response = client.post(reverse("two_factor_backup_codes_renew"), {"code": app_code(key)})

    assert response.url == reverse("two_factor_backup_codes")
    page = client.get(response.url).content.decode()
    new = {code.replace(" ", "") for code in re.findall(r"<li><code>(\d{5} \d{5})</code></li>", page)}
    assert len(new) == 10 and not new & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == new


def test_turning_it_off_needs_a_valid_code(client, clock) -> None:
    user = staff_person()
    key, _codes = turn_on(client, user, clock)

    refused = client.post(reverse("two_factor_disable"), {"code": "123 456"})
    assert refused.status_code == 200
    assert "Koden er feil" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    clock.shift(2)

    response = client.post(reverse("two_factor_disable"), {"code": app_code(key)})

    assert response.status_code == 302 and response.url == reverse("account")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    client.logout()
    log_in_with_password(client, user)
    assert logged_in_user_id(client) == str(user.pk)


# The admin and the API


def test_the_admin_asks_a_person_with_two_factor_for_the_code(client, clock) -> None:
    user = staff_person(is_staff=True, is_superuser=True)
    key, _codes = turn_on(client, user, clock)
    client.logout()
    # A session logged in without a code (as one from before it was turned on).
    client.force_login(user)

    response = client.get("/admin/")
    assert response.status_code == 302
    login_page = client.get(response.url)
    assert login_page.status_code == 302 and login_page.url.startswith(reverse("login"))
    assert "next=/admin/" in login_page.url

    log_in_with_password(client, user, next_url="/admin/")
    response = client.post(reverse("login_code"), {"code": app_code(key)})

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admins_own_login_page_cannot_log_in_with_the_password_alone(client, clock) -> None:
    user = staff_person(is_staff=True, is_superuser=True)
    turn_on(client, user, clock)
    client.logout()

    response = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert logged_in_user_id(client) is None


def test_the_admin_is_open_as_before_to_staff_without_two_factor(client) -> None:
    client.force_login(staff_person(is_staff=True, is_superuser=True))

    assert client.get("/admin/").status_code == 200


def test_the_token_endpoint_needs_the_code_of_a_person_with_two_factor(client, clock) -> None:
    user = staff_person()
    key, codes = turn_on(client, user, clock)
    api = APIClient()

    without = api.post("/api/token/", {"username": user.email, "password": PASSWORD}, format="json")
    assert without.status_code == 400
    assert "Tofaktorinnlogging er på" in without.json()["code"][0]
    wrong = api.post("/api/token/", {"username": user.email, "password": PASSWORD, "code": "000000"}, format="json")
    assert wrong.status_code == 400 and "Koden er feil" in wrong.json()["code"][0]
    assert "token" not in without.json() and "token" not in wrong.json()
    clock.shift(2)

    credentials = {"username": user.email, "password": PASSWORD, "code": app_code(key)}
    right = api.post("/api/token/", credentials, format="json")

    assert right.status_code == 200 and right.json()["token"]


def test_the_token_endpoint_is_unchanged_for_a_person_without_two_factor() -> None:
    user = staff_person()

    response = APIClient().post("/api/token/", {"username": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 200 and response.json()["token"]
