"""Named checks of the training claims the pages state (parameters and experiments chapters).

Each ``check_*`` function takes the study the prose describes, returns the numbers the page
quotes when the claim holds, and raises :class:`lessons_code.checks.verdict.ClaimError` when it does not.
Claims about training are made over every seed of the study: "on every seed" means every seed,
and "at every checkpoint" is never said unless it holds on every seed. ``tests/checks/
test_training_claims.py`` feeds each check a false version of its claim and sees it fail.
"""

from __future__ import annotations

import itertools

import numpy as np

from .._checks import as_float_array, require_int, require_real
from .stats import Interval, is_real_change, mean_interval, paired_change, ratio_interval
from .tolerances import ROUNDING_BOUND
from .verdict import require


def _require_fields(name: str, value, *fields: str) -> None:
    """A study (or a dict of results) must carry the fields (keys) a check reads: else a TypeError
    naming the argument, not an AttributeError or KeyError inside the check."""
    has = (lambda f: f in value) if isinstance(value, dict) else (lambda f: hasattr(value, f))
    missing = [f for f in fields if not has(f)]
    if missing:
        raise TypeError(
            f"{name} must have {', '.join(map(repr, fields))}, got {type(value).__name__} without {missing}"
        )


def on_every_seed(smaller, larger) -> bool:
    """True when ``smaller < larger`` holds entry by entry (every seed, every checkpoint given)."""
    return bool(np.all(np.asarray(smaller) < np.asarray(larger)))


# --- parameters chapter: the least-squares students ------------------------------------------


def check_underdetermination(study, n_few: int = 50, n_many: int = 200) -> dict[str, Interval]:
    """Claims of "Easy to overfit?" (a :class:`~lessons_code.experiments.linear_students.OverfitStudy`):

    1. with fewer examples than weights (``n_few < p``) the FC student's test error is large even
       with *no* label noise, and close to the under-determination estimate ``||v||^2 (1 - n/p)``
       (the estimate lies in the 95 % interval, or within 20 % of the mean);
    2. label noise adds little to it: the paired increase is under 5 % of the noise-free error;
    3. with more examples than weights (``n_many > p``) the noise-free FC fit is exact, and with
       noise its test error exceeds the conv student's on every seed: that part is fitting noise.

    Returns intervals ``fc_clean``, ``fc_noisy``, ``noise_adds``, ``conv_noisy``, ``fc_many``,
    ``conv_many``."""
    _require_fields("study", study, "test_mse", "n_pixels", "expected_underdetermined")
    n_few, n_many = require_int("n_few", n_few, 1), require_int("n_many", n_many, 1)
    t = study.test_mse
    fc_clean, fc_noisy = t[("FC", n_few, 0.0)], t[("FC", n_few, 1.0)]
    out = {
        "fc_clean": mean_interval(fc_clean),
        "fc_noisy": mean_interval(fc_noisy),
        "noise_adds": mean_interval(fc_noisy - fc_clean),
        "conv_noisy": mean_interval(t[("conv", n_few, 1.0)]),
        "fc_many": mean_interval(t[("FC", n_many, 1.0)]),
        "conv_many": mean_interval(t[("conv", n_many, 1.0)]),
    }
    expected = study.expected_underdetermined(n_few)
    iv = out["fc_clean"]
    require(
        n_few < study.n_pixels < n_many,
        "the sizes bracket the number of weights",
        f"{n_few}, {study.n_pixels}, {n_many}",
    )
    require(
        iv.mean > 10 * out["conv_noisy"].mean,
        "without noise the FC error is still large",
        f"{iv.mean:.2f} against {out['conv_noisy'].mean:.2f}",
    )
    require(
        iv.low <= expected <= iv.high or abs(iv.mean - expected) < 0.2 * expected,
        "the noise-free FC error is the under-determination estimate",
        f"{iv.text()} against {expected:.1f}",
    )
    require(
        abs(out["noise_adds"].mean) < 0.05 * iv.mean,
        "noise adds little",
        f"{out['noise_adds'].text()} on {iv.mean:.1f}",
    )
    require(
        np.all(t[("FC", n_many, 0.0)] < ROUNDING_BOUND),
        "with more examples than weights the noise-free fit is exact",
        f"{t[('FC', n_many, 0.0)].max():.1e}",
    )
    require(
        on_every_seed(t[("conv", n_many, 1.0)], t[("FC", n_many, 1.0)]),
        "with noise the FC student's test error exceeds the conv student's on every seed",
        f"{t[('FC', n_many, 1.0)]} vs {t[('conv', n_many, 1.0)]}",
    )
    return out


