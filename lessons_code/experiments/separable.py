"""Does a depthwise-separable layer cost accuracy? The digits experiment of the cost chapter.

Two digits nets differ only in their second convolution (:data:`SEPARABLE_SPECS`): a full 3x3 layer
8 -> 16 channels (``NetSpec("cnn2", 8)``), or a depthwise 3x3 layer followed by a 1x1 layer 8 -> 16
(``NetSpec("sep2", 8)``). The first layer reads one grey channel, where "depthwise" would mean
nothing, so the comparison is made on the second. :func:`separable_study` trains both for every seed
(same initial draw of the shared layers' shapes, same minibatches) and returns their test accuracies
in seed order, for the book's paired rule (:func:`lessons_code.checks.stats.paired_change`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import require_int
from ..checks.stats import mean_interval
from ..tables import markdown_table
from . import nets
from .digits import load_digits_split
from .nets import NetSpec

#: The two nets, the ordinary (full) second layer first.
SEPARABLE_SPECS: dict[str, NetSpec] = {
    "ordinary 3×3, 8 → 16": NetSpec("cnn2", width=8, kernel=3),
    "depthwise 3×3 + 1×1, 8 → 16": NetSpec("sep2", width=8, kernel=3),
}


class SeparableStudy(NamedTuple):
    """Per net (the keys of :data:`SEPARABLE_SPECS`): ``accuracy``, a ``(n_seeds,)`` array of test
    accuracies in seed order; ``n_params`` and ``macs`` (forward multiply-adds per image)."""

    seeds: tuple[int, ...]
    epochs: int
    accuracy: dict
    n_params: dict
    macs: dict


def separable_study(seeds=(0, 1, 2, 3, 4), epochs: int = 6, split_seed: int = 0) -> SeparableStudy:
    """Train both nets of :data:`SEPARABLE_SPECS` for every seed (Adam, learning rate 0.01,
    minibatches of 64, as the locality chapter's digits study) on the fixed split ``split_seed``."""
    if not isinstance(seeds, tuple) or len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be a tuple of at least 2 distinct ints, got {seeds!r}")
    seeds = tuple(require_int("seed", s, 0) for s in seeds)
    epochs = require_int("epochs", epochs, 1, 200)
    d = load_digits_split(require_int("split_seed", split_seed, 0))
    acc, n_params, macs = {}, {}, {}
    for name, spec in SEPARABLE_SPECS.items():
        runs = [nets.train(spec, d.x_train, d.y_train, seed=s, epochs=epochs) for s in seeds]
        acc[name] = np.array([nets.accuracy(spec, r.params, d.x_test, d.y_test) for r in runs])
        n_params[name] = nets.n_params(runs[0].params)
        macs[name] = nets.forward_macs(spec)
    return SeparableStudy(seeds, epochs, acc, n_params, macs)


def separable_table(study: SeparableStudy) -> str:
    """Markdown table: per net, weights, forward multiply-adds per image and the test accuracy as
    mean ± 95 % interval over the seeds, in percent."""
    if not isinstance(study, SeparableStudy):
        raise TypeError(f"study must be a SeparableStudy from separable_study, got {type(study).__name__}")
    rows = [
        [name, f"{study.n_params[name]:,}", f"{study.macs[name]:,}", mean_interval(acc).text(".1f", 100)]
        for name, acc in study.accuracy.items()
    ]
    return markdown_table(["second layer", "weights", "multiply-adds", "accuracy %"], rows, align="lrrr")
