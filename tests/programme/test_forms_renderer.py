"""Our form renderer writes a few of Django's widget templates out in one template each
(programme/forms_renderer.py).  They must draw exactly the HTML of Django's own."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import Jinja2 as DjangoJinja2

from programme.forms_renderer import FormRenderer

CHOICES = [("a", "Alfa"), ("b", 'B & "b"'), ("c", "<c>")]
GROUPED = [("Gruppe 1", [("1", "En"), ("2", "To")]), ("3", "Tre")]


class Sample(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "ds-input", "autocomplete": "off", "data-x": True}))
    number = forms.IntegerField(required=False)
    flag = forms.BooleanField(required=False)
    select = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"aria-invalid": "true"}))
    grouped = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=CHOICES, widget=forms.SelectMultiple)
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple(attrs={"class": "np"}))
    grouped_boxes = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple)
    radios = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


DATA = {
    "text": '<script>"x"</script>',
    "number": "12",
    "flag": "on",
    "select": "b",
    "grouped": "2",
    "many": ["a", "c"],
    "boxes": ["b"],
    "grouped_boxes": ["1", "3"],
    "radios": "c",
    "hidden": "h&h",
}


@pytest.mark.parametrize("data", [None, DATA], ids=["empty", "filled"])
@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_each_widget_draws_the_html_of_djangos_own_templates(name: str, data: dict | None) -> None:
    ours = Sample(data, renderer=FormRenderer())[name]
    django = Sample(data, renderer=DjangoJinja2())[name]
    assert str(ours) == str(django)
    # Subwidgets one by one (as the worklist draws its state boxes).
    assert [str(box.tag()) for box in ours.subwidgets] == [str(box.tag()) for box in django.subwidgets]


def test_our_templates_are_the_ones_used_and_escape_what_they_show() -> None:
    renderer = FormRenderer()
    template = renderer.get_template("django/forms/widgets/select.html")
    assert "programme/jinja2" in template.template.filename
    html = str(Sample(DATA, renderer=renderer)["select"])
    assert "<c>" not in html and "&lt;c&gt;" in html
    assert "B &amp; &#34;b&#34;" in html and '<option value="b" selected>' in html


# --- the Jinja2 parts' own filters (programme/jinja2.py) equal Django's ------------------------

NUMBERS = ["0", "50", "33.333", "12345.678", "-1234.5", "-0.004", "0.005", "2.675", "999999.995", "-999.999", "7"]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("arg", ["-2", "2", "2g", "0g", "-2g", "0", "-1", -1])
def test_the_parts_floatformat_equals_djangos(language: str, arg: object) -> None:
    from decimal import Decimal

    from django.template import defaultfilters
    from django.utils import translation

    from programme.jinja2 import floatformat

    with translation.override(language):
        for text in NUMBERS:
            for value in (Decimal(text), float(text)):
                assert floatformat(value, arg) == defaultfilters.floatformat(value, arg), (value, arg)
        assert floatformat("abc", arg) == defaultfilters.floatformat("abc", arg)
        assert floatformat(Decimal("NaN"), arg) == defaultfilters.floatformat(Decimal("NaN"), arg)


@pytest.mark.parametrize("text", ["", "én linje", "to\nlinjer", "windows\r\nlinjer\rog mac", "<b>&'\"</b>\n<i>"])
def test_the_parts_linebreaksbr_equals_djangos(text: str) -> None:
    from django.template import defaultfilters

    from programme.jinja2 import linebreaksbr

    assert linebreaksbr(text) == defaultfilters.linebreaksbr(text, autoescape=True)


class Boxes(forms.Form):
    things = forms.MultipleChoiceField(
        label="Ting", choices=CHOICES, widget=forms.CheckboxSelectMultiple, help_text="Velg noen."
    )
    things.template_name = "forms/checkbox_group.html"


@pytest.mark.parametrize("data", [None, {"things": ["b", "c"]}, {"things": ["zzz"]}], ids=["empty", "chosen", "wrong"])
def test_the_checkbox_group_has_djangos_ids_values_and_checked_boxes(data: dict | None) -> None:
    import re

    form = Boxes(data, renderer=FormRenderer(), initial={"things": ["a"]})
    field = form["things"]
    html = str(field.as_field_group())
    box = r'<input class="ds-input" type="checkbox" name="(\w+)" value="([^"]*)" id="(\w+)"( checked)?'
    drawn = re.findall(box, html)
    expected = [
        (box.data["name"], str(box.data["value"]), box.id_for_label, " checked" if box.data["selected"] else "")
        for box in field.subwidgets
    ]
    assert drawn == expected
    assert 'id="id_things_help"' in html and "<legend" in html
    if data == {"things": ["zzz"]}:
        assert form.errors and html.count('aria-invalid="true"') == 3 and 'id="id_things_error"' in html
    assert "&lt;c&gt;" in html and "<c>" not in html


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_parts_display_equals_djangos_get_display(language: str) -> None:
    """``|display("field")`` gives what ``get_<field>_display()`` gives, in each language, for
    every choice and for values without a label (kept as they are)."""
    from django.utils import translation

    from programme.jinja2 import display
    from workflow.models import Case, Decision, TimelineEvent

    samples = [
        *(Case(state=value) for value, _label in Case._meta.get_field("state").flatchoices),
        *(TimelineEvent(kind=value, from_state="", to_state=value) for value in TimelineEvent.Kind.values),
        *(Decision(outcome=value) for value in Decision.Outcome.values),
        TimelineEvent(kind="no-such-kind", from_state=None, to_state="no-such-state"),
    ]
    with translation.override(language):
        for sample in samples:
            for name in ("state", "kind", "from_state", "to_state", "outcome"):
                if hasattr(sample, f"get_{name}_display"):
                    assert display(sample, name) == getattr(sample, f"get_{name}_display")(), (sample, name)
    with translation.override("nb"):
        nb = display(Case(state=Case._meta.get_field("state").flatchoices[0][0]), "state")
    with translation.override("en"):
        en = display(Case(state=Case._meta.get_field("state").flatchoices[0][0]), "state")
    assert nb != en  # one table per language, not the first language's for both


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("arg", ["d.m.Y", "d.m.Y H:i", "c", "j. F Y", None])
def test_the_parts_date_equals_the_django_templates_date(language: str, arg: str | None) -> None:
    """``|date`` in a part shows what a Django template shows: aware times in Oslo time (a
    Django template converts them before the filter, Jinja2 would not), naive dates as
    they are, across midnight and both daylight-saving changes."""
    import datetime as dt

    from django.template import engines
    from django.utils import translation

    from programme.jinja2 import date_filter

    utc = dt.UTC
    values = [
        dt.datetime(2026, 6, 1, 22, 30, tzinfo=utc),  # 00:30 the next day in Oslo (summer time)
        dt.datetime(2026, 12, 31, 23, 5, tzinfo=utc),  # 00:05 on New Year's Day in Oslo
        dt.datetime(2026, 3, 29, 0, 59, tzinfo=utc),  # just before the spring change
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=utc),  # just after it
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=utc),  # in the autumn's repeated hour
        dt.datetime(2026, 5, 4, 9, 8, 7, 654321, tzinfo=utc),  # microseconds, as events have
        dt.datetime(2026, 5, 4, 9, 8, 7),  # naive: shown as it is
        dt.date(2026, 2, 3),
        None,
        "",
    ]
    django_date = engines["django"].from_string("{{ value|date:arg }}" if arg else "{{ value|date }}")
    with translation.override(language):
        for value in values:
            try:
                expected = django_date.render({"value": value, "arg": arg})
            except TypeError:  # a time format for a date: Django refuses, and so do the parts
                with pytest.raises(TypeError):
                    date_filter(value, arg)
                continue
            assert date_filter(value, arg) == expected, (value, arg)


def test_the_parts_html_attrs_equals_djangos_attrs_template() -> None:
    """``|html_attrs`` writes what Django's own ``widgets/attrs.html`` writes: the order kept,
    True as a bare name, False left out, everything else escaped."""
    from django.forms.renderers import Jinja2 as DjangoJinja2

    from programme.jinja2 import html_attrs

    attrs = {"class": "ds-input", "required": True, "disabled": False, "data-x": '<"a"&b>', "id": "id_x", "n": 3}
    django = DjangoJinja2().render("django/forms/widgets/attrs.html", {"widget": {"attrs": attrs}})
    assert str(html_attrs(attrs)) == f" {django}"  # each attribute after a space; the renderer strips the first
    assert str(html_attrs({})) == ""
