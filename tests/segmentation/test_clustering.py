"""How segments are described: money in each currency's own units."""

from __future__ import annotations

from app.segmentation.clustering import money_text


def test_money_in_descriptions_uses_the_currency_exponent() -> None:
    assert money_text(123_456, "USD") == "1,235 USD"
    assert money_text(123_456, "JPY") == "123,456 JPY"
    assert money_text(99.6, "KRW") == "100 KRW"
