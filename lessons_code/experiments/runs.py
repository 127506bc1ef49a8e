"""The experiments of the book on real images: accuracy, pixel permutation, translation, gradients.

Every run trains a :mod:`lessons_code.experiments.nets` network on the bundled digits
(:mod:`lessons_code.experiments.digits`) with explicit seeds, so the numbers are the same on
every build. :func:`run_experiments` does all the training once; the chapter
reads tables and figures off the returned :class:`Experiments`.

* accuracy: test accuracy, mean and sample standard deviation (``ddof=1``) over seeds,
  parameter count, forward multiply-adds (wall-clock training time is kept in each
  :class:`Run` for the benchmark, never printed on a page: two builds must be identical);
* permutation: the same runs on images whose 64 pixels were shuffled by one fixed
  permutation (train and test alike);
* translation: the trained models evaluated on test images shifted by one pixel
  (up, down, left, right; the mean over the four is reported);
* gradients: per-layer gradient norms at every training step, and the
  batch-to-batch spread of the first-layer gradient at fixed weights
  (:func:`gradient_spread`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import as_index_array, check_int, check_real
from ..tables import markdown_table
from . import nets
from .digits import Digits, load_digits_split, permute_pixels, pixel_permutation, shift_images
from .nets import NetSpec, TrainResult

#: The three networks compared in the chapter, by display name.
MODEL_SPECS: dict[str, NetSpec] = {
    "MLP": NetSpec("mlp", width=32),
    "CNN": NetSpec("cnn", width=8, kernel=3),
    "1×1-conv MLP": NetSpec("conv1x1", width=4),
}

#: The one-pixel shifts of the translation experiment, as ``(rows, cols)``.
SHIFTS: tuple[tuple[int, int], ...] = ((0, 1), (0, -1), (1, 0), (-1, 0))


@dataclass(frozen=True)
class Config:
    """Everything that fixes the numbers: seeds, training length, data split and permutation."""

    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-2
    split_seed: int = 0
    perm_seed: int = 0

    def __post_init__(self):
        if not isinstance(self.seeds, (tuple, list)):
            raise TypeError(f"seeds must be a tuple of ints, got {type(self.seeds).__name__} {self.seeds!r}")
        if len(self.seeds) < 3:
            raise ValueError(f"seeds must hold at least 3 seeds for a mean and a spread, got {self.seeds}")
        for s in self.seeds:
            check_int("seed", s, 0)
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct (a repeated seed repeats a run), got {self.seeds}")
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        check_real("lr", self.lr, positive=True)
        check_int("split_seed", self.split_seed, 0, 2**32 - 1)
        check_int("perm_seed", self.perm_seed, 0)

    @property
    def steps_per_epoch(self) -> int:
        n_train = 1347  # 75 % of the 1,797 digits, see load_digits_split
        return -(-n_train // self.batch_size)


@dataclass
class Run:
    """One trained network: which model, seed, data, and what it scored."""

    model: str
    seed: int
    permuted: bool
    test_accuracy: float
    shifted_accuracy: dict[tuple[int, int], float]
    n_params: int
    seconds: float
    result: TrainResult = field(repr=False)

    @property
    def mean_shifted_accuracy(self) -> float:
        return float(np.mean(list(self.shifted_accuracy.values())))


@dataclass
class Experiments:
    """All runs of :func:`run_experiments`, with summaries as numbers and as Markdown tables."""

    config: Config
    digits: Digits
    perm: np.ndarray
    runs: list[Run]

    def select(self, model: str, permuted: bool = False) -> list[Run]:
        out = [r for r in self.runs if r.model == model and r.permuted == permuted]
        if not out:
            raise ValueError(
                f"no runs for model {model!r} (permuted={permuted}); models: {list(MODEL_SPECS)}"
            )
        return out

    def accuracies(self, model: str, permuted: bool = False) -> np.ndarray:
        """Test accuracies ``(n_seeds,)`` of one model, in seed order."""
        return np.array([r.test_accuracy for r in self.select(model, permuted)])

    def shifted_accuracies(self, model: str) -> np.ndarray:
        """Mean accuracy over :data:`SHIFTS` of each seed's model on shifted test images."""
        return np.array([r.mean_shifted_accuracy for r in self.select(model)])

    def summary(self, model: str, permuted: bool = False) -> tuple[float, float]:
        """``(mean, std)`` of the test accuracy over seeds (sample std, ``ddof=1``)."""
        acc = self.accuracies(model, permuted)
        return float(acc.mean()), float(acc.std(ddof=1))

    def seconds(self, model: str) -> float:
        """Mean training time of one run (unpermuted data), in seconds."""
        return float(np.mean([r.seconds for r in self.select(model)]))

    def n_params(self, model: str) -> int:
        return self.select(model)[0].n_params

    def accuracy_table(self) -> str:
        rows = []
        for name, spec in MODEL_SPECS.items():
            m, s = self.summary(name)
            first = {
                "mlp": f"FC 64 → {spec.width}",
                "cnn": f"{spec.kernel}×{spec.kernel} conv, {spec.width} ch.",
                "conv1x1": f"1×1 conv, {spec.width} ch.",
            }[spec.kind]
            rows.append(
                (
                    name,
                    first,
                    f"{self.n_params(name):,}",
                    f"{100 * m:.1f} ± {100 * s:.1f} %",
                    f"{nets.forward_macs(spec):,}",
                )
            )
        n = len(self.config.seeds)
        return markdown_table(
            [
                "Model",
                "First layer",
                "Parameters",
                f"Test accuracy (mean ± std, {n} seeds)",
                "Multiply-adds per image",
            ],
            rows,
            align="llrrr",
        )

    def permutation_table(self) -> str:
        rows = []
        for name in MODEL_SPECS:
            m, s = self.summary(name)
            mp, sp = self.summary(name, permuted=True)
            rows.append(
                (
                    name,
                    f"{100 * m:.1f} ± {100 * s:.1f} %",
                    f"{100 * mp:.1f} ± {100 * sp:.1f} %",
                    f"{100 * (mp - m):+.1f}",
                )
            )
        return markdown_table(
            ["Model", "Original pixels", "Permuted pixels", "Change (points)"], rows, align="lrrr"
        )

    def translation_table(self) -> str:
        rows = []
        for name in MODEL_SPECS:
            clean, shifted = self.accuracies(name), self.shifted_accuracies(name)
            per_dir = {d: np.mean([r.shifted_accuracy[d] for r in self.select(name)]) for d in SHIFTS}
            rows.append(
                (
                    name,
                    f"{100 * clean.mean():.1f} %",
                    f"{100 * shifted.mean():.1f} %",
                    f"{100 * (shifted.mean() - clean.mean()):+.1f}",
                    " / ".join(f"{100 * per_dir[d]:.0f}" for d in SHIFTS),
                )
            )
        return markdown_table(
            ["Model", "Test images", "Shifted by one pixel", "Change (points)", "→ / ← / ↓ / ↑ (%)"],
            rows,
            align="lrrrr",
        )


