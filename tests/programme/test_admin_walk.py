"""Every model of the Django admin, walked as a superuser and as a programme's administrator:
its list, its add page and the change page of a real object answer, none with a 500.

``EXPECTED`` says, for every registered model, what a programme administrator may open; a
model registered without an entry there fails the walk, so a new model cannot break the admin
(or open it to the wrong people) unseen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from applications.models import Invitation, MembershipRequest
from programme import clock
from programme.models import BudgetYear, Contribution, StaffRole
from tests.factories import ProgrammeFactory, UserFactory
from tests.journey import World, build_world, case_in
from workflow.models import State

FROZEN = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))

# What a programme's administrator may open: (list, add, change of their programme's object).
CONFIGURATION = (200, 200, 200)  # their programme's configuration: seen, added, changed
SEEN = (200, 403, 200)  # seen, never added or changed here
SUPERUSERS_ONLY = (403, 403, 403)  # accounts, login records, tokens, devices: every programme's people
EXPECTED: dict[str, tuple[int, int, int]] = {
    "programme.programme": (200, 403, 200),  # only superusers create programmes
    "programme.budgetyear": CONFIGURATION,
    "programme.municipality": CONFIGURATION,
    "programme.focusarea": CONFIGURATION,
    "programme.staffrole": CONFIGURATION,
    "programme.user": SUPERUSERS_ONLY,
    "auth.group": SUPERUSERS_ONLY,
    "applications.company": SEEN,
    "applications.membershiprequest": SEEN,
    "applications.invitation": SEEN,
    "workflow.case": SEEN,
    "workflow.ledgerentry": SEEN,
    "workflow.timelineevent": SEEN,
    "workflow.offer": SEEN,
    "workflow.payment": SEEN,
    "axes.accessattempt": SUPERUSERS_ONLY,
    "axes.accesslog": SUPERUSERS_ONLY,
    "axes.accessfailurelog": SUPERUSERS_ONLY,
    "otp_totp.totpdevice": SUPERUSERS_ONLY,
    "otp_static.staticdevice": SUPERUSERS_ONLY,
    "authtoken.tokenproxy": SUPERUSERS_ONLY,
}
# Rows written only by the services (or by the login machinery): no add page for anyone.
NOT_ADDED_HERE = {
    "workflow.case",
    "workflow.ledgerentry",
    "workflow.timelineevent",
    "workflow.offer",
    "workflow.payment",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def registered_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models(include_auto_created=True) if admin.site.is_registered(model)]


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def url(model: type[models.Model], page: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def _others(world: World) -> None:
    """The rows no journey writes: one of each, so that each change page has an object."""
    company = world.company_a
    MembershipRequest.objects.create(company=company, user=UserFactory())
    Invitation.objects.create(company=company, email="ny@example.no", invited_by=world.applicant_a, token="t" * 40)
    Group.objects.create(name="Revisorer")
    attempt = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "x@example.no", "http_accept": "*/*"}
    AccessAttempt.objects.create(**attempt, path_info="/logg-inn/", get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt, path_info="/logg-inn/")
    AccessFailureLog.objects.create(**attempt, path_info="/logg-inn/")
    TOTPDevice.objects.create(user=world.adviser_a, name="Mobil", confirmed=True)
    StaticDevice.objects.create(user=world.adviser_a, name="Reservekoder", confirmed=True)
    Token.objects.create(user=world.applicant_a)


@pytest.fixture
def walked(db: None) -> World:
    with clock.travel_to(FROZEN):
        world = build_world()
        case_in(world, State.COMPLETED)  # a case with an offer, ledger rows, payments and a timeline
    _others(world)
    return world


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def object_of(model: type[models.Model], world: World) -> models.Model:
    """A real object of ``model`` in the world's programme (where the model has one)."""
    in_programme: dict[str, Callable[[], Any]] = {
        "programme.programme": lambda: world.programme,
        "programme.budgetyear": lambda: world.budget_year,
        "programme.municipality": lambda: world.municipality_a,
        "programme.focusarea": lambda: world.focus_area,
        "programme.staffrole": lambda: StaffRole.objects.get(user=world.admin, programme=world.programme),
    }
    if label(model) in in_programme:
        return in_programme[label(model)]()
    instance = model._default_manager.order_by("pk").first()
    assert instance is not None, f"no {label(model)} to open: make one in _others()"
    return instance


def statuses(client: Client, model: type[models.Model], instance: models.Model) -> tuple[int, int, int]:
    return (
        client.get(url(model, "changelist")).status_code,
        client.get(url(model, "add")).status_code,
        client.get(url(model, "change", instance.pk)).status_code,
    )


def test_every_registered_model_has_a_decision_for_administrators() -> None:
    registered = {label(model) for model in registered_models()}
    assert registered == set(EXPECTED), (
        f"registered without a decision: {sorted(registered - set(EXPECTED))}; "
        f"decided but not registered: {sorted(set(EXPECTED) - registered)}"
    )


def test_a_superuser_opens_every_list_add_and_change_page(walked: World) -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = client_for(superuser)
    answers = {}
    for model in registered_models():
        add = 403 if label(model) in NOT_ADDED_HERE else 200
        answers[label(model)] = (statuses(client, model, object_of(model, walked)), (200, add, 200))
    wrong = {name: got for name, (got, expected) in answers.items() if got != expected}
    assert not wrong, f"(list, add, change) answered otherwise than expected: {wrong}"
    assert len(answers) == len(EXPECTED)


