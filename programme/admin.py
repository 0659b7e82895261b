"""Administrators configure programmes, years, budgets, municipalities, focus areas,
rules and users here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from programme.models import BudgetYear, Contribution, FocusArea, Municipality, Programme, StaffRole, User


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
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


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "target_projects_min", "target_projects_max", "target_jobs"]
    list_filter = ["programme"]
    inlines = [ContributionInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "programme", "participating"]
    list_filter = ["programme", "participating"]


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "programme"]
    list_filter = ["programme"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "kind"]
    list_filter = ["programme", "kind"]
    filter_horizontal = ["municipalities"]
    autocomplete_fields = ["user"]


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
