"""My companies (SPEC §1, §3 step 1): registering a company and starting an application —
through the pages, as the applicant uses them."""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application, Company, CompanyMember, Invitation
from tests.applications.companies.support import COMPANIES, CREATE, company_data, text
from tests.factories import MunicipalityFactory, ProgrammeFactory, UserFactory, valid_org_number

# --- My companies -------------------------------------------------------------------------


def test_my_companies_shows_only_the_persons_companies_with_their_drafts(world, client):
    draft = world.application(title="Ny sveiselinje")
    other = world.application(world.company_b, title="Hemmelig prosjekt")
    client.force_login(world.applicant_a)

    response = client.get(COMPANIES)

    assert response.status_code == 200
    page = text(response)
    assert world.company_a.name in page
    assert world.company_b.name not in page
    assert reverse("applications:application_company", args=[draft.pk]) in page
    assert "Ny sveiselinje" in page
    assert other.title not in page
    assert reverse("applications:application_start", args=[world.company_a.pk]) in page


def test_a_person_who_is_not_logged_in_is_sent_to_log_in(client, db):
    response = client.get(COMPANIES)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_starting_an_application_makes_a_draft_and_opens_the_first_step(world, client):
    client.force_login(world.applicant_a)

    response = client.post(reverse("applications:application_start", args=[world.company_a.pk]))

    application = Application.objects.get(company=world.company_a)
    assert application.status == Application.Status.DRAFT
    assert application.created_by == world.applicant_a
    assert response["Location"] == reverse("applications:application_company", args=[application.pk])


def test_an_application_cannot_be_started_for_another_company(world, client):
    client.force_login(world.applicant_a)

    response = client.post(reverse("applications:application_start", args=[world.company_b.pk]))

    assert response.status_code == 404
    assert not Application.objects.filter(company=world.company_b).exists()


def test_another_companys_page_is_not_found(world, client):
    client.force_login(world.applicant_a)

    assert client.get(reverse("applications:company", args=[world.company_b.pk])).status_code == 404
    response = client.post(reverse("applications:company_invite", args=[world.company_b.pk]), {"email": "x@example.no"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


# --- Registering a company ----------------------------------------------------------------


def test_with_several_programmes_the_person_chooses_the_programme_first(world, client):
    client.force_login(UserFactory())

    response = client.get(CREATE)

    page = text(response)
    assert response.status_code == 200
    assert world.programme.name in page and world.other_programme.name in page
    assert 'name="org_number"' not in page

    response = client.get(CREATE, {"programme": world.programme.pk})

    page = text(response)
    assert 'name="org_number"' in page
    assert world.municipality_a.name in page


def test_with_one_programme_it_is_chosen_without_asking(client, db):
    programme = ProgrammeFactory()
    municipality = MunicipalityFactory(programme=programme, name="Vestre Toten")
    client.force_login(UserFactory())

    response = client.get(CREATE)

    page = text(response)
    assert 'name="org_number"' in page
    assert "Vestre Toten" in page
    assert f'name="programme" value="{programme.pk}"' in page
    assert 'type="radio"' not in page
    assert f'value="{municipality.pk}"' in page


def test_registering_a_company_with_a_spaced_org_number_makes_the_person_its_contact(world, client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(CREATE, company_data(world.programme, world.municipality_a))

    assert response.status_code == 302
    company = Company.objects.get(programme=world.programme, org_number="974760673")
    assert company.name == "Toten Mekaniske AS"
    assert company.municipality == world.municipality_a
    assert str(company.employees_fte) == "12.5"
    assert CompanyMember.objects.filter(company=company, user=person, is_contact=True).exists()
    assert company.name in text(client.get(COMPANIES))


def test_an_invalid_org_number_is_refused_at_its_field(world, client):
    client.force_login(UserFactory())
    before = Company.objects.count()

    response = client.post(CREATE, company_data(world.programme, world.municipality_a, org_number="974 760 674"))

    assert response.status_code == 200
    page = text(response)
    assert 'id="id_org_number_error"' in page
    assert "974 760 674" in page
    assert 'aria-invalid="true"' in page
    assert Company.objects.count() == before


def test_a_municipality_of_another_programme_is_refused(world, client):
    foreign = MunicipalityFactory(programme=world.other_programme)
    client.force_login(UserFactory())
    before = Company.objects.count()

    response = client.post(CREATE, company_data(world.programme, foreign))

    assert response.status_code == 200
    assert 'id="id_municipality_error"' in text(response)
    assert Company.objects.count() == before


def test_a_bad_postal_code_is_refused_at_its_field(world, client):
    client.force_login(UserFactory())

    response = client.post(CREATE, company_data(world.programme, world.municipality_a, postal_code="28a5"))

    assert response.status_code == 200
    assert 'id="id_postal_code_error"' in text(response)
    assert not Company.objects.filter(org_number="974760673").exists()


def test_a_company_registered_in_another_programme_is_a_different_company(world, client):
    number = valid_org_number(999)
    Company.objects.create(
        programme=world.other_programme,
        org_number=number,
        name="Annet AS",
        municipality=MunicipalityFactory(programme=world.other_programme),
    )
    client.force_login(UserFactory())

    response = client.post(CREATE, company_data(world.programme, world.municipality_a, org_number=number))

    assert response.status_code == 302
    assert Company.objects.filter(org_number=number).count() == 2
