"""Factories for the domain, and ``valid_org_number`` for companies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from stdnum.no import orgnr

from applications.models import Application, Company, CompanyMember, CostLine, FinancingLine
from programme import clock
from programme.models import BudgetYear, Contribution, FocusArea, Municipality, Programme, StaffRole, User


def valid_org_number(n: int) -> str:
    """The n-th valid organisation number of a private range (9xxxxxxx + check digit)."""
    base = 91_000_000 + n * 7
    while True:
        for check in "0123456789":
            if orgnr.is_valid(f"{base:08d}{check}"):
                return f"{base:08d}{check}"
        base += 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    password = factory.django.Password("pw-Test-1234")
    email_verified = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Programme {o.code}")
    owner_organisation = "Regional development company"
    start_date = dt.date(2017, 1, 1)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: f"{3400 + n:04d}")
    name = factory.Sequence(lambda n: f"Kommune {n}")
    participating = True


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"area{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())


class BudgetYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetYear
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    year = factory.LazyFunction(lambda: clock.today().year)  # the year of the tests' date (TEST_TODAY)

    @factory.post_generation
    def frame(self, create: bool, extracted: Decimal | None, **kwargs: object) -> None:
        if create and extracted is not None:
            Contribution.objects.create(budget_year=self, funder="Kommunene", amount=Decimal(extracted))


def staff_role(user: User, programme: Programme, kind: str, municipalities: list[Municipality] = ()) -> StaffRole:
    role = StaffRole.objects.create(user=user, programme=programme, kind=kind)
    role.municipalities.set(municipalities)
    return role


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    programme = factory.SubFactory(ProgrammeFactory)
    org_number = factory.Sequence(valid_org_number)
    name = factory.Sequence(lambda n: f"Bedrift {n} AS")
    municipality = factory.SubFactory(MunicipalityFactory, programme=factory.SelfAttribute("..programme"))
    employees_fte = Decimal("10")


def add_member(company: Company, user: User) -> CompanyMember:
    return CompanyMember.objects.create(company=company, user=user, is_contact=True)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete application: 1 000 000 kr of costs, 500 000 kr applied for (50 %)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    programme = factory.SelfAttribute("company.programme")
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Innovasjonsprosjekt {n}")
    summary = "Et nytt produkt på siden av kjernevirksomheten."
    description = "Beskrivelse av prosjektet."
    focus_area = factory.SubFactory(FocusAreaFactory, programme=factory.SelfAttribute("..programme"))
    kind = Application.Kind.DEVELOPMENT
    beside_core_business = "Nytt forretningsområde."
    # A year's project from the tests' date (TEST_TODAY), as tests.journey's applications.
    start_date = factory.LazyFunction(clock.today)
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=365))
    new_jobs_expected = Decimal("4")
    information_is_true = True

    @factory.post_generation
    def money(self, create: bool, extracted: tuple[Decimal, Decimal] | None, **kwargs: object) -> None:
        """``money=(total_cost, applied)``; defaults to (1 000 000, 500 000)."""
        if not create:
            return
        total, applied = extracted or (Decimal("1000000"), Decimal("500000"))
        CostLine.objects.create(
            application=self, category=CostLine.Category.EXTERNAL, description="Konsulent", amount=total
        )
        FinancingLine.objects.create(application=self, source=FinancingLine.Source.OWN_FUNDS, amount=total - applied)
        FinancingLine.objects.create(application=self, source=FinancingLine.Source.THIS_PROGRAMME, amount=applied)
        if not self.company.memberships.filter(user=self.created_by).exists():
            add_member(self.company, self.created_by)
