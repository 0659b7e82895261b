"""The worklist's filters (django-filter).  The page and its export read the same FilterSet,
so a file holds exactly the rows the person saw.

Every choice is limited to what the person may see: a programme, municipality or focus area
outside his or her scope is not a valid choice (a message at the field), and the queryset the
filters narrow is already limited to the visible cases, so no filter value can widen it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programme import clock
from programme.forms import DesignsystemetForm, ReadOnceChoiceIterator
from workflow.models import Case, State
from workflow.selectors.scope import Scope, ScopeNames
from workflow.selectors.worklist import PHASE_CHOICES, PHASE_STATES, overdue_for_screening, submitted_years

SEARCH_MAX_LENGTH = 100
# Filters that narrow by state: the summary "by state" leaves these out, so that it shows how
# the rest of the filtered cases spread over the states, and each count links to one state.
STATE_FILTERS = ("state", "phase")


class _ScopeChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ReadOnceChoiceIterator

    def __init__(self, *args: Any, options: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options  # the choices as read already (ScopeNames), or None to read them


class ScopeChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among the programmes, municipalities or focus areas the person may see."""

    field_class = _ScopeChoiceField


class WorklistFilterForm(DesignsystemetForm):
    """Designsystemet classes and accessible error wiring for the filter fields."""


class WorklistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Reference, company, organisation number or project title."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    # Choices given as callables: Django copies a field's list of choices, lazy texts and all,
    # for every form (the page's filter form is made on every request); a callable it does not.
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=lambda: PHASE_CHOICES, method="filter_phase", empty_label=_("All phases")
    )
    # No join multiplies a case, so no DISTINCT (it would compare every column of every row).
    state = django_filters.MultipleChoiceFilter(
        label=_("State"), choices=lambda: State.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    programme = ScopeChoiceFilter(label=_("Programme"), queryset=None, empty_label=_("All programmes"))
    municipality = ScopeChoiceFilter(label=_("Municipality"), queryset=None, empty_label=_("All municipalities"))
    focus_area = ScopeChoiceFilter(
        label=_("Focus area"), field_name="application__focus_area", queryset=None, empty_label=_("All focus areas")
    )
    year = django_filters.ChoiceFilter(
        label=_("Year submitted"), choices=[], method="filter_year", empty_label=_("All years")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Only cases over the screening deadline"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = WorklistFilterForm

    def __init__(
        self,
        data: Any = None,
        *,
        scope: Scope,
        queryset: QuerySet[Case] | None = None,
        names: ScopeNames | None = None,
    ) -> None:
        self.scope = scope
        cases = scope.cases() if queryset is None else queryset
        super().__init__(data, queryset=cases)
        self.filters["programme"].queryset = scope.programmes()
        self.filters["municipality"].queryset = scope.municipalities()
        self.filters["focus_area"].queryset = scope.focus_areas()
        if names is not None:  # the options as the page has read them: no query for them
            self.filters["programme"].extra["options"] = names.programmes
            self.filters["municipality"].extra["options"] = names.municipalities
            self.filters["focus_area"].extra["options"] = names.focus_areas
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in submitted_years(scope.cases())]

    # --- the filters that need more than a lookup -----------------------------------------

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        text = value.strip()
        if not text:
            return queryset
        match = (
            Q(reference__icontains=text)
            | Q(application__company__name__icontains=text)
            | Q(application__title__icontains=text)
        )
        digits = "".join(text.split())  # "912 345 678" as printed in letters
        if digits.isdigit():
            match |= Q(application__company__org_number__contains=digits)
        return queryset.filter(match)

    def filter_phase(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(state__in=PHASE_STATES[value]) if value else queryset

    def filter_year(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(submitted_at__year=int(value)) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if not value:
            return queryset
        return overdue_for_screening(queryset, programmes=self.scope.programme_list, today=clock.today())

    # --- what the page reads ----------------------------------------------------------------

    def states_let_through(self) -> set[str] | None:
        """The states the state and phase filters together let through (None: every state), so
        that the page can count its rows from the counts by state."""
        data = self.form.cleaned_data
        allowed: set[str] | None = set(data["state"]) if data.get("state") else None
        if data.get("phase"):
            phase = set(PHASE_STATES[data["phase"]])
            allowed = phase if allowed is None else allowed & phase
        return allowed

    def without_state_filters(self) -> QuerySet[Case]:
        """The filtered cases before the state and phase filters: the base of the summary."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in STATE_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
