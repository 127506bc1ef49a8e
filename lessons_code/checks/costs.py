"""Named checks of the claims of the cost chapter (``book/conv_cost.md``).

Each ``check_*`` takes the quantity the prose names, returns the numbers the page prints when the
claim holds and raises :class:`~lessons_code.checks.verdict.ClaimError` when it does not;
``tests/checks/test_costs.py`` feeds each a false version (a count by input pixels instead of
output positions, an im2col that forgets the padding, a stack of two layers, the gain-1 init).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .. import matrix_view
from .._checks import as_float_array, as_shape, require_int
from ..conv_layer import (
    conv_backward,
    conv_backward_loop,
    conv_forward,
    conv_forward_loop,
    im2col,
    ungroup_weights,
)
from ..geometry import backward_footprint, footprint_extent, receptive_field_size
from ..gradcheck import numerical_gradient, rel_error
from ..layer_costs import PassCosts, conv_pass_macs, im2col_shape
from ..matrix_view import conv_matrix_counts
from ..param_counts import conv_param_count
from .layer_rules import RuleReport
from .stats import Interval, is_real_change, paired_change, ratio_interval
from .tolerances import EXACT_BOUND, REL_ERROR_BOUND
from .verdict import Verdict, require


def check_channels_by_hand(x, w, dy, dw_hand, dx_hand) -> float:
    """Claim: the hand sums ``dw[o, c] = Σ_{i,j} dy[o, i, j] · window of x[c]`` (summed over the
    positions, one pair of channels at a time) and ``dx[c] = Σ_o dy[o] scattered through w[o, c]``
    (summed over the output channels) are the layer's gradients: compared with
    ``conv_layer.conv_backward``. Returns the largest difference."""
    x, w, dy = as_float_array("x", x, 4), as_float_array("w", w, 4), as_float_array("dy", dy, 4)
    dw_hand, dx_hand = as_float_array("dw_hand", dw_hand, 4), as_float_array("dx_hand", dx_hand, 4)
    dx, dw, _ = conv_backward(dy, conv_forward(x, w)[1])
    if dw_hand.shape != dw.shape or dx_hand.shape != dx.shape:
        raise ValueError(
            f"dw_hand and dx_hand must have shapes {dw.shape} and {dx.shape}, got {dw_hand.shape} "
            f"and {dx_hand.shape}"
        )
    err = float(max(np.abs(dw_hand - dw).max(), np.abs(dx_hand - dx).max()))
    require(err < 1e-12 * max(1.0, float(np.abs(dw).max())), "the hand sums are the layer's gradients",
            f"largest difference {err:.3g}")  # fmt: skip
    return err


#: Layers the multiply-add count is checked on: ``(x_shape, w_shape, geometry)`` with a batch,
#: channels, stride, padding and dilation.
MAC_CASES = (
    ((2, 3, 7, 6), (4, 3, 3, 2), {"stride": 2, "padding": 1, "dilation": 1}),
    ((1, 2, 9, 9), (3, 2, 3, 3), {"stride": 1, "padding": 0, "dilation": 2}),
    ((3, 1, 8, 8), (2, 1, 2, 2), {"stride": 2, "padding": 0, "dilation": 1}),
)


def _pairs(g: dict) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(np.broadcast_to(g.get(k, d), 2).tolist()) for k, d in
                 (("stride", 1), ("padding", 0), ("dilation", 1)))  # fmt: skip


def count_pass_macs(x_shape, w_shape, **geometry) -> tuple[PassCosts, PassCosts]:
    """Two counts of the three passes' multiply-adds that use no formula of :mod:`layer_costs`:

    * the sizes of the three matrix products of the im2col layer, read off real arrays
      (``cols`` from ``im2col`` of a zero batch): ``m * k * n`` for an ``(m, k) @ (k, n)`` product;
    * the nonzero cells of the matrix ``M`` of one image on the zero-padded input, times the batch:
      ``y = M x``, ``dx = Mᵀ dy`` and the tied sum of ``dM = dy xᵀ`` each touch every cell once.
    """
    x_shape = as_shape("x_shape", x_shape, "(N, C_in, H, W)")
    w_shape = as_shape("w_shape", w_shape, "(C_out, C_in, kh, kw)")
    stride, padding, dilation = _pairs(geometry)
    cols = im2col(np.zeros(x_shape), w_shape[2:], stride=stride, padding=padding, dilation=dilation)
    k, p = cols.shape
    c_out = w_shape[0]
    by_products = PassCosts(c_out * k * p, k * c_out * p, c_out * p * k)
    padded = (w_shape[1], x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1])
    cells = conv_matrix_counts(padded, w_shape, stride=stride, dilation=dilation).nonzeros
    by_matrix = PassCosts(*(x_shape[0] * cells,) * 3)
    return by_products, by_matrix


def check_pass_macs(fn: Callable = conv_pass_macs, cases=MAC_CASES) -> list[PassCosts]:
    """Claim: forward, input gradient and weight gradient each cost ``N H_out W_out C_out C_in kh kw``
    multiply-adds, so the backward pass costs twice the forward pass. ``fn(x_shape, w_shape,
    **geometry) -> PassCosts`` is compared with :func:`count_pass_macs` on every case.
    Returns ``fn``'s counts."""
    out = []
    for x_shape, w_shape, g in cases:
        got = PassCosts(*fn(x_shape, w_shape, **g))
        by_products, by_matrix = count_pass_macs(x_shape, w_shape, **g)
        require(
            got == by_products == by_matrix,
            "each pass costs N·H_out·W_out·C_out·C_in·kh·kw multiply-adds",
            f"x {x_shape}, w {w_shape}, {g}: formula {tuple(got)}, matrix products {tuple(by_products)}, "
            f"cells of M {tuple(by_matrix)}",
        )
        require(got.backward == 2 * got.forward, "backward = 2 × forward", f"{got}")
        out.append(got)
    return out


