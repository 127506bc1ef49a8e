"""The experiments of the book on real images: accuracy, pixel permutation, translation, gradients.

Every run trains a :mod:`lessons_code.experiments.nets` network on the bundled digits
(:mod:`lessons_code.experiments.digits`) with explicit seeds, so the numbers are the same on
every build. :func:`chapter_results` computes everything the chapter shows, once (the training
runs of :func:`run_experiments`, the permutation twins, the gradient spreads); the chapter and
``benchmarks/bench_experiments.py`` both call it and read tables and figures off the result.

* accuracy: test accuracy, mean and sample standard deviation (``ddof=1``) over seeds,
  parameter count, forward multiply-adds (wall-clock training time is kept in each
  :class:`Run` for the benchmark, never printed on a page: two builds must be identical);
* permutation: the same runs on images whose 64 pixels were shuffled (train and test alike),
  each seed's run by a permutation of its own (:meth:`Config.permutation`), so that the paired
  changes replicate over seeds *and* permutations; the MLP also over :data:`MORE_SEEDS`;
* translation: the trained models evaluated on test images shifted by one pixel
  (up, down, left, right; the mean over the four is reported);
* gradients: per-layer gradient norms at every training step, and the
  batch-to-batch spread of the layers' gradients at fixed weights
  (:func:`lessons_code.experiments.gradient_study.spread_study`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from .._checks import as_index_array, require_int, require_real
from ..checks.stats import Interval, mean_interval, paired_change
from ..tables import markdown_table
from . import gradient_study, nets
from .digits import Digits, load_digits_split, permute_pixels, pixel_permutation, shift_images
from .nets import NetSpec, TrainResult

#: The three networks compared in the chapter, by display name.
MODEL_SPECS: dict[str, NetSpec] = {
    "MLP": NetSpec("mlp", width=32),
    "CNN": NetSpec("cnn", width=8, kernel=3),
    "1×1-conv MLP": NetSpec("conv1x1", width=4),
}

#: The network kinds whose pixel-permuted twin exists (:func:`permute_params`): not the CNN.
TWIN_KINDS = ("mlp", "conv1x1")

#: The epochs after which the chapter keeps the weights for the gradient study (0 = initialisation;
#: the last is ``Config.epochs``).
CHECKPOINT_EPOCHS = (0, 1, 5)

#: The seeds after ``Config.seeds`` on which :func:`chapter_results` also trains the MLP, on
#: original and on permuted pixels, to judge its paired change with 10 replicates instead of 5.
MORE_SEEDS = (5, 6, 7, 8, 9)

#: The unit of replication of a paired change on permuted pixels (one seed, one permutation each).
PERMUTED_OVER = "seeds, each with its own permutation"

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
            require_int("seed", s, 0)
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct (a repeated seed repeats a run), got {self.seeds}")
        require_int("epochs", self.epochs, 1)
        require_int("batch_size", self.batch_size, 1)
        require_real("lr", self.lr, positive=True)
        require_int("split_seed", self.split_seed, 0, 2**32 - 1)
        require_int("perm_seed", self.perm_seed, 0)

    def permutation(self, seed: int) -> np.ndarray:
        """The pixel permutation of the permuted run of training seed ``seed``: each seed draws its
        own (``pixel_permutation(64, perm_seed + seed)``), so a paired change over seeds also
        replicates over permutations."""
        return pixel_permutation(64, self.perm_seed + require_int("seed", seed, 0))

    def steps_per_epoch(self, n_train: int) -> int:
        """Minibatches per epoch on ``n_train`` images: ``ceil(n_train / batch_size)`` (the last batch
        of an epoch may be smaller, see :func:`lessons_code.experiments.nets.batch_order`)."""
        return -(-require_int("n_train", n_train, 1) // self.batch_size)

    def checkpoints(self, n_train: int) -> tuple[int, ...]:
        """The training steps after :data:`CHECKPOINT_EPOCHS` and after the last epoch."""
        spe = self.steps_per_epoch(n_train)
        return tuple(sorted({e * spe for e in (*CHECKPOINT_EPOCHS, self.epochs) if e <= self.epochs}))


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
    perm: np.ndarray  # the permutation of the first seed's permuted run (Config.permutation)
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

    def interval(self, model: str, permuted: bool = False) -> Interval:
        """Mean test accuracy over seeds with its 95 % Student-t interval."""
        return mean_interval(self.accuracies(model, permuted))

    def seconds(self, model: str) -> float:
        """Mean training time of one run (unpermuted data), in seconds."""
        return float(np.mean([r.seconds for r in self.select(model)]))

    def n_params(self, model: str) -> int:
        return self.select(model)[0].n_params

    @property
    def steps_per_epoch(self) -> int:
        """Minibatches per epoch of these runs (from the size of the training split)."""
        return self.config.steps_per_epoch(len(self.digits.y_train))

    def accuracy_table(self) -> str:
        rows = []
        for name, spec in MODEL_SPECS.items():
            iv = self.interval(name)
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
                    f"{iv.text('.1f', 100)} %",
                    f"{nets.forward_macs(spec):,}",
                )
            )
        n = len(self.config.seeds)
        return markdown_table(
            [
                "Model",
                "First layer",
                "Parameters",
                f"Test accuracy (mean, 95 % interval, {n} seeds)",
                "Multiply-adds per image",
            ],
            rows,
            align="llrrr",
        )

    def permutation_table(self) -> str:
        rows = []
        for name in MODEL_SPECS:
            iv, ivp = self.interval(name), self.interval(name, permuted=True)
            change = paired_change(self.accuracies(name, True), self.accuracies(name), over=PERMUTED_OVER)
            rows.append(
                (
                    name,
                    f"{iv.text('.1f', 100)} %",
                    f"{ivp.text('.1f', 100)} %",
                    f"{change.mean * 100:+.1f} ± {change.half_width * 100:.1f}",
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
            change = paired_change(shifted, clean)
            rows.append(
                (
                    name,
                    f"{mean_interval(clean).text('.1f', 100)} %",
                    f"{mean_interval(shifted).text('.1f', 100)} %",
                    f"{change.mean * 100:+.1f} ± {change.half_width * 100:.1f}",
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
    :func:`lessons_code.experiments.nets.train`), for the gradient study.
    """
    config = Config() if config is None else config
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config, got {type(config).__name__}")
    digits = load_digits_split(config.split_seed)
    runs = []
    for name, spec in MODEL_SPECS.items():
        for seed in config.seeds:
            perm = config.permutation(seed)
            permuted = (permute_pixels(digits.x_train, perm), permute_pixels(digits.x_test, perm))
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
    return Experiments(config, digits, config.permutation(config.seeds[0]), runs)


