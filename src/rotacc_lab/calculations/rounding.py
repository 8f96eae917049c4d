"""Standard rounding for every calculator result: ``Decimal``, 2 dp, ROUND_HALF_UP.

All calculators keep exact ``Decimal`` arithmetic internally and round once, at
the end, through :func:`safe_quantize` (or its shortcut :func:`q2`), so a value
shown to a rota lead is the same value every other part of the workbench sees.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["MAX_VALUE", "safe_quantize", "q2", "to_decimal"]

#: Largest magnitude a calculator result may take (the DuckDB columns are DECIMAL(6, 2)).
MAX_VALUE = Decimal("9999.99")


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Convert ``int``/``float``/``str``/``Decimal`` to ``Decimal`` (floats via ``str`` to keep 0.1 as 0.1).

    Raises ``TypeError`` for anything else (including ``bool``, which is almost always a bug)
    and ``ValueError`` for text that is not a number.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{what}: {value!r} ({type(value).__name__}) is not a number; give an int, float, str or Decimal")
    try:
        return Decimal(str(value).strip()) if not isinstance(value, int) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{what}: {value!r} is not a number") from None


def safe_quantize(
    value: object,
    quantization: str | Decimal = "0.01",
    *,
    min_value: Decimal = Decimal(0),
    max_value: Decimal = MAX_VALUE,
    allow_negative: bool = False,
) -> Decimal:
    """Round ``value`` to ``quantization`` with ROUND_HALF_UP and clamp it.

    * NaN raises ``ValueError``: it can only come from a bug upstream and must not
      be shown as a plausible number.
    * +/- infinity is clamped to the bounds like any other out-of-range value.
    * Without ``allow_negative`` the result is clamped to ``[min_value, max_value]``;
      with it, to ``[-max_value, max_value]`` (``min_value`` is then ignored).
    """
    d = to_decimal(value)
    if d.is_nan():
        raise ValueError("safe_quantize: value is NaN (not a number); a calculation upstream is broken")
    q = Decimal(str(quantization))
    lo = -abs(Decimal(max_value)) if allow_negative else Decimal(min_value)
    hi = Decimal(max_value)
    if lo > hi:
        raise ValueError(f"safe_quantize: min_value {lo} is greater than max_value {hi}")
    if d.is_infinite():
        d = hi if d > 0 else lo
    d = min(max(d, lo), hi).quantize(q, rounding=ROUND_HALF_UP)
    return d.copy_abs() if d.is_zero() else d  # never show "-0.00"


def q2(value: object) -> Decimal:
    """Shortcut: 2 dp, ROUND_HALF_UP, negatives allowed, clamped to +/-9999.99."""
    return safe_quantize(value, allow_negative=True)
