"""The job outcomes page's form: a job report taken down on the company's behalf."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.forms import FirstRadioSelect
from workflow.forms.applicant import JobReportForm


class OnBehalfJobReportForm(JobReportForm):
    """A job report the administrator takes down from a telephone call or a survey."""

    SOURCES = {"phone": _("Telephone call"), "survey": _("Survey")}

    rule_fields = {"jobs": "new_jobs", "rule": "period_months", "period_months": "period_months"}

    source = forms.ChoiceField(label=_("Source of the figures"), choices=list(SOURCES.items()), widget=FirstRadioSelect)
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Who gave the figures, and when."),
        required=False,
        max_length=500,
    )

    def note_text(self) -> str:
        """The stored note: how the figures were given, then the administrator's words."""
        source = str(self.SOURCES[self.cleaned_data["source"]])
        note = self.cleaned_data.get("note", "").strip()
        return f"{source}: {note}" if note else source
