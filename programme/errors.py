"""The one error type every refused action raises.

A service that refuses raises ``RuleViolation`` before it writes anything (or inside the
transaction it opened, which then rolls back), so state, ledger and files stay as they were.
The message names the rule in plain words and is translated (Norwegian bokmål by default).
"""

from __future__ import annotations


class RuleViolation(Exception):
    """An action broke a rule of the programme; ``message`` says which, for a person."""

    def __init__(self, message: str, *, code: str = "rule") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
