from django.urls import path, re_path

from applications.views import companies, drafting

app_name = "applications"
urlpatterns = [
    # My companies, registering one, asking to join one, and the people of a company.
    path("", companies.companies, name="companies"),
    path("ny/", companies.company_create, name="company_create"),
    path("bli-med/", companies.company_join, name="company_join"),
    path("foresporsler/<int:pk>/", companies.membership_request_decide, name="membership_request_decide"),
    re_path(r"^invitasjon/(?P<token>[A-Za-z0-9_-]{1,64})/$", companies.invitation_accept, name="invitation_accept"),
    path("<int:pk>/", companies.company_detail, name="company"),
    path("<int:pk>/inviter/", companies.company_invite, name="company_invite"),
    path("<int:pk>/ny-soknad/", companies.application_start, name="application_start"),
    # The application's seven steps.
    path("soknad/<int:pk>/foretak/", drafting.application_company, name="application_company"),
    path("soknad/<int:pk>/prosjekt/", drafting.application_project, name="application_project"),
    path("soknad/<int:pk>/kostnader/", drafting.application_costs, name="application_costs"),
    path("soknad/<int:pk>/kostnader/summer/", drafting.application_costs_preview, name="application_costs_preview"),
    path("soknad/<int:pk>/effekter/", drafting.application_effects, name="application_effects"),
    path("soknad/<int:pk>/vedlegg/", drafting.application_attachments, name="application_attachments"),
    path(
        "soknad/<int:pk>/vedlegg/<int:attachment_pk>/slett/",
        drafting.attachment_delete,
        name="attachment_delete",
    ),
    path("soknad/<int:pk>/erklaeringer/", drafting.application_declarations, name="application_declarations"),
    path("soknad/<int:pk>/oppsummering/", drafting.application_review, name="application_review"),
]
