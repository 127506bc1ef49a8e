"""Batch-to-batch spread of the weight gradients at the checkpoints of every seed's run.

For one network at fixed weights, the full-training-set gradient ``g`` of a layer and the
gradients ``g_b`` of ``n_batches`` random minibatches give two scale-free numbers:

* ``relative``: ``sqrt(mean_b ||g_b - g||^2) / ||g||`` -- the spread of the whole gradient. For
  ``d`` roughly independent directions it grows like ``sqrt(d)``, so across layers of very
  different sizes it mostly compares parameter counts;
* ``along``: ``sqrt(mean_b ((g_b - g) . g/||g||)^2) / ||g||`` -- the spread of the component along
  ``g``, i.e. of how far a minibatch step goes downhill. One direction for every layer: it does
  not grow with the number of weights.

:func:`spread_study` evaluates both for every (model, seed, checkpoint, layer) of a training
study; one forward/backward pass per minibatch serves every layer.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, require_int
from ..checks.stats import ratio_interval
from ..tables import markdown_table
from . import nets
from .nets import NetSpec


def layer_spreads(
    spec: NetSpec, params, x, y, layers, *, batch_size: int = 64, n_batches: int = 30, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """``{layer: (relative, along)}`` at the fixed weights ``params`` (see the module docstring).

    Minibatches of ``batch_size`` are drawn without replacement within a batch, from
    ``np.random.default_rng(seed)``."""
    params = nets.require_params(spec, params)
    n_batches = require_int("n_batches", n_batches, 2)
    for layer in layers:
        if layer not in params:
            raise ValueError(f"layer must be one of {list(params)}, got {layer!r}")
    x = nets.require_images(x, spec)
    y = nets.require_labels(y, x.shape[0], spec.n_classes)
    batch_size = require_int("batch_size", batch_size, 1, max(len(y), 1))
    require_int("seed", seed, 0)
    # checked once above: every minibatch below is made from these arrays
    full_grads = nets.loss_and_grads_unchecked(spec, params, x, y)[1]
    full = {k: full_grads[k].ravel() for k in layers}
    rng = np.random.default_rng(seed)
    dev = {k: [] for k in layers}
    along = {k: [] for k in layers}
    for _ in range(n_batches):
        idx = rng.choice(len(y), size=batch_size, replace=False)
        grads = nets.loss_and_grads_unchecked(spec, params, x[idx], y[idx])[1]
        for k in layers:
            d = grads[k].ravel() - full[k]
            dev[k].append(d @ d)
            along[k].append(d @ full[k] / np.linalg.norm(full[k]))
    out = {}
    for k in layers:
        norm = float(np.linalg.norm(full[k]))
        out[k] = (float(np.sqrt(np.mean(dev[k]))) / norm, float(np.sqrt(np.mean(np.square(along[k])))) / norm)
    return out


class SpreadStudy(NamedTuple):
    """relative[(model, layer)], along[(model, layer)]: ``(n_seeds, n_checkpoints)`` arrays;
    checkpoints: the training steps, in order; seeds: the seeds, in row order."""

    seeds: tuple[int, ...]
    checkpoints: tuple[int, ...]
    relative: dict
    along: dict


def spread_study(runs_by_model, specs, x, y, layers_by_model, **kw) -> SpreadStudy:
    """The spreads at every kept checkpoint of every run.

    runs_by_model: ``{model: [(seed, checkpoints), ...]}`` with ``checkpoints`` a
    ``{step: params}`` dict (as :class:`lessons_code.experiments.nets.TrainResult` keeps them);
    specs: ``{model: NetSpec}``; layers_by_model: ``{model: (layer, ...)}``. Keyword arguments go
    to :func:`layer_spreads`."""
    if not isinstance(runs_by_model, dict) or not runs_by_model:
        raise TypeError(f"runs_by_model must be a non-empty dict {{model: runs}}, got {runs_by_model!r:.60}")
    relative: dict = {}
    along: dict = {}
    seeds: tuple[int, ...] = ()
    steps: tuple[int, ...] = ()
    for model, runs in runs_by_model.items():
        seeds = tuple(s for s, _ in runs)
        steps = tuple(sorted(runs[0][1]))
        layers = layers_by_model[model]
        rel = {k: np.zeros((len(runs), len(steps))) for k in layers}
        alo = {k: np.zeros((len(runs), len(steps))) for k in layers}
        for i, (_, checkpoints) in enumerate(runs):
            if tuple(sorted(checkpoints)) != steps:
                raise ValueError(
                    f"every run of {model!r} must keep the checkpoints {steps}, got {sorted(checkpoints)}"
                )
            for j, step in enumerate(steps):
                got = layer_spreads(specs[model], checkpoints[step], x, y, layers, **kw)
                for k in layers:
                    rel[k][i, j], alo[k][i, j] = got[k]
        for k in layers:
            relative[(model, k)], along[(model, k)] = rel[k], alo[k]
    return SpreadStudy(seeds, steps, relative, along)


def neighbour_correlation(dK) -> float:
    """Correlation of horizontally adjacent entries of a kernel gradient ``(C_out, C_in, k, k)``,
    with each output channel's own mean removed first (a channel's common offset would otherwise
    count as "neighbours move together"), pooled over the channels.

    ``ValueError`` for a kernel one entry wide (no neighbours) or a gradient that is constant in
    every channel (e.g. all zero: nothing left to correlate)."""
    dK = as_float_array("dK", dK, 4)
    if dK.shape[3] < 2:
        raise ValueError(f"dK must be at least 2 entries wide to have neighbours, got shape {dK.shape}")
    centred = dK - dK.mean(axis=(1, 2, 3), keepdims=True)
    left, right = centred[..., :-1].ravel(), centred[..., 1:].ravel()
    if not (np.any(left) and np.any(right)):
        raise ValueError("dK is constant in every channel (e.g. all zero): no correlation to measure")
    return float(np.corrcoef(left, right)[0, 1])


def kernel_gradient_smoothness(x, y, kernel: int = 3, width: int = 4, seed: int = 0) -> float:
    """:func:`neighbour_correlation` of the first-layer kernel gradient of a freshly initialised
    CNN (``NetSpec("cnn", width, kernel)``, ``np.random.default_rng(seed)``) on images ``x``."""
    spec = NetSpec("cnn", width, kernel)
    params = nets.init_params(spec, np.random.default_rng(require_int("seed", seed, 0)))
    return neighbour_correlation(nets.loss_and_grads(spec, params, x, y)[1]["K1"])


def smoothness_study(x, y, kernel: int = 5, seeds=(0, 1, 2, 3, 4)) -> dict[str, np.ndarray]:
    """x: ``(N, 1, H, W)`` images, y: ``(N,)`` labels.
    :func:`kernel_gradient_smoothness` for every seed, on the images as they are
    (``"ordered"``) and with their pixels shuffled by permutation ``seed`` (``"shuffled"``): one
    value per seed (initial weights and permutation both drawn anew)."""
    from .digits import permute_pixels, pixel_permutation

    x = as_float_array("x", x, 4)
    n_pixels = x.shape[2] * x.shape[3]
    out: dict[str, list] = {"ordered": [], "shuffled": []}
    for seed in seeds:
        out["ordered"].append(kernel_gradient_smoothness(x, y, kernel, seed=seed))
        shuffled = permute_pixels(x, pixel_permutation(n_pixels, seed))
        out["shuffled"].append(kernel_gradient_smoothness(shuffled, y, kernel, seed=seed))
    return {k: np.array(v) for k, v in out.items()}


def spread_table(study: SpreadStudy, specs, steps_per_epoch: int) -> str:
    """Markdown table of a :class:`SpreadStudy`: one row per (model, layer, measure), one column
    per checkpoint, each cell the geometric mean over seeds and its 95 % interval on the log scale
    (a spread is a positive ratio)."""
    steps_per_epoch = require_int("steps_per_epoch", steps_per_epoch, 1)
    rows = []
    for (model, layer), rel in study.relative.items():
        for label, values in (("s", rel), ("s∥", study.along[(model, layer)])):
            rows.append(
                (model, f"`{layer}`", label, *(ratio_interval(col).range_text(".2f") for col in values.T))
            )
    headers = ["Model", "Layer", "Spread", *(f"epoch {t / steps_per_epoch:.0f}" for t in study.checkpoints)]
    return markdown_table(headers, rows, align="lll" + "r" * len(study.checkpoints))


def kernel_smoothness(K) -> float:
    """Mean of the horizontal and the vertical :func:`neighbour_correlation` of kernels
    ``(C_out, C_in, k, k)`` (each channel's mean removed): how much adjacent taps agree."""
    K = as_float_array("K", K, 4)
    return (neighbour_correlation(K) + neighbour_correlation(np.swapaxes(K, 2, 3))) / 2


class LearnedKernels(NamedTuple):
    """A CNN's first-layer kernels before and after training, per seed, on ordered and on shuffled
    pixels (the same initial kernels: the seed fixes them).

    initial, ordered, shuffled: ``(n_seeds, C_out, 1, k, k)``; smooth_ordered, smooth_shuffled:
    ``(n_seeds,)`` :func:`kernel_smoothness` of what training added (trained - initial); moved_*:
    ``(n_seeds,)`` ``||trained - initial|| / ||initial||``."""

    seeds: tuple[int, ...]
    initial: np.ndarray
    ordered: np.ndarray
    shuffled: np.ndarray
    smooth_ordered: np.ndarray
    smooth_shuffled: np.ndarray
    moved_ordered: np.ndarray
    moved_shuffled: np.ndarray


def learned_kernels(kept, layer: str = "K1") -> LearnedKernels:
    """kept: ``{seed: (initial params, trained on ordered pixels, trained on shuffled pixels)}``,
    each a dict of weights (the initial ones shared by both runs of a seed)."""
    if not isinstance(kept, dict) or not kept:
        raise TypeError(
            f"kept must be a non-empty dict seed -> (initial, ordered, shuffled), got {kept!r:.60}"
        )
    seeds = tuple(sorted(kept))
    for s in seeds:
        entry = kept[s]
        if not (
            isinstance(entry, (tuple, list)) and len(entry) == 3 and all(isinstance(e, dict) for e in entry)
        ):
            raise TypeError(
                f"kept[{s}] must be (initial, ordered, shuffled) dicts of weights, got {entry!r:.80}"
            )
    k0, ko, ks = (np.stack([as_float_array(layer, kept[s][i][layer], 4) for s in seeds]) for i in range(3))

    def moved(k):
        return np.array([np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(k, k0, strict=True)])

    return LearnedKernels(
        seeds,
        k0,
        ko,
        ks,
        np.array([kernel_smoothness(a - b) for a, b in zip(ko, k0, strict=True)]),
        np.array([kernel_smoothness(a - b) for a, b in zip(ks, k0, strict=True)]),
        moved(ko),
        moved(ks),
    )
