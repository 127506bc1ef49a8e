"""Figures of the cost chapter: the overlap counts behind checkerboard artifacts.

* :func:`plot_overlap_counts`: one panel per upsampling layer, each output pixel coloured (and
  labelled) by how many (input pixel, kernel tap) pairs write it
  (data: :mod:`lessons_code.upsampling`).

Drawn from the data it is given, on a bare ``Figure``, in the book's palette.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from .._checks import as_float_array
from . import palette
from .drawing import clean_axes, ink_for


def plot_overlap_counts(panels: dict, *, narrow: bool = False) -> Figure:
    """``panels``: ``{title: counts}`` with ``counts`` a 2-D array (from
    :func:`~lessons_code.upsampling.transposed_overlap` or
    :func:`~lessons_code.upsampling.resize_conv_overlap`). One panel each, on one colour scale
    per panel (its own maximum), every cell labelled with its count. ``narrow``: panels stacked
    for a phone."""
    if not isinstance(panels, dict) or not panels:
        raise TypeError(f"panels must be a non-empty dict {{title: counts}}, got {panels!r:.60}")
    data = {str(t): as_float_array(f"panels[{t!r}]", c, 2) for t, c in panels.items()}
    cmap = mpl.colormaps[palette.SEQUENTIAL]
    n = len(data)
    shape = (n, 1) if narrow else (1, n)
    size = (3.4, 3.2 * n) if narrow else (3.0 * n, 3.4)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=size, layout="constrained")
        axes = np.atleast_1d(fig.subplots(*shape)).ravel()
        for ax, (title, counts) in zip(axes, data.items(), strict=True):
            norm = Normalize(0, counts.max())
            ax.imshow(counts, cmap=cmap, norm=norm)
            clean_axes(ax, counts.shape)
            for r in range(counts.shape[0]):
                for c in range(counts.shape[1]):
                    ax.text(c, r, f"{counts[r, c]:.0f}", ha="center", va="center", fontsize=8,
                            color=ink_for(cmap, norm, counts[r, c]))  # fmt: skip
            ax.set_title(title, fontsize=9)
    return fig


def plot_matrix_blocks(matrices: dict, *, narrow: bool = False) -> Figure:
    """``matrices``: ``{title: M}``, the matrices of convolution layers; each panel shows which
    entries of ``M`` hold a weight, in the kernel colour, the rest white. ``narrow``: panels stacked
    for a phone."""
    if not isinstance(matrices, dict) or not matrices:
        raise TypeError(f"matrices must be a non-empty dict {{title: M}}, got {matrices!r:.60}")
    data = {str(t): as_float_array(f"matrices[{t!r}]", m, 2) for t, m in matrices.items()}
    cmap = mpl.colors.ListedColormap([palette.FACE, palette.KERNEL])
    n = len(data)
    shape = (n, 1) if narrow else (1, n)
    size = (3.4, 3.4 * n) if narrow else (3.0 * n, 3.3)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=size, layout="constrained")
        axes = np.atleast_1d(fig.subplots(*shape)).ravel()
        for ax, (title, m) in zip(axes, data.items(), strict=True):
            ax.imshow(m != 0, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(title, fontsize=9)
            ax.set_xlabel("input values (by channel)", fontsize=8)
            ax.set_ylabel("output units (by channel)", fontsize=8)
    return fig
