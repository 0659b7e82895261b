"""The board's forms: a meeting, its members, the agenda, and the decision on each case.
They parse what a person typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.forms import AmountField, DesignsystemetForm
from workflow.forms import CaseActionForm, FirstRadioSelect, more_than_zero, text_field
from workflow.models import LegalBasis, MeetingDocument


class CheckboxGroupField(forms.ModelMultipleChoiceField):
    """Check boxes in a fieldset (the field template, templates/includes/field.html), drawn
    with ``{{ form.field.as_field_group }}``; ``empty_text`` is shown when there is nothing to
    choose."""

    empty_text = _("There is nothing to choose.")


class MemberChoiceField(CheckboxGroupField):
    empty_text = _("The programme has no board members.")

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class MeetingForm(DesignsystemetForm):
    date = forms.DateField(
        label=_("Date of the meeting"),
        help_text=_("For example 14.03.2026. The decisions are charged to this year's budget."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    location = forms.CharField(label=_("Location (optional)"), max_length=200, required=False)
    members = MemberChoiceField(
        label=_("Members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The board members who take part in the meeting and decide its cases."),
    )

    def __init__(self, *args: Any, board_members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = board_members


class MembersForm(DesignsystemetForm):
    members = MemberChoiceField(
        label=_("Members of the meeting"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, board_members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = board_members


class _CaseChoiceIterator(forms.models.ModelChoiceIterator):
    """The cases to choose from as (pk, "reference: company – title"), read as plain values in
    one query: the page only shows them (a valid choice is still decided by the queryset)."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        rows = self.queryset.values_list("pk", "reference", "application__company__name", "application__title")
        for pk, reference, company, title in rows:
            yield (pk, f"{reference}: {company} – {title or _('Untitled application')}")


class CaseChoiceField(CheckboxGroupField):
    iterator = _CaseChoiceIterator
    empty_text = _("No recommended cases are waiting for a meeting.")


class AgendaAddForm(DesignsystemetForm):
    cases = CaseChoiceField(
        label=_("Recommended cases"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one case to place on the agenda.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = candidates


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingDocument.Kind.choices)


class ApproveForm(CaseActionForm):
    rule_fields = {
        "amount": "amount",
        "budget": "amount",
        "support_share": "amount",
        "de_minimis": "amount",
        "no_budget": "amount",
        "budget_closed": "amount",
        "legal_basis": "legal_basis",
    }

    amount = AmountField(label=_("Amount to grant (NOK)"), validators=[more_than_zero()])
    legal_basis = forms.ChoiceField(
        label=_("Legal basis of the support"), choices=LegalBasis.choices, widget=FirstRadioSelect
    )
    conditions = text_field(_("Conditions (optional)"), required=False, max_length=5000, rows=3)
    share_reason = text_field(
        label=_("Reasons for a higher support share (optional)"),
        help_text=_("Needed only when the amount is above the programme's usual share of the costs."),
        required=False,
        max_length=5000,
        rows=2,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons carry no input class; their group is labelled by its fieldset.
        self.fields["legal_basis"].widget.attrs.pop("class", None)


class RejectForm(CaseActionForm):
    rule_fields = {"required": "reasons"}

    reasons = text_field(_("Reasons for the refusal"), max_length=5000, rows=3)


class DeferForm(CaseActionForm):
    comment = text_field(_("Comment (optional)"), required=False, max_length=2000, rows=2)


DECISION_FORMS: dict[str, type[CaseActionForm]] = {"approve": ApproveForm, "reject": RejectForm, "defer": DeferForm}


def decision_prefix(action: str, case_id: int) -> str:
    """Each case's forms get their own prefix, so the page's field ids stay unique."""
    return f"{action}-{case_id}"
