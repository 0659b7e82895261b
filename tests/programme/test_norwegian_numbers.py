"""Numbers the Norwegian way (programme.numbers, programme.forms): what a person may type,
what the pages and the form inputs show, and — for every money and hours field of every form,
found by walking the forms rather than listed by hand — that what was typed comes back as it
was typed (``4,5`` stays ``4,5``, ``200 000`` stays ``200 000``) and garbage is refused in
plain Norwegian."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from programme.forms import AmountField, NumberField
from programme.money import format_nok
from programme.numbers import format_number, format_org_number, parse_number
from tests.factories import UserFactory

NBSP = "\u00a0"
PROJECT_APPS = ("programme", "applications", "workflow")


# --- reading and writing a number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("4,5", "4.5"),
        ("4.5", "4.5"),
        ("400", "400"),
        ("200 000", "200000"),
        ("1 250 000", "1250000"),
        ("1 250 000,50", "1250000.50"),
        (f"1{NBSP}250{NBSP}000,50", "1250000.50"),  # as the pages and the inputs show it
        ("1\u202f250\u202f000", "1250000"),  # narrow no-break spaces, pasted from a document
        ("1\u2009250", "1250"),  # thin space
        ("  12,5  ", "12.5"),
        ("1  000", "1000"),
        ("-3", "-3"),
        ("\u22123,5", "-3.5"),  # the minus sign the pages write
        ("0,05", "0.05"),
    ],
)
def test_a_number_typed_the_norwegian_way_is_read(typed: str, value: str) -> None:
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize(
    "typed",
    ["1,5e4", "1e3", "NaN", "sNaN", "Infinity", "1.250.000", "1,250,000", "12 34", "1 2345", "0x10", "+5",
     "1 250 000,", ",5", "fire", "4,5 timer", "١٢", "１２", "--3", "", " "],
)  # fmt: skip
def test_anything_else_is_not_a_number(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_number(typed)


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("4.50"), None, "4,5"),
        (Decimal("400.0"), None, "400"),
        (Decimal("200000.00"), None, f"200{NBSP}000"),
        (Decimal("200000.00"), 2, f"200{NBSP}000"),
        (Decimal("1250000.5"), 2, f"1{NBSP}250{NBSP}000,50"),
        (Decimal("0.05"), 2, "0,05"),
        (Decimal("-12.25"), None, "\u221212,25"),
        (0, None, "0"),
        (1234, None, f"1{NBSP}234"),
    ],
)
def test_a_number_is_written_with_a_decimal_comma_and_spaced_thousands(value, places, shown) -> None:
    assert format_number(value, places=places) == shown


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2))
def test_what_is_written_reads_back_as_the_same_number(value: Decimal) -> None:
    assert parse_number(format_number(value)) == value
    assert parse_number(format_number(value, places=2)) == value


def test_amounts_are_shown_in_kroner_after_the_number_in_both_languages() -> None:
    for language, comma in (("nb", ","), ("en", ".")):
        with translation.override(language):
            assert format_nok(Decimal("1250000")) == f"1{NBSP}250{NBSP}000{NBSP}kr"
            assert format_nok(Decimal("1250000.5")) == f"1{NBSP}250{NBSP}000{comma}50{NBSP}kr"
            assert format_nok(Decimal("-300")) == f"\u2212300{NBSP}kr"


def test_the_decimal_sign_is_the_languages_and_either_is_read_in_both() -> None:
    with translation.override("en"):
        assert format_number(Decimal("4.50")) == "4.5"
        assert parse_number("4,5") == parse_number("4.5") == Decimal("4.5")
        assert shown(NumberField(decimal_places=1), Decimal("12.5")) == "12.5"
        assert NumberField(decimal_places=1).clean("12,5") == Decimal("12.5")


def test_an_organisation_number_is_shown_in_groups_of_three_and_kept_as_it_is_otherwise() -> None:
    assert format_org_number("948009943") == f"948{NBSP}009{NBSP}943"
    assert format_org_number("94800994") == "94800994"  # not an organisation number: as it is
    assert format_org_number(None) == ""


@pytest.mark.parametrize(("language", "decimal"), [("nb", "4,5"), ("en", "4.5")])
def test_the_english_pages_write_dates_and_thousands_as_the_norwegian_ones(language: str, decimal: str) -> None:
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 12, 7), "SHORT_DATE_FORMAT") == "07.12.2026"
        assert formats.date_format(dt.datetime(2026, 12, 7, 14, 30), "SHORT_DATETIME_FORMAT") == "07.12.2026 14:30"
        assert formats.localize(Decimal("4.5")) == decimal
        assert formats.number_format(Decimal("1250000"), 0, force_grouping=True) == f"1{NBSP}250{NBSP}000"


# --- the fields -------------------------------------------------------------------------------


def shown(field: forms.Field, value: object) -> str:
    """What the field's input shows for ``value``, as a bound field draws it."""
    return field.widget.format_value(field.prepare_value(value)) or ""