#: The two layers whose im2col matrix the page sizes: a first layer 3 -> 64 on 224x224 and a
#: 3x3 64 -> 64 layer on 56x56, both "same" padding, one image.
IM2COL_LAYERS = {
    "first layer, 3 → 64 at 224×224": ((1, 3, 224, 224), (3, 3), 1),
    "3×3, 64 → 64 at 56×56": ((1, 64, 56, 56), (3, 3), 1),
}


def check_im2col_shapes(fn: Callable = im2col_shape, layers=None) -> dict[str, tuple[int, int]]:
    """Claim: ``cols`` has ``C_in kh kw`` rows and ``N H_out W_out`` columns (27 × 50,176 and
    576 × 3,136 on :data:`IM2COL_LAYERS`): ``fn(x_shape, kernel_shape, padding=) -> shape`` against
    ``im2col`` run on a zero image. Returns the shapes."""
    layers = IM2COL_LAYERS if layers is None else layers
    out = {}
    for name, (x_shape, kernel, pad) in layers.items():
        got = tuple(fn(x_shape, kernel, padding=pad))
        real = im2col(np.zeros(x_shape), kernel, padding=pad).shape
        require(got == real, "the im2col matrix is (C_in·kh·kw) × (N·H_out·W_out)",
                f"{name}: formula {got}, im2col {real}")  # fmt: skip
        out[name] = got
    return out


class StackCounts(NamedTuple):
    """A stack of small kernels against one large kernel, ``C -> C`` channels, no biases."""

    stack_params: int
    single_params: int
    stack_field: int
    single_field: int

    @property
    def ratio(self) -> float:
        return self.stack_params / self.single_params


