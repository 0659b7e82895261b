"""Companies and their people, seen by superusers and the programme's administrators;
a company's members join through its invitations and requests, not here."""

from django.contrib import admin

from applications.models import Company, CompanyMember, Invitation, MembershipRequest
from programme.admin_site import ProgrammeScopedAdmin, org_number_column


class CompanyMemberInline(ProgrammeScopedAdmin, admin.TabularInline):
    model = CompanyMember
    programme_path = "company__programme"
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["name", org_number_column(), "municipality", "programme"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), ("municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["municipality", "programme"]
    search_fields = ["name", "org_number"]
    inlines = [CompanyMemberInline]

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        # An organisation number is found however it is typed: 948 009 943 or 948009943.
        compact = "".join(search_term.split())
        if compact.isascii() and compact.isdigit() and compact != search_term:
            search_term = compact
        return super().get_search_results(request, queryset, search_term)


@admin.register(MembershipRequest)
class MembershipRequestAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "company__programme"
    list_display = ["company", "user", "created_at", "decided_at", "accepted"]
    list_select_related = ["company", "user"]
    readonly_fields = ["company", "user", "created_at", "decided_at", "decided_by", "accepted"]


@admin.register(Invitation)
class InvitationAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "company__programme"
    list_display = ["company", "email", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["company", "invited_by"]
    exclude = ["token"]
    readonly_fields = ["company", "email", "invited_by", "created_at", "accepted_at", "accepted_by"]
