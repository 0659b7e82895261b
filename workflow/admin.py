"""Cases, ledger rows and timeline events are read-only here: state and money change only
through the services, which lock, check the rules and leave a trace."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programme.errors import RuleViolation
from workflow import services
from workflow.models import Case, LedgerEntry, Offer, TimelineEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "from_state", "to_state", "actor", "comment", "staff_only"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "application", "municipality", "state", "submitted_at"]
    list_filter = ["programme", "state", "municipality"]
    search_fields = ["reference", "application__title", "application__company__name"]
    list_select_related = ["application", "municipality"]
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
        return obj is None and request.user.is_active and request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["booked_on", "budget_year", "case", "kind", "amount"]
    list_filter = ["budget_year__programme", "budget_year", "kind"]
    list_select_related = ["budget_year__programme", "case"]


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "case", "kind", "from_state", "to_state", "actor"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["case", "amount", "legal_basis", "accept_by", "expires_on", "public_register_required"]
    list_select_related = ["case"]
