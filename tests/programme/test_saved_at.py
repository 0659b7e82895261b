"""``updated_at`` is read from the system clock: a service acting as of an earlier day (the
demo, an imported portfolio) leaves rows "last saved" on that day, not on the real one."""

from __future__ import annotations

from datetime import timedelta

from programme import clock
from tests.journey import case_in
from workflow import services
from workflow.models import Case, State


def test_a_screening_saved_as_of_an_earlier_day_was_last_saved_then(world):
    case = case_in(world, State.SCREENING)
    earlier = clock.now() - timedelta(days=400)

    with clock.travel_to(earlier):
        screening = services.screening_save(case=case, actor=world.adviser_a, focus_area_fits=True)

    screening.refresh_from_db()
    assert screening.updated_at == earlier


def test_a_case_changed_as_of_an_earlier_day_was_last_changed_then(world):
    case = case_in(world, State.SCREENING)
    earlier = clock.now() - timedelta(days=30)

    with clock.travel_to(earlier):
        services.case_return(case=case, actor=world.adviser_a, message="Legg ved budsjettet.")

    assert Case.objects.get(pk=case.pk).updated_at == earlier
