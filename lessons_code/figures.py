"""Static figures of the book. Each function returns a matplotlib ``Figure``.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot, no
global state) in the palette of :mod:`lessons_code.palette`.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from . import palette
from ._checks import as_float_array


def _grid(ax, mask: np.ndarray, title: str, focus_color: str) -> None:
    """Draw a boolean mask as a grid of cells: True in ``focus_color``, False in grey."""
    cmap = ListedColormap([palette.MUTED, focus_color])
    ax.imshow(mask.astype(int), cmap=cmap, vmin=0, vmax=1)
    h, w = mask.shape
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color=palette.FACE, linewidth=1.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_title(title)


def plot_receptive_fields(fc_mask, conv_mask, fc_unit: int, conv_unit: tuple[int, int]) -> Figure:
    """Two input grids side by side: the pixels one FC unit sees and the pixels one conv unit sees.

    fc_mask, conv_mask: boolean ``(H, W)`` masks, e.g. from
    :func:`lessons_code.geometry.fc_receptive_field` and ``conv_receptive_field``.
    """
    fc_mask = as_float_array("fc_mask", np.asarray(fc_mask, dtype=np.int8), 2) != 0
    conv_mask = as_float_array("conv_mask", np.asarray(conv_mask, dtype=np.int8), 2) != 0
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax_fc, ax_conv = fig.subplots(1, 2)
        _grid(ax_fc, fc_mask, f"FC: input pixels seen by output {fc_unit}\n"
              f"({int(fc_mask.sum())} of {fc_mask.size})", palette.INPUT)  # fmt: skip
        _grid(ax_conv, conv_mask, f"Conv: input pixels seen by output {tuple(conv_unit)}\n"
              f"({int(conv_mask.sum())} of {conv_mask.size})", palette.INPUT)  # fmt: skip
    return fig