def check_stack_vs_single(stack, single: int, channels: int) -> StackCounts:
    """Claim: a stack of ``k x k`` layers (``stack``: ``(k, s, d)`` triples) sees as many pixels as
    one ``single x single`` layer, with ``sum k² C²`` parameters against ``single² C²`` (three 3×3
    against one 7×7: 27C² against 49C²). The fields are compared three ways: the formula, the
    footprint of the backward pass, and ``single``. Returns the counts."""
    single, channels = require_int("single", single, 1), require_int("channels", channels, 1)
    field = receptive_field_size(stack)
    size = 4 * field + 1
    seen = footprint_extent(backward_footprint(size, stack))[0]
    stack_params = sum(conv_param_count(k, channels, channels, bias=False) for k, _, _ in stack)
    single_params = conv_param_count(single, channels, channels, bias=False)
    require(field == seen == single, "the stack sees what the single layer sees",
            f"stack: formula {field}, backward pass {seen}; single layer {single}")  # fmt: skip
    require(stack_params < single_params, "the stack has fewer parameters",
            f"{stack_params:,} against {single_params:,}")  # fmt: skip
    return StackCounts(stack_params, single_params, field, single)


def check_uses_per_weight(rows) -> dict[str, float]:
    """Claim: a conv weight is used once per output position (``H_out W_out`` multiply-adds per
    weight and image), an FC weight once. ``rows``: ``{name: (weights, macs, positions)}`` with
    ``positions`` 1 for an FC layer. Returns multiply-adds per weight."""
    out = {}
    for name, (weights, macs, positions) in rows.items():
        per = macs / weights
        require(per == positions, "multiply-adds per weight = positions it is used at",
                f"{name}: {macs:,} / {weights:,} = {per:g}, positions {positions}")  # fmt: skip
        out[name] = per
    return out


def check_he_keeps_scale(factors, padding_factor: float | None = None) -> Interval:
    """Claim: with He initialisation the mean square of a conv + ReLU stack's pre-activations
    changes by a per-layer factor nearer 1 than ½ (the factor of an init that ignores the ReLU):
    the 95 % log-scale interval of the factor (``factors``: one geometric-mean factor per seed)
    lies above ``1/√2``; with ``padding_factor`` (the share of taps that read real pixels, squared
    over the two axes) the interval also contains it: the zero padding explains the rest.
    Returns the interval."""
    factors = as_float_array("factors", factors, 1)
    iv = ratio_interval(factors, over="seeds")
    require(iv.low > 2**-0.5, "He keeps the scale (per-layer factor nearer 1 than ½)",
            iv.range_text(".2f", unit=True))  # fmt: skip
    if padding_factor is not None:
        require(iv.low <= padding_factor <= iv.high, "the zero padding explains the rest",
                f"padding predicts {padding_factor:.3f}, measured {iv.range_text('.3f')}")  # fmt: skip
    return iv


def check_init_is_he(weights, he_draw) -> float:
    """Claim: the networks' kernels are He-initialised (std ``sqrt(2 / fan_in)``, fan-in
    ``C_in kh kw``, no image size in it): ``weights`` (from ``nets.init_params``) equal ``he_draw``
    (``layer_costs.he_normal`` from the same generator state). Returns the largest difference."""
    weights, he_draw = as_float_array("weights", weights, 4), as_float_array("he_draw", he_draw, 4)
    if weights.shape != he_draw.shape:
        raise ValueError(f"weights and he_draw must have one shape, got {weights.shape} and {he_draw.shape}")
    err = float(np.abs(weights - he_draw).max())
    require(err == 0.0, "the networks draw He weights", f"largest difference {err:.3g}")
    return err


def layer_factors(scales) -> float:
    """Per-layer factors of mean squares: the geometric mean of ``scales[l] / scales[l - 1]``
    (``scales``: ``(depth,)`` from ``layer_costs.activation_scales``)."""
    s = as_float_array("scales", scales, 1)
    if s.size < 2 or np.any(s <= 0):
        raise ValueError(f"scales must hold at least 2 positive mean squares, got {s!r:.60}")
    return float(np.exp(np.mean(np.diff(np.log(s)))))


def _interior(counts, margin: int) -> np.ndarray:
    counts = as_float_array("counts", counts, 2)
    margin = require_int("margin", margin, 0)
    if 2 * margin >= min(counts.shape):
        raise ValueError(f"margin must leave an interior of counts {counts.shape}, got margin={margin}")
    return counts[margin : counts.shape[0] - margin, margin : counts.shape[1] - margin]


