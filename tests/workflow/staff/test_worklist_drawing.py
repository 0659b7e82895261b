"""How the worklist is drawn: typed text escaped in both languages, the state boxes and the
selects as Django's own widgets draw them (with the marks of a wrong value), and the links
exactly as QueryDict would encode them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.forms import Form
from django.http import QueryDict
from django.test import Client

from applications.models import Company
from tests.journey import World
from tests.workflow.staff.worklist_support import OSLO, bulk_cases, page_as, worklist_url
from workflow.filters import WorklistFilter
from workflow.models import State
from workflow.selectors.scope import staff_scope


def form_as_django_draws_it(world: World, params: dict[str, Any]) -> Form:
    """The filter form the page reads for ``params``, validated, for Django to draw."""
    form = WorklistFilter(QueryDict(urlencode(params, doseq=True)), scope=staff_scope(user=world.adviser_a)).form
    form.is_valid()
    return form


def test_the_rows_name_municipality_and_focus_area_and_typed_html_is_escaped(client: Client, world: World) -> None:
    # Django's autoescaping keeps the table safe, in both languages; the names of municipality
    # and focus area come from the scope, not the row query.
    company = world.company_a
    Company.objects.filter(pk=company.pk).update(name='<script>alert("firma")</script>')
    bulk_cases(world, 1, title="<b>Tittel</b>")
    for language in ("nb", "en"):
        client.force_login(world.adviser_a)
        client.cookies["django_language"] = language
        html = client.get(worklist_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert '<script>alert("firma")</script>' not in html and "&lt;script&gt;alert(" in html
        assert "<b>Tittel</b>" not in html and "&lt;b&gt;Tittel&lt;/b&gt; B0" in html
        row = html[html.index('<th scope="row">') : html.index("</tr>", html.index('<th scope="row">'))]
        assert f"<td>{world.municipality_a.name}</td>" in row
        assert f"<td>{world.focus_area.name}</td>" in row
    assert "Not taken yet" in html  # the English page is English


@pytest.mark.parametrize(
    "params",
    [{}, {"state": ["submitted", "screening"]}, {"state": ["submitted", "no-such-state"]}],
    ids=["none chosen", "two chosen", "wrong value"],
)
def test_the_state_boxes_are_drawn_as_djangos_subwidgets_draw_them(
    client: Client, world: World, params: dict[str, Any]
) -> None:
    """Each state box is what Django's own subwidget draws: attributes, the ids the labels and
    the error summary point at, the checked state, and the error marks of a wrong value."""
    html = page_as(client, world.adviser_a, **params)
    drawn = re.findall(r'<input type="checkbox" name="state"[^>]*>', html)
    expected = [str(box.tag()) for box in form_as_django_draws_it(world, params)["state"]]
    assert drawn == expected
    assert len(drawn) == len(State.choices)
    if "no-such-state" in params.get("state", []):
        assert all('aria-invalid="true"' in box for box in drawn)
    else:
        assert sum(" checked" in box for box in drawn) == len(params.get("state", []))


@pytest.mark.parametrize(
    "params",
    [{}, {"phase": "final", "year": "2020"}, {"year": "1900", "programme": "999999", "phase": "x"}],
    ids=["none chosen", "chosen", "wrong values"],
)
def test_the_selects_are_drawn_as_djangos_widgets_draw_them(
    client: Client, world: World, params: dict[str, Any]
) -> None:
    """Each select is what Django's widget draws (through the project's form renderer): the
    options, which one is selected, and the error attributes of a wrong value."""
    bulk_cases(world, 1, submitted_at=dt.datetime(2020, 5, 5, 12, tzinfo=OSLO))
    html = page_as(client, world.adviser_a, **params)
    form = form_as_django_draws_it(world, params)
    for name in ("phase", "programme", "municipality", "focus_area", "year"):
        drawn = re.search(rf'<select name="{name}".*?</select>', html, re.DOTALL)
        assert drawn is not None, name
        assert drawn.group(0) == str(form[name]), name
    if "phase" in params and params["phase"] == "x":
        assert 'aria-invalid="true"' in re.search(r'<select name="phase".*?>', html).group(0)


def test_the_links_encode_the_filters_as_django_would() -> None:
    """The page's links carry exactly what a QueryDict would encode: every
    value of a repeated filter, odd characters escaped, the page and sort as asked."""
    from workflow.views.worklist import _Query

    data = QueryDict("q=Sm%C3%B8r+%26+br%C3%B8d%3F&state=submitted&state=screening&phase=&year=2020&x=1&page=3")
    query = _Query(data, filter_names=["q", "phase", "state", "year"], sort="-amount")
    expected = QueryDict(mutable=True)
    expected.setlist("q", ["Smør & brød?"])
    expected.setlist("state", ["submitted", "screening"])
    expected.setlist("year", ["2020"])
    expected["sort"] = "-amount"
    assert query.current == f"?{expected.urlencode()}"
    expected["page"] = "2"
    assert query.with_page(2) == f"?{expected.urlencode()}"
    del expected["page"]
    expected.pop("state")
    expected.pop("sort")
    expected["state"] = "closed"
    expected["sort"] = "-amount"
    assert query.with_state("closed") == f"?{expected.urlencode()}"
    assert _Query(QueryDict(""), filter_names=["q"], sort="-submitted").with_page(1) == "?"