def permutation_pairs(spec: NetSpec, digits: Digits, config: Config, seeds) -> tuple[np.ndarray, np.ndarray]:
    """Test accuracies ``(original, permuted)``, each ``(len(seeds),)``, of ``spec`` trained with
    each seed of ``seeds`` on the original pixels and on the pixels of
    :meth:`Config.permutation` of that seed (the paired runs of :func:`run_experiments`, for
    more seeds)."""
    if not isinstance(spec, NetSpec) or not isinstance(digits, Digits) or not isinstance(config, Config):
        raise TypeError(
            "spec, digits and config must be a NetSpec, the Digits of load_digits_split and a Config, "
            f"got {type(spec).__name__}, {type(digits).__name__}, {type(config).__name__}"
        )
    seeds = tuple(require_int("seed", s, 0) for s in seeds)
    kw = dict(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr)
    out = np.zeros((2, len(seeds)))
    for i, seed in enumerate(seeds):
        perm = config.permutation(seed)
        for j, (x_tr, x_te) in enumerate(
            (
                (digits.x_train, digits.x_test),
                (permute_pixels(digits.x_train, perm), permute_pixels(digits.x_test, perm)),
            )
        ):
            res = nets.train(spec, x_tr, digits.y_train, seed=seed, **kw)
            out[j, i] = nets.accuracy(spec, res.params, x_te, digits.y_test)
    return out[0], out[1]


