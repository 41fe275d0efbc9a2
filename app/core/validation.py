"""Input checks shared by every service: collect all problems, then fail once."""

from __future__ import annotations

from app.core.errors import ErrorCode, FieldError, InputError


class Checker:
    """Accumulates field errors so one response lists every problem with the input."""

    def __init__(self, prefix: str = "") -> None:
        self.errors: list[FieldError] = []
        self._prefix = prefix

    def path(self, field: str) -> str:
        return f"{self._prefix}{field}"

    def add(self, field: str | None, code: ErrorCode, message: str) -> None:
        self.errors.append(FieldError(self.path(field) if field else None, code, message))

    def text(
        self, field: str, value: str | None, *, required: bool = False, max_length: int = 200
    ) -> str | None:
        """Trim a string; empty becomes None. Flags missing required values and over-long ones
        (returning None for those, so later checks do not pile errors onto the same field)."""
        cleaned = value.strip() if value is not None else None
        if not cleaned:
            if required:
                self.add(field, ErrorCode.REQUIRED, f"{field} is required.")
            return None
        if len(cleaned) > max_length:
            self.add(
                field,
                ErrorCode.TOO_LONG,
                f"{field} is {len(cleaned)} characters long; the maximum is {max_length}.",
            )
            return None
        return cleaned

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)


def check_transition[S](
    transitions: dict[S, frozenset[S]], current: S, new: S, field: str = "status"
) -> None:
    """Raise INVALID_TRANSITION unless ``current -> new`` is one of ``transitions``."""
    if new not in transitions.get(current, frozenset()):
        allowed = sorted(getattr(s, "value", str(s)) for s in transitions.get(current, ()))
        name = getattr(current, "value", current)
        target = getattr(new, "value", new)
        hint = f"allowed: {', '.join(allowed)}" if allowed else f"{name} is final"
        raise InputError.one(
            field, ErrorCode.INVALID_TRANSITION, f"Cannot go from {name} to {target} ({hint})."
        )
