"""The administrator's import page: only the programme's administrators; upload, errors by row
and column, preview, confirm; a file that is not a portfolio is a message, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.browser.pages import nb
from tests.journey import World
from tests.workflow.portfolio_import.portfolio import csv_bytes, portfolio_rows, prepare, xlsx_bytes
from workflow.models import Case

pytestmark = pytest.mark.django_db


def url(world: World) -> str:
    return reverse("staff_admin:portfolio_import", kwargs={"code": world.programme.code})


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, world: World, data: bytes, name: str = "portefolje.csv") -> object:
    return client.post(url(world), {"action": "check", "file": SimpleUploadedFile(name, data)})


def test_only_the_programmes_administrators_see_the_page(world: World) -> None:
    assert client_for(world.admin).get(url(world)).status_code == 200
    for user in (world.other_admin, world.board_member, world.adviser_a, world.applicant_a):
        assert client_for(user).get(url(world)).status_code == 404
        assert client_for(user).post(url(world), {"action": "import"}).status_code == 404
    response = Client().get(url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_menu_links_to_the_page_for_administrators(world: World) -> None:
    page = client_for(world.admin).get(url(world)).content.decode()
    assert f'href="{url(world)}"' in page
    other = client_for(world.other_admin).get(
        reverse("staff_admin:portfolio_import", kwargs={"code": world.other_programme.code})
    )
    assert f'href="{url(world)}"' not in other.content.decode()


def test_errors_are_shown_by_row_and_column_and_nothing_is_written(world: World) -> None:
    prepare(world.programme)
    rows = portfolio_rows(12)
    rows[3]["municipality"] = "Atlantis"
    rows[5]["programme"] = world.other_programme.code
    response = upload(client_for(world.admin), world, csv_bytes(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="import-errors"' in page and "Atlantis" in page
    assert '<th scope="row">5</th><td><code>municipality</code>' in page
    assert '<th scope="row">7</th><td><code>programme</code>' in page
    assert not Case.objects.filter(imported=True).exists()


def test_a_valid_file_is_previewed_then_imported_on_confirmation(world: World) -> None:
    prepare(world.programme)
    client = client_for(world.admin)
    response = upload(client, world, xlsx_bytes(portfolio_rows(34)), name="portefolje.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-states"' in page and 'id="import-years"' in page
    assert not Case.objects.filter(imported=True).exists()
    response = client.post(url(world), {"action": "import"}, follow=True)
    assert response.status_code == 200
    assert Case.objects.filter(imported=True).count() == 34
    # The file is gone from the session: confirming again imports nothing more.
    again = client.post(url(world), {"action": "import"})
    assert again.status_code == 400
    assert nb("The checked file is no longer at hand; upload it again.") in again.content.decode()
    assert Case.objects.filter(imported=True).count() == 34


def test_a_file_imported_meanwhile_is_refused_at_confirmation(world: World) -> None:
    prepare(world.programme)
    data = csv_bytes(portfolio_rows(10))
    first, second = client_for(world.admin), client_for(world.admin)
    upload(first, world, data)
    upload(second, world, data)
    first.post(url(world), {"action": "import"})
    response = second.post(url(world), {"action": "import"})
    assert response.status_code == 400 and 'id="import-errors"' in response.content.decode()
    assert Case.objects.filter(imported=True).count() == 10


@pytest.mark.parametrize(
    "data",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"PK\x03\x04broken zip", b"just;some;text\n1;2;3\n", "æøå".encode("latin-1")],
)
def test_odd_files_are_refused_at_the_field_never_a_500(world: World, data: bytes) -> None:
    response = upload(client_for(world.admin), world, data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()


def test_a_post_without_a_file_is_refused_at_the_field(world: World) -> None:
    response = client_for(world.admin).post(url(world), {"action": "check"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_imported_cases_in_every_state_show_on_the_staff_pages(world: World) -> None:
    prepare(world.programme)
    rows = portfolio_rows(17)  # one case in each state
    client = client_for(world.admin)
    upload(client, world, csv_bytes(rows))
    client.post(url(world), {"action": "import"})
    for row in rows:
        response = client.get(reverse("staff:case_detail", args=[row["reference"]]))
        assert response.status_code == 200, row["state"]
    for year in (2023, 2024, 2025):
        budget = client.get(reverse("staff_admin:budget", args=[world.programme.code, year]))
        assert budget.status_code == 200