def permute_params(spec: NetSpec, params, perm) -> dict[str, np.ndarray]:
    """The weights of the network that computes, on pixel-permuted images, exactly what
    ``params`` computes on the original images.

    With ``x'.ravel() = x.ravel()[perm]``: for the MLP, ``W1' = W1[:, perm]`` (column j of W1
    belongs to pixel j); for the 1×1-conv MLP, the columns of ``W2`` are permuted within each
    channel. A CNN has no such twin: a 3×3 window of the permuted image holds 9 pixels that
    were not neighbours, and no 3×3 kernel can undo that.
    """
    params = nets.require_params(spec, params)
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
    trained: TrainResult | None = None,
) -> TwinReport:
    """Train ``spec`` on the original digits and, from ``permute_params(init)``, on the permuted
    digits with the same minibatches; compare the two trained networks.

    Adam is elementwise and the minibatch order is the same, so each step of the permuted run is
    the permuted step of the original run: the two end as twins up to floating-point rounding.

    trained: the run on the original digits if it was already trained in this process, i.e.
    ``nets.train(spec, digits.x_train, digits.y_train, seed=seed, epochs=epochs,
    batch_size=batch_size, lr=lr)`` (its initial weights are ``init_params`` of ``[seed, 0]``, as
    here): :func:`chapter_results` passes the run of :func:`run_experiments` instead of training
    the same network twice.
    """
    if not isinstance(digits, Digits):
        raise TypeError(f"digits must be the Digits of load_digits_split, got {type(digits).__name__}")
    init = nets.init_params(spec, np.random.default_rng([require_int("seed", seed, 0), 0]))
    xp_tr, xp_te = permute_pixels(digits.x_train, perm), permute_pixels(digits.x_test, perm)
    kw = dict(seed=seed, epochs=epochs, batch_size=batch_size, lr=lr)
    if trained is None:
        a = nets.train(spec, digits.x_train, digits.y_train, init=init, **kw)
    elif not isinstance(trained, TrainResult) or trained.spec != spec:
        raise TypeError(f"trained must be the TrainResult of a {spec!r} run, got {type(trained).__name__}")
    else:
        a = trained
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


@dataclass
class ChapterResults:
    """Everything the experiments chapter shows, computed once by :func:`chapter_results`.

    experiments: every training run; checkpoints: the training steps whose weights the gradient
    study uses; twins: model name -> :class:`TwinReport` (the models of :data:`TWIN_KINDS`);
    spreads: the :class:`~lessons_code.experiments.gradient_study.SpreadStudy` of the first layer
    and of W2 at every checkpoint of every seed; more_mlp: ``(original, permuted)`` test
    accuracies of the MLP over ``Config.seeds`` then :data:`MORE_SEEDS` (:func:`permutation_pairs`),
    the paired permutation change with twice the replicates; seconds: wall-clock
    seconds of each phase, for the benchmark (never printed on a page: two builds must be identical).
    """

    experiments: Experiments
    checkpoints: tuple[int, ...]
    twins: dict[str, TwinReport]
    spreads: gradient_study.SpreadStudy
    more_mlp: tuple[np.ndarray, np.ndarray]
    seconds: dict[str, float] = field(repr=False)

    @property
    def steps_per_epoch(self) -> int:
        return self.experiments.steps_per_epoch


def chapter_results(config: Config | None = None) -> ChapterResults:
    """The experiments chapter's computation: train every model of :data:`MODEL_SPECS` for every
    seed on original and permuted pixels (keeping the weights at :meth:`Config.checkpoints`), the
    permutation twins of the :data:`TWIN_KINDS` models, the MLP's paired permutation runs on
    :data:`MORE_SEEDS`, and the gradient spread study of each
    model's first and last layer at every checkpoint of every seed's run
    (:func:`lessons_code.experiments.gradient_study.spread_study`, 30 minibatches)."""
    if config is not None and not isinstance(config, Config):
        raise TypeError(f"config must be a runs.Config or None, got {type(config).__name__}")
    config = config or Config()
    seconds = {}
    start = time.perf_counter()
    n_train = len(load_digits_split(config.split_seed).y_train)
    checkpoints = config.checkpoints(n_train)
    ex = run_experiments(config, checkpoint_steps=checkpoints)
    seconds["training"] = time.perf_counter() - start

    start = time.perf_counter()
    twins = {}
    for name, spec in MODEL_SPECS.items():
        if spec.kind in TWIN_KINDS:
            # the original-pixel half of the twin is the seed-0 run trained above: not trained again
            seed0 = [r.result for r in ex.select(name) if r.seed == 0]
            twins[name] = permutation_twin(
                spec,
                ex.digits,
                config.permutation(0),
                epochs=config.epochs,
                batch_size=config.batch_size,
                lr=config.lr,
                trained=seed0[0] if seed0 else None,
            )
    seconds["twins"] = time.perf_counter() - start

    start = time.perf_counter()
    extra = tuple(s for s in MORE_SEEDS if s not in config.seeds)
    more = permutation_pairs(MODEL_SPECS["MLP"], ex.digits, config, extra)
    more_mlp = (
        np.concatenate([ex.accuracies("MLP"), more[0]]),
        np.concatenate([ex.accuracies("MLP", permuted=True), more[1]]),
    )
    seconds["more seeds"] = time.perf_counter() - start

    start = time.perf_counter()
    kept = {name: [(r.seed, r.result.checkpoints) for r in ex.select(name)] for name in MODEL_SPECS}
    layers = {name: (spec.first_layer, "W2") for name, spec in MODEL_SPECS.items()}
    spreads = gradient_study.spread_study(
        kept, MODEL_SPECS, ex.digits.x_train, ex.digits.y_train, layers, n_batches=30
    )
    seconds["spreads"] = time.perf_counter() - start
    return ChapterResults(ex, checkpoints, twins, spreads, more_mlp, seconds)


