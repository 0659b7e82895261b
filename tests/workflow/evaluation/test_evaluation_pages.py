"""The administrator's evaluation pages (issue 5): the list with who made each evaluation and
when, the form that asks for one, the progress while it is made, the key figures and the
downloads when it is ready.  Only the programme's administrators; odd input never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme import clock
from tests.browser.pages import nb
from tests.journey import World
from workflow import services, tasks
from workflow.models import Evaluation

pytestmark = pytest.mark.usefixtures("private_storage")

TWO_YEARS = {"period_from": "2017-01-01", "period_to": "2018-12-31"}


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    messages: list[tuple] = []
    monkeypatch.setattr(tasks.make_evaluation, "delay", lambda *args: messages.append(args))
    return messages


def asked(world: World, start: str = "2017-01-01", end: str = "2018-12-31") -> Evaluation:
    return services.evaluation_request(
        programme=world.programme,
        period_from=dt.date.fromisoformat(start),
        period_to=dt.date.fromisoformat(end),
        actor=world.admin,
    )


def urls(world: World, evaluation: Evaluation) -> dict[str, str]:
    code = world.programme.code
    return {
        "list": reverse("staff_admin:evaluations", args=[code]),
        "page": reverse("staff_admin:evaluation", args=[code, evaluation.pk]),
        "status": reverse("staff_admin:evaluation_status", args=[code, evaluation.pk]),
        "pdf": reverse("staff_admin:evaluation_pdf", args=[code, evaluation.pk]),
        "json": reverse("staff_admin:evaluation_json", args=[code, evaluation.pk]),
    }


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_admin", "board_member", "adviser_a", "applicant_a", "other_board_member"])
def test_only_the_programmes_administrators_see_the_pages_and_downloads(world: World, client: Client, sent, who):
    evaluation = services.evaluation_make(evaluation_id=asked(world).pk)
    client.force_login(world.people()[who])
    for name, url in urls(world, evaluation).items():
        assert client.get(url).status_code == 404, name
    assert client.post(urls(world, evaluation)["list"], TWO_YEARS).status_code == 404
    assert Evaluation.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(world: World, client: Client, sent):
    evaluation = asked(world)
    for name, url in urls(world, evaluation).items():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_an_evaluation_of_another_programme_is_not_found_under_mine(world: World, client: Client, sent):
    other = services.evaluation_request(
        programme=world.other_programme,
        period_from=dt.date(2017, 1, 1),
        period_to=dt.date(2018, 12, 31),
        actor=world.other_admin,
    )
    services.evaluation_make(evaluation_id=other.pk)
    client.force_login(world.admin)
    for name, url in urls(world, other).items():
        if name != "list":
            assert client.get(url).status_code == 404, name
    assert client.get(reverse("staff_admin:evaluations", args=["NOPE"])).status_code == 404


# --- asking for one ---------------------------------------------------------------------------


def test_the_form_offers_the_two_year_period_and_asking_shows_the_progress(
    world: World, client: Client, sent, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    list_url = reverse("staff_admin:evaluations", args=[world.programme.code])
    page = client.get(list_url).content.decode()
    assert 'value="2017-01-01"' in page and 'value="2018-12-31"' in page
    assert nb("No evaluation has been made yet.") in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(list_url, TWO_YEARS)
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == urls(world, evaluation)["page"]
    assert sent == [(evaluation.pk,)]
    assert (evaluation.requested_by, evaluation.status) == (world.admin, "pending")

    page = client.get(response["Location"]).content.decode()
    assert 'role="status"' in page and "<progress" in page and 'value="0"' in page
    assert 'hx-trigger="every 2s"' in page and "seen=pending-0" in page
    assert nb("Refresh") in page  # without JavaScript
    assert nb("Waiting to start") in page

    # While nothing changes, the status answers "no change"; then the progress, then ready.
    assert client.get(urls(world, evaluation)["status"] + "?seen=pending-0").status_code == 204
    Evaluation.objects.filter(pk=evaluation.pk).update(status="running", progress=60)
    fragment = client.get(urls(world, evaluation)["status"] + "?seen=pending-0").content.decode()
    assert 'value="60"' in fragment and "seen=running-60" in fragment
    assert nb("%(status)s: %(progress)s %% done.", status=nb("Being made"), progress=60) in fragment

    tasks.make_evaluation(evaluation.pk)
    fragment = client.get(urls(world, evaluation)["status"] + "?seen=running-60").content.decode()
    assert "hx-trigger" not in fragment and "<progress" not in fragment
    assert f'href="{urls(world, evaluation)["pdf"]}"' in fragment
    assert f'href="{urls(world, evaluation)["json"]}"' in fragment
    assert 'hx-swap-oob="true"' in fragment and 'id="evaluation-key-figures"' in fragment

    # The list: period, who, when, status, downloads.
    listing = client.get(list_url).content.decode()
    assert "01.01.2017–31.12.2018" in listing
    assert str(world.admin) in listing and nb("Ready") in listing
    assert evaluation.created_at.astimezone().strftime("%d.%m.%Y") in listing
    assert f'href="{urls(world, evaluation)["pdf"]}"' in listing


def test_the_list_says_the_system_made_the_two_year_evaluation(world: World, client: Client, sent):
    services.evaluation_automatic(today=dt.date(2019, 1, 1))
    client.force_login(world.admin)
    page = client.get(reverse("staff_admin:evaluations", args=[world.programme.code])).content.decode()
    assert nb("The system (at two years)") in page
    assert page.count('data-evaluation="') == 1  # the other programme's is not listed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period_from": "2017-01-01\x00", "period_to": "2018-12-31"}, "period_from", "Oppgi en gyldig dato."),
        ({"period_from": "0000-01-01", "period_to": "2018-12-31"}, "period_from", "Oppgi en gyldig dato."),
        ({"period_from": "2017-01-01", "period_to": "99999-12-31"}, "period_to", "Oppgi en gyldig dato."),
        ({"period_from": "2017-02-30", "period_to": "2018-12-31"}, "period_from", "Oppgi en gyldig dato."),
        ({"period_from": "x" * 10000, "period_to": "2018-12-31"}, "period_from", "Oppgi en gyldig dato."),
        # Django's message, as the catalogues in use translate it (DRF's overrides Django's).
        ({"period_from": "", "period_to": ""}, "period_to", "This field is required."),
        (
            {"period_from": "2018-12-31", "period_to": "2017-01-01"},
            "period_to",
            "Perioden må slutte samme dag som den begynner eller senere.",
        ),
        (
            {"period_from": "2017-01-01", "period_to": "9999-12-31"},
            "period_to",
            "Perioden kan dekke høyst 20 kalenderår.",
        ),
        ({"period_from": "1900-01-01", "period_to": "1901-12-31"}, "period_from", "Perioden kan ikke begynne før"),
    ],
)
def test_odd_input_gives_a_message_at_the_field_and_changes_nothing(
    world: World, client: Client, sent, data, field, message
):
    client.force_login(world.admin)
    response = client.post(reverse("staff_admin:evaluations", args=[world.programme.code]), data)
    assert response.status_code in (400, 409)
    page = response.content.decode()
    assert nb(message) in page  # the Norwegian texts above are not message ids: nb() keeps them
    assert f'id="id_{field}_error"' in page and 'id="error-summary"' in page
    assert 'aria-invalid="true"' in page
    assert not Evaluation.objects.exists() and sent == []


def test_a_period_starting_more_than_ten_years_ahead_is_a_typing_mistake(world: World, client: Client, sent):
    latest = clock.today() + relativedelta(years=10)
    client.force_login(world.admin)
    address = reverse("staff_admin:evaluations", args=[world.programme.code])
    too_late = (latest + dt.timedelta(days=1)).isoformat()

    response = client.post(address, {"period_from": too_late, "period_to": too_late})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="id_period_from_error"' in page
    assert nb("Give a date from %(first)s to %(last)s.", first="01.01.2000", last=f"{latest:%d.%m.%Y}") in page
    assert not Evaluation.objects.exists() and sent == []

    # The edge: a period from ten years ahead may be asked for.
    assert client.post(address, {"period_from": latest.isoformat(), "period_to": latest.isoformat()}).status_code == 302
    assert Evaluation.objects.get().period_from == latest


def test_the_page_says_nothing_of_being_made_once_the_evaluation_is_ready(
    world: World, client: Client, sent, django_capture_on_commit_callbacks
):
    """Asking leaves no message behind: a message saying it is being made stayed on the page
    after the status had said it was ready (issue 17)."""
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff_admin:evaluations", args=[world.programme.code]), TWO_YEARS)
    evaluation = Evaluation.objects.get()
    tasks.make_evaluation(evaluation.pk)  # made before the page is shown, as by a quick worker

    page = client.get(response["Location"]).content.decode()

    assert nb("The evaluation is being made. This page shows how far it has come.") not in page
    assert "<progress" not in page
    assert 'id="evaluation-key-figures"' in page


def test_only_get_and_post_are_answered(world: World, client: Client):
    client.force_login(world.admin)
    url = reverse("staff_admin:evaluations", args=[world.programme.code])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


# --- the result -------------------------------------------------------------------------------


def test_the_ready_page_shows_the_key_figures_and_the_downloads_give_the_stored_files(
    world: World, client: Client, sent
):
    evaluation = services.evaluation_make(evaluation_id=asked(world, "2026-01-01", "2026-12-31").pk)
    client.force_login(world.admin)
    page = client.get(urls(world, evaluation)["page"]).content.decode()
    assert "hx-trigger" not in page and "<progress" not in page
    assert 'id="evaluation-key-figures"' in page and 'data-year="total"' in page
    assert nb("Key figures against the targets") in page

    pdf = client.get(urls(world, evaluation)["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "evaluering-NUP-2026-01-01-2026-12-31.pdf" in pdf["Content-Disposition"]
    assert pdf["Cache-Control"] == "private, no-store"

    data = client.get(urls(world, evaluation)["json"])
    assert data.status_code == 200 and data["Content-Type"].startswith("application/json")
    assert json.loads(data.content) == evaluation.figures
    assert "evaluering-NUP-2026-01-01-2026-12-31.json" in data["Content-Disposition"]


def test_downloads_of_an_evaluation_not_ready_are_not_found(world: World, client: Client, sent):
    evaluation = asked(world)
    client.force_login(world.admin)
    assert client.get(urls(world, evaluation)["pdf"]).status_code == 404
    assert client.get(urls(world, evaluation)["json"]).status_code == 404


def test_a_failed_evaluation_says_so_and_offers_to_make_it_again(world: World, client: Client, sent):
    evaluation = asked(world)
    Evaluation.objects.filter(pk=evaluation.pk).update(status="failed", error="OSError: disk full")
    client.force_login(world.admin)
    page = client.get(urls(world, evaluation)["page"]).content.decode()
    assert nb("The evaluation could not be made.") in page and "OSError: disk full" in page
    assert nb("Make it again") in page and "hx-trigger" not in page


def test_the_list_reads_the_same_number_of_queries_for_few_and_many_evaluations(world: World, client: Client, sent):
    client.force_login(world.admin)
    url = reverse("staff_admin:evaluations", args=[world.programme.code])

    made = 0

    def queries(count: int) -> int:
        nonlocal made
        for _ in range(count):
            # A year from a day of its own: as many periods as needed, none of them far ahead.
            start = dt.date(2017, 1, 1) + dt.timedelta(days=made)
            asked(world, start.isoformat(), (start + dt.timedelta(days=364)).isoformat())
            made += 1
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries(3)
    assert queries(40) == few


def test_the_staff_menu_links_the_administrators_to_the_evaluation(world: World, client: Client):
    url = reverse("staff_admin:evaluations", args=[world.programme.code])
    client.force_login(world.admin)
    assert (
        f'href="{url}"' in client.get(reverse("staff_admin:job_outcomes", args=[world.programme.code])).content.decode()
    )
    client.force_login(world.board_member)
    assert f'href="{url}"' not in client.get(reverse("board:meetings", args=[world.programme.code])).content.decode()
