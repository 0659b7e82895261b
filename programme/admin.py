"""Administrators configure programmes, years, budgets, municipalities, focus areas,
rules and users here; a programme's administrators their own programme's (programme/admin_site.py)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programme.admin_site import ProgrammeScopedAdmin
from programme.dates import implausible
from programme.models import BudgetYear, Contribution, FocusArea, Municipality, Programme, StaffRole, User

CONFIGURE = frozenset({"view", "add", "change", "delete"})


class MunicipalityInline(ProgrammeScopedAdmin, admin.TabularInline):
    model = Municipality
    extra = 0
    administrator_may = CONFIGURE


class FocusAreaInline(ProgrammeScopedAdmin, admin.TabularInline):
    model = FocusArea
    extra = 0
    administrator_may = CONFIGURE


class ProgrammeForm(forms.ModelForm):
    def clean_start_date(self) -> Any:
        """A typing mistake (1900, 3026) is refused here, as in every date field a person types."""
        start = self.cleaned_data.get("start_date")
        if implausible(start):
            raise forms.ValidationError(implausible(start), code="start_date")
        return start


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    # Programmes are created by the site's superusers; an administrator keeps theirs.
    programme_path = "pk"
    administrator_may = frozenset({"view", "change"})
    form = ProgrammeForm

    def has_delete_permission(self, request: HttpRequest, obj: Programme | None = None) -> bool:
        # A programme with a budget year has a history (contributions, cases, decisions) that is
        # a public body's archive: it may not be discarded except as the archive rules allow
        # (arkivlova 1992 § 9; the new arkivlova, lov 20. juni 2025 nr. 96, § 13 kassasjon).  Only
        # one set up by mistake, with no budget year, can be deleted.  This also spares the delete
        # page from collecting every row of a live programme.
        if obj is not None and obj.budget_years.exists():
            return False
        return super().has_delete_permission(request, obj)

    list_display = ["code", "name", "owner_organisation", "start_date"]
    search_fields = ["code", "name"]
    inlines = [MunicipalityInline, FocusAreaInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "owner_organisation", "start_date", "evaluation_after_months"]}),
        (_("Two-factor login"), {"fields": ["staff_two_factor_required"]}),
        (
            _("Rules"),
            {
                "fields": [
                    "support_share_max",
                    "support_share_ceiling",
                    "holdback_share",
                    "acceptance_days",
                    "start_months",
                    "final_report_days",
                    "offer_expiry_months",
                    "screening_days",
                    "appeal_days",
                    "job_followup_months",
                ]
            },
        ),
        (
            _("State aid"),
            {
                "fields": [
                    "de_minimis_ceiling_eur",
                    "de_minimis_years",
                    "de_minimis_regulation",
                    "eur_nok_rate",
                    "public_register_threshold_eur",
                ]
            },
        ),
    ]


class ContributionInline(ProgrammeScopedAdmin, admin.TabularInline):
    model = Contribution
    extra = 0
    programme_path = "budget_year__programme"
    administrator_may = CONFIGURE

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("municipality")


@admin.register(BudgetYear)
class BudgetYearAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["programme", "year", "target_projects_min", "target_projects_max", "target_jobs", "closed"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "closed"]
    list_select_related = ["programme"]
    inlines = [ContributionInline]
    administrator_may = CONFIGURE


@admin.register(Municipality)
class MunicipalityAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "number", "programme", "participating"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "participating"]
    list_select_related = ["programme"]
    administrator_may = CONFIGURE


@admin.register(FocusArea)
class FocusAreaAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "programme"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["programme"]
    administrator_may = CONFIGURE


class UserByEmailField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        # Addresses are stored in lower case (UserManager).
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)


class StaffRoleForm(forms.ModelForm):
    """The person is given by e-mail address: a programme's administrator grants roles to
    people they know, without a list of every account on the site."""

    user = UserByEmailField(
        label=_("e-mail address"),
        queryset=User.objects.all(),
        to_field_name="email",
        widget=forms.EmailInput,
        error_messages={
            "invalid_choice": _("No one has an account with this e-mail address. Ask the person to register first.")
        },
    )

    class Meta:
        model = StaffRole
        fields = ["user", "programme", "kind", "municipalities"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["user"] = self.instance.user.email


@admin.register(StaffRole)
class StaffRoleAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    form = StaffRoleForm
    list_display = ["user", "programme", "kind"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["user", "programme"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    filter_horizontal = ["municipalities"]
    administrator_may = CONFIGURE


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
