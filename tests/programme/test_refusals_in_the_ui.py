"""A refusal reaches a person as the rule in Norwegian, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation

from programme.errors import RuleViolation
from programme.middleware import RuleViolationMiddleware
from tests.journey import case_in
from workflow import services
from workflow.models import Case, LedgerEntry, TimelineEvent


def test_a_refusal_that_reaches_the_top_of_a_request_is_a_409_page_with_the_rule(rf: RequestFactory) -> None:
    def view(request):
        raise RuleViolation("Beløpet går ut over rammen.")

    middleware = RuleViolationMiddleware(view)
    request = rf.get("/")
    response = middleware.process_exception(request, RuleViolation("Beløpet går ut over rammen."))

    assert response.status_code == 409
    assert "Beløpet går ut over rammen." in response.content.decode()


def test_refusal_messages_are_norwegian_by_default(world) -> None:
    case = world.submitted_case()
    with translation.override("nb"), pytest.raises(RuleViolation) as refused:
        services.case_take(case=case, actor=world.applicant_a)
    assert "næringsrådgiver" in refused.value.message.lower()

    with translation.override("en"), pytest.raises(RuleViolation) as refused_en:
        services.case_take(case=case, actor=world.applicant_a)
    assert "adviser" in refused_en.value.message


def test_the_admin_shows_a_refused_lapse_in_norwegian_and_changes_nothing(world, client) -> None:
    case = case_in(world, "approved")
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    events, ledger = TimelineEvent.objects.count(), LedgerEntry.objects.count()

    response = client.post(
        "/admin/workflow/case/",
        {"action": "lapse_overdue_offers", "_selected_action": [case.pk]},
        follow=True,
        headers={"accept-language": "nb"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert case.reference in text
    assert "fristen" in text.lower()  # the offer's deadline has not passed yet
    assert Case.objects.get(pk=case.pk).state == "approved"
    assert (TimelineEvent.objects.count(), LedgerEntry.objects.count()) == (events, ledger)
