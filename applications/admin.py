from django.contrib import admin

from applications.models import Company, CompanyMember, Invitation, MembershipRequest


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "municipality", "programme"]
    list_filter = ["programme", "municipality"]
    search_fields = ["name", "org_number"]
    inlines = [CompanyMemberInline]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ["company", "user", "created_at", "decided_at", "accepted"]
    list_select_related = ["company", "user"]
    readonly_fields = ["company", "user", "created_at", "decided_at", "decided_by", "accepted"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["company", "email", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["company", "invited_by"]
    exclude = ["token"]
    readonly_fields = ["company", "email", "invited_by", "created_at", "accepted_at", "accepted_by"]
