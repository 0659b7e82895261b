"""Pages of a long list: the page asked for (``?page=``) and the links to the others, each
keeping the rest of the query string, so the filters stay as chosen while a person pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import urlencode

PAGE_SIZE = 50  # as the worklist


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the ellipsis between distant pages
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class PageLinks:
    previous: str
    next: str
    numbers: list[PageLink]


def page_of(request: HttpRequest, object_list: Any, *, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``object_list`` the request asks for; a page number that is not one (or
    past the end) gives the nearest page, never an error."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def page_query(request: HttpRequest) -> str:
    """``?page=n`` of the page being shown (empty for none), for a form on the page to post to,
    so that what it answers comes back to that page."""
    number = request.GET.get("page", "")
    return f"?{urlencode({'page': number})}" if number.isdigit() else ""


def page_links(request: HttpRequest, page: Page) -> PageLinks | None:
    """Previous, next and the numbered pages around the current one (None for a single page)."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None

    def url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    numbers = [
        PageLink(None) if number == paginator.ELLIPSIS else PageLink(number, url(number), number == page.number)
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return PageLinks(
        previous=url(page.previous_page_number()) if page.has_previous() else "",
        next=url(page.next_page_number()) if page.has_next() else "",
        numbers=numbers,
    )
