"""Markdown tables and numbers for prose, so every number on a page was computed during the build."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from decimal import Decimal

from ._checks import require_int, require_real


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence], align: str | None = None) -> str:
    """A MyST/GitHub Markdown table.

    headers: the column titles; rows: one sequence of cells per row (converted with ``str``);
    align: one character per column, ``l``, ``c`` or ``r`` (default: all left).
    """
    if isinstance(headers, (str, bytes)) or not isinstance(headers, Sequence):
        raise TypeError(f"headers must be a sequence of column titles, got {type(headers).__name__}")
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a sequence of rows, got {type(rows).__name__}")
    if align is not None and not isinstance(align, str):
        raise TypeError(f"align must be a string such as 'lrr', got {type(align).__name__}")
    n = len(headers)
    if n == 0:
        raise ValueError("headers must name at least one column, got none")
    align = align or "l" * n
    if len(align) != n or set(align) - set("lcr"):
        raise ValueError(f"align must be {n} characters from 'l', 'c', 'r', got {align!r}")
    rules = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(map(str, headers)) + " |", "| " + " | ".join(rules[a] for a in align) + " |"]
    for k, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise TypeError(f"row {k} must be a sequence of {n} cells, got {type(row).__name__}")
        if len(row) != n:
            raise ValueError(f"row {k} must have {n} cells to match the headers, got {len(row)}")
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_sci(value, digits: int = 1) -> str:
    """A number in scientific notation for prose: ``format_sci(483385147392) == '4.8 × 10¹¹'``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a number (int or float), got {type(value).__name__} {value!r}")
    digits = require_int("digits", digits, 0, 15)
    if isinstance(value, numbers.Integral):
        # float is exact up to 2**53; beyond, Decimal rounds the int itself (no OverflowError)
        value = float(value) if abs(int(value)) <= 2**53 else Decimal(int(value))
    elif not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def format_about(value, digits: int = 2) -> str:
    """A ratio for prose, to ``digits`` significant figures with thousands separators:
    ``format_about(84000.56) == '84,000'``. Every page quotes a ratio through this, so the
    same ratio reads the same everywhere ("about 84,000 times")."""
    value = require_real("value", value)  # numpy numbers too; NaN and inf refused
    digits = require_int("digits", digits, 1)
    rounded = float(f"{value:.{digits}g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 1 else f"{rounded:g}"
