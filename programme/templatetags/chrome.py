"""The chrome of every page, drawn by Jinja2 parts (``templates/jinja2/chrome/``) from what
the context processors give the page: ``{% page_header %}`` (skip link, main menu, staff
menu) and ``{% page_notices %}`` (an unconfirmed e-mail address, the last action's messages).

Every page draws them; as Django templates they cost more than many a page's own content
(bench/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext

from programme.jinja2 import Part

register = template.Library()


@register.simple_tag(takes_context=True)
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


@register.simple_tag(takes_context=True)
def page_notices(context: Any) -> str:
    user = context.get("user")
    unconfirmed = user is not None and user.is_authenticated and not user.email_verified
    messages = context.get("messages") or ()
    if not unconfirmed and not messages:
        return ""  # the usual case: nothing to draw
    return Part("chrome/notices.html", context["request"]).draw({"user": user, "messages": messages})
