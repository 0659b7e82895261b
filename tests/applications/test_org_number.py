"""Organisation numbers (SPEC §3, step 1): nine digits with a mod-11 check digit, typed with
or without spaces; anything else is refused with a message and nothing is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from applications.models import Company, CompanyMember, validate_org_number
from applications.services import company_create, org_number_clean
from programme.errors import RuleViolation
from tests.factories import MunicipalityFactory, ProgrammeFactory, UserFactory

VALID = "974760673"  # Brønnøysundregistrene's own number

INVALID = {
    "wrong check digit": "974760674",
    "another wrong check digit": "974760670",
    "eight digits": "97476067",
    "ten digits": "9747606730",
    "letters": "97476067A",
    "only letters": "ABCDEFGHI",
    "punctuation": "974-760-673",
    "empty": "",
    "only spaces": "   ",
}


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def municipality(programme):
    return MunicipalityFactory(programme=programme)


def register(programme, municipality, org_number: str, user=None) -> Company:
    return company_create(
        programme=programme,
        user=user or UserFactory(),
        org_number=org_number,
        name="Toten Mekaniske AS",
        municipality=municipality,
    )


def test_a_valid_org_number_is_accepted_as_it_is():
    assert org_number_clean(VALID) == VALID
    validate_org_number(VALID)  # does not raise


@pytest.mark.parametrize("typed", ["974 760 673", " 974760673 ", "974 76 06 73", "974\u00a0760\u00a0673"])
def test_an_org_number_typed_with_spaces_is_accepted_without_them(typed):
    assert org_number_clean(typed) == VALID


def test_a_company_registered_with_a_spaced_org_number_is_stored_as_nine_digits(programme, municipality):
    user = UserFactory()

    company = register(programme, municipality, "974 760 673", user)

    stored = Company.objects.get(pk=company.pk)
    assert stored.org_number == VALID
    assert CompanyMember.objects.filter(company=stored, user=user, is_contact=True).exists()


@pytest.mark.parametrize("value", list(INVALID.values()), ids=list(INVALID))
def test_an_invalid_org_number_is_refused_with_a_message(value):
    with pytest.raises(RuleViolation) as refusal:
        org_number_clean(value)

    assert refusal.value.code == "org_number"
    assert str(refusal.value.message).strip()
    if value.strip():
        assert value in refusal.value.message


@pytest.mark.parametrize("value", list(INVALID.values()), ids=list(INVALID))
def test_the_model_validator_refuses_an_invalid_org_number(value):
    with pytest.raises(ValidationError) as refusal:
        validate_org_number(value)

    assert refusal.value.code == "org_number"
    assert refusal.value.messages and refusal.value.messages[0].strip()


@pytest.mark.parametrize("value", ["974760674", "97476067", "9747606730", "97476067A", ""])
def test_a_company_row_with_an_invalid_org_number_does_not_validate(programme, municipality, value):
    company = Company(programme=programme, municipality=municipality, name="Feil AS", org_number=value)

    with pytest.raises(ValidationError) as refusal:
        company.full_clean()

    assert "org_number" in refusal.value.message_dict


@pytest.mark.parametrize("value", list(INVALID.values()), ids=list(INVALID))
def test_a_refused_company_registration_writes_nothing(programme, municipality, value):
    with pytest.raises(RuleViolation) as refusal:
        register(programme, municipality, value)

    assert refusal.value.code == "org_number"
    assert Company.objects.count() == 0
    assert CompanyMember.objects.count() == 0


def test_the_same_org_number_typed_differently_is_one_company_in_a_programme(programme, municipality):
    register(programme, municipality, VALID)

    with pytest.raises(RuleViolation) as refusal:
        register(programme, municipality, "974 760 673")

    assert refusal.value.code == "company_exists"
    assert Company.objects.filter(org_number=VALID).count() == 1
    assert CompanyMember.objects.count() == 1


def test_the_same_org_number_may_be_registered_in_another_programme(programme, municipality):
    register(programme, municipality, VALID)
    other = ProgrammeFactory()

    register(other, MunicipalityFactory(programme=other), "974 760 673")

    assert sorted(Company.objects.filter(org_number=VALID).values_list("programme_id", flat=True)) == sorted(
        [programme.pk, other.pk]
    )


def test_an_org_number_in_full_width_digits_is_not_stored_as_a_different_number(programme, municipality):
    # "９７４７６０６７３" passes stdnum's check.  Stored as typed it is a second company with the
    # same number, invisible to the duplicate check and to the de minimis sum (SPEC §5).  Either
    # refusing it or reading it as 974760673 (then refused as already registered) is right.
    register(programme, municipality, VALID)

    with pytest.raises(RuleViolation):
        register(programme, municipality, "９７４７６０６７３")

    assert list(Company.objects.values_list("org_number", flat=True)) == [VALID]