def check_checkerboard(counts, margin: int) -> tuple[float, float]:
    """Claim: away from the border (``margin`` pixels), the output pixels of this upsampling are
    written by uneven numbers of (input pixel, tap) pairs: the checkerboard. Returns the interior's
    (fewest, most)."""
    inner = _interior(counts, margin)
    lo, hi = float(inner.min()), float(inner.max())
    require(hi > lo, "the overlap is uneven (a checkerboard)", f"interior counts from {lo:g} to {hi:g}")
    return lo, hi


def check_even_overlap(counts, margin: int) -> float:
    """Claim: away from the border (``margin`` pixels), every output pixel of this upsampling is
    written by the same number of (input pixel, tap) pairs: no checkerboard. Returns that number."""
    inner = _interior(counts, margin)
    lo, hi = float(inner.min()), float(inner.max())
    require(hi == lo, "the overlap is even", f"interior counts from {lo:g} to {hi:g}")
    return lo


# --- grouped, depthwise and depthwise-separable layers ------------------------------------------

#: Grouped layers the checks run on: ``(x_shape, w_shape, geometry, groups)`` with ``w_shape`` the
#: grouped weight shape ``(C_out, C_in / groups, kh, kw)``: two groups, depthwise (groups = C_in),
#: a channel multiplier (C_out = 2 C_in, depthwise), stride, padding and dilation.
GROUP_CASES = (
    ((2, 4, 6, 5), (6, 2, 3, 2), {"stride": 2, "padding": 1, "dilation": 1}, 2),
    ((1, 3, 7, 7), (3, 1, 3, 3), {"stride": 1, "padding": 1, "dilation": 2}, 3),
    ((2, 2, 5, 6), (4, 1, 2, 3), {"stride": (2, 1), "padding": (0, 1), "dilation": 1}, 2),
)


def compare_grouped_layer(fn: Callable | None = None, cases=GROUP_CASES, seed: int = 0) -> RuleReport:
    """``fn(x, w, dout, groups=, **geometry) -> (out, dx, dw, db)`` (default: the package's
    ``conv_forward`` / ``conv_backward`` with ``groups``) three ways: the loop twins, the ordinary
    layer with :func:`~lessons_code.conv_layer.ungroup_weights` (its matrix ``M``, block-diagonal
    over the groups: ``y = M x``, ``dx = Mᵀ dy``, ``dw`` the tied sum read on the group's block),
    and finite differences. The error is the worst of out, dx, dw and db."""
    if fn is None:

        def fn(x, w, dout, groups, **g):
            out, cache = conv_forward(x, w, groups=groups, **g)
            return (out, *conv_backward(dout, cache))

    if not callable(fn):
        raise TypeError(f"fn must be a function, got {type(fn).__name__}")
    if not isinstance(cases, (tuple, list)) or not cases:
        raise ValueError(f"cases must be a non-empty tuple of cases, got {cases!r:.60}")
    worst = np.zeros(3)
    for t, (x_shape, w_shape, g, groups) in enumerate(cases):
        rng = np.random.default_rng(require_int("seed", seed, 0) + t)
        x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
        out = conv_forward(x, w, b, groups=groups, **g)[0]
        dout = rng.standard_normal(out.shape)
        try:
            got = fn(x, w, dout, groups, **g)
            got = tuple(np.asarray(a, dtype=np.float64) for a in got)
        except Exception:  # a crash of any kind counts as a wrong answer
            got = None
        loop = (
            conv_forward_loop(x, w, groups=groups, **g),
            *conv_backward_loop(dout, x, w, groups=groups, **g),
        )
        dense = ungroup_weights(w, groups)
        M = matrix_view.conv_matrix(dense, x_shape[1:], **g)
        og, cg = w_shape[0] // groups, w_shape[1]
        tied = sum(matrix_view.tied_kernel_grad(x[n], dout[n], dense.shape, **g) for n in range(x_shape[0]))
        tied_w = np.concatenate([tied[k * og : (k + 1) * og, k * cg : (k + 1) * cg] for k in range(groups)])
        mat = (
            np.stack([(M @ x[n].ravel()).reshape(out.shape[1:]) for n in range(x_shape[0])]),
            np.stack([(M.T @ dout[n].ravel()).reshape(x_shape[1:]) for n in range(x_shape[0])]),
            tied_w,
            dout.sum(axis=(0, 2, 3)),
        )

        def loss(x_, w_, b_, dout=dout, g=g, groups=groups):
            return np.sum(conv_forward(x_, w_, b_, groups=groups, **g)[0] * dout)

        num = (
            conv_forward(x, w, groups=groups, **g)[0],
            numerical_gradient(lambda t_, w=w, b=b: loss(t_, w, b), x),
            numerical_gradient(lambda t_, x=x, b=b: loss(x, t_, b), w),
            numerical_gradient(lambda t_, x=x, w=w: loss(x, w, t_), b),
        )
        for k, ref in enumerate((loop, mat, num)):
            if got is None or len(got) != 4:
                worst[k] = np.inf
                continue
            errs = []
            for a, r in zip(got, ref, strict=True):
                ok = a.shape == r.shape and np.all(np.isfinite(a))
                errs.append(rel_error(a, r) if ok else np.inf)
            worst[k] = max(worst[k], max(errs))
    names = ("loop", "block-diagonal M", "finite differences")
    bounds = (EXACT_BOUND, EXACT_BOUND, REL_ERROR_BOUND)
    verdicts = tuple(Verdict(n, float(e), b) for n, e, b in zip(names, worst, bounds, strict=True))
    return RuleReport("grouped layer: out, dx, dw, db", verdicts)


