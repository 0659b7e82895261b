"""Every state of SPEC §4 can be reached through the services."""

import pytest

from tests.journey import PATHS, case_in
from workflow.models import Case, TimelineEvent


@pytest.mark.parametrize("state", list(PATHS))
def test_every_state_is_reachable_through_the_services(world, state):
    case = case_in(world, state)

    assert Case.objects.get(pk=case.pk).state == state
    transitions = TimelineEvent.objects.filter(case=case, kind="transition")
    # One event for the submission and one per state change, ending in the state reached.
    assert transitions.last().to_state == state
    assert transitions.count() == len(PATHS[state]) + 1
