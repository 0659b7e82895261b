from django.contrib import admin

from applications.models import Company, CompanyMember


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
