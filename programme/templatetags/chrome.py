"""``{% page_header %}`` and ``{% page_notices %}``: the chrome of every Django page, drawn by
the Jinja2 parts of ``programme/chrome.py`` (the Jinja2 pages use the same)."""

from __future__ import annotations

from django import template

from programme import chrome

register = template.Library()
register.simple_tag(chrome.page_header, takes_context=True, name="page_header")
register.simple_tag(chrome.page_notices, takes_context=True, name="page_notices")