def _evaluate(spec: NetSpec, params, x_test, y_test) -> tuple[float, dict[tuple[int, int], float]]:
    clean = nets.accuracy(spec, params, x_test, y_test)
    shifted = {d: nets.accuracy(spec, params, shift_images(x_test, *d), y_test) for d in SHIFTS}
    return clean, shifted


def run_experiments(config: Config | None = None, checkpoint_steps=()) -> Experiments:
    """Train every model of :data:`MODEL_SPECS` for every seed, on original and permuted pixels.

    checkpoint_steps: training steps at which to keep a copy of the weights (see
    :func:`lessons_code.nets.train`), for :func:`gradient_spread`.
    """
    config = Config() if config is None else config
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config, got {type(config).__name__}")
    digits = load_digits_split(config.split_seed)
    perm = pixel_permutation(64, config.perm_seed)
    permuted = (permute_pixels(digits.x_train, perm), permute_pixels(digits.x_test, perm))
    runs = []
    for name, spec in MODEL_SPECS.items():
        for seed in config.seeds:
            for is_perm, (x_tr, x_te) in ((False, (digits.x_train, digits.x_test)), (True, permuted)):
                res = nets.train(
                    spec,
                    x_tr,
                    digits.y_train,
                    seed=seed,
                    epochs=config.epochs,
                    batch_size=config.batch_size,
                    lr=config.lr,
                    checkpoint_steps=checkpoint_steps,
                )
                if is_perm:
                    clean, shifted = nets.accuracy(spec, res.params, x_te, digits.y_test), {}
                else:
                    clean, shifted = _evaluate(spec, res.params, x_te, digits.y_test)
                runs.append(
                    Run(name, seed, is_perm, clean, shifted, nets.n_params(res.params), res.seconds, res)
                )
    return Experiments(config, digits, perm, runs)


