"""The figure of the chapter "Locality or sharing?": one layer as three matrices."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from .. import locally_connected, matrix_view
from .._checks import as_pair, require_int
from . import palette
from .drawing import matrix_axes


def plot_three_matrices(input_shape=(6, 6), kernel: int = 3, seed: int = 0) -> Figure:
    """FC, locally connected and convolution on a flattened ``input_shape`` image, as matrices with
    one row per output unit (the ``(H-k+1) x (W-k+1)`` valid positions) and one column per pixel:
    dense (every cell its own weight), banded and untied (:func:`lessons_code.locally_connected.
    local_matrix`), banded and tied (:func:`lessons_code.matrix_view.conv_matrix`). Colour is the
    weight value on one diverging scale; zeros (no connection) are grey."""
    h, w = as_pair("input_shape", input_shape, 3)
    k = require_int("kernel", kernel, 2, min(h, w))
    rng = np.random.default_rng(require_int("seed", seed, 0))
    oh, ow = h - k + 1, w - k + 1
    fc_w = rng.uniform(-1, 1, (oh * ow, h * w))
    local_w = rng.uniform(-1, 1, (oh, ow, 1, 1, k, k))
    kern = rng.uniform(-1, 1, (k, k))
    local_m = locally_connected.local_matrix(local_w, (1, h, w))
    local_idx = locally_connected.local_matrix_index(local_w.shape, (1, h, w))
    conv_m = matrix_view.conv_matrix(kern, (h, w))
    conv_idx = matrix_view.conv_matrix_index((k, k), (h, w))
    panels = [
        ("FC: dense, untied", fc_w, np.zeros(fc_w.shape, bool), fc_w.size),
        ("locally connected: banded, untied", local_m, local_idx < 0, int((local_idx >= 0).sum())),
        ("convolution: banded, tied", conv_m, conv_idx < 0, k * k),
    ]
    norm = mpl.colors.Normalize(-1.0, 1.0)
    with mpl.rc_context(palette.RC):
        cmap = mpl.colormaps[palette.DIVERGING].with_extremes(bad=palette.MUTED)
        fig = Figure(figsize=(6.4, 7.2), layout="constrained")
        axes = fig.subplots(3, 1)
        for ax, (title, m, zero, n_free) in zip(axes, panels, strict=True):
            ax.imshow(np.ma.masked_where(zero, m), cmap=cmap, norm=norm, interpolation="nearest")
            matrix_axes(ax, m.shape[0], m.shape[1], w)
            ax.set_title(f"{title}: {n_free} weights")
            ax.set_ylabel("output unit")
        axes[-1].set_xlabel(f"input pixel (flattened {h}×{w} image)")
    return fig