def check_steps_steadier(study) -> dict:
    """Claims of "More stable gradients?" (a :class:`~lessons_code.experiments.linear_students.NoiseStudy`):

    1. the FC student's RMS relative mini-batch noise grows with the image (its geometric mean
       rises with each larger side);
    2. one SGD step of the conv student recovers a larger share of a full-batch step's loss
       decrease than the FC student's (per-step efficiency, :func:`~lessons_code.experiments.
       linear_students.step_efficiency`) at every size: the paired difference conv - FC over
       teachers is real by the book's one rule (its 95 % interval excludes 0) and positive;
    3. the FC student's efficiency falls with each larger image (geometric means).

    Returns ``{(model, side, field): Interval}`` (log-scale intervals of the positive fields over
    teachers) and ``{("conv - FC", side, "efficiency"): Interval}`` (paired changes)."""
    _require_fields("study", study, "values", "sides")
    v = study.values
    out: dict = {k: ratio_interval(a, over="teachers") for k, a in v.items()}
    fc = [out[("FC", s, "relative_noise")].mean for s in study.sides]
    require(
        all(a < b for a, b in itertools.pairwise(fc)),
        "the FC student's noise grows with the image",
        f"{np.round(fc, 2)}",
    )
    for s in study.sides:
        d = paired_change(v[("conv", s, "efficiency")], v[("FC", s, "efficiency")], over="teachers")
        out[("conv - FC", s, "efficiency")] = d
        require(
            is_real_change(d) and d.mean > 0,
            f"a conv step recovers more of a full-batch step than an FC step ({s}×{s})",
            f"paired difference {d.text()}",
        )
    eff = [out[("FC", s, "efficiency")].mean for s in study.sides]
    require(
        all(a > b for a, b in itertools.pairwise(eff)),
        "the FC student's per-step efficiency falls with the image",
        f"{np.round(eff, 3)}",
    )
    return out


# --- experiments chapter: gradient spreads on the digits --------------------------------------