def permute_params(spec: NetSpec, params, perm) -> dict[str, np.ndarray]:
    """The weights of the network that computes, on pixel-permuted images, exactly what
    ``params`` computes on the original images.

    With ``x'.ravel() = x.ravel()[perm]``: for the MLP, ``W1' = W1[:, perm]`` (column j of W1
    belongs to pixel j); for the 1×1-conv MLP, the columns of ``W2`` are permuted within each
    channel. A CNN has no such twin: a 3×3 window of the permuted image holds 9 pixels that
    were not neighbours, and no 3×3 kernel can undo that.
    """
    params = nets.check_params(spec, params)
    n_pixels = spec.image_shape[0] * spec.image_shape[1]
    perm = as_index_array("perm", perm, 1)
    if perm.shape != (n_pixels,) or not np.array_equal(np.sort(perm), np.arange(n_pixels)):
        raise ValueError(
            f"perm must be a permutation of range({n_pixels}) (one entry per pixel), got {perm!r}"
        )
    out = {k: v.copy() for k, v in params.items()}
    if spec.kind == "mlp":
        out["W1"] = params["W1"][:, perm]
    elif spec.kind == "conv1x1":
        w2 = params["W2"]
        out["W2"] = w2.reshape(w2.shape[0], spec.width, -1)[:, :, perm].reshape(w2.shape)
    else:
        raise ValueError(f"a {spec.kind!r} network has no pixel-permuted twin; only 'mlp' and 'conv1x1' do")
    return out


@dataclass(frozen=True)
class TwinReport:
    """Training on original pixels vs on permuted pixels from the permuted initial weights."""

    max_weight_difference: float  # max |trained permuted weights - permute_params(trained original weights)|
    same_predictions: bool  # the two networks predict the same class for every test image
    accuracy: float  # test accuracy of the original-pixel network
    accuracy_permuted: float  # test accuracy of the permuted-pixel twin


def permutation_twin(
    spec: NetSpec,
    digits: Digits,
    perm,
    *,
    seed: int = 0,
    epochs: int = 20,
    batch_size: int = 64,
    lr: float = 1e-2,
) -> TwinReport:
    """Train ``spec`` on the original digits and, from ``permute_params(init)``, on the permuted
    digits with the same minibatches; compare the two trained networks.

    Adam is elementwise and the minibatch order is the same, so each step of the permuted run is
    the permuted step of the original run: the two end as twins up to floating-point rounding.
    """
    if not isinstance(digits, Digits):
        raise TypeError(f"digits must be the Digits of load_digits_split, got {type(digits).__name__}")
    init = nets.init_params(spec, np.random.default_rng([check_int("seed", seed, 0), 0]))
    xp_tr, xp_te = permute_pixels(digits.x_train, perm), permute_pixels(digits.x_test, perm)
    kw = dict(seed=seed, epochs=epochs, batch_size=batch_size, lr=lr)
    a = nets.train(spec, digits.x_train, digits.y_train, init=init, **kw)
    b = nets.train(spec, xp_tr, digits.y_train, init=permute_params(spec, init, perm), **kw)
    mapped = permute_params(spec, a.params, perm)
    diff = max(float(np.max(np.abs(mapped[k] - b.params[k]))) for k in mapped)
    same = bool(
        np.array_equal(nets.predict(spec, a.params, digits.x_test), nets.predict(spec, b.params, xp_te))
    )
    return TwinReport(
        diff,
        same,
        nets.accuracy(spec, a.params, digits.x_test, digits.y_test),
        nets.accuracy(spec, b.params, xp_te, digits.y_test),
    )


