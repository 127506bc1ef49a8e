"""Markdown tables and numbers for prose, so every number on a page was computed during the build."""

from __future__ import annotations

from collections.abc import Sequence

from ._checks import check_int


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence], align: str | None = None) -> str:
    """A MyST/GitHub Markdown table.

    headers: the column titles; rows: one sequence of cells per row (converted with ``str``);
    align: one character per column, ``l``, ``c`` or ``r`` (default: all left).
    """
    n = len(headers)
    if n == 0:
        raise ValueError("headers must name at least one column, got none")
    align = align or "l" * n
    if len(align) != n or set(align) - set("lcr"):
        raise ValueError(f"align must be {n} characters from 'l', 'c', 'r', got {align!r}")
    rules = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(map(str, headers)) + " |", "| " + " | ".join(rules[a] for a in align) + " |"]
    for k, row in enumerate(rows):
        if len(row) != n:
            raise ValueError(f"row {k} must have {n} cells to match the headers, got {len(row)}")
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_sci(value, digits: int = 1) -> str:
    """A number in scientific notation for prose: ``format_sci(483385147392) == '4.8 × 10¹¹'``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a number, got {type(value).__name__} {value!r}")
    digits = check_int("digits", digits, 0)
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def format_about(value, digits: int = 2) -> str:
    """A ratio for prose, to ``digits`` significant figures with thousands separators:
    ``format_about(84000.56) == '84,000'``. Every page quotes a ratio through this, so the
    same ratio reads the same everywhere ("about 84,000 times")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a number, got {type(value).__name__} {value!r}")
    digits = check_int("digits", digits, 1)
    rounded = float(f"{value:.{digits}g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 1 else f"{rounded:g}"