def check_spread_claims(study, first: dict, early: int = 1) -> dict:
    """Claims of "Gradients during training" (a
    :class:`~lessons_code.experiments.gradient_study.SpreadStudy`).

    first: ``{model: first-layer name}``; ``early``: the index of the checkpoint after one epoch.

    1. after one epoch, the CNN's first-layer gradient is steadier than the MLP's on every seed,
       both as a whole and along the full gradient;
    2. that does not last: at the last checkpoint the CNN's first layer is steadier than the
       MLP's on fewer than all seeds (so the page must not say "at every checkpoint");
    3. inside the MLP the two layers' spreads agree within 25 % on every seed and checkpoint;
    4. from one epoch to the end every layer's spread grows, on every seed;
    5. in the 1×1-conv MLP, from one epoch on, the 4-weight kernel's gradient is on average (mean
       over seeds; not on every seed) steadier along the full gradient, the measure that does not
       count weights, than the 2,560-weight FC layer's.

    Returns the per-(model, layer) log-scale intervals over seeds at every checkpoint (geometric
    means: a spread is a positive ratio): ``{(model, layer, "relative" or "along"): [Interval per
    checkpoint]}``."""
    _require_fields("study", study, "relative", "along")
    _require_fields("first", first, "MLP", "CNN")
    early = require_int("early", early, 0)
    rel, alo = study.relative, study.along
    mlp, cnn = ("MLP", first["MLP"]), ("CNN", first["CNN"])
    require(
        on_every_seed(rel[cnn][:, early], rel[mlp][:, early]),
        "after one epoch the CNN's first layer is steadier than the MLP's on every seed",
        f"{rel[cnn][:, early].round(2)} vs {rel[mlp][:, early].round(2)}",
    )
    require(
        on_every_seed(alo[cnn][:, early], alo[mlp][:, early]),
        "... also along the full gradient",
        f"{alo[cnn][:, early].round(2)} vs {alo[mlp][:, early].round(2)}",
    )
    require(
        not on_every_seed(rel[cnn], rel[mlp]),
        "the CNN's first layer is not steadier at every checkpoint on every seed",
        "it is: the page may say more",
    )
    k1, w2 = alo[("1×1-conv MLP", "K1")][:, early:], alo[("1×1-conv MLP", "W2")][:, early:]
    require(
        np.all(k1.mean(axis=0) < w2.mean(axis=0)),
        "from one epoch on, along the gradient, the 1×1 "
        "kernel is on average steadier than the FC layer after it",
        f"{k1.mean(axis=0).round(3)} vs {w2.mean(axis=0).round(3)}",
    )
    ratio = rel[("MLP", "W1")] / rel[("MLP", "W2")]
    require(
        np.all(np.abs(ratio - 1) < 0.25),
        "the MLP's two layers are about as steady",
        f"ratios {ratio.round(2)}",
    )
    for key, r in rel.items():
        require(
            on_every_seed(r[:, early], r[:, -1]),
            f"{key} spread grows from one epoch to the end",
            f"{r[:, early].round(2)} -> {r[:, -1].round(2)}",
        )
    out = {}
    for key in rel:
        out[(*key, "relative")] = [ratio_interval(c) for c in rel[key].T]
        out[(*key, "along")] = [ratio_interval(c) for c in alo[key].T]
    return out


def check_smooth_kernel_gradient(ordered, shuffled, threshold: float = 0.3) -> dict[str, Interval]:
    """Claim ("smooth updates"): horizontally adjacent entries of a kernel gradient on the digits
    move together (each channel's mean removed): the mean correlation over seeds is above
    ``threshold``, and it is the strokes': the paired change when the pixels are shuffled
    (seeds and permutations) is real by the book's one rule and negative.

    ordered, shuffled: ``(n_seeds,)`` correlations (:func:`~lessons_code.experiments.
    gradient_study.smoothness_study`). Returns intervals ``ordered``, ``shuffled``, ``change``."""
    threshold = require_real("threshold", threshold)
    ordered, shuffled = as_float_array("ordered", ordered, 1), as_float_array("shuffled", shuffled, 1)
    out = {
        "ordered": mean_interval(ordered),
        "shuffled": mean_interval(shuffled, over="seeds and permutations"),
        "change": paired_change(shuffled, ordered, over="seeds and permutations"),
    }
    require(
        out["ordered"].mean > threshold,
        "neighbouring kernel-gradient entries move together",
        f"correlation {out['ordered'].text()}, needs > {threshold}",
    )
    require(
        is_real_change(out["change"]) and out["change"].mean < 0,
        "shuffling the pixels breaks the correlation",
        f"paired change {out['change'].text()}",
    )
    return out


def check_kernels_learned(study, moved: float = 0.5) -> dict[str, Interval]:
    """Claim (the CNN learns local patterns; a
    :class:`~lessons_code.experiments.gradient_study.LearnedKernels`):

    1. training moves the first-layer kernels: on every seed, for ordered and for shuffled
       pixels, ``||trained - initial|| / ||initial||`` exceeds ``moved``;
    2. what training adds is smoother (adjacent taps agree more) on ordered pixels than on
       shuffled ones: the paired difference over seeds (each shuffled run with its own permutation) is real by
       the book's one rule and positive.

    Returns intervals ``smooth_ordered``, ``smooth_shuffled``, ``difference``, ``moved_ordered``
    (log scale) and ``moved_shuffled`` (log scale)."""
    _require_fields("study", study, "smooth_ordered", "smooth_shuffled", "moved_ordered", "moved_shuffled")
    moved = require_real("moved", moved, positive=True)
    out = {
        "smooth_ordered": mean_interval(study.smooth_ordered),
        "smooth_shuffled": mean_interval(study.smooth_shuffled),
        "difference": paired_change(
            study.smooth_ordered, study.smooth_shuffled, over="seeds, each with its own permutation"
        ),
        "moved_ordered": ratio_interval(study.moved_ordered),
        "moved_shuffled": ratio_interval(study.moved_shuffled),
    }
    require(
        bool(np.all(study.moved_ordered > moved) and np.all(study.moved_shuffled > moved)),
        f"training moves the kernels by more than {moved:g} of their initial size on every seed",
        f"{study.moved_ordered.round(2)}, {study.moved_shuffled.round(2)}",
    )
    d = out["difference"]
    require(
        is_real_change(d) and d.mean > 0,
        "what training adds is smoother on ordered pixels than on shuffled ones",
        f"paired difference {d.text()}",
    )
    return out


