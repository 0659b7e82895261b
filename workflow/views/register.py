"""The awards to record in the Register for offentlig støtte (issue 4, SPEC §2 and §8): every
offer of EUR 100,000 or more (the programme's threshold), with the dates the register asks for,
whether it is marked as registered, and a warning when it is still not marked 14 days after
the offer was accepted.  Only the programme's administrators see it (404 for others)."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from programme import clock
from programme.errors import RuleViolation
from programme.pagination import page_links, page_of
from workflow import services
from workflow.exports import FORMATS, Value, export_response
from workflow.selectors import register as register_selectors
from workflow.views.budget import administered_programme

# ``?vis=alle`` shows every award; anything else (or nothing) only those not yet registered.
SHOW_ALL = "alle"


@login_required
@require_GET
def public_register(request: HttpRequest, code: str) -> HttpResponse:
    programme = administered_programme(request, code)
    show_all = request.GET.get("vis") == SHOW_ALL
    offers = register_selectors.public_register_offers(programme=programme, only_unregistered=not show_all)
    page = page_of(request, offers)
    context = {
        "programme": programme,
        "page": page,
        "page_links": page_links(request, page),
        "rows": list(register_selectors.register_rows(page.object_list)),
        "show_all": show_all,
        "overdue_count": register_selectors.overdue_register_count(programme=programme),
        "show_all_value": SHOW_ALL,
    }
    return render(request, "workflow/register/public_register.html", context)


@login_required
@require_POST
def public_register_mark(request: HttpRequest, code: str, pk: int) -> HttpResponseRedirect:
    programme = administered_programme(request, code)
    offer = register_selectors.register_offer(programme=programme, pk=pk)
    if offer is None:
        raise Http404
    try:
        services.public_register_mark(offer=offer, actor=request.user)
    except RuleViolation as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The award to %(company)s (%(reference)s) is marked as registered.")
            % {"company": offer.case.application.company.name, "reference": offer.case.reference},
        )
    url = reverse("staff_admin:public_register", args=[programme.code])
    if request.POST.get("vis") == SHOW_ALL:
        url = f"{url}?{urlencode({'vis': SHOW_ALL})}"
    return redirect(url)


@login_required
@require_GET
def public_register_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The awards of the page, with the same ``vis`` filter, in the same order."""
    if fmt not in FORMATS:
        raise Http404
    programme = administered_programme(request, code)
    show_all = request.GET.get("vis") == SHOW_ALL
    offers = register_selectors.public_register_offers(programme=programme, only_unregistered=not show_all)
    rows = register_selectors.register_rows(offers.iterator(chunk_size=1000))
    headers = [
        _("Case"),
        _("Company"),
        _("Organisation number"),
        _("Granted (NOK)"),
        _("Granted (EUR)"),
        _("Legal basis"),
        _("Decided"),
        _("Accepted"),
        _("Register by"),
        _("Registered"),
    ]
    return export_response(
        fmt=fmt,
        filename=f"offentlig-register-{programme.code}-{clock.today().isoformat()}",
        headers=headers,
        rows=_register_rows(rows),
        sheet_title=_("Register for public support"),
    )


def _register_rows(rows: Iterator[register_selectors.RegisterRow]) -> Iterator[list[Value]]:
    for row in rows:
        offer = row.offer
        company = row.case.application.company
        yield [
            row.case.reference,
            company.name,
            company.org_number,
            offer.amount,
            offer.amount_eur,
            offer.get_legal_basis_display(),
            timezone.localdate(offer.decision.decided_at),
            timezone.localdate(offer.accepted_at) if offer.accepted_at else None,
            row.register_by,
            timezone.localdate(offer.public_register_done_at) if offer.public_register_done_at else None,
        ]
