"""A company's people (SPEC §1, §3 step 1): asking to join a registered company, inviting a
colleague by e-mail, and contact people — through the pages, as the applicant uses them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from applications.models import Company, CompanyMember, Invitation, MembershipRequest
from programme import clock
from tests.applications.companies.support import COMPANIES, CREATE, company_data, text
from tests.factories import UserFactory

# --- Asking to join a registered company --------------------------------------------------


def test_registering_a_company_that_exists_offers_to_ask_to_join(world, client):
    client.force_login(UserFactory())
    before = Company.objects.count()
    number = world.company_a.org_number

    response = client.post(
        CREATE, company_data(world.programme, world.municipality_a, org_number=f"{number[:3]} {number[3:]}")
    )

    page = text(response)
    assert response.status_code == 200
    assert reverse("applications:company_join") in page
    assert world.company_a.name in page
    assert Company.objects.count() == before


def test_a_request_to_join_is_shown_to_the_members_and_an_approval_lets_the_person_in(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(first_name="Kari", last_name="Nordmann")
    client.force_login(newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:company_join"),
            {"programme": world.programme.pk, "org_number": world.company_a.org_number},
        )

    assert response.status_code == 302
    request = MembershipRequest.objects.get(company=world.company_a, user=newcomer)
    assert request.decided_at is None
    assert [mail.to for mail in mailoutbox] == [[world.applicant_a.email]]
    assert newcomer.email in mailoutbox[0].body
    waiting = text(client.get(COMPANIES))
    assert "have not answered yet" in waiting
    assert reverse("applications:application_start", args=[world.company_a.pk]) not in waiting

    client.force_login(world.applicant_a)
    page = text(client.get(COMPANIES))
    assert "Kari Nordmann" in page
    decide = reverse("applications:membership_request_decide", args=[request.pk])
    assert decide in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide, {"decision": "accept"})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.accepted is True and request.decided_by == world.applicant_a
    assert CompanyMember.objects.filter(company=world.company_a, user=newcomer).exists()
    assert mailoutbox[-1].to == [newcomer.email]
    client.force_login(newcomer)
    assert reverse("applications:application_start", args=[world.company_a.pk]) in text(client.get(COMPANIES))


def test_a_refused_request_lets_nobody_in_and_cannot_be_answered_twice(world, client):
    newcomer = UserFactory()
    request = MembershipRequest.objects.create(company=world.company_a, user=newcomer)
    client.force_login(world.applicant_a)
    decide = reverse("applications:membership_request_decide", args=[request.pk])

    client.post(decide, {"decision": "refuse"})
    second = client.post(decide, {"decision": "accept"})

    request.refresh_from_db()
    assert request.accepted is False
    assert second.status_code == 404  # no longer an open request
    assert not CompanyMember.objects.filter(company=world.company_a, user=newcomer).exists()


def test_only_the_companys_people_may_answer_its_requests(world, client):
    request = MembershipRequest.objects.create(company=world.company_a, user=UserFactory())
    client.force_login(world.applicant_b)

    response = client.post(reverse("applications:membership_request_decide", args=[request.pk]), {"decision": "accept"})

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.decided_at is None


def test_asking_twice_makes_one_request(world, client):
    newcomer = UserFactory()
    client.force_login(newcomer)
    data = {"programme": world.programme.pk, "org_number": world.company_a.org_number}

    client.post(reverse("applications:company_join"), data)
    client.post(reverse("applications:company_join"), data)

    assert MembershipRequest.objects.filter(company=world.company_a, user=newcomer).count() == 1


def test_a_member_asking_to_join_is_told_so(world, client):
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("applications:company_join"),
        {"programme": world.programme.pk, "org_number": world.company_a.org_number},
        follow=True,
    )

    assert "already act for" in text(response)
    assert not MembershipRequest.objects.exists()


# --- Invitations --------------------------------------------------------------------------


def invite(client, world, email, capture):
    with capture(execute=True):
        return client.post(reverse("applications:company_invite", args=[world.company_a.pk]), {"email": email})


def test_an_invitation_mails_a_link_and_the_invited_person_joins_by_it(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.applicant_a)

    response = invite(client, world, "Ola.Kollega@Example.no", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    invitation = Invitation.objects.get(company=world.company_a)
    assert invitation.email == "ola.kollega@example.no"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ola.kollega@example.no"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    path = reverse("applications:invitation_accept", kwargs={"token": invitation.token})
    assert link.endswith(path)
    assert "ola.kollega@example.no" in text(client.get(reverse("applications:company", args=[world.company_a.pk])))

    colleague = UserFactory(email="ola.kollega@example.no")
    client.force_login(colleague)
    page = text(client.get(path))
    assert world.company_a.name in page
    response = client.post(path)

    assert response.status_code == 302
    assert CompanyMember.objects.filter(company=world.company_a, user=colleague).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague and invitation.accepted_at is not None


def test_an_invitation_opened_by_someone_with_another_address_says_so_and_adds_nobody(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.applicant_a)
    invite(client, world, "invited@example.no", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    path = reverse("applications:invitation_accept", kwargs={"token": invitation.token})
    stranger = UserFactory(email="stranger@example.no")
    client.force_login(stranger)

    shown = text(client.get(path))
    response = client.post(path)

    assert "invited@example.no" in shown and "stranger@example.no" in shown
    assert 'method="post"' not in shown.split('id="main"')[1]
    assert response.status_code == 200
    assert "invited@example.no" in text(response)
    assert not CompanyMember.objects.filter(company=world.company_a, user=stranger).exists()


def test_an_expired_invitation_is_refused(world, client):
    colleague = UserFactory(email="late@example.no")
    invitation = Invitation.objects.create(
        company=world.company_a,
        email="late@example.no",
        invited_by=world.applicant_a,
        token="expired-token",
        created_at=clock.now() - dt.timedelta(days=15),
    )
    client.force_login(colleague)

    response = client.post(reverse("applications:invitation_accept", kwargs={"token": invitation.token}))

    assert response.status_code == 200
    assert "expired" in text(response)
    assert not CompanyMember.objects.filter(company=world.company_a, user=colleague).exists()


def test_an_unknown_invitation_link_is_a_clear_not_found_page(world, client):
    client.force_login(world.applicant_a)

    response = client.get(reverse("applications:invitation_accept", kwargs={"token": "no-such-token"}))

    assert response.status_code == 404
    assert "not valid" in text(response)


def test_inviting_someone_who_is_already_a_member_is_refused_at_the_field(world, client):
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("applications:company_invite", args=[world.company_a.pk]), {"email": world.applicant_a.email}
    )

    assert response.status_code == 200
    assert 'id="id_email_error"' in text(response)
    assert not Invitation.objects.exists()


def test_a_malformed_address_is_refused_at_the_field(world, client):
    client.force_login(world.applicant_a)

    response = client.post(reverse("applications:company_invite", args=[world.company_a.pk]), {"email": "not mail"})

    assert response.status_code == 200
    assert 'id="id_email_error"' in text(response)
    assert not Invitation.objects.exists()


# --- Contact people -----------------------------------------------------------------------


def profile_post(company, members, contact=None):
    data = {
        "name": company.name,
        "address": "",
        "postal_code": "",
        "city": "",
        "municipality": company.municipality_id,
        "industry_code": "",
        "employees_fte": "3",
        "contacts-TOTAL_FORMS": str(len(members)),
        "contacts-INITIAL_FORMS": str(len(members)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "100",
    }
    for index, member in enumerate(members):
        data[f"contacts-{index}-member"] = member.pk
        for name, value in (contact or {}).get(member.pk, {}).items():
            data[f"contacts-{index}-{name}"] = value
    return data


def test_members_are_marked_as_contact_people_with_phone_and_title(world, client):
    colleague = UserFactory()
    second = CompanyMember.objects.create(company=world.company_a, user=colleague)
    first = CompanyMember.objects.get(company=world.company_a, user=world.applicant_a)
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("applications:company", args=[world.company_a.pk]),
        profile_post(
            world.company_a,
            [first, second],
            {second.pk: {"is_contact": "on", "phone": "+47 612 34 567", "title": "Daglig leder"}},
        ),
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_contact, second.is_contact) == (False, True)
    assert (second.phone, second.title) == ("+47 612 34 567", "Daglig leder")


def test_a_bad_phone_number_saves_nothing(world, client):
    member = CompanyMember.objects.get(company=world.company_a, user=world.applicant_a)
    client.force_login(world.applicant_a)
    data = profile_post(world.company_a, [member], {member.pk: {"is_contact": "on", "phone": "ring meg"}})
    data["name"] = "Nytt navn AS"

    response = client.post(reverse("applications:company", args=[world.company_a.pk]), data)

    assert response.status_code == 200
    assert 'id="id_contacts-0-phone_error"' in text(response)
    world.company_a.refresh_from_db()
    member.refresh_from_db()
    assert world.company_a.name != "Nytt navn AS"
    assert member.phone == ""


def test_a_contact_row_about_a_person_of_another_company_is_refused(world, client):
    stranger = CompanyMember.objects.get(company=world.company_b)
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("applications:company", args=[world.company_a.pk]),
        profile_post(world.company_a, [stranger], {stranger.pk: {"is_contact": "on", "title": "Overtatt"}}),
    )

    assert response.status_code == 200
    assert "does not act for this company" in text(response)
    stranger.refresh_from_db()
    assert stranger.title == ""


@pytest.mark.parametrize("decision", ["", "maybe"])
def test_an_answer_that_is_neither_yes_nor_no_changes_nothing(world, client, decision):
    request = MembershipRequest.objects.create(company=world.company_a, user=UserFactory())
    client.force_login(world.applicant_a)

    response = client.post(reverse("applications:membership_request_decide", args=[request.pk]), {"decision": decision})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.decided_at is None