# --- experiments chapter: accuracy, permutation, translation ----------------------------------


def check_accuracy_claims(acc: dict, n_params: dict) -> dict[str, Interval]:
    """Claims of "Three small networks": every model is far above chance (mean > 95 %), and the CNN
    reaches the MLP's accuracy (means within 2 points) with the fewest parameters.

    acc: ``{model: (n_seeds,) test accuracies}``; n_params: ``{model: count}``. Returns intervals."""
    _require_fields("acc", acc, "MLP", "CNN")
    _require_fields("n_params", n_params, *acc)
    out = {name: mean_interval(a) for name, a in acc.items()}
    for name, iv in out.items():
        require(iv.mean > 0.95, f"{name} is far above chance", f"{iv.text('.1f', 100)} %")
    gap = out["CNN"].mean - out["MLP"].mean
    require(abs(gap) < 0.02, "the CNN matches the MLP within two points", f"{100 * gap:+.1f} points")
    require(
        n_params["CNN"] < min(v for k, v in n_params.items() if k != "CNN"),
        "the CNN has the fewest parameters",
        f"{n_params}",
    )
    return out


def check_parameter_curve(study, pairs=((2, 4), (4, 8), (8, 16))) -> dict:
    """Claims of "Parameters against accuracy" (a :class:`~lessons_code.experiments.runs.WidthStudy`):

    1. more width, more accuracy: each model's mean accuracy rises with each larger width;
    2. at the small budgets the CNN wins: for every ``(cnn width, mlp width)`` pair of ``pairs``
       but the last, whose parameter counts are within 15 % of each other, the CNN is more
       accurate by the book's one rule (paired over seeds: same seed, same minibatch order);
    3. at the last pair the two models tie: its paired difference is not real by the rule.

    Returns ``{(model, width): Interval}`` and ``{("CNN - MLP", cnn width, mlp width): Interval}``."""
    _require_fields("study", study, "accuracy", "widths", "n_params")
    if not pairs or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        raise TypeError(f"pairs must be (cnn width, mlp width) tuples, got {pairs!r}")
    acc = study.accuracy
    out: dict = {k: mean_interval(a) for k, a in acc.items()}
    for model, ws in study.widths.items():
        means = [out[(model, w)].mean for w in ws]
        require(
            all(a < b for a, b in itertools.pairwise(means)),
            f"the {model}'s accuracy rises with its width",
            f"{np.round(means, 3)}",
        )
    for i, (wc, wm) in enumerate(pairs):
        pc, pm = study.n_params[("CNN", wc)], study.n_params[("MLP", wm)]
        require(abs(pc - pm) <= 0.15 * pm, "the paired models have about as many parameters", f"{pc} vs {pm}")
        d = paired_change(acc[("CNN", wc)], acc[("MLP", wm)])
        out[("CNN - MLP", wc, wm)] = d
        if i < len(pairs) - 1:
            require(
                is_real_change(d) and d.mean > 0,
                f"with about {pm:,} parameters the CNN is more accurate than the MLP",
                f"paired difference {d.text('.1f', 100)} points",
            )
        else:
            require(
                not is_real_change(d),
                f"with about {pm:,} parameters the CNN and the MLP tie",
                f"paired difference {d.text('.1f', 100)} points",
            )
    return out


