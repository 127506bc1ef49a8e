"""Figures of the experiments and exercises chapters. Each function returns a matplotlib ``Figure``.

Built with ``matplotlib.figure.Figure`` directly (no pyplot, no global state),
inside ``mpl.rc_context(palette.RC)``, with the roles of :mod:`lessons_code.pictures.palette`.
Models are told apart by colour *and* by line style or marker, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from .._checks import as_float_array, require_int
from . import palette

#: One colour and one line style / marker per model kind, on every figure.
MODEL_STYLE = {
    "mlp": {"color": palette.INPUT, "linestyle": "-", "marker": "o"},
    "cnn": {"color": palette.KERNEL, "linestyle": "--", "marker": "s"},
    "conv1x1": {"color": palette.OUTPUT, "linestyle": ":", "marker": "^"},
}


def _style(kind: str) -> dict:
    if kind not in MODEL_STYLE:
        raise ValueError(f"kind must be one of {list(MODEL_STYLE)}, got {kind!r}")
    return MODEL_STYLE[kind]


def _bare(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def plot_digit_views(views: Mapping[str, np.ndarray], labels: Sequence[int]) -> Figure:
    """A grid of digits: one row per view (e.g. original, permuted, shifted), one column per image.

    views: row title -> images ``(n, H, W)`` (the same n images in each view); labels: ``(n,)``.
    """
    arrays = {k: as_float_array(f"views[{k!r}]", v, 3) for k, v in views.items()}
    n = len(labels)
    if not arrays or any(a.shape[0] != n for a in arrays.values()):
        raise ValueError(f"every view must hold len(labels) = {n} images")
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(1.0 * n + 1.2, 1.1 * len(arrays) + 0.3), layout="constrained")
        axes = np.atleast_2d(fig.subplots(len(arrays), n))
        for r, (title, imgs) in enumerate(arrays.items()):
            for c in range(n):
                ax = axes[r, c]
                ax.imshow(imgs[c], cmap="Greys", vmin=0, vmax=1)
                _bare(ax)
                if r == 0:
                    ax.set_title(f"label {labels[c]}")
                if c == 0:
                    ax.set_ylabel(title)
    return fig


def _require_mappings(**named) -> None:
    for name, value in named.items():
        if not isinstance(value, Mapping) or not value:
            raise TypeError(f"{name} must be a non-empty mapping (model name -> ...), got {value!r:.60}")


def plot_accuracies(points: Mapping[str, Mapping[str, np.ndarray]], kinds: Mapping[str, str]) -> Figure:
    """Per-seed test accuracies as dots, one group per condition, one marker per model.

    points: condition (e.g. "original", "permuted", "shifted") -> model name -> accuracies
    ``(n_seeds,)`` in [0, 1]; kinds: model name -> model kind (for its style).
    """
    _require_mappings(points=points, kinds=kinds)
    conditions = list(points)
    models = list(kinds)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(6.4, 3.4), layout="constrained")
        ax = fig.subplots()
        width = 0.8 / len(models)
        for m, name in enumerate(models):
            st = _style(kinds[name])
            for c, cond in enumerate(conditions):
                acc = 100 * np.asarray(points[cond][name], dtype=float)
                x = c - 0.4 + width * (m + 0.5) + np.linspace(-0.08, 0.08, acc.size)
                ax.plot(
                    x,
                    acc,
                    linestyle="none",
                    marker=st["marker"],
                    color=st["color"],
                    markersize=5,
                    label=name if c == 0 else None,
                )
                ax.hlines(acc.mean(), x[0] - 0.05, x[-1] + 0.05, color=palette.INK, linewidth=1.5)
        ax.set_xticks(range(len(conditions)), conditions)
        ax.set_ylabel("test accuracy (%)")
        ax.set_ylim(0, 100)
        ax.axhline(10, color=palette.MUTED, linewidth=1, linestyle="--")
        ax.text(len(conditions) - 0.55, 11.5, "chance", color=palette.INK, fontsize=8, ha="right")
        ax.legend(loc="lower left", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_gradient_norms(
    norms: Mapping[str, Mapping[str, np.ndarray]],
    kinds: Mapping[str, str],
    steps_per_epoch: int,
    smooth: int = 5,
) -> Figure:
    """Gradient norm of each layer's weights at every training step: first layer left, last right.

    norms: model name -> {"first": ``(steps,)``, "last": ``(steps,)``} Frobenius norms;
    kinds: model name -> kind; the faint line is every step, the solid one a moving average of
    ``smooth`` steps. The x axis is in epochs.
    """
    _require_mappings(norms=norms, kinds=kinds)
    steps_per_epoch = require_int("steps_per_epoch", steps_per_epoch, 1)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.0, 3.2), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        for ax, which, title in zip(axes, ("first", "last"), ("first layer", "last (FC) layer"), strict=True):
            for name, per_layer in norms.items():
                st = _style(kinds[name])
                g = np.asarray(per_layer[which], dtype=float)
                t = np.arange(g.size) / steps_per_epoch
                ax.plot(t, g, color=st["color"], alpha=0.25, linewidth=0.8)
                k = max(1, min(smooth, g.size))
                avg = np.convolve(g, np.ones(k) / k, mode="valid")
                ax.plot(
                    t[k - 1 :], avg, color=st["color"], linestyle=st["linestyle"], linewidth=1.8, label=name
                )
            ax.set_yscale("log")
            ax.set_xlabel("epoch")
            ax.set_title(f"gradient norm, {title}")
            ax.spines[["top", "right"]].set_visible(False)
        axes[0].set_ylabel("‖dW‖ (Frobenius)")
        axes[0].legend(frameon=False)
    return fig


def plot_gradient_spread(
    spreads: Mapping[str, Mapping[str, Sequence[float]]],
    kinds: Mapping[str, str],
    epochs: Sequence[float],
    log: bool = False,
) -> Figure:
    """Relative batch-to-batch spread of the weight gradients at checkpoints during training.

    spreads: model name -> {"first": spreads, "last": spreads} (one value per checkpoint);
    epochs: the checkpoint positions in epochs; log: a logarithmic spread axis. Lower means the
    minibatch gradients agree more with the full-data gradient.
    """
    _require_mappings(spreads=spreads, kinds=kinds)
    x = np.asarray(epochs, dtype=float)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.0, 3.2), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        for ax, which, title in zip(axes, ("first", "last"), ("first layer", "last (FC) layer"), strict=True):
            for name, per_layer in spreads.items():
                st = _style(kinds[name])
                ax.plot(
                    x,
                    per_layer[which],
                    color=st["color"],
                    linestyle=st["linestyle"],
                    marker=st["marker"],
                    label=name,
                )
            ax.set_xlabel("epoch of the checkpoint")
            ax.set_title(f"batch-to-batch spread, {title}")
            ax.spines[["top", "right"]].set_visible(False)
            if log:
                ax.set_yscale("log")
        axes[0].set_ylabel("‖g_batch − g_full‖ / ‖g_full‖ (rms)")
        axes[0].legend(frameon=False)
    return fig


def plot_kernel_gradients(grads: Mapping[int, np.ndarray], n_channels: int = 4) -> Figure:
    """The first-layer kernel gradients for several kernel sizes: one row per size, one column
    per output channel (the first ``n_channels``).

    grads: kernel size k -> ``(C, 1, k, k)`` or ``(C, k, k)`` gradient. Each row shares one symmetric
    colour scale (diverging map, white = 0).
    """
    if not isinstance(grads, Mapping) or not grads:
        raise TypeError(f"grads must be a non-empty dict kernel size -> gradient, got {type(grads).__name__}")
    n_channels = require_int("n_channels", n_channels, 1)
    for k, g in grads.items():
        k = require_int("kernel size", k, 1)
        g = as_float_array(f"grads[{k}]", g, (3, 4))
        if g.shape[-2:] != (k, k) or g.size // (k * k) < n_channels:
            raise ValueError(
                f"grads[{k}] must be (C, 1, {k}, {k}) or (C, {k}, {k}) with C >= n_channels = {n_channels}, "
                f"got shape {g.shape}"
            )
    sizes = list(grads)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(1.5 * n_channels + 1.2, 1.55 * len(sizes)), layout="constrained")
        axes = np.atleast_2d(fig.subplots(len(sizes), n_channels))
        for r, k in enumerate(sizes):
            g = np.asarray(grads[k], dtype=float).reshape(-1, k, k)
            lim = float(np.abs(g[:n_channels]).max()) or 1.0
            for c in range(n_channels):
                ax = axes[r, c]
                im = ax.imshow(g[c], cmap=palette.DIVERGING, vmin=-lim, vmax=lim)
                _bare(ax)
                if r == 0:
                    ax.set_title(f"channel {c}")
                if c == 0:
                    ax.set_ylabel(f"{k}×{k} kernel")
            fig.colorbar(im, ax=axes[r, :], shrink=0.8, label="dK")
    return fig


def plot_shift_comparison(image, shifted, conv_maps, fc_outputs) -> Figure:
    """Exercise 5: what a conv layer and an FC layer output for an image and its shifted copy.

    image, shifted: ``(H, W)``; conv_maps: ``(map_of_image, map_of_shifted)`` each ``(H', W')``
    (one channel); fc_outputs: ``(fc_of_image, fc_of_shifted)`` each ``(n_out,)``.
    """
    image, shifted = as_float_array("image", image, 2), as_float_array("shifted", shifted, 2)
    m0, m1 = (as_float_array("conv_maps", m, 2) for m in conv_maps)
    f0, f1 = (as_float_array("fc_outputs", f, 1) for f in fc_outputs)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.2, 4.6), layout="constrained")
        grid = fig.add_gridspec(2, 3)
        lim = float(max(np.abs(m0).max(), np.abs(m1).max())) or 1.0
        for r, (img, fmap, name) in enumerate(((image, m0, "image"), (shifted, m1, "shifted copy"))):
            ax = fig.add_subplot(grid[r, 0])
            ax.imshow(img, cmap="Greys", vmin=0, vmax=1)
            _bare(ax)
            ax.set_title(f"input: {name}")
            ax = fig.add_subplot(grid[r, 1])
            ax.imshow(fmap, cmap=palette.DIVERGING, vmin=-lim, vmax=lim)
            _bare(ax)
            ax.set_title(f"conv output ({name})")
        ax = fig.add_subplot(grid[:, 2])
        units = np.arange(f0.size)
        ax.barh(units - 0.2, f0, height=0.4, color=palette.INPUT, label="image")
        ax.barh(units + 0.2, f1, height=0.4, color=palette.OUTPUT, hatch="//", label="shifted copy")
        ax.invert_yaxis()
        ax.set_ylabel("FC output unit")
        ax.set_title("FC outputs")
        ax.axvline(0, color=palette.INK, linewidth=0.8)
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_learned_kernels(
    initial: np.ndarray,
    ordered: np.ndarray,
    shuffled: np.ndarray,
    smooth: Mapping[str, Sequence[float]],
) -> Figure:
    """One seed's first-layer kernels ``(C_out, 1, k, k)``: initial (top row), trained on ordered
    pixels (middle), trained on shuffled pixels (bottom), on one diverging colour scale; at the
    right, per seed, the smoothness of what training added (``smooth``: ``{"ordered": values,
    "shuffled": values}``, one value per seed, joined by seed)."""
    k0, ko, ks = (as_float_array(n, a, 4) for n, a in (("initial", initial), ("ordered", ordered),
                                                        ("shuffled", shuffled)))  # fmt: skip
    if not k0.shape == ko.shape == ks.shape:
        raise ValueError(f"the three kernel sets must have one shape, got {k0.shape}, {ko.shape}, {ks.shape}")
    n = k0.shape[0]
    lim = float(max(np.abs(k0).max(), np.abs(ko).max(), np.abs(ks).max()))
    so = as_float_array("smooth['ordered']", smooth["ordered"], 1)
    ss = as_float_array("smooth['shuffled']", smooth["shuffled"], 1)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(8.2, 3.4), layout="constrained")
        left, right = fig.subfigures(1, 2, width_ratios=[2.6, 1])
        axes = left.subplots(3, n)
        for row, (k, title) in enumerate(((k0, "initial"), (ko, "trained, pixels in order"),
                                          (ks, "trained, pixels shuffled"))):  # fmt: skip
            for c in range(n):
                ax = axes[row, c]
                im = ax.imshow(k[c, 0], cmap=palette.DIVERGING, vmin=-lim, vmax=lim)
                _bare(ax)
                if c == 0:
                    ax.set_ylabel(title, fontsize=7, rotation=0, ha="right", va="center")
        left.colorbar(im, ax=axes, shrink=0.8, label="weight")
        ax = right.subplots()
        for a, b in zip(so, ss, strict=True):
            ax.plot([0, 1], [a, b], color=palette.MUTED, linewidth=1, zorder=1)
        ax.scatter(np.zeros(len(so)), so, color=palette.KERNEL, marker="s", label="in order", zorder=2)
        ax.scatter(np.ones(len(ss)), ss, color=palette.OUTPUT, marker="^", label="shuffled", zorder=2)
        ax.axhline(0, color=palette.INK, linewidth=0.8)
        ax.set_xticks([0, 1], ["in order", "shuffled"])
        ax.set_xlim(-0.4, 1.4)
        ax.set_ylabel("smoothness of trained − initial")
        ax.set_title("per seed", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_parameter_curve(
    curves: Mapping[str, tuple[Sequence[int], Sequence[Sequence[float]]]], kinds: Mapping[str, str]
) -> Figure:
    """Test accuracy (percent) against parameter count (log axis): for each model
    ``curves[model] = (parameter counts, per-width accuracies of every seed)``; every seed a faint
    dot, the mean a line with markers."""
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(6.0, 3.4), layout="constrained")
        ax = fig.subplots()
        for name, (counts, accs) in curves.items():
            counts = as_float_array(f"{name} parameter counts", counts, 1)
            accs = [as_float_array(f"{name} accuracies", a, 1) for a in accs]
            if len(accs) != counts.size:
                raise ValueError(f"{name}: one set of accuracies per width ({counts.size}), got {len(accs)}")
            st = _style(kinds[name])
            for c, a in zip(counts, accs, strict=True):
                ax.scatter(
                    np.full(a.size, c), 100 * a, color=st["color"], marker=st["marker"], s=12, alpha=0.45
                )
            ax.plot(counts, [100 * a.mean() for a in accs], color=st["color"], linestyle=st["linestyle"],
                    marker=st["marker"], label=name)  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("parameters (log scale)")
        ax.set_ylabel("test accuracy (%)")
        ax.legend(frameon=False, loc="lower right")
        ax.spines[["top", "right"]].set_visible(False)
    return fig
