"""The page frame: the Django pages extend templates/base.html and the pages drawn whole by
Jinja2 extend templates/jinja2/base.html.  The two must give the same frame: the same head
(but the title), header, menus, notices and footer."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from tests.journey import World

pytestmark = pytest.mark.django_db


def _frame(html: str) -> dict[str, str]:
    """The parts of the frame, whitespace folded, the page's own title and current link left out."""

    def part(start: str, end: str) -> str:
        text = html[html.index(start) : html.index(end, html.index(start)) + len(end)]
        text = re.sub(r"<title>.*?</title>", "", text, flags=re.DOTALL)
        text = text.replace(' aria-current="page"', "")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', text)
        text = re.sub(r'name="next" value="[^"]*"', 'name="next"', text)
        return " ".join(text.split()).replace("> <", "><")

    return {
        "doctype": html[: html.index("<head>")].split(">", 1)[1].strip(),
        "head": part("<head>", "</head>"),
        "header": part('<a class="ds-skip-link"', "</header>"),
        "main": part("<main", ">"),
        "footer": part("<footer", "</html>"),
    }


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_jinja2_frame_is_the_django_frame(client: Client, world: World, settings, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.adviser_a)
    django_page = client.get(reverse("account")).content.decode()  # templates/base.html
    jinja_page = client.get(reverse("worklist:list")).content.decode()  # templates/jinja2/base.html
    assert "<h1" in jinja_page and "Næringsprogram" in jinja_page
    assert _frame(jinja_page) == _frame(django_page)
    assert f'<html lang="{language}"' in jinja_page


def test_the_jinja2_frame_shows_the_notices(client: Client, world: World) -> None:
    """The last action's messages and an unconfirmed address are shown on a Jinja2 page too."""
    world.adviser_a.email_verified = False
    world.adviser_a.save(update_fields=["email_verified"])
    client.force_login(world.adviser_a)
    cookie = CookieStorage(HttpRequest())
    client.cookies[cookie.cookie_name] = cookie._encode([Message(constants.SUCCESS, "Lagret.")])
    html = client.get(reverse("worklist:list")).content.decode()
    notices = html[html.index("<main") : html.index("<h1")]
    assert 'data-color="success">' in notices, notices
    assert "Lagret." in notices
    assert reverse("resend_verification") in notices