def check_permutation_claims(
    original: dict, permuted: dict, over: str = "seeds, each with its own permutation"
) -> dict[str, Interval]:
    """Claims of "Shuffling the pixels", every model judged by the book's one rule for a paired
    change (:func:`~lessons_code.checks.stats.is_real_change`): retrained on permuted pixels, the
    CNN loses accuracy (its paired change is real and negative), while the MLP's and the 1×1-conv
    MLP's changes are not real (their intervals include 0) and under a point.

    original, permuted: ``{model: (n,) accuracies}``, paired entry by entry (the same seed; each
    pair's permuted run with its own permutation); a model may have more replicates than another.
    over: the unit of replication, carried by the returned paired-change intervals."""
    _require_fields("original", original, "MLP", "1×1-conv MLP", "CNN")
    _require_fields("permuted", permuted, *original)
    out = {name: paired_change(permuted[name], original[name], over=over) for name in original}
    for name in ("MLP", "1×1-conv MLP"):
        require(
            not is_real_change(out[name]) and abs(out[name].mean) < 0.01,
            f"{name} is unchanged by the permutation (its paired change is not real)",
            f"{out[name].text('.2f', 100, unit=True)} points",
        )
    require(
        is_real_change(out["CNN"]) and out["CNN"].mean < 0,
        "the CNN loses accuracy",
        f"{out['CNN'].text('.2f', 100, unit=True)} points",
    )
    return out


def check_shift_claims(clean: dict, shifted: dict) -> dict[str, Interval]:
    """Claims of "Shifting the test images by one pixel": every model loses more than 20 points,
    and the CNN loses less than each other model, by the book's one rule (the paired difference
    of the changes, seed by seed, is real and positive) and on every seed.

    clean, shifted: ``{model: (n_seeds,) accuracies}`` (shifted: mean over the four directions),
    in seed order. Returns the paired change intervals ``{model: Interval}`` and the paired
    differences ``{"CNN - model": Interval}``."""
    _require_fields("clean", clean, "CNN")
    _require_fields("shifted", shifted, *clean)
    change = {
        name: as_float_array("shifted", shifted[name], 1) - as_float_array("clean", clean[name], 1)
        for name in clean
    }
    out = {name: paired_change(shifted[name], clean[name]) for name in change}
    for name, iv in list(out.items()):
        require(
            iv.mean < -0.2,
            f"a one-pixel shift costs {name} more than 20 points",
            f"{iv.text('.1f', 100)} points",
        )
    for name in change:
        if name != "CNN":
            d = paired_change(change["CNN"], change[name])
            out[("CNN - " + name)] = d
            require(
                is_real_change(d) and d.mean > 0,
                f"the CNN loses less than {name} (paired over seeds, the book's one rule)",
                f"paired difference {d.text('.1f', 100)} points",
            )
            require(
                on_every_seed(change[name], change["CNN"]),
                f"the CNN loses less than {name} on every seed",
                f"{change['CNN'].round(3)} vs {change[name].round(3)}",
            )
    return out


def check_norms_shrink(norms_by_seed, steps_per_epoch: int, factor: float = 2.0) -> np.ndarray:
    """Claim: a layer's gradient norm shrinks during training: averaged over the seeds, the ratio
    of its mean over the first epoch to its mean over the last is above ``factor``. (Not "on every
    seed": the page quotes the per-seed ratios, and on the digits one seed's last layer of the
    1×1-conv MLP does not shrink.) ``norms_by_seed``: ``(n_seeds, n_steps)``. Returns the per-seed
    ratios first / last."""
    n = as_float_array("norms_by_seed", norms_by_seed, 2)
    steps_per_epoch = require_int("steps_per_epoch", steps_per_epoch, 1, n.shape[1])
    factor = require_real("factor", factor, positive=True)
    ratio = n[:, :steps_per_epoch].mean(axis=1) / n[:, -steps_per_epoch:].mean(axis=1)
    require(
        ratio.mean() > factor,
        f"gradient norms shrink more than {factor:g}x, on average over seeds",
        f"ratios {ratio.round(1)}",
    )
    return ratio