@dataclass(frozen=True)
class Spread:
    """Batch-to-batch variability of one layer's weight gradient at fixed weights.

    relative_spread: ``sqrt(mean_b ||g_b - g||^2) / ||g||`` with ``g`` the full-training-set
    gradient and ``g_b`` the minibatch gradients (0 = every batch agrees with ``g``);
    mean_cosine: mean over batches of ``cos(g_b, g)`` (1 = same direction);
    full_norm: ``||g||``.
    """

    layer: str
    relative_spread: float
    mean_cosine: float
    full_norm: float


def gradient_spread(
    spec: NetSpec,
    params,
    x,
    y,
    *,
    layer: str | None = None,
    batch_size: int = 64,
    n_batches: int = 50,
    seed: int = 0,
) -> Spread:
    """How much the gradient of ``layer`` (default: the first layer) varies from minibatch to minibatch.

    Draws ``n_batches`` minibatches of ``batch_size`` images (without replacement within a batch)
    from ``(x, y)`` with ``np.random.default_rng(seed)`` and compares each batch's gradient with the
    gradient on all of ``(x, y)``; the weights are not changed. See :class:`Spread`.
    """
    params = nets.check_params(spec, params)
    layer = spec.first_layer if layer is None else layer
    if layer not in params:
        raise ValueError(f"layer must be one of {list(params)}, got {layer!r}")
    n_batches = check_int("n_batches", n_batches, 2)
    y = np.asarray(y)
    batch_size = check_int("batch_size", batch_size, 1, max(len(y), 1))
    check_int("seed", seed, 0)
    full = nets.loss_and_grads(spec, params, x, y)[1][layer].ravel()
    rng = np.random.default_rng(seed)
    dev, cos = [], []
    for _ in range(n_batches):
        idx = rng.choice(len(y), size=batch_size, replace=False)
        g = nets.loss_and_grads(spec, params, x[idx], y[idx])[1][layer].ravel()
        dev.append(np.sum((g - full) ** 2))
        cos.append(g @ full / (np.linalg.norm(g) * np.linalg.norm(full)))
    norm = float(np.linalg.norm(full))
    return Spread(layer, float(np.sqrt(np.mean(dev))) / norm, float(np.mean(cos)), norm)


def spread_table(spreads: dict[tuple[str, int], list[Spread]], steps_per_epoch: int) -> str:
    """Markdown table of the relative spreads: one row per (model, layer), one column per checkpoint.

    spreads: ``(model, step) -> [Spread, ...]`` (one per layer, the same layers at every step).
    """
    if not isinstance(spreads, dict) or not spreads:
        raise TypeError(
            f"spreads must be a non-empty dict (model, step) -> [Spread, ...], got {spreads!r:.60}"
        )
    for key, items in spreads.items():
        if not (isinstance(key, tuple) and len(key) == 2) or not all(isinstance(sp, Spread) for sp in items):
            raise TypeError(f"spreads must map (model, step) to a list of Spread, got {key!r}: {items!r:.60}")
    steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, 1)
    steps = sorted({step for _, step in spreads})
    cells: dict[tuple[str, str], dict[int, float]] = {}
    for (model, step), items in spreads.items():
        for sp in items:
            cells.setdefault((model, sp.layer), {})[step] = sp.relative_spread
    rows = [
        (model, f"`{layer}`", *(f"{by_step[t]:.2f}" if t in by_step else "–" for t in steps))
        for (model, layer), by_step in cells.items()
    ]
    headers = ["Model", "Layer", *(f"epoch {t / steps_per_epoch:.0f}" for t in steps)]
    return markdown_table(headers, rows, align="ll" + "r" * len(steps))
