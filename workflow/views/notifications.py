"""The person's notifications (varsler): every message the system sent him or her, newest
first, with unread ones marked, and marking one or all as read.  Each person sees only his or
her own; another's notification does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from workflow.models import Notification
from workflow.selectors.notifications import notifications_of, unread_count
from workflow.services.notifications import notification_mark_read, notifications_mark_all_read

PER_PAGE = 25


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """To the list page the person came from (only a page number is carried, nothing else)."""
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    if page.isdigit() and page != "1" and len(page) < 7:
        url += f"?page={page}"
    return redirect(url)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(notifications_of(user=request.user), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))  # anything odd gives the nearest page
    context = {"page": page, "unread": unread_count(user=request.user)}
    return render(request, "workflow/notifications/list.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    if not Notification.objects.filter(pk=pk, recipient=request.user).exists():
        raise Http404
    notification_mark_read(user=request.user, notification_id=pk)
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponseRedirect:
    marked = notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(
            request,
            ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", marked)
            % {"count": marked},
        )
    else:
        messages.info(request, _("You have no unread notifications."))
    return _back(request)
