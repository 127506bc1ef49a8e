"""Markdown tables and numbers for prose (lessons_code.tables)."""

import numpy as np
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


def test_format_about_rounds_ratios_the_same_way_everywhere():
    from lessons_code.tables import format_about

    assert format_about(150_529_000 / 1792) == "84,000"  # 84,000.56: not 84,001
    assert format_about(616_566_784 / 9_472) == "65,000"
    assert format_about(1234.5, 3) == "1,230"
    assert format_about(0.123) == "0.12"
    with pytest.raises(TypeError, match="value must be a real number"):
        format_about("84000")
    assert format_about(np.int64(84000)) == "84,000"  # a numpy integer is a number (it was refused)
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match="value must be a finite number"):
            format_about(bad)