def test_an_amount_field_reads_kroner_written_every_usual_way() -> None:
    field = AmountField(required=False)
    for typed in ["150 000", "150000", "150 000 kr", "kr 150 000", "150 000,-", "150 000 NOK", "150000 kr."]:
        assert field.clean(typed) == Decimal("150000"), typed
    assert field.clean("150.5") == Decimal("150.50")  # a point is a decimal point, as in 4.5
    assert field.clean("150 000,50 kr") == Decimal("150000.50")
    assert field.clean("") is None


def test_an_empty_field_that_counts_as_zero_reads_as_zero_and_shows_zero_as_empty() -> None:
    field = NumberField(max_digits=7, decimal_places=1, empty_means_zero=True)
    assert field.required is False
    assert field.clean("") == Decimal("0")
    assert shown(field, Decimal("0.0")) == ""
    assert shown(field, Decimal("2.5")) == "2,5"


POINTS = "Skriv tusener med mellomrom, for eksempel 150 000; punktum eller komma innleder ørene."


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (NumberField(), "1,5e4", "Skriv et tall, for eksempel 4,5 eller 1 250 000."),
        (NumberField(), "NaN", "Skriv et tall, for eksempel 4,5 eller 1 250 000."),
        (AmountField(), "mye", "Skriv et beløp i kroner, for eksempel 1 250 000 eller 1 250 000,50."),
        (AmountField(), "12,345", "Et beløp har høyst to desimaler (øre)."),
        (
            AmountField(),
            "150.000",
            "Skriv tusener med mellomrom, for eksempel 150 000; punktum eller komma innleder ørene.",
        ),
        (
            AmountField(),
            "1.250.000 kr",
            "Skriv tusener med mellomrom, for eksempel 150 000; punktum eller komma innleder ørene.",
        ),
        (AmountField(), "1 000 000 000 000", "Beløpet er for stort."),
        (NumberField(max_digits=8, decimal_places=1), "4,55", "Skriv høyst én desimal."),
        (NumberField(max_digits=5, decimal_places=2), "4,555", "Skriv høyst 2 desimaler."),
    ],
)
def test_garbage_is_refused_with_a_norwegian_message(field: forms.Field, typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        field.clean(typed)
    assert refusal.value.messages == [message]


# --- every money and hours field of every form ------------------------------------------------


def _import_all_forms() -> None:
    """Import every module of the project's apps, so that every form class exists."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or module.name.endswith(("celery", "wsgi", "asgi")):
                continue
            importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _site_forms() -> dict[str, type[forms.BaseForm]]:
    _import_all_forms()
    return {
        f"{form.__module__}.{form.__qualname__}": form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in PROJECT_APPS
    }


def _admin_forms() -> dict[str, type[forms.BaseForm]]:
    """The add/change form of every model in the admin, and of each of its inlines."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True)
    found: dict[str, type[forms.BaseForm]] = {}
    for model in apps.get_models():
        try:
            model_admin = admin.site.get_model_admin(model)
        except NotRegistered:
            continue
        found[f"admin {model.__name__}"] = model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            found[f"admin {model.__name__} inline {inline.model.__name__}"] = inline.get_formset(request).form
    return found


def _dynamic_forms() -> dict[str, forms.BaseForm]:
    """Forms whose number fields are made when the form is (one per municipality)."""
    from workflow.forms.budget import BudgetYearForm

    class Municipality:
        pk, name = 1, "Gjøvik"

    return {"workflow.forms.budget.BudgetYearForm (contributions)": BudgetYearForm(municipalities=[Municipality()])}


def number_fields() -> list[tuple[str, str, forms.Field]]:
    """(form, field name, field) for every field of a form that reads a number with decimals."""
    every = {name: form.base_fields for name, form in {**_site_forms(), **_admin_forms()}.items()}
    every |= {name: form.fields for name, form in _dynamic_forms().items()}
    return sorted(
        (form, name, field)
        for form, fields in every.items()
        for name, field in fields.items()
        if isinstance(field, forms.DecimalField | forms.FloatField)
    )


NUMBER_FIELDS = number_fields()


def test_the_walk_finds_the_money_and_hours_fields_of_every_kind_of_form() -> None:
    found = {(form.rsplit(".", 1)[-1], name) for form, name, _field in NUMBER_FIELDS}
    for expected in [
        ("CostLineForm", "hours"),
        ("CostLineForm", "hourly_rate"),
        ("CostLineForm", "amount"),
        ("FinancingLineForm", "amount"),
        ("SupportDeclarationForm", "amount"),
        ("EffectsForm", "new_jobs_expected"),
        ("EffectsForm", "expected_turnover"),
        ("CompanyProfileForm", "employees_fte"),
        ("PaymentRequestForm", "amount"),
        ("FinalReportForm", "costs_to_date"),
        ("JobReportForm", "new_jobs"),
        ("OnBehalfJobReportForm", "jobs_secured"),
        ("RecommendationForm", "amount"),
        ("ApproveForm", "amount"),
        ("PaymentRegisterForm", "amount"),
        ("BudgetYearForm (contributions)", "contribution_1"),
        ("admin Programme", "support_share_max"),
        ("admin BudgetYear inline Contribution", "amount"),
    ]:
        assert expected in found, expected


@pytest.mark.parametrize(("form", "name", "field"), NUMBER_FIELDS, ids=[f"{f}.{n}" for f, n, _ in NUMBER_FIELDS])
def test_every_number_field_reads_and_shows_numbers_the_norwegian_way(form: str, name: str, field) -> None:
    assert isinstance(field, NumberField), f"{form}.{name} is a {type(field).__name__}: use AmountField or NumberField"
    assert field.widget.input_type == "text", "a text input: type=number refuses spaces and the decimal comma"
    places = field.decimal_places if field.decimal_places is not None else 2
    whole_digits = (field.max_digits or 14) - places
    amount = isinstance(field, AmountField)
    cents = "0" if amount else ""  # an amount shows its øre as two digits: 4,50 kr
    typed_cases = [("4", "4")]
    if places >= 1:
        typed_cases += [("4,5", f"4,5{cents}"), ("4.5", f"4,5{cents}")]
    if places >= 2:
        typed_cases += [("4,05", "4,05")]
    if whole_digits >= 4:
        typed_cases += [("2 000", f"2{NBSP}000"), (f"2{NBSP}000", f"2{NBSP}000")]
    if whole_digits >= 7:
        typed_cases += [("200 000", f"200{NBSP}000"), ("1 250 000", f"1{NBSP}250{NBSP}000")]
        if places >= 2:
            typed_cases += [("1 250 000,50", f"1{NBSP}250{NBSP}000,5{cents}")]
    if amount:
        typed_cases += [("150 000 kr", f"150{NBSP}000")]

    for typed, expected in typed_cases:
        value = field.clean(typed)
        assert shown(field, value) == expected, (typed, value)
        assert field.clean(shown(field, value)) == value  # and it reads back as it was saved
        # What the database gives back (more places: 400.0, 200000.00) is shown the same way.
        stored = value.quantize(Decimal(1).scaleb(-places))
        assert shown(field, stored) == expected, (typed, stored)

    with translation.override("nb"), pytest.raises(ValidationError) as refusal:
        field.clean("1,5e4")
    assert "for eksempel" in refusal.value.messages[0]
    if not field.required:
        assert shown(field, None) == ""
