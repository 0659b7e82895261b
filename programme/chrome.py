"""The chrome of every page, drawn by Jinja2 parts (``templates/jinja2/chrome/``) from what
the context processors give the page: the header (skip link, main menu, staff menu) and the
notices (an unconfirmed e-mail address, the last action's messages).

Django pages place them with ``{% page_header %}`` and ``{% page_notices %}``
(``programme/templatetags/chrome.py``), Jinja2 pages with ``{{ page_header() }}`` and
``{{ page_notices() }}`` (``programme/jinja2.py``): one drawing for both.  Every page draws
them; as Django templates they cost more than many a page's own content (bench/RESULTS.md).
``context`` is either engine's context: both answer ``get`` and ``[]``."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext

from programme.jinja2 import Part


def page_header(context: Any) -> SafeString:
    user = context.get("user")
    unread = context["unread_notifications"].count if user is not None and user.is_authenticated else 0
    return Part("chrome/header.html", context["request"]).draw(
        {
            "request": context["request"],
            "user": user,
            "language": get_language(),
            "staff_menu": context.get("staff_menu"),
            "unread": unread,
            "unread_text": ngettext("%(counter)s unread", "%(counter)s unread", unread) % {"counter": unread},
        }
    )


def page_notices(context: Any) -> str:
    user = context.get("user")
    unconfirmed = user is not None and user.is_authenticated and not user.email_verified
    messages = context.get("messages") or ()
    if not unconfirmed and not messages:
        return ""  # the usual case: nothing to draw
    return Part("chrome/notices.html", context["request"]).draw({"user": user, "messages": messages})
