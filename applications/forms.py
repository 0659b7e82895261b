"""Forms of the applicant's pages.  They only parse what was typed (types, lengths, choices);
the rules live in the services, whose refusals the views put back at the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Attachment, Company, CostLine, FinancingLine, SupportDeclaration
from applications.services import LINES_MAX
from programme.forms import AmountField, DesignsystemetForm, DesignsystemetModelForm, NumberField, zero_when_empty
from programme.models import FocusArea, Programme


class DateInput(forms.DateInput):
    """The browser's own date picker; without it, the ISO date (2026-03-31) is typed."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ParsingModelForm(DesignsystemetModelForm):
    """A model form that only parses input.  It neither validates the model nor changes the
    instance: the service does both, so that every rule lives in one place."""

    def _post_clean(self) -> None:
        pass


def disable(*forms_: forms.BaseForm) -> None:
    """Show a form read-only (a submitted application)."""
    for form in forms_:
        for field in form.fields.values():
            field.disabled = True


# --- Companies ----------------------------------------------------------------------------


class ProgrammeChoiceForm(DesignsystemetForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class CompanyProfileForm(ParsingModelForm):
    """The company's profile (step 1 and the company page); the number never changes."""

    class Meta:
        model = Company
        fields = ["name", "address", "postal_code", "city", "municipality", "industry_code", "employees_fte"]
        # An empty number of employees is none (and none is shown as an empty field).
        formfield_callback = zero_when_empty
        help_texts = {
            "postal_code": _("Four digits."),
            "industry_code": _("The NACE code (SN2007) from the Central Coordinating Register, such as 62.010."),
            "employees_fte": _("Full-time equivalents; a half-time position is 0.5."),
        }

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("Choose a municipality")
        self.fields["name"].required = True
        self.fields["postal_code"].widget.attrs.update(inputmode="numeric", autocomplete="postal-code")
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"


class CompanyCreateForm(CompanyProfileForm):
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("Nine digits; spaces are fine (974 760 673)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    programme = forms.ModelChoiceField(queryset=Programme.objects.all(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["org_number", *CompanyProfileForm.Meta.fields, "programme"])


class JoinForm(DesignsystemetForm):
    """Ask to act for a company that is already registered in the programme."""

    programme = forms.ModelChoiceField(queryset=Programme.objects.all(), widget=forms.HiddenInput)
    org_number = forms.CharField(max_length=20, widget=forms.HiddenInput)


class InvitationForm(DesignsystemetForm):
    email = forms.EmailField(
        label=_("E-mail address of the colleague"),
        max_length=254,
        help_text=_("We send a link; your colleague logs in with this address to join the company."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class DecisionForm(DesignsystemetForm):
    decision = forms.ChoiceField(choices=[("accept", _("Let the person join")), ("refuse", _("Refuse"))])


class ContactForm(DesignsystemetForm):
    """A person of the company: contact person or not, with phone and title."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    is_contact = forms.BooleanField(label=_("Contact person"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    title = forms.CharField(label=_("Title"), max_length=100, required=False)


class BaseContactFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


ContactFormSet = forms.formset_factory(
    ContactForm,
    formset=BaseContactFormSet,
    extra=0,
    max_num=LINES_MAX,
    absolute_max=LINES_MAX,
    validate_max=True,
)


# --- The application's steps --------------------------------------------------------------


class ProjectForm(ParsingModelForm):
    """Step 2: the project."""

    beside_core_business = forms.CharField(
        label=capfirst(Application._meta.get_field("beside_core_business").verbose_name),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Innovation support is for projects beside the company's core business."),
    )

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "description",
            "focus_area",
            "kind",
            "beside_core_business",
            "start_date",
            "end_date",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        help_texts = {
            "summary": _("A few sentences; at most 1,000 characters."),
            "description": _("What you will do, how, and what is new."),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(programme=programme).order_by("name")
        self.fields["focus_area"].empty_label = _("Choose a focus area")
        self.fields["kind"].choices = [("", _("Choose the kind of project")), *Application.Kind.choices]


class EffectsForm(ParsingModelForm):
    """Step 4: the effects; an empty field counts as zero (and zero is shown empty)."""

    class Meta:
        model = Application
        fields = ["new_jobs_expected", "jobs_secured", "expected_turnover"]
        formfield_callback = zero_when_empty
        help_texts = {
            "new_jobs_expected": _("Full-time equivalents, such as 2.5."),
            "jobs_secured": _("Jobs the project keeps that would otherwise be lost, in full-time equivalents."),
            "expected_turnover": _("Yearly turnover from the project when it is in operation, in kroner."),
        }


class LinesFormSet(forms.BaseFormSet):
    """Lines edited as rows without JavaScript: the saved rows, a few empty ones, and a
    checkbox to delete a row.  A row left empty is no line."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Delete")
            form.fields["DELETE"].widget.attrs["class"] = "ds-input"

    def lines(self) -> list[tuple[forms.Form, dict[str, Any]]]:
        """The rows to save, each with its form (to put a refusal back at its field)."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            values = {name: value for name, value in data.items() if name != "DELETE"}
            if all(value in (None, "", False) for value in values.values()):
                continue
            kept.append((form, values))
        return kept


def _lines_formset(form: type[forms.Form]) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        formset=LinesFormSet,
        extra=3,
        can_delete=True,
        max_num=LINES_MAX,
        absolute_max=LINES_MAX,
        validate_max=True,
    )


def _choices(choices: list[tuple[str, Any]], empty: str) -> list[tuple[str, Any]]:
    return [("", empty), *choices]


class CostLineForm(DesignsystemetForm):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_choices(CostLine.Category.choices, _("Choose a category"))
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    hours = NumberField(label=_("Hours"), max_digits=8, decimal_places=1, required=False)
    hourly_rate = AmountField(label=_("Hourly rate (NOK)"), max_digits=8, required=False)
    # For own hours the amount is hours × rate; the page says so above the table.
    amount = AmountField(label=_("Amount (NOK)"), required=False)


class FinancingLineForm(DesignsystemetForm):
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=_choices(FinancingLine.Source.choices, _("Choose a source"))
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = AmountField(label=_("Amount (NOK)"), required=False)


class SupportDeclarationForm(DesignsystemetForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_choices(SupportDeclaration.Kind.choices, _("Choose the kind"))
    )
    grantor = forms.CharField(label=_("Grantor"), max_length=200, required=False)
    granted_on = forms.DateField(label=_("Date granted"), required=False, widget=DateInput())
    amount = AmountField(label=_("Amount (NOK)"), required=False)


CostLineFormSet = _lines_formset(CostLineForm)
FinancingLineFormSet = _lines_formset(FinancingLineForm)
SupportDeclarationFormSet = _lines_formset(SupportDeclarationForm)


class DeclarationsForm(DesignsystemetForm):
    information_is_true = forms.BooleanField(
        label=_("I confirm that the information in the application is true and complete."), required=False
    )


ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg," + ",".join(Attachment.ALLOWED_TYPES)


class AttachmentForm(DesignsystemetForm):
    file = forms.FileField(
        label=_("File"),
        required=False,
        # Attachment.MAX_SIZE is 20 MB.
        help_text=_("PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    description = forms.CharField(label=_("What the file shows"), max_length=200, required=False)