def check_grouped_layer(fn: Callable | None = None, cases=GROUP_CASES) -> RuleReport:
    """Claim: the grouped layer's forward pass and gradients equal its loop twin, the ordinary layer
    with block-diagonal weights, and finite differences (:func:`compare_grouped_layer`)."""
    report = compare_grouped_layer(fn, cases)
    detail = ", ".join(f"{v.name}: {v.error:.1e} (bound {v.bound:.0e})" for v in report.verdicts)
    require(report.passed, "the grouped layer agrees three ways", detail)
    return report


def check_block_diagonal(M, groups: int, rows_per_group: int, cols_per_group: int) -> int:
    """Claim: the matrix ``M`` of a grouped layer is block-diagonal: every nonzero entry lies in a
    diagonal block of ``rows_per_group x cols_per_group`` (group ``g``'s output units against its
    input values). Returns the number of nonzero entries."""
    M = as_float_array("M", M, 2)
    groups = require_int("groups", groups, 1)
    r, c = require_int("rows_per_group", rows_per_group, 1), require_int("cols_per_group", cols_per_group, 1)
    if M.shape != (groups * r, groups * c):
        raise ValueError(f"M must have shape {(groups * r, groups * c)} for {groups} groups, got {M.shape}")
    rows, cols = np.nonzero(M)
    off = int(np.count_nonzero(rows // r != cols // c))
    require(
        off == 0,
        "M is block-diagonal over the groups",
        f"{off} of {rows.size} nonzero entries off the blocks",
    )
    return int(rows.size)


def check_grouped_macs(fn: Callable = conv_pass_macs, cases=GROUP_CASES) -> list[PassCosts]:
    """Claim: a layer with ``groups`` costs ``1 / groups`` of the full layer per pass:
    ``N H_out W_out C_out (C_in / groups) kh kw`` multiply-adds. ``fn(x_shape, w_shape, groups=,
    **geometry)`` against the weight cells of the block-diagonal ``M`` on the padded input, times
    the batch. Returns ``fn``'s counts."""
    out = []
    for x_shape, w_shape, g, groups in cases:
        got = PassCosts(*fn(x_shape, w_shape, groups=groups, **g))
        stride, padding, dilation = _pairs(g)
        padded = (x_shape[1], x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1])
        dense = ungroup_weights(np.ones(w_shape), groups)
        M = matrix_view.conv_matrix(dense, padded, stride=stride, dilation=dilation)
        cells = x_shape[0] * int(np.count_nonzero(M))
        detail = f"x {x_shape}, w {w_shape}, groups {groups}: formula {tuple(got)}, cells of M {cells}"
        require(got == (cells,) * 3, "a grouped layer costs 1/groups of the full layer", detail)
        out.append(got)
    return out


class SeparableCounts(NamedTuple):
    """Weights of a depthwise-separable block against a full ``k x k`` convolution ``C -> C'``."""

    depthwise: int  # k² C
    pointwise: int  # C C'
    full: int  # k² C C'

    @property
    def ratio(self) -> float:
        """``(k² C + C C') / (k² C C') = 1 / C' + 1 / k²``."""
        return (self.depthwise + self.pointwise) / self.full


def check_separable_counts(depthwise_shape, pointwise_shape, full_shape) -> SeparableCounts:
    """Claim: a depthwise ``k x k`` layer (``groups = C``) and a 1x1 layer ``C -> C'`` hold
    ``k² C + C C'`` weights and do the full ``k x k`` layer's job (same input, same output shape)
    with ``k² C C'``: the three weight shapes are run as layers on a zero ``C x k x k`` input
    (``conv_forward``, "same" padding, the depthwise one with ``groups = C``), their outputs must
    have one shape, and their sizes must match the formula and its ratio ``1/C' + 1/k²``.
    Returns the counts."""
    dws = as_shape("depthwise_shape", depthwise_shape, "(C, 1, k, k)")
    pws = as_shape("pointwise_shape", pointwise_shape, "(C', C, 1, 1)")
    fus = as_shape("full_shape", full_shape, "(C', C, k, k)")
    c, k = dws[0], dws[2]
    x = np.zeros((1, c, k, k))
    pad = k // 2
    mid = conv_forward(x, np.zeros(dws), padding=pad, groups=c)[0]
    sep = conv_forward(mid, np.zeros(pws))[0]
    full = conv_forward(x, np.zeros(fus), padding=pad)[0]
    c_out = fus[0]
    counts = SeparableCounts(int(np.prod(dws)), int(np.prod(pws)), int(np.prod(fus)))
    ok = (counts.depthwise, counts.pointwise, counts.full) == (k * k * c, c * c_out, k * k * c * c_out)
    require(sep.shape == full.shape and ok and abs(counts.ratio - (1 / c_out + 1 / k**2)) < 1e-12,
            "separable: k²C + CC' against k²CC', same output",
            f"{counts} for outputs {sep.shape} and {full.shape}")  # fmt: skip
    return counts


#: The largest accuracy loss (a fraction) the separable layer's interval may allow for the page's
#: "costs nothing we can measure": a change whose interval reaches below -2 points is too wide to
#: call "no cost", even when it is not real by the rule.
SEPARABLE_LOSS_BOUND = 0.02


def check_separable_digits(study) -> Interval:
    """Claims of the digits comparison (``study.accuracy``: ``{net: (n_seeds,)}``, full second layer
    first, same seeds in the same order; ``study.n_params``: the nets' weights): the separable net
    has fewer weights, and its paired change in test accuracy against the full net is not real by
    the book's rule (:func:`~lessons_code.checks.stats.is_real_change`) and its 95 % interval rules
    out a loss of more than :data:`SEPARABLE_LOSS_BOUND`. Returns the interval (over seeds)."""
    for field in ("accuracy", "n_params"):
        value = getattr(study, field, None)
        if not isinstance(value, dict) or len(value) != 2:
            raise TypeError(f"study.{field} must be a dict of the two nets (full, separable), got {value!r}")
    (full, acc_full), (sep, acc_sep) = study.accuracy.items()
    acc_full = as_float_array("study.accuracy[full]", acc_full, 1)
    acc_sep = as_float_array("study.accuracy[separable]", acc_sep, 1)
    require(study.n_params[sep] < study.n_params[full], "the separable layer has fewer weights",
            f"{study.n_params[sep]:,} against {study.n_params[full]:,}")  # fmt: skip
    change = paired_change(acc_sep, acc_full)
    require(
        not is_real_change(change) and change.low > -SEPARABLE_LOSS_BOUND,
        f"{sep} costs no accuracy the rule can see, and at most {SEPARABLE_LOSS_BOUND:.0%}",
        change.range_text(".3f"),
    )
    return change
