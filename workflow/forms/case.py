"""The adviser's forms on the staff case page: the screening checklist, returning and
dismissing, the recommendation, a conflict of interest and an internal note.  They parse what
a person typed; the services decide (and their refusals are shown at the field they concern)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.forms import AmountField
from workflow.forms import CaseActionForm, FirstRadioSelect, more_than_zero, text_field
from workflow.models import Recommendation

# The six checks of the checklist, in the order the page shows them, each beside the
# system's own reading (``<field id>_reading``).
SCREENING_CHECKS = (
    "participating_municipality",
    "focus_area_fits",
    "beside_core_business",
    "support_share_ok",
    "de_minimis_ok",
    "innovation_norway_consulted",
)


class ScreeningForm(CaseActionForm):
    """Kartlegging: the formal checks of SPEC §1 and the contact with Innovation Norway."""

    participating_municipality = forms.BooleanField(
        label=_("The company is in a participating municipality"), required=False
    )
    focus_area_fits = forms.BooleanField(label=_("The project lies within one of the focus areas"), required=False)
    beside_core_business = forms.BooleanField(
        label=_("The project lies beside the company's core business"), required=False
    )
    support_share_ok = forms.BooleanField(
        label=_("The support share applied for is within the programme's rule"), required=False
    )
    de_minimis_ok = forms.BooleanField(label=_("The de minimis headroom is checked and is enough"), required=False)
    innovation_norway_consulted = forms.BooleanField(label=_("Innovation Norway has been consulted"), required=False)
    innovation_norway_outcome = text_field(
        _("Outcome of the contact with Innovation Norway"),
        required=False,
        help_text=_("For example whether Innovation Norway will finance the project, or why not."),
    )
    notes = text_field(_("Notes from the screening"), required=False, rows=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SCREENING_CHECKS:
            field_id = self.auto_id % self.add_prefix(name)
            self.fields[name].widget.attrs["aria-describedby"] = f"{field_id}_reading"


class ReturnForm(CaseActionForm):
    rule_fields = {"required": "message"}

    message = text_field(
        _("What the applicant must complete"),
        max_length=5000,
        help_text=_("The applicant reads this on the case page and in the e-mail."),
    )


class DismissForm(CaseActionForm):
    rule_fields = {"required": "reasons"}

    reasons = text_field(
        _("Reasons for the dismissal"),
        max_length=10000,
        rows=5,
        help_text=_("They go into the dismissal letter, with the right to appeal within three weeks."),
    )


class RecommendationForm(CaseActionForm):
    """Innstilling: approve with an amount (and conditions), or reject with reasons."""

    rule_fields = {"amount": "amount", "support_share": "amount", "required": "reasons"}

    outcome = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.Outcome.choices, widget=FirstRadioSelect
    )
    amount = AmountField(
        label=_("Amount recommended (NOK)"),
        required=False,
        validators=[more_than_zero()],
        help_text=_("Only for a recommendation to approve."),
    )
    assessment = text_field(_("Assessment"), max_length=20000, rows=8)
    conditions = text_field(
        _("Conditions"),
        required=False,
        help_text=_("Conditions you propose for the grant, if you recommend approval."),
    )
    reasons = text_field(
        _("Reasons for rejection"),
        required=False,
        help_text=_("Required if you recommend rejection."),
    )


class ConflictForm(CaseActionForm):
    rule_fields = {"required": "reason"}

    reason = text_field(
        _("Why you are disqualified"),
        max_length=2000,
        rows=3,
        help_text=_(
            "For example a family tie to the company or a role in it (the Public Administration Act, section 6). "
            "After this you can read the case, but no longer act on it."
        ),
    )


class NoteForm(CaseActionForm):
    rule_fields = {"required": "text"}

    text = text_field(_("Note"), max_length=10000)
    show_to_applicant = forms.BooleanField(
        label=_("Show the note to the applicant as well"),
        required=False,
        help_text=_("Without this, only the programme's staff see the note."),
    )