def test_a_programme_administrator_opens_their_programmes_pages_and_no_others(walked: World) -> None:
    client = client_for(walked.admin)
    answers = {label(model): statuses(client, model, object_of(model, walked)) for model in registered_models()}
    wrong = {name: (got, EXPECTED[name]) for name, got in answers.items() if got != EXPECTED[name]}
    assert not wrong, f"(list, add, change) answered / expected: {wrong}"


def test_the_admin_index_names_the_sections_in_norwegian(walked: World) -> None:
    page = client_for(UserFactory(is_staff=True, is_superuser=True)).get(reverse("admin:index"))
    text = page.content.decode()
    for section in ("Programmer", "Søknader", "Saksbehandling", "Innloggingsforsøk", "API-nøkler"):
        assert section in text, section
    assert "Tofaktorinnlogging: autentiseringsapper" in text
    assert "Tofaktorinnlogging: reservekoder" in text


def test_the_add_pages_read_well_in_norwegian(walked: World) -> None:
    client = client_for(walked.admin)
    page = client.get(url(BudgetYear, "add")).content.decode()
    assert "Legg til budsjettår" in page
    assert "Legg til ny budsjettår" not in page
    assert "Legg til ny" not in client.get(url(BudgetYear, "changelist")).content.decode()


def test_another_programmes_administrator_sees_none_of_this_programmes_rows(walked: World) -> None:
    client = client_for(walked.other_admin)
    case = walked.programme.cases.get()
    opened = client.get(url(case.__class__, "change", case.pk))
    # Django's admin answers an object outside the queryset by sending back to the index.
    assert opened.status_code == 302
    assert case.reference not in client.get(url(case.__class__, "changelist")).content.decode()
    assert client.get(url(BudgetYear, "change", walked.budget_year.pk)).status_code == 302
    assert client.get(url(BudgetYear, "changelist")).context["cl"].result_count == 0


def test_an_adviser_is_refused_the_admin(walked: World) -> None:
    # Sent to the admin's login, which says the account gives no access (not a login form).
    answer = client_for(walked.adviser_a).get(reverse("admin:index"), follow=True)
    assert answer.status_code == 403
    assert "gir ikke tilgang" in answer.content.decode()


def test_an_administrator_adds_a_budget_year_with_its_contributions(walked: World) -> None:
    client = client_for(walked.admin)
    prefix = "contributions"
    answer = client.post(
        url(BudgetYear, "add"),
        {
            "programme": walked.programme.pk,
            "year": "2031",
            "target_projects_min": "10",
            "target_projects_max": "12",
            "target_jobs": "30",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-funder": "Gjøvik kommune",
            f"{prefix}-0-municipality": walked.municipality_a.pk,
            f"{prefix}-0-amount": "1500000",
            f"{prefix}-1-funder": "Innlandet fylkeskommune",
            f"{prefix}-1-amount": "2000000",
        },
    )
    assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors
    budget_year = BudgetYear.objects.get(programme=walked.programme, year=2031)
    assert budget_year.target_jobs == 30
    assert sorted(Contribution.objects.filter(budget_year=budget_year).values_list("funder", "amount")) == [
        ("Gjøvik kommune", Decimal("1500000.00")),
        ("Innlandet fylkeskommune", Decimal("2000000.00")),
    ]


def test_an_administrator_may_not_add_a_budget_year_to_another_programme(walked: World) -> None:
    client = client_for(walked.admin)
    answer = client.post(
        url(BudgetYear, "add"),
        {
            "programme": walked.other_programme.pk,
            "year": "2031",
            "target_projects_min": "10",
            "target_projects_max": "12",
            "target_jobs": "30",
            "contributions-TOTAL_FORMS": "0",
            "contributions-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 200
    assert "programme" in answer.context["adminform"].form.errors
    assert not BudgetYear.objects.filter(year=2031).exists()


def test_an_administrator_grants_a_role_by_email_address(walked: World) -> None:
    person = UserFactory(email="ny.radgiver@example.no")
    client = client_for(walked.admin)
    answer = client.post(
        url(StaffRole, "add"),
        {
            "user": "Ny.Radgiver@example.no",
            "programme": walked.programme.pk,
            "kind": "adviser",
            "municipalities": [walked.municipality_b.pk],
        },
    )
    assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors
    role = person.staff_roles.get()
    assert (role.programme, role.kind, list(role.municipalities.all())) == (
        walked.programme,
        "adviser",
        [walked.municipality_b],
    )
    unknown = client.post(
        url(StaffRole, "add"),
        {"user": "ingen@example.no", "programme": walked.programme.pk, "kind": "board"},
    )
    assert unknown.status_code == 200
    assert "Ingen har en konto med denne e-postadressen" in unknown.content.decode()


def test_a_programme_with_a_budget_year_is_never_deleted_but_one_set_up_by_mistake_is(walked: World) -> None:
    client = client_for(UserFactory(is_staff=True, is_superuser=True))
    mistake = ProgrammeFactory(code="FEIL")

    kept = client.get(reverse("admin:programme_programme_delete", args=[walked.programme.pk]))
    removable = client.get(reverse("admin:programme_programme_delete", args=[mistake.pk]))

    assert walked.programme.budget_years.exists()
    assert (kept.status_code, removable.status_code) == (403, 200)


def test_an_api_tokens_user_is_found_by_search_not_chosen_from_every_account(walked: World) -> None:
    page = client_for(UserFactory(is_staff=True, is_superuser=True)).get(reverse("admin:authtoken_tokenproxy_add"))

    assert page.status_code == 200
    assert 'data-ajax--url="/admin/autocomplete/"' in page.content.decode()
