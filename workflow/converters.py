"""Path converters for the case and programme pages, registered once when imported.

They match only what a reference or a programme code can look like, so anything else (a NUL
byte too, which PostgreSQL refuses in a query) is a 404 before any view runs."""

from django.urls import register_converter


class ReferenceConverter:
    """A case reference such as NUP-2026-011."""

    regex = "[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ProgrammeCodeConverter:
    """A programme code such as NUP (capital letters and digits, as the model requires)."""

    regex = "[A-Z][A-Z0-9]{1,11}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")
register_converter(ProgrammeCodeConverter, "code")
