"""Static figures of the book. Each function returns a matplotlib ``Figure``.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot, no
global state) in the palette of :mod:`lessons_code.pictures.palette`.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from .. import conv, fc, geometry, matrix_view
from .._checks import as_float_array, as_pair, require_int
from ..gradient_flow import GradientFlowFrame, GradientFlowProblem, example_problem
from ..param_counts import ParamRow
from . import palette
from .drawing import annotated_grid, ink_on, mask_grid, matrix_axes


def _bool_mask(name: str, mask) -> np.ndarray:
    arr = np.asarray(mask) if mask is not None else None
    if arr is None or arr.dtype != bool or arr.ndim != 2 or arr.size == 0:
        got = "None" if arr is None else f"{arr.dtype} array of shape {arr.shape}"
        raise TypeError(f"{name} must be a non-empty 2-D boolean mask (H, W), got {got}")
    return arr


def plot_receptive_fields(fc_mask, conv_mask, fc_unit: int, conv_unit: tuple[int, int]) -> Figure:
    """Two input grids side by side: the pixels one FC unit sees and the pixels one conv unit sees.

    fc_mask, conv_mask: boolean ``(H, W)`` masks, e.g. from
    :func:`lessons_code.geometry.fc_receptive_field` and ``conv_receptive_field``.
    """
    fc_mask, conv_mask = _bool_mask("fc_mask", fc_mask), _bool_mask("conv_mask", conv_mask)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax_fc, ax_conv = fig.subplots(1, 2)
        mask_grid(ax_fc, fc_mask, f"FC: input pixels seen by output {fc_unit}\n"
              f"({int(fc_mask.sum())} of {fc_mask.size})", palette.INPUT)  # fmt: skip
        mask_grid(ax_conv, conv_mask, f"Conv: input pixels seen by output {tuple(conv_unit)}\n"
              f"({int(conv_mask.sum())} of {conv_mask.size})", palette.INPUT)  # fmt: skip
    return fig


def plot_layer_matrices(
    input_shape=(6, 6),
    kernel_shape=(3, 3),
    n_out_fc: int | None = 16,
    seed: int = 0,
    *,
    kernel=None,
    W=None,
    annotate: bool | None = None,
) -> Figure:
    """The layer as a matrix: a dense FC matrix above the banded, tied convolution matrix.

    Both layers map the flattened input ``x.ravel()`` (``H*W`` values) to a vector:
    the FC layer with ``W`` of shape ``(n_out_fc, H*W)``, every entry its own weight;
    the convolution with ``M`` of shape ``(H_out*W_out, H*W)`` from
    :func:`lessons_code.matrix_view.conv_matrix`, whose non-zero entries are copies
    of the ``kh*kw`` kernel values, ``M[i*W_out + j, (i+p)*W + (j+q)] = K[p, q]``.

    Colour is the value (one diverging scale for both matrices), so tied entries are
    coloured alike; where the cells are large enough each non-zero cell of ``M`` also
    carries its kernel index ``p*kw + q``, and a third panel shows the kernel itself.
    Zeros of ``M`` (weights that do not exist) are grey.

    input_shape: ``(H, W)``; kernel_shape: ``(kh, kw)``; n_out_fc: rows of the FC matrix,
    or ``None`` to leave the FC panel out; seed: draws ``W`` (uniform in [-1, 1]) and the
    kernel (distinct non-zero values spread over [-1, 1], in a random order) when they are not given.
    kernel: optional ``(kh, kw)`` array (overrides ``kernel_shape``);
    W: optional ``(n_out_fc, H*W)`` array (overrides ``n_out_fc``); annotate: write the
    kernel indices in the cells (default: when cells are big enough).
    """
    h, w = as_pair("input_shape", input_shape, 1)
    seed = require_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    if kernel is None:
        kh, kw = as_pair("kernel_shape", kernel_shape, 1)
        # Evenly spread non-zero values in a random order: every kernel entry gets its own colour.
        n = kh * kw
        kernel = rng.choice(np.linspace(-1.0, 1.0, n + n % 2), size=n, replace=False).reshape(kh, kw)
    else:
        kernel = as_float_array("kernel", kernel, 2)
        kh, kw = kernel.shape
    if kh > h or kw > w:
        raise ValueError(f"kernel shape {(kh, kw)} is larger than input_shape {(h, w)}")
    if W is None:
        if n_out_fc is not None:
            n_out_fc = require_int("n_out_fc", n_out_fc, 1)
            W = rng.uniform(-1.0, 1.0, size=(n_out_fc, h * w))
    else:
        W = as_float_array("W", W, 2)
        if W.shape[1] != h * w:
            raise ValueError(f"W must have {h * w} columns for input_shape {(h, w)}, got shape {W.shape}")
    if annotate is not None and not isinstance(annotate, bool):
        raise TypeError(f"annotate must be True, False or None, got {annotate!r}")

    index = matrix_view.conv_matrix_index(kernel.shape, (h, w))
    M = matrix_view.conv_matrix(kernel, (h, w))
    n_rows, n_cols = M.shape
    vmax = float(max(np.abs(kernel).max(), np.abs(W).max() if W is not None else 0.0)) or 1.0
    norm = mpl.colors.Normalize(-vmax, vmax)
    panel_w = 6.6  # inches for n_cols columns
    cell = panel_w / n_cols
    if annotate is None:
        annotate = cell >= 0.15 and kernel.size <= 10

    with mpl.rc_context(palette.RC):
        cmap = mpl.colormaps[palette.DIVERGING].with_extremes(bad=palette.MUTED)
        matrix_h = max(1.0, cell * n_rows) + 0.7
        heights = ([max(1.0, cell * W.shape[0]) + 0.7] if W is not None else []) + [matrix_h, 1.6]
        fig = Figure(figsize=(7.0, sum(heights)), layout="constrained")
        axes = fig.subplots(len(heights), 1, height_ratios=heights)
        if W is not None:
            ax = axes[0]
            ax.imshow(W, cmap=cmap, norm=norm, interpolation="nearest")
            matrix_axes(ax, W.shape[0], n_cols, w)
            ax.set_title(
                f"FC layer: weight matrix W, {W.shape[0]}×{n_cols} — {W.size} separate weights, none zero"
            )
            ax.set_ylabel("output unit")
            ax.set_xlabel(f"input pixel (flattened {h}×{w} image; one band per image row)")
        ax = axes[-2]
        masked = np.ma.masked_where(index < 0, M)
        ax.imshow(masked, cmap=cmap, norm=norm, interpolation="nearest")
        matrix_axes(ax, n_rows, n_cols, w)
        n_nonzero = int((index >= 0).sum())
        ax.set_title(
            f"Convolution as a matrix M, {n_rows}×{n_cols} — {n_nonzero} non-zero entries, "
            f"only {kernel.size} distinct weights (grey = 0)"
        )
        ax.set_ylabel("output position")
        ax.set_xlabel("input pixel (flattened)")
        if annotate:
            for r, c in zip(*np.nonzero(index >= 0), strict=True):
                ax.text(c, r, str(index[r, c]), ha="center", va="center", fontsize=9,
                        color=ink_on(cmap(norm(M[r, c]))))  # fmt: skip
        # The kernel itself, with the same colours and indices, and the colour scale.
        ax = axes[-1]
        ax.set_axis_off()
        inner = ax.inset_axes((0.0, 0.0, 0.22, 1.0))
        inner.imshow(kernel, cmap=cmap, norm=norm, interpolation="nearest")
        inner.set_xticks([])
        inner.set_yticks([])
        inner.set_title(f"kernel K ({kh}×{kw})")
        if kernel.size <= 25:
            for p in range(kh):
                for q in range(kw):
                    inner.text(q, p, str(p * kw + q), ha="center", va="center", fontsize=9,
                               color=ink_on(cmap(norm(kernel[p, q]))))  # fmt: skip
        cax = ax.inset_axes((0.32, 0.55, 0.6, 0.15))
        fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
        cax.set_xlabel("weight value: same value, same colour\n(numbers in M = which kernel entry p·kw + q)")
    return fig


def plot_coverage(input_shape=(6, 6), kernel_shape=(3, 3), n_out_fc: int = 16) -> Figure:
    """Coverage count: how many output units read each input pixel, FC (left) vs conv (right).

    FC: every pixel is read by all ``n_out_fc`` outputs. Conv: pixel ``(r, c)`` is read by
    as many windows as contain it, :func:`lessons_code.geometry.coverage_count`
    (1 at the corners, ``kh*kw`` in the interior), so it receives that many gradient terms.
    """

    h, w = as_pair("input_shape", input_shape, 1)
    n_out_fc = require_int("n_out_fc", n_out_fc, 1)
    count = geometry.coverage_count((h, w), kernel_shape)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    fc_count = np.full((h, w), n_out_fc)
    with mpl.rc_context(palette.RC):
        cmap = mpl.colormaps[palette.SEQUENTIAL]
        norm = mpl.colors.Normalize(0, max(n_out_fc, int(count.max())))
        fig = Figure(figsize=(6.4, 3.6), layout="constrained")
        ax_fc, ax_conv = fig.subplots(1, 2)
        annotated_grid(ax_fc, fc_count, cmap, norm)
        annotated_grid(ax_conv, count, cmap, norm)
        ax_fc.set_title(f"FC input ({h}×{w}): every pixel is\nread by all {n_out_fc} output units")
        ax_conv.set_title(
            f"Conv input ({h}×{w}), {kh}×{kw} kernel: read by\n{count.min()} to {count.max()} output units"
        )
        label = "output units reading the pixel = gradient terms it receives"
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        fig.colorbar(sm, ax=[ax_fc, ax_conv], orientation="horizontal", shrink=0.6, label=label)
    return fig


def plot_gradient_magnitudes(problem=None) -> Figure:
    """Gradient magnitude maps on the same input and ``dy``: ``|dW|`` (FC) vs ``|dK|`` (conv).

    problem: a :class:`lessons_code.gradient_flow.GradientFlowProblem` (default: its
    ``example_problem()``). ``dW = dy.ravel() x.ravel()^T`` from :func:`lessons_code.fc.fc_backward`
    is ``(n_out, H*W)``, one term per entry; ``dK = x * dy`` from
    :func:`lessons_code.conv.conv_weight_grad` is ``(kh, kw)``, a sum of ``H_out*W_out``
    terms per entry. One colour scale for both.
    """

    problem = example_problem() if problem is None else problem
    if not isinstance(problem, GradientFlowProblem):
        raise TypeError(f"problem must be a GradientFlowProblem, got {type(problem).__name__}")
    dW, _ = fc.fc_backward(problem.x.ravel(), problem.W, problem.dy.ravel())
    dK = conv.conv_weight_grad(problem.x, problem.kernel, problem.dy)
    h, w = problem.x.shape
    with mpl.rc_context(palette.RC):
        cmap = mpl.colormaps[palette.SEQUENTIAL]
        norm = mpl.colors.Normalize(0, float(max(np.abs(dW).max(), np.abs(dK).max())))
        fig = Figure(figsize=(7.0, 3.4), layout="constrained")
        ax_w, ax_k = fig.subplots(1, 2, width_ratios=[2.6, 1])
        ax_w.imshow(np.abs(dW), cmap=cmap, norm=norm, interpolation="nearest", aspect="auto")
        ax_w.set_xticks(np.arange(0, h * w, w))
        ax_w.set_yticks(np.arange(0, dW.shape[0], 4))
        ax_w.set_xlabel("input pixel")
        ax_w.set_ylabel("output unit")
        ax_w.set_title(f"FC weight gradient |dW|, {dW.shape[0]}×{dW.shape[1]}\n"
                       f"{dW.size} entries, each one product dy·x")  # fmt: skip
        annotated_grid(ax_k, np.abs(dK), cmap, norm, fmt="{:.1f}", fontsize=10)
        ax_k.set_title(f"Kernel gradient |dK|, {dK.shape[0]}×{dK.shape[1]}\n"
                       f"each a sum of {problem.dy.size} terms")  # fmt: skip
        label = "gradient magnitude (same scale in both panels)"
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        fig.colorbar(sm, ax=[ax_w, ax_k], orientation="horizontal", shrink=0.6, label=label)
    return fig


def plot_gradient_flow_small_multiples(frames, steps_dK=(1, 4, 8, 12, 16)) -> Figure:
    """The gradient-flow animation as one static figure (for print and for no motion).

    frames: the list from :func:`lessons_code.gradient_flow.gradient_flow_frames`.
    Top: one tile per output unit, laid out like the conv output; each tile shows the
    input pixels that receive gradient from that unit, FC (left, all pixels) and conv
    (right, the window), coloured by the sign and relative size of ``dx`` (scale per grid).
    Bottom: the kernel gradient accumulated after the given
    numbers of steps; the last equals ``conv_weight_grad``.
    """

    frames = list(frames)
    if not frames or not all(isinstance(f, GradientFlowFrame) for f in frames):
        raise TypeError("frames must be a non-empty list of GradientFlowFrame (from gradient_flow_frames)")
    n = len(frames)
    steps = [require_int("steps_dK entry", s, 1) for s in steps_dK]
    if any(s > n for s in steps) or not steps:
        raise ValueError(f"steps_dK must be between 1 and {n}, got {tuple(steps_dK)}")
    ow = max(f.conv_unit[1] for f in frames) + 1
    oh = n // ow
    cmap = mpl.colormaps[palette.DIVERGING].with_extremes(bad=palette.MUTED)
    v_dk = float(max(np.abs(f.conv_dK_sum).max() for f in frames)) or 1.0
    norm_dk = mpl.colors.Normalize(-v_dk, v_dk)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.0, 1.3 * oh + 2.4), layout="constrained")
        top, bottom = fig.subfigures(2, 1, height_ratios=[1.3 * oh, 2.2])
        top.suptitle("Input pixels that receive gradient from each output unit: FC (left) | conv (right)",
                     fontsize=10)  # fmt: skip
        tiles = top.subfigures(oh, ow)
        for f in frames:
            i, j = f.conv_unit
            tile = tiles[i][j] if oh > 1 else tiles[j]
            a_fc, a_conv = tile.subplots(1, 2)
            for a, dx, mask in ((a_fc, f.fc_dx, f.fc_input_mask), (a_conv, f.conv_dx, f.conv_input_mask)):
                v = float(np.abs(dx).max()) or 1.0  # colours scaled per grid: the pattern is the point
                a.imshow(np.ma.masked_where(~mask, dx), cmap=cmap, norm=mpl.colors.Normalize(-v, v))
            for a in (a_fc, a_conv):
                a.set_xticks([])
                a.set_yticks([])
            tile.suptitle(f"unit {f.t} = ({i}, {j})", fontsize=9)
        bottom.suptitle("Conv kernel gradient dK accumulated after k of the steps above (numbers = values)",
                        fontsize=10)  # fmt: skip
        axes = bottom.subplots(1, len(steps))
        for a, s in zip(np.atleast_1d(axes), steps, strict=True):
            dk = frames[s - 1].conv_dK_sum
            annotated_grid(a, dk, cmap, norm_dk, fmt="{:.1f}", fontsize=9)
            a.set_title(f"after {s} step{'s' * (s > 1)}" + (" = dK" if s == n else ""), fontsize=9)
    return fig


#: Bar styles of the parameter chart: colour *and* hatch, so the two kinds differ without colour too.
PARAM_STYLE = {
    "FC": {"color": palette.OUTPUT, "hatch": "//"},
    "conv": {"color": palette.KERNEL, "hatch": ""},
}


def plot_param_counts(rows: list[ParamRow], title: str = "") -> Figure:
    """Horizontal bars of ``row.total`` on a log scale, one per layer, each labelled with its count.

    rows: from :func:`lessons_code.param_counts.param_comparison`; a layer whose name starts with
    ``"FC"`` is drawn as an FC layer, any other as a convolution.
    """
    if not rows or not all(isinstance(r, ParamRow) for r in rows):
        raise TypeError(f"rows must be a non-empty list of ParamRow, got {rows!r}")
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.0, 0.55 * len(rows) + 1.2), layout="constrained")
        ax = fig.subplots()
        for y, row in enumerate(rows):
            kind = "FC" if row.layer.startswith("FC") else "conv"
            ax.barh(y, row.total, edgecolor=palette.INK, linewidth=0.6, **PARAM_STYLE[kind])
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
