"""Markdown tables and numbers for prose (lessons_code.tables)."""

import pytest

from lessons_code import tables


def test_markdown_table():
    t = tables.markdown_table(["a", "b"], [(1, "x|y")], align="lr")
    assert t.splitlines() == ["| a | b |", "| :-- | --: |", "| 1 | x\\|y |"]
    with pytest.raises(ValueError, match="2 cells"):
        tables.markdown_table(["a", "b"], [(1,)])
    with pytest.raises(ValueError, match="align must be 2 characters"):
        tables.markdown_table(["a", "b"], [], align="x")


def test_format_sci_for_prose():
    assert tables.format_sci(483_385_147_392) == "4.8 × 10¹¹"
    assert tables.format_sci(86_188_800) == "8.6 × 10⁷"
    assert tables.format_sci(0.00017, digits=2) == "1.70 × 10⁻⁴"
    with pytest.raises(TypeError, match="value must be a number"):
        tables.format_sci("1e5")
