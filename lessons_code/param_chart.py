"""The parameter-count chart of the parameters chapter (a matplotlib ``Figure``, no pyplot)."""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.figure import Figure

from . import palette
from .params import ParamRow

#: Bar styles: colour *and* hatch, so the two kinds differ without colour too.
STYLE = {
    "FC": {"color": palette.OUTPUT, "hatch": "//"},
    "conv": {"color": palette.KERNEL, "hatch": ""},
}


def plot_param_counts(rows: list[ParamRow], title: str = "") -> Figure:
    """Horizontal bars of ``row.total`` on a log scale, one per layer, each labelled with its count.

    rows: from :func:`lessons_code.params.param_comparison`; a layer whose name starts with
    ``"FC"`` is drawn as an FC layer, any other as a convolution.
    """
    if not rows or not all(isinstance(r, ParamRow) for r in rows):
        raise TypeError(f"rows must be a non-empty list of ParamRow, got {rows!r}")
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.0, 0.55 * len(rows) + 1.2), layout="constrained")
        ax = fig.subplots()
        for y, row in enumerate(rows):
            kind = "FC" if row.layer.startswith("FC") else "conv"
            ax.barh(y, row.total, edgecolor=palette.INK, linewidth=0.6, **STYLE[kind])
            ax.text(row.total * 1.3, y, f"{row.total:,}", va="center", color=palette.INK)
        ax.set_xscale("log")
        ax.set_yticks(range(len(rows)), [r.layer for r in rows])
        ax.invert_yaxis()
        ax.set_xlim(1, max(r.total for r in rows) * 60)
        ax.xaxis.set_major_locator(mpl.ticker.LogLocator(base=10, numticks=20))
        ax.set_xlabel("parameters (log scale: each grid line is 10× the previous)")
        ax.grid(axis="x", which="major", color=palette.MUTED, linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(title)
    return fig
