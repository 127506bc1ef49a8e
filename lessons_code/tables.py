"""Markdown tables from code, so every number in a table was computed during the build."""

from __future__ import annotations

from collections.abc import Sequence


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
