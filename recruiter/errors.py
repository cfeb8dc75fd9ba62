"""The one family of errors the app explains to people. Each carries a message fit to show."""

from __future__ import annotations


class RecruiterError(Exception):
    """Something the user can act on; `str(err)` says what happened and what to do."""


class ValidationError(RecruiterError):
    """Bad input, with one message per field so an editor can show each beside its widget."""

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors = dict(errors)
        text = message or "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in self.errors.items())
        super().__init__(text)


class NotFound(RecruiterError):
    pass


class ConflictError(RecruiterError):
    """The change clashes with what is stored (a duplicate, a rule on the current state)."""


class BudgetExceeded(RecruiterError):
    """Approving or extending an offer would take funding sources below zero."""

    def __init__(self, shortfalls: list[tuple[int, str, int, str]]) -> None:
        # (source id, source name, shortfall in minor units, currency)
        from recruiter.domain.money import format_amount
        from recruiter.i18n import _

        self.shortfalls = shortfalls
        parts = [
            _("{name} would be short by {amount}").format(
                name=name, amount=format_amount(short, ccy)
            )
            for _id, name, short, ccy in shortfalls
        ]
        super().__init__(
            _(
                "Not enough funding: {shortfalls}. Give a reason to override, or change the offer."
            ).format(shortfalls=_("; ").join(parts))
        )


class StoreError(RecruiterError):
    """The database cannot be opened or written (wrong file, locked, newer, no permission)."""
