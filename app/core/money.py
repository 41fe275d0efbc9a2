"""Money as integer minor units plus an ISO 4217 code; never a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Minor-unit exponents of the currencies the CRM accepts (ISO 4217).
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "HKD": 2, "TWD": 2, "SGD": 2, "AUD": 2,
    "CAD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "INR": 2, "BRL": 2, "MXN": 2,
    "JPY": 0, "KRW": 0,
}  # fmt: skip

MAX_MINOR_UNITS = 10**15


class MoneyError(ValueError):
    """The amount or currency cannot be represented."""


def check_currency(code: str) -> str:
    upper = code.strip().upper()
    if upper not in CURRENCY_EXPONENTS:
        supported = ", ".join(sorted(CURRENCY_EXPONENTS))
        raise MoneyError(f"Unsupported currency {code!r}; use one of {supported}.")
    return upper


def to_minor(amount: Decimal, currency: str) -> int:
    """Convert ``12.50 USD`` to ``1250``; refuses more decimals than the currency has."""
    exponent = CURRENCY_EXPONENTS[check_currency(currency)]
    try:
        scaled = amount.scaleb(exponent)
        if not amount.is_finite() or scaled != scaled.to_integral_value():
            raise MoneyError(f"{amount} has more than {exponent} decimal places for {currency}.")
    except InvalidOperation as error:
        raise MoneyError(f"{amount} is not a valid amount.") from error
    minor = int(scaled)
    if abs(minor) >= MAX_MINOR_UNITS:
        raise MoneyError(f"{amount} is too large.")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """Convert ``1250`` USD to ``Decimal('12.50')``, keeping the currency's decimal places."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    return Decimal(minor).scaleb(-exponent)
