"""The one error type every refused action raises.

A service that refuses raises ``RuleViolation`` before it writes anything (or inside the
transaction it opened, which then rolls back), so state, ledger and files stay as they were.
The message names the rule in plain words and is translated (Norwegian bokmål by default).

``InputViolation`` is the ``RuleViolation`` for what a person typed: it carries every
``InputError`` found, each tied to its field (and, in a list of lines, to its row), so that any
app's page can put each message where it belongs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class RuleViolation(Exception):
    """An action broke a rule of the programme; ``message`` says which, for a person."""

    def __init__(self, message: str, *, code: str = "rule") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class InputError:
    """One refused input: the field (``None`` for the whole form) and, for a list of lines,
    which list (``group``) and which line (``row``, counted from 0)."""

    field: str | None
    message: str
    row: int | None = None
    group: str | None = None


class InputViolation(RuleViolation):
    """A refusal of what a person typed, with every error found, each tied to its field, so
    that a page can show the message where it belongs.  Nothing has been written."""

    def __init__(self, errors: Sequence[InputError], *, code: str = "invalid") -> None:
        super().__init__(" ".join(str(error.message) for error in errors), code=code)
        self.errors = list(errors)
