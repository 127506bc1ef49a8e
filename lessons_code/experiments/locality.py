"""Locality or sharing? The experiments of the chapter that separates the two.

Three layers with the same input and output (:mod:`lessons_code.fc`, :mod:`lessons_code.locally_connected`,
:mod:`lessons_code.conv_layer`) differ by one property at a time: FC -> locally connected adds
*locality* (each output reads a window), locally connected -> convolution adds *weight sharing*
(every window through the same kernel). Everything here is deterministic (explicit seeds):

* :func:`alexnet_costs` -- parameters, multiply-adds and gradient terms per weight of AlexNet's first
  layer as FC, locally connected and convolution (the counts of :mod:`lessons_code.param_counts`);
* :func:`equivariance_rows` -- how far each layer is from commuting with a shift, inside and at the
  border, for zero and circular padding, stride 2, a 2x2 max-pool and global average pooling;
* :func:`digits_study` -- the digits nets (:data:`LOCALITY_SPECS`) over seeds: accuracy, accuracy on
  test images shifted by one pixel, accuracy after a pixel shuffle (one permutation per seed);
* :func:`efficiency_study` -- the parameters chapter's per-step SGD efficiency
  (:func:`~lessons_code.experiments.linear_students.step_efficiency`) of three linear students, FC,
  locally connected and convolution, on the same teachers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import param_counts
from .._checks import as_float_array, as_pair, require_int, require_seed
from ..checks.stats import mean_interval
from ..conv_layer import conv_forward_unchecked, im2col_unchecked
from ..locally_connected import lc_forward_unchecked
from ..matrix_view import products_per_weight
from ..pooling import maxpool2_forward_unchecked
from ..tables import markdown_table
from . import nets
from .digits import load_digits_split, permute_pixels, pixel_permutation, shift_images
from .linear_students import conv_features, step_efficiency, teacher_data
from .nets import NetSpec
from .runs import SHIFTS

#: The three digits nets of the chapter: the experiments chapter's MLP, and the CNN with its
#: convolution (shared) or a locally connected layer (untied) as first layer; the same widths.
LOCALITY_SPECS: dict[str, NetSpec] = {
    "FC (MLP)": NetSpec("mlp", width=32),
    "locally connected": NetSpec("local", width=8, kernel=3),
    "convolution (CNN)": NetSpec("cnn", width=8, kernel=3),
}


# --- counts ----------------------------------------------------------------------------------------


class LayerCost(NamedTuple):
    """One first layer: parameters (with biases), multiply-adds per image, and how many products
    one example adds into the gradient of one weight (the most any weight gets)."""

    layer: str
    params: int
    macs: int
    terms_per_weight: int


def alexnet_costs() -> list[LayerCost]:
    """AlexNet's first layer (11x11x3 -> 96 channels, stride 4, 227x227 input, 55x55 output) three
    ways: FC from every input value to every output unit, locally connected, convolution."""
    spec = param_counts.ALEXNET_CONV1
    k, c_in, c_out, (oh, ow) = spec["k"], spec["c_in"], spec["c_out"], spec["out_shape"]
    side = 227
    counts = param_counts.alexnet_conv1_counts()
    window = k * k * c_in * c_out * oh * ow
    n_in, n_out = side * side * c_in, oh * ow * c_out
    terms = int(products_per_weight((side, side), (k, k), stride=4).max())
    return [
        LayerCost("FC", param_counts.fc_param_count(n_in, n_out), n_in * n_out, 1),
        LayerCost("locally connected", counts.unshared, window, 1),
        LayerCost("convolution", counts.shared, window, terms),
    ]


def digits_costs() -> list[LayerCost]:
    """The digits nets of :data:`LOCALITY_SPECS`: parameters and multiply-adds of the whole net."""
    rows = []
    for name, spec in LOCALITY_SPECS.items():
        n = sum(int(np.prod(s)) for s in nets.param_shapes(spec).values())
        h, w = spec.image_shape
        terms = h * w if spec.kind == "cnn" else 1
        rows.append(LayerCost(name, n, nets.forward_macs(spec), terms))
    return rows


def _require_rows(rows, kind) -> None:
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, kind) for r in rows):
        raise TypeError(f"rows must be a non-empty list of {kind.__name__}, got {rows!r:.80}")


def cost_table(rows) -> str:
    """Markdown table of :class:`LayerCost` rows."""
    _require_rows(rows, LayerCost)
    return markdown_table(
        ["layer", "parameters", "multiply-adds", "products per weight"],
        [[r.layer, f"{r.params:,}", f"{r.macs:,}", f"{r.terms_per_weight:,}"] for r in rows],
        align="lrrr",
    )


# --- shift equivariance ----------------------------------------------------------------------------


class EquivarianceRow(NamedTuple):
    """``layer(shift(x))`` against ``shift(layer(x))`` (or ``layer(x)`` for invariance), as the largest
    difference divided by the largest output: ``inside`` over the output positions whose windows stay
    clear of the border and of the pixels the shift brings in, ``everywhere`` over all of them."""

    layer: str
    shift: int
    compared_with: str
    inside: float
    everywhere: float


def _roll(a, s):
    return np.roll(a, s, axis=-1)


def _zero_shift(a, s):
    out = np.zeros_like(a)
    if s >= 0:
        out[..., s:] = a[..., : a.shape[-1] - s]
    else:
        out[..., :s] = a[..., -s:]
    return out


def equivariance_rows(seed: int = 0, side: int = 12) -> list[EquivarianceRow]:
    """Shift a random ``side x side`` image right by 1 or 2 pixels and compare, for a 3x3 layer from 1
    to 2 channels: convolution and locally connected layer with zero padding, the convolution with
    circular padding (and a circular shift), at stride 2, followed by a 2x2 max-pool, and followed by
    global average pooling (invariance: compared with the unshifted output)."""
    seed = require_int("seed", seed, 0)
    side = require_int("side", side, 8, 64)
    rng = np.random.default_rng([seed, 23])
    x = rng.standard_normal((1, 1, side, side))
    k = rng.standard_normal((2, 1, 3, 3))
    b = np.zeros(2)
    w_local = rng.standard_normal((side, side, 2, 1, 3, 3))
    b_local = np.zeros((side, side, 2))
    one, pad1 = (1, 1), (1, 1)

    def conv(v, stride=one):
        return conv_forward_unchecked(v, k, b, stride, pad1, one)[0]

    def conv_circular(v):
        wrapped = np.pad(v, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="wrap")
        return conv_forward_unchecked(wrapped, k, b, one, (0, 0), one)[0]

    def local(v):
        return lc_forward_unchecked(v, w_local, b_local, one, pad1, one)[0]

    def local_circular(v):
        wrapped = np.pad(v, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="wrap")
        return lc_forward_unchecked(wrapped, w_local, b_local, one, (0, 0), one)[0]

    def pooled(v):
        return maxpool2_forward_unchecked(conv(v))[0]

    def gap(f):
        return lambda v: f(v).mean(axis=(2, 3), keepdims=True)

    # (name, layer, input shift, output shift for the comparison (None: invariance), circular?, margin)
    cases = [
        ("convolution, zero padding", conv, 1, 1, False, 2),
        ("locally connected, zero padding", local, 1, 1, False, 2),
        ("convolution, circular padding", conv_circular, 1, 1, True, 0),
        ("locally connected, circular padding", local_circular, 1, 1, True, 0),
        ("convolution, stride 2", lambda v: conv(v, (2, 2)), 1, 0, False, 2),
        ("convolution, stride 2", lambda v: conv(v, (2, 2)), 2, 1, False, 2),
        ("convolution + 2×2 max-pool", pooled, 1, 0, False, 2),
        ("convolution + 2×2 max-pool", pooled, 2, 1, False, 2),
        ("convolution + global average pool, circular", gap(conv_circular), 1, None, True, 0),
        ("convolution + global average pool, zero padding", gap(conv), 1, None, False, 0),
        ("locally connected + global average pool, circular", gap(local_circular), 1, None, True, 0),
    ]
    rows = []
    for name, f, s, s_out, circular, margin in cases:
        shift = _roll if circular else _zero_shift
        got = f(shift(x, s))
        out = f(x)
        want = out if s_out is None else shift(out, s_out)
        err = np.abs(got - want) / np.abs(out).max()
        inside = err
        if margin and err.shape[-1] > 2 * margin:
            inside = err[..., margin:-margin, margin:-margin]
        compared = "f(x)" if s_out is None else f"f(x) shifted by {s_out}"
        rows.append(EquivarianceRow(name, s, compared, float(inside.max()), float(err.max())))
    return rows


def equivariance_table(rows) -> str:
    """Markdown table of :class:`EquivarianceRow` rows."""
    _require_rows(rows, EquivarianceRow)
    return markdown_table(
        ["layer f", "shift of x", "compared with", "inside", "everywhere"],
        [[r.layer, str(r.shift), r.compared_with, f"{r.inside:.1e}", f"{r.everywhere:.1e}"] for r in rows],
        align="lrlrr",
    )


# --- the digits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalityConfig:
    """Seeds (seed ``s`` also draws the pixel shuffle ``pixel_permutation(64, s)``), training length."""

    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    epochs: int = 6
    batch_size: int = 64
    lr: float = 1e-2
    split_seed: int = 0

    def __post_init__(self):
        seeds = self.seeds
        if not isinstance(seeds, tuple) or len(seeds) < 2 or len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds must be a tuple of at least 2 distinct ints, got {self.seeds!r}")
        for s in self.seeds:
            require_seed("seed", s)
        require_int("epochs", self.epochs, 1)
        require_int("batch_size", self.batch_size, 1)
        require_int("split_seed", self.split_seed, 0)


class DigitsStudy(NamedTuple):
    """Per model, ``(n_seeds,)`` arrays in seed order: test accuracy, mean accuracy over the four
    one-pixel shifts of the test images, and accuracy of the same net trained and tested on shuffled
    pixels (seed ``s``'s own permutation)."""

    config: LocalityConfig
    accuracy: dict
    shifted: dict
    shuffled: dict
    n_params: dict


def digits_study(config: LocalityConfig | None = None) -> DigitsStudy:
    """Train every net of :data:`LOCALITY_SPECS` for every seed, on the original and on shuffled pixels."""
    config = LocalityConfig() if config is None else config
    if not isinstance(config, LocalityConfig):
        raise TypeError(f"config must be a LocalityConfig, got {type(config).__name__}")
    d = load_digits_split(config.split_seed)
    shifted_tests = [shift_images(d.x_test, *s) for s in SHIFTS]
    acc, shifted, shuffled, n_params = {}, {}, {}, {}
    kw = dict(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr)
    for name, spec in LOCALITY_SPECS.items():
        for seed in config.seeds:
            res = nets.train(spec, d.x_train, d.y_train, seed=seed, **kw)
            acc.setdefault(name, []).append(nets.accuracy(spec, res.params, d.x_test, d.y_test))
            shifted.setdefault(name, []).append(
                float(np.mean([nets.accuracy(spec, res.params, xs, d.y_test) for xs in shifted_tests]))
            )
            perm = pixel_permutation(64, seed)
            res_p = nets.train(spec, permute_pixels(d.x_train, perm), d.y_train, seed=seed, **kw)
            shuffled.setdefault(name, []).append(
                nets.accuracy(spec, res_p.params, permute_pixels(d.x_test, perm), d.y_test)
            )
            n_params[name] = nets.n_params(res.params)
    acc, shifted, shuffled = ({m: np.array(v) for m, v in d.items()} for d in (acc, shifted, shuffled))
    return DigitsStudy(config, acc, shifted, shuffled, n_params)


# --- per-step SGD efficiency -------------------------------------------------------------------------


def local_features(x, kernel_shape) -> np.ndarray:
    """The locally connected student's inputs: every (position, tap) pixel, ``(N, H_out*W_out*kh*kw)``;
    its prediction ``sum_{i,j,p,q} W[i,j,p,q] x[i+p, j+q]`` is ``W.ravel() . features``. x: ``(N, H, W)``."""
    x = as_float_array("x", x, 3)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    n, h, w = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"kernel_shape {(kh, kw)} must fit the images {(h, w)}")
    cols = im2col_unchecked(x[:, None], (kh, kw), (1, 1), (0, 0), (1, 1), (oh, ow))  # (kh*kw, N*P)
    return np.ascontiguousarray(cols.reshape(kh * kw, n, oh * ow).transpose(1, 2, 0)).reshape(n, -1)