#: The widths of the parameter-efficiency curve (hidden units of the MLP, channels of the CNN).
CURVE_WIDTHS: dict[str, tuple[int, ...]] = {"MLP": (4, 8, 16, 32), "CNN": (1, 2, 4, 8)}


@dataclass
class WidthStudy:
    """Test accuracy against parameter count: every model of ``widths`` at every width and seed.

    n_params[(model, width)]: the parameter count; accuracy[(model, width)]: ``(n_seeds,)`` test
    accuracies in seed order (the seed fixes the initial weights and the minibatch order)."""

    seeds: tuple[int, ...]
    widths: dict[str, tuple[int, ...]]
    n_params: dict
    accuracy: dict
    permuted: bool = False


def width_study(
    widths: dict[str, tuple[int, ...]] | None = None,
    config: Config | None = None,
    permuted: bool = False,
    n_train: int | None = None,
) -> WidthStudy:
    """Train the MLP and the CNN of :data:`MODEL_SPECS` at every width of ``widths`` (default
    :data:`CURVE_WIDTHS`) for every seed of ``config``, on the digits (pixels shuffled by
    ``config.perm_seed`` when ``permuted``; the first ``n_train`` training images when given)."""
    if widths is not None and not isinstance(widths, dict):
        raise TypeError(
            f"widths must be a dict model -> widths, e.g. {CURVE_WIDTHS}, got {type(widths).__name__}"
        )
    widths = dict(CURVE_WIDTHS if widths is None else widths)
    if config is not None and not isinstance(config, Config):
        raise TypeError(f"config must be a runs.Config, got {type(config).__name__}")
    config = config or Config()
    for model in widths:
        if model not in MODEL_SPECS:
            raise ValueError(f"widths must name models of MODEL_SPECS {list(MODEL_SPECS)}, got {model!r}")
    digits = load_digits_split(config.split_seed)
    x_tr, x_te = digits.x_train, digits.x_test
    if permuted:
        perm = pixel_permutation(64, config.perm_seed)
        x_tr, x_te = permute_pixels(x_tr, perm), permute_pixels(x_te, perm)
    y_tr = digits.y_train
    if n_train is not None:
        n_train = require_int("n_train", n_train, 1)
        x_tr, y_tr = x_tr[:n_train], y_tr[:n_train]
    n_params, accuracy = {}, {}
    for model, ws in widths.items():
        if model not in MODEL_SPECS:
            raise ValueError(f"widths must name models of MODEL_SPECS {list(MODEL_SPECS)}, got {model!r}")
        for w in ws:
            spec = replace(MODEL_SPECS[model], width=require_int("width", w, 1))
            accs = []
            for seed in config.seeds:
                res = nets.train(
                    spec,
                    x_tr,
                    y_tr,
                    seed=seed,
                    epochs=config.epochs,
                    batch_size=config.batch_size,
                    lr=config.lr,
                )
                accs.append(nets.accuracy(spec, res.params, x_te, digits.y_test))
            n_params[(model, w)] = nets.n_params(res.params)
            accuracy[(model, w)] = np.array(accs)
    return WidthStudy(
        tuple(config.seeds), {k: tuple(v) for k, v in widths.items()}, n_params, accuracy, permuted
    )
