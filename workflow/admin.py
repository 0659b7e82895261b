"""Cases, ledger rows and timeline events are read-only here: state and money change only
through the services, which lock, check the rules and leave a trace."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from programme.admin_site import ProgrammeScopedAdmin, administered_programme_ids, nok_column
from programme.errors import RuleViolation
from workflow import services
from workflow.models import Case, LedgerEntry, Offer, Payment, TimelineEvent


class ReadOnlyAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    """Seen, never changed, by superusers and by the programme's administrators."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.display(description=gettext_lazy("what happened"))
def what_happened(event: TimelineEvent) -> str:
    """The event's sentence, rendered from its action and data in the reader's language."""
    return event.text


class TimelineInline(ProgrammeScopedAdmin, admin.TabularInline):
    model = TimelineEvent
    programme_path = "case__programme"
    extra = 0
    can_delete = False
    fields = ["created_at", "action", what_happened, "actor", "comment", "staff_only"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row shows its actor and its name (which names the case): read with the events,
        # not one query per row.
        return super().get_queryset(request).select_related("actor", "case")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "application", "municipality", "state", "submitted_at"]
    list_filter = [
        ("programme", admin.RelatedOnlyFieldListFilter),
        "state",
        ("municipality", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["reference", "application__title", "application__company__name"]
    list_select_related = ["application", "municipality"]
    # Tens of thousands of applications, companies and people: links, not a select of each.
    raw_id_fields = ["application"]
    inlines = [TimelineInline]
    actions = ["lapse_overdue_offers"]

    @admin.action(description=gettext_lazy("Let the chosen offers lapse (past their deadline)"))
    def lapse_overdue_offers(self, request, queryset):
        # Through the service, like everywhere else: each refusal is shown with its rule.
        for case in queryset:
            try:
                services.case_lapse(case=case, actor=request.user)
            except RuleViolation as refusal:
                self.message_user(request, f"{case.reference}: {refusal.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(reference)s has lapsed.") % {"reference": case.reference})

    def has_change_permission(self, request, obj=None):
        # Needed for admin actions to be offered; every field stays read-only below.
        if obj is not None or not request.user.is_active:
            return False
        return request.user.is_superuser or bool(administered_programme_ids(request))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    programme_path = "budget_year__programme"
    list_display = ["booked_on", "budget_year", "case", "kind", nok_column(LedgerEntry, "amount")]
    # By programme and by year, not by budget year: a filter of budget years would name each
    # by its programme, read once per year.
    list_filter = [("budget_year__programme", admin.RelatedOnlyFieldListFilter), "budget_year__year", "kind"]
    list_select_related = ["budget_year__programme", "case"]


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    programme_path = "case__programme"
    list_display = ["created_at", "case", "action", what_happened, "actor"]
    list_filter = ["kind", "action"]
    list_select_related = ["case", "actor"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    programme_path = "case__programme"
    list_display = [
        "case",
        nok_column(Offer, "amount"),
        "legal_basis",
        "accept_by",
        "expires_on",
        "public_register_required",
    ]
    list_select_related = ["case"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    programme_path = "case__programme"
    list_display = ["paid_on", "case", nok_column(Payment, "amount"), "is_final", "registered_by"]
    list_filter = [("case__programme", admin.RelatedOnlyFieldListFilter), "is_final"]
    list_select_related = ["case", "registered_by"]


# The API tokens' add page chose the user from a select of every account (1.3 s with 10 000
# applicants): the user is found by search instead, as on the staff role's page.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(TokenAdmin):
    autocomplete_fields = ("user",)