STUDENTS = ("FC", "locally connected", "convolution")


def efficiency_study(teachers: int = 10, side: int = 8, n: int = 1000, batch: int = 10) -> dict:
    """Per-step SGD efficiency (:func:`~lessons_code.experiments.linear_students.step_efficiency`, at
    zero weights, batches of ``batch``) of the three linear students on ``teachers`` teachers (seeds
    ``0..teachers-1``: a 3x3 kernel and ``n`` white-noise ``side x side`` images each, noise 1, as the
    parameters chapter draws them). Returns ``{student: (teachers,) efficiencies}`` and
    ``{"n_params": {student: features}}``."""
    teachers = require_int("teachers", teachers, 2)
    side = require_int("side", side, 3, 32)
    n, batch = require_int("n", n, 2), require_int("batch", batch, 1)
    out: dict = {s: [] for s in STUDENTS}
    sizes = {}
    for t in range(teachers):
        rng = np.random.default_rng([t, side])
        data = teacher_data(n, (side, side), rng.standard_normal((3, 3)), 1.0, rng)
        feats = {
            "FC": data.x.reshape(n, -1),
            "locally connected": local_features(data.x, (3, 3)),
            "convolution": conv_features(data.x, (3, 3)),
        }
        for s, a in feats.items():
            out[s].append(step_efficiency(a, data.y, batch=batch).efficiency)
            sizes[s] = a.shape[1]
    return {**{s: np.array(v) for s, v in out.items()}, "n_params": sizes}


def digits_table(study: DigitsStudy) -> str:
    """Markdown table of a :class:`DigitsStudy`: per net, parameters and the mean ± 95 % interval of
    the accuracy (over seeds), after a one-pixel shift (over seeds) and after the pixel shuffle (over
    seeds and permutations), in percent."""
    if not isinstance(study, DigitsStudy):
        raise TypeError(f"study must be a DigitsStudy from digits_study, got {type(study).__name__}")
    rows = []
    for name in study.accuracy:
        rows.append(
            [
                name,
                f"{study.n_params[name]:,}",
                mean_interval(study.accuracy[name]).text(".1f", 100),
                mean_interval(study.shifted[name]).text(".1f", 100),
                mean_interval(study.shuffled[name], over="seeds and permutations").text(".1f", 100),
            ]
        )
    return markdown_table(
        ["net", "parameters", "accuracy %", "shifted by 1 pixel %", "pixels shuffled %"], rows, align="lrrrr"
    )
