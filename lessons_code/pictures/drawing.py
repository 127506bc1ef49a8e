"""Drawing helpers shared by the figures and the animations: grids of cells, ink colours, axes.

Everything here draws on a given matplotlib ``Axes`` in the book's palette
(:mod:`lessons_code.pictures.palette`); nothing holds state.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap

from .._checks import as_pair, require_int
from . import palette


def _grid(name: str, values) -> np.ndarray:
    """``values`` as a 2-D array (a grid of cells), else a ValueError naming the argument."""
    arr = np.asanyarray(values)  # a masked array stays masked
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D grid of cells, got shape {arr.shape}")
    return arr


def mask_grid(ax, mask: np.ndarray, title: str, focus_color: str) -> None:
    """Draw a boolean mask as a grid of cells: True in ``focus_color``, False in grey."""
    mask = _grid("mask", mask)
    cmap = ListedColormap([palette.MUTED, focus_color])
    ax.imshow(mask.astype(int), cmap=cmap, vmin=0, vmax=1)
    h, w = mask.shape
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color=palette.FACE, linewidth=1.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_title(title)


def ink_on(rgba) -> str:
    """Dark ink on light cells, white on dark cells (relative luminance threshold)."""
    if np.ndim(rgba) != 1 or len(rgba) < 3:
        raise ValueError(f"rgba must be a colour (r, g, b[, a]), got {rgba!r}")
    r, g, b = rgba[:3]
    return palette.INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def matrix_axes(ax, n_rows: int, n_cols: int, row_width: int) -> None:
    """Ticks every image row (``row_width`` columns) and thin separators between image rows."""
    n_rows, n_cols = require_int("n_rows", n_rows, 1), require_int("n_cols", n_cols, 1)
    row_width = require_int("row_width", row_width, 1)
    ax.set_xticks(np.arange(0, n_cols, row_width))
    ax.set_yticks(np.arange(0, n_rows, max(1, n_rows // 4)))
    for c in np.arange(row_width, n_cols, row_width):
        ax.axvline(c - 0.5, color=palette.INK, linewidth=0.6, alpha=0.5)
    ax.tick_params(length=2)


def strip_negative_zero(text: str) -> str:
    """``"-0.0"`` -> ``"0.0"``: a value that rounds to zero is shown without a sign."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def annotated_grid(ax, values, cmap, norm, fmt: str = "{:d}", fontsize: int = 10) -> None:
    """``imshow`` of ``values`` with white cell borders and each value written in its cell."""
    values = _grid("values", values)
    ax.imshow(values, cmap=cmap, norm=norm, interpolation="nearest")
    h, w = values.shape
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color=palette.FACE, linewidth=1.0)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    for r in range(h):
        for c in range(w):
            v = values[r, c]
            ax.text(c, r, strip_negative_zero(fmt.format(v)), ha="center", va="center", fontsize=fontsize,
                    color=ink_on(cmap(norm(v))))  # fmt: skip


def signed_cmap():
    """The diverging map for signed gradients; masked cells (no gradient) are grey."""
    return mpl.colormaps[palette.DIVERGING].with_extremes(bad=palette.MUTED)


def clean_axes(ax, gridlines: tuple[int, int] | None = None) -> None:
    """No ticks; with ``gridlines=(h, w)``, white lines between the cells of an ``h x w`` grid."""
    ax.set_xticks([])
    ax.set_yticks([])
    if gridlines is not None:
        h, w = as_pair("gridlines", gridlines, 1)
        ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
        ax.grid(which="minor", color=palette.FACE, linewidth=1.0)
        ax.tick_params(which="both", length=0)


def vmax(*arrays) -> float:
    """The largest absolute value over ``arrays`` (1.0 when all are zero): a symmetric colour limit."""
    if not arrays or any(np.size(a) == 0 for a in arrays):
        raise ValueError("arrays must be one or more non-empty arrays")
    return float(max(np.abs(a).max() for a in arrays)) or 1.0


def ink_for(cmap, norm, value) -> str:
    """The ink (dark or white) for text on a cell coloured ``cmap(norm(value))``."""
    return ink_on(cmap(norm(value)))
