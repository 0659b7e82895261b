"""How forms draw their widgets: Django's Jinja2 form renderer, with a few of Django's widget
templates written out in ``programme/jinja2/django/forms/widgets/``.

Django's own templates include a template per option (a select of 20 options makes 60
includes: option, its attributes…); ours write the same HTML in one template, so a long list
of choices (the worklist's states, the board's candidate cases) costs a loop, not a cascade
of includes (bench/RESULTS.md).  Every other widget template is Django's own.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import Jinja2

OWN_TEMPLATES = Path(__file__).resolve().parent / "jinja2"
DJANGO_TEMPLATES = Path(django.forms.__file__).resolve().parent / "jinja2"


class FormRenderer(Jinja2):
    @cached_property
    def engine(self) -> Any:
        # Ours first, then Django's; the app directories as Django's renderer has them.
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [OWN_TEMPLATES, DJANGO_TEMPLATES],
                "NAME": "djangoforms",
                # Our environment: Django's translations (``_``) for the field templates of
                # programme/jinja2/forms/, autoescaping on as in Django's.
                "OPTIONS": {"environment": "programme.jinja2.environment"},
            }
        )
