"""My companies: the person's companies and drafts, registering a company, asking to join
one, inviting a colleague, answering requests to join, and starting an application."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors, services
from applications.forms import (
    CompanyCreateForm,
    CompanyProfileForm,
    ContactFormSet,
    DecisionForm,
    InvitationForm,
    JoinForm,
    ProgrammeChoiceForm,
)
from applications.models import Company
from applications.views._errors import error_items, place_refusal
from programme.errors import RuleViolation


@login_required
def companies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/companies.html",
        {
            "companies": selectors.companies_overview(user=request.user),
            "waiting": selectors.membership_requests_waiting(user=request.user),
        },
    )


def _own_company(request: HttpRequest, pk: int) -> Company:
    return get_object_or_404(selectors.companies_of(user=request.user), pk=pk)


# --- Registering a company, or asking to join one ----------------------------------------


@login_required
def company_create(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_to_apply_to()
    several = programmes.count() > 1
    data = request.POST if request.method == "POST" else request.GET
    chooser = ProgrammeChoiceForm(data if "programme" in data else None, programmes=programmes)
    if not several:
        programme = programmes.first()  # one programme: chosen without asking
    else:
        programme = chooser.cleaned_data["programme"] if chooser.is_valid() else None
    if programme is None:
        return render(request, "applications/company_choose_programme.html", {"chooser": chooser})

    municipalities = selectors.municipalities_of(programme=programme)
    form = CompanyCreateForm(request.POST or None, municipalities=municipalities, initial={"programme": programme.pk})
    join_form = existing = None
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            company = services.company_create(
                programme=programme,
                user=request.user,
                org_number=data["org_number"],
                name=data["name"],
                municipality=data["municipality"],
                address=data["address"],
                postal_code=data["postal_code"],
                city=data["city"],
                industry_code=data["industry_code"],
                employees_fte=data["employees_fte"],
            )
        except RuleViolation as refusal:
            loose = place_refusal(refusal, form=form)
            if refusal.code == "company_exists":
                number = services.org_number_clean(data["org_number"])
                existing = selectors.company_by_org_number(programme=programme, org_number=number)
                # Its own ids: the visible form above has fields of the same names.
                join_form = JoinForm(initial={"programme": programme.pk, "org_number": number}, auto_id="join_%s")
        else:
            messages.success(
                request, _("%(company)s is registered. You can start an application now.") % {"company": company.name}
            )
            return redirect("applications:companies")
    return render(
        request,
        "applications/company_create.html",
        {
            "form": form,
            "programme": programme,
            "several_programmes": several,
            "errors": error_items(form, loose=loose),
            "existing": existing,
            "already_member": existing is not None and existing.memberships.filter(user=request.user).exists(),
            "join_form": join_form,
        },
    )


@login_required
@require_POST
def company_join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST)
    company = None
    if form.is_valid():
        try:
            number = services.org_number_clean(form.cleaned_data["org_number"])
        except RuleViolation as refusal:
            messages.error(request, refusal.message)
            return redirect("applications:company_create")
        company = selectors.company_by_org_number(programme=form.cleaned_data["programme"], org_number=number)
    if company is None:
        messages.error(request, _("No company with that organisation number is registered in the programme."))
        return redirect("applications:company_create")
    try:
        services.membership_request_create(company=company, user=request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _(
                "Your request to join %(company)s is sent to its people. "
                "You get an e-mail when one of them has answered."
            )
            % {"company": company.name},
        )
    return redirect("applications:companies")


@login_required
@require_POST
def membership_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership_request = get_object_or_404(selectors.membership_requests_to_decide(user=request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the person may join."))
        return redirect("applications:companies")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.membership_request_decide(membership_request=membership_request, actor=request.user, accept=accept)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    else:
        person = membership_request.user
        if accept:
            messages.success(request, _("%(person)s now acts for %(company)s.") % _names(person, membership_request))
        else:
            messages.success(
                request, _("%(person)s was not let in to %(company)s.") % _names(person, membership_request)
            )
    return redirect("applications:companies")


def _names(person: Any, membership_request: Any) -> dict[str, str]:
    return {"person": str(person), "company": membership_request.company.name}


# --- A company's profile, its people and invitations -------------------------------------


def contact_initial(company: Company) -> tuple[list[dict[str, Any]], list[Any]]:
    members = list(company.memberships.select_related("user").order_by("joined_at", "pk"))
    initial = [{"member": m.pk, "is_contact": m.is_contact, "phone": m.phone, "title": m.title} for m in members]
    return initial, members


def contact_rows(formset: Any, members: list[Any]) -> list[Any]:
    """Each contact form with the person it is about (``form.person``), for the page."""
    by_pk = {member.pk: member for member in members}
    for form in formset.forms:
        pk = form.initial.get("member")
        if pk is None and form.is_bound:
            raw = str(form.data.get(form.add_prefix("member"), ""))
            pk = int(raw) if raw.isascii() and raw.isdigit() else None
        form.person = by_pk.get(pk)
    return list(formset.forms)


def profile_form(company: Company, data: Any = None) -> CompanyProfileForm:
    municipalities = selectors.municipalities_of(programme=company.programme, include=company.municipality)
    return CompanyProfileForm(data, instance=company, municipalities=municipalities)


def _company_page(
    request: HttpRequest,
    company: Company,
    *,
    form: CompanyProfileForm | None = None,
    contacts: Any = None,
    invite: InvitationForm | None = None,
    loose: list[str] | None = None,
) -> HttpResponse:
    initial, members = contact_initial(company)
    form = form if form is not None else profile_form(company)
    contacts = contacts if contacts is not None else ContactFormSet(initial=initial, prefix="contacts")
    invite = invite if invite is not None else InvitationForm()
    return render(
        request,
        "applications/company_detail.html",
        {
            "company": company,
            "form": form,
            "contacts": contacts,
            "contact_forms": contact_rows(contacts, members),
            "invite": invite,
            "members": members,
            "invitations": company.invitations.filter(accepted_at__isnull=True).order_by("-created_at"),
            "errors": error_items(form, contacts, invite, loose=loose or []),
        },
    )


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _own_company(request, pk)
    if request.method != "POST":
        return _company_page(request, company)
    initial, members = contact_initial(company)
    form = profile_form(company, request.POST)
    contacts = ContactFormSet(request.POST, initial=initial, prefix="contacts")
    loose: list[str] = []
    if form.is_valid() and contacts.is_valid():
        try:
            services.company_update(
                company=company, actor=request.user, fields=form.cleaned_data, contacts=contacts.rows()
            )
        except RuleViolation as refusal:
            loose = place_refusal(refusal, form=form, rows={"contacts": contacts.forms})
        else:
            messages.success(request, _("The company's details are saved."))
            return redirect("applications:company", pk=company.pk)
    return _company_page(request, company, form=form, contacts=contacts, loose=loose)


@login_required
@require_POST
def company_invite(request: HttpRequest, pk: int) -> HttpResponse:
    company = _own_company(request, pk)
    invite = InvitationForm(request.POST)
    loose: list[str] = []
    if invite.is_valid():
        try:
            invitation = services.invitation_create(
                company=company, actor=request.user, email=invite.cleaned_data["email"]
            )
        except RuleViolation as refusal:
            loose = place_refusal(refusal, form=invite)
        else:
            messages.success(
                request,
                _("An invitation to join %(company)s is sent to %(email)s.")
                % {"company": company.name, "email": invitation.email},
            )
            return redirect("applications:company", pk=company.pk)
    return _company_page(request, company, invite=invite, loose=loose)


# --- Invitations --------------------------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone with the link: the person may not have an account yet.  Logging in or
    signing up from here comes back to the invitation (``next``); the service decides who joins."""
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        return render(
            request,
            "applications/invitation_accept.html",
            {"refusal": _("The invitation link is not valid. Check that you opened the whole link from the e-mail.")},
            status=404,
        )
    refusal = refusal_code = None
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=request.user)
        except RuleViolation as error:
            refusal, refusal_code = error.message, error.code
        else:
            messages.success(request, _("You now act for %(company)s.") % {"company": invitation.company.name})
            return redirect("applications:companies")
    else:
        try:
            services.invitation_check(invitation=invitation, user=request.user)
        except RuleViolation as error:
            refusal, refusal_code = error.message, error.code
    context = {
        "invitation": invitation,
        "refusal": refusal,
        # Log in (or sign up) with the invited address, then come back here to accept.
        "offer_login": refusal_code in {"not_logged_in", "wrong_email"},
        "offer_signup": refusal_code == "not_logged_in",
        "back": request.path,
    }
    return render(request, "applications/invitation_accept.html", context)


# --- Starting an application -------------------------------------------------------------


@login_required
@require_POST
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    company = _own_company(request, pk)
    try:
        application = services.application_create(company=company, actor=request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
        return redirect("applications:companies")
    messages.success(request, _("A new application is started. It is saved as a draft at every step."))
    return redirect("applications:application_company", pk=application.pk)
