"""Gradient flow, frame by frame: the data, the animations, their HTML and GIF export.

Every frame comes from the real backward pass of :mod:`lessons_code.fc` and
:mod:`lessons_code.conv`. Frame ``t`` sends the upstream gradient of output unit
``t`` alone, ``dy_t e_t``, back through both layers on the same input ``x``:

* FC, ``y = W x.ravel()``: every input pixel receives ``dx = dy_t W[t, :]`` and the
  whole row ``t`` of ``W`` receives ``dW[t, :] = dy_t x.ravel()``;
* convolution, ``y = x * K``, unit ``t = i * W_out + j``: only the window
  ``x[i:i+kh, j:j+kw]`` receives gradient, ``dx[i+p, j+q] = dy_t K[p, q]``, and the
  kernel receives ``dy_t x[i:i+kh, j:j+kw]``, *added* to what the earlier units gave.

After the last frame the running kernel gradient is ``conv_weight_grad(x, K, dy)``.
The frame count is the number of output positions, ``H_out * W_out`` from
:func:`lessons_code.conv.output_shape`.

Command line: ``python -m lessons_code.visualizations --out DIR`` writes every
animation to ``DIR/<name>.gif``.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import conv, fc, matrix_view, palette
from ._checks import as_float_array, as_pair, check_int, check_shape
from .figures import _strip_negative_zero
from .figures import _text_color as _ink_on

# --- the data ---------------------------------------------------------------------


@dataclass(frozen=True)
class GradientFlowProblem:
    """One input and both layers' weights, with the upstream gradient they share.

    x: ``(H, W)`` input image; W: ``(n_out, H*W)`` FC weights with ``n_out = H_out*W_out``;
    kernel: ``(kh, kw)``; dy: ``(H_out, W_out)`` upstream gradient -- the FC layer reads
    it flattened, ``dy.ravel()``, so unit ``t`` of both layers gets the same ``dy_t``.
    """

    x: np.ndarray
    W: np.ndarray
    kernel: np.ndarray
    dy: np.ndarray

    def __post_init__(self):
        x = as_float_array("x", self.x, 2)
        kernel = as_float_array("kernel", self.kernel, 2)
        if kernel.shape[0] > x.shape[0] or kernel.shape[1] > x.shape[1]:
            raise ValueError(f"kernel of shape {kernel.shape} is larger than x of shape {x.shape}")
        out = conv.output_shape(x.shape, kernel.shape)
        W = as_float_array("W", self.W, 2)
        check_shape("W", W, (out[0] * out[1], x.size))
        dy = as_float_array("dy", self.dy, 2)
        check_shape("dy", dy, out)
        for name, value in (("x", x), ("W", W), ("kernel", kernel), ("dy", dy)):
            object.__setattr__(self, name, value)

    @property
    def out_shape(self) -> tuple[int, int]:
        """``(H_out, W_out) = (H - kh + 1, W - kw + 1)``."""
        return conv.output_shape(self.x.shape, self.kernel.shape)


def example_problem(input_shape=(6, 6), kernel_shape=(3, 3), seed: int = 18) -> GradientFlowProblem:
    """A reproducible problem: standard-normal ``x``, ``W``, ``kernel`` and ``dy`` from ``seed``.

    The FC layer has as many outputs as the convolution (``H_out * W_out``), so the two
    animations run in step.
    """
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    if kh > h or kw > w:
        raise ValueError(f"kernel_shape {(kh, kw)} is larger than input_shape {(h, w)}")
    rng = np.random.default_rng(check_int("seed", seed, 0))
    oh, ow = conv.output_shape((h, w), (kh, kw))
    x = rng.standard_normal((h, w))
    W = rng.standard_normal((oh * ow, h * w))
    kernel = rng.standard_normal((kh, kw))
    dy = rng.standard_normal((oh, ow))
    return GradientFlowProblem(x, W, kernel, dy)


@dataclass(frozen=True)
class GradientFlowFrame:
    """What the backward pass of output unit ``t`` alone does to each layer.

    Masks say *who* receives gradient (from a one-hot ``dy = e_t``, so they do not
    depend on the value of ``dy_t``); arrays say *how much* (from ``dy_t e_t``).

    t: the output unit (FC index; conv position ``conv_unit = divmod(t, W_out)``); dy_t.
    fc_input_mask ``(H, W)``, fc_weight_mask ``(n_out, H*W)``: non-zero ``dx``, ``dW``;
    fc_dx ``(H, W)``, fc_dW ``(n_out, H*W)``: this unit's contribution;
    fc_dW_sum: the FC weight gradient accumulated over frames ``0..t``.
    conv_input_mask ``(H, W)``, conv_weight_mask ``(kh, kw)``; conv_dx, conv_dK: this unit's
    contribution; conv_dK_sum ``(kh, kw)``: the kernel gradient accumulated over ``0..t``;
    fc_dx_sum, conv_dx_sum ``(H, W)``: the input gradients accumulated over ``0..t``.
    """

    t: int
    conv_unit: tuple[int, int]
    dy_t: float
    fc_input_mask: np.ndarray
    fc_weight_mask: np.ndarray
    fc_dx: np.ndarray
    fc_dW: np.ndarray
    fc_dW_sum: np.ndarray
    fc_dx_sum: np.ndarray
    conv_input_mask: np.ndarray
    conv_weight_mask: np.ndarray
    conv_dx: np.ndarray
    conv_dK: np.ndarray
    conv_dK_sum: np.ndarray
    conv_dx_sum: np.ndarray


def gradient_flow_frames(problem: GradientFlowProblem) -> list[GradientFlowFrame]:
    """One frame per output position (``H_out * W_out`` frames), in row-major order.

    Each frame runs ``fc.fc_backward`` and ``conv.conv_weight_grad`` /
    ``conv.conv_input_grad`` with the upstream gradient of one unit, and adds the
    contribution to running sums, so the last frame holds the full gradients.
    """
    if not isinstance(problem, GradientFlowProblem):
        raise TypeError(f"problem must be a GradientFlowProblem, got {type(problem).__name__}")
    x, W, K, dy = problem.x, problem.W, problem.kernel, problem.dy
    oh, ow = problem.out_shape
    xf = x.ravel()
    frames = []
    fc_dW_sum = np.zeros_like(W)
    fc_dx_sum = np.zeros_like(x)
    conv_dK_sum = np.zeros_like(K)
    conv_dx_sum = np.zeros_like(x)
    for t in range(oh * ow):
        i, j = divmod(t, ow)
        one_hot = np.zeros((oh, ow))
        one_hot[i, j] = 1.0
        e_dW, e_dx = fc.fc_backward(xf, W, one_hot.ravel())
        step = dy[i, j] * one_hot
        fc_dW, fc_dx = fc.fc_backward(xf, W, step.ravel())
        conv_dK = conv.conv_weight_grad(x, K, step)
        conv_dx = conv.conv_input_grad(x, K, step)
        fc_dW_sum = fc_dW_sum + fc_dW
        fc_dx_sum = fc_dx_sum + fc_dx.reshape(x.shape)
        conv_dK_sum = conv_dK_sum + conv_dK
        conv_dx_sum = conv_dx_sum + conv_dx
        frames.append(
            GradientFlowFrame(
                t=t,
                conv_unit=(i, j),
                dy_t=float(dy[i, j]),
                fc_input_mask=(e_dx != 0).reshape(x.shape),
                fc_weight_mask=e_dW != 0,
                fc_dx=fc_dx.reshape(x.shape),
                fc_dW=fc_dW,
                fc_dW_sum=fc_dW_sum,
                fc_dx_sum=fc_dx_sum,
                conv_input_mask=conv.conv_input_grad(x, K, one_hot) != 0,
                conv_weight_mask=conv.conv_weight_grad(x, K, one_hot) != 0,
                conv_dx=conv_dx,
                conv_dK=conv_dK,
                conv_dK_sum=conv_dK_sum,
                conv_dx_sum=conv_dx_sum,
            )
        )
    return frames


def coverage_count(input_shape, kernel_shape) -> np.ndarray:
    """How many conv output positions read each input pixel: an int array ``(H, W)``.

    It is the number of non-zero entries in each column of the conv matrix
    (:func:`lessons_code.matrix_view.conv_matrix_index`). For a 3×3 kernel away from
    small images: 1 at the corners, 9 in the interior.
    """
    h, w = as_pair("input_shape", input_shape, 1)
    index = matrix_view.conv_matrix_index(kernel_shape, (h, w))
    return (index >= 0).sum(axis=0).reshape(h, w)


def coverage_count_loop(input_shape, kernel_shape) -> np.ndarray:
    """Loop version of :func:`coverage_count`: drop every window on the image and count."""
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    if kh > h or kw > w:
        raise ValueError(f"kernel_shape {(kh, kw)} is larger than input_shape {(h, w)}")
    count = np.zeros((h, w), dtype=np.int64)
    oh, ow = conv.output_shape((h, w), (kh, kw))
    for i in range(oh):
        for j in range(ow):
            count[i : i + kh, j : j + kw] += 1
    return count


# --- drawing helpers ---------------------------------------------------------------


def _cmap():
    """The diverging map for signed gradients; masked cells (no gradient) are grey."""
    return mpl.colormaps[palette.DIVERGING].with_extremes(bad=palette.MUTED)


def _clean(ax, gridlines: tuple[int, int] | None = None) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    if gridlines is not None:
        h, w = gridlines
        ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
        ax.grid(which="minor", color=palette.FACE, linewidth=1.0)
        ax.tick_params(which="both", length=0)


def _vmax(*arrays) -> float:
    return float(max(np.abs(a).max() for a in arrays)) or 1.0


def _text_color(cmap, norm, value) -> str:
    return _ink_on(cmap(norm(value)))


LEGEND = (
    "purple < 0 < orange: gradient value (dx colours scaled per step)\n"
    "grey: no gradient  ·  black frame: the unit in focus and its window"
)


# --- the main animation ----------------------------------------------------------


def anim_fc_vs_conv(problem: GradientFlowProblem | None = None, *, dpi: int = 90, interval: int = 1200):
    """FC (left) and convolution (right) backward passes, one output unit per frame.

    Rows: the output unit sending gradient; the gradient its input pixels receive
    (``dx``); the weight gradient accumulated so far (``dW`` rows for FC, the 3×3
    ``dK`` for conv). Returns a ``matplotlib.animation.FuncAnimation`` over a
    ``matplotlib.figure.Figure`` with ``H_out * W_out`` frames; the frame data is
    ``anim.gradient_frames`` (see :func:`gradient_flow_frames`).
    problem: defaults to :func:`example_problem`; dpi: pixels per inch of the frames;
    interval: milliseconds per frame when playing.
    """
    problem = example_problem() if problem is None else problem
    frames = gradient_flow_frames(problem)
    dpi = check_int("dpi", dpi, 20)
    interval = check_int("interval", interval, 1)
    x, K = problem.x, problem.kernel
    h, w = x.shape
    kh, kw = K.shape
    oh, ow = problem.out_shape
    n = len(frames)
    last = frames[-1]
    cmap = _cmap()
    norm_dx_fc = mpl.colors.Normalize(-1.0, 1.0)  # reset on every step, see update()
    norm_dx_conv = mpl.colors.Normalize(-1.0, 1.0)
    vw = _vmax(last.fc_dW_sum)
    norm_dW = mpl.colors.Normalize(-vw, vw)
    vk = _vmax(*(f.conv_dK_sum for f in frames))
    norm_dK = mpl.colors.Normalize(-vk, vk)
    out_cmap = mpl.colors.ListedColormap([palette.MUTED, palette.HIGHLIGHT])

    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(6.2, 6.2), dpi=dpi, layout="constrained")
        grid = fig.add_gridspec(3, 2, height_ratios=[0.75, 1.25, 1.05])
        ax = {key: fig.add_subplot(grid[r, c]) for key, (r, c) in {
            "fc_out": (0, 0), "conv_out": (0, 1), "fc_in": (1, 0), "conv_in": (1, 1),
            "fc_w": (2, 0), "conv_w": (2, 1)}.items()}  # fmt: skip
        title = fig.suptitle("", fontsize=11, fontweight="bold")
        fig.supxlabel(LEGEND, fontsize=9)

        fc_out_shape = (1, n) if n <= 16 else (int(np.ceil(n / 16)), 16)
        im = {
            "fc_out": ax["fc_out"].imshow(np.zeros(fc_out_shape), cmap=out_cmap, vmin=0, vmax=1),
            "conv_out": ax["conv_out"].imshow(np.zeros((oh, ow)), cmap=out_cmap, vmin=0, vmax=1),
            "fc_in": ax["fc_in"].imshow(np.zeros((h, w)), cmap=cmap, norm=norm_dx_fc),
            "conv_in": ax["conv_in"].imshow(np.zeros((h, w)), cmap=cmap, norm=norm_dx_conv),
            "fc_w": ax["fc_w"].imshow(np.zeros_like(problem.W), cmap=cmap, norm=norm_dW, aspect="auto"),
            "conv_w": ax["conv_w"].imshow(np.zeros((kh, kw)), cmap=cmap, norm=norm_dK),
        }
        _clean(ax["fc_out"], fc_out_shape)
        _clean(ax["conv_out"], (oh, ow))
        _clean(ax["fc_in"], (h, w))
        _clean(ax["conv_in"], (h, w))
        _clean(ax["fc_w"])
        _clean(ax["conv_w"], (kh, kw))
        ax["fc_w"].set_ylabel("output unit")
        ax["fc_w"].set_xlabel(f"input pixel (0–{h * w - 1})")
        ax["fc_out"].set_xlabel("16 units, no spatial layout" if n == 16 else f"{n} units")
        ax["conv_out"].set_xlabel(f"{oh}×{ow} output image")

        def box(a, xy, width, height):
            return a.add_patch(Rectangle(xy, width, height, fill=False, edgecolor=palette.INK, linewidth=2.5))

        box_fc_out = box(ax["fc_out"], (-0.5, -0.5), 1, 1)
        box_conv_out = box(ax["conv_out"], (-0.5, -0.5), 1, 1)
        box_conv_in = box(ax["conv_in"], (-0.5, -0.5), kw, kh)
        box_fc_in = box(ax["fc_in"], (-0.5, -0.5), w, h)
        box_fc_w = box(ax["fc_w"], (-0.5, -0.5), h * w, 1)
        dk_text = [
            [ax["conv_w"].text(q, p, "", ha="center", va="center", fontsize=9) for q in range(kw)]
            for p in range(kh)
        ]
        del box_fc_in  # the whole input is the FC unit's window: the frame stays put

        def update(k: int):
            f = frames[k]
            i, j = f.conv_unit
            title.set_text(f"Step {k + 1} of {n}: output unit {f.t} sends dy = {f.dy_t:+.2f} back")
            out = np.zeros(fc_out_shape)
            out.flat[f.t] = 1
            im["fc_out"].set_data(out)
            box_fc_out.set_xy((f.t % fc_out_shape[1] - 0.5, f.t // fc_out_shape[1] - 0.5))
            im["conv_out"].set_data(out.ravel()[: oh * ow].reshape(oh, ow))
            box_conv_out.set_xy((j - 0.5, i - 0.5))
            ax["fc_out"].set_title(f"FC layer\noutput: unit {f.t}", fontweight="bold")
            ax["conv_out"].set_title(
                f"Convolution layer\noutput: unit {f.t} = position ({i}, {j})", fontweight="bold"
            )

            im["fc_in"].set_data(np.ma.masked_where(~f.fc_input_mask, f.fc_dx))
            im["conv_in"].set_data(np.ma.masked_where(~f.conv_input_mask, f.conv_dx))
            # dx colours are scaled per step (the size of dy_t is in the title): the pattern is the point.
            im["fc_in"].set_clim(-_vmax(f.fc_dx), _vmax(f.fc_dx))
            im["conv_in"].set_clim(-_vmax(f.conv_dx), _vmax(f.conv_dx))
            box_conv_in.set_xy((j - 0.5, i - 0.5))
            ax["fc_in"].set_title(
                f"input gradient dx = dy·W[{f.t}, :]\n{int(f.fc_input_mask.sum())} of {h * w} pixels"
            )
            ax["conv_in"].set_title(
                f"input gradient dx = dy·K\n{int(f.conv_input_mask.sum())} of {h * w} pixels (the window)"
            )

            done = np.arange(problem.W.shape[0]) <= f.t
            im["fc_w"].set_data(np.ma.masked_where(~done[:, None] | (f.fc_dW_sum == 0), f.fc_dW_sum))
            box_fc_w.set_xy((-0.5, f.t - 0.5))
            ax["fc_w"].set_title(f"weight gradient dW so far\nrow {f.t} = dy·x, written once")
            im["conv_w"].set_data(f.conv_dK_sum)
            ax["conv_w"].set_title(f"kernel gradient dK so far\nsum of {k + 1} window{'s' * (k > 0)} × dy")
            for p in range(kh):
                for q in range(kw):
                    value = f.conv_dK_sum[p, q]
                    dk_text[p][q].set_text(_strip_negative_zero(f"{value:.1f}"))
                    dk_text[p][q].set_color(_text_color(cmap, norm_dK, value))
            return []

        update(0)
        anim = FuncAnimation(fig, update, frames=n, interval=interval, blit=False, repeat=False)
    anim.gradient_frames = frames
    return anim


# --- a second, smaller animation: how often each pixel is read ---------------------


def anim_coverage(input_shape=(6, 6), kernel_shape=(3, 3), *, dpi: int = 80, interval: int = 900):
    """The conv window sliding over the input while a count of reads builds up.

    Frame ``t`` adds 1 to every pixel of the window of output ``t``; after the last
    frame the count is :func:`coverage_count` (corners 1, interior ``kh*kw``). Returns a
    ``FuncAnimation`` with ``H_out * W_out`` frames.
    """
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    final = coverage_count((h, w), (kh, kw))
    oh, ow = conv.output_shape((h, w), (kh, kw))
    n = oh * ow
    dpi = check_int("dpi", dpi, 20)
    interval = check_int("interval", interval, 1)
    cmap = mpl.colormaps[palette.SEQUENTIAL]
    norm = mpl.colors.Normalize(0, final.max())
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(6.0, 3.4), dpi=dpi, layout="constrained")
        ax_in, ax_out = fig.subplots(1, 2, width_ratios=[h / max(h, oh), oh / max(h, oh)])
        title = fig.suptitle("", fontsize=11, fontweight="bold")
        im = ax_in.imshow(np.zeros((h, w)), cmap=cmap, norm=norm)
        out_im = ax_out.imshow(np.zeros((oh, ow)), cmap=mpl.colors.ListedColormap([palette.MUTED,
                               palette.HIGHLIGHT]), vmin=0, vmax=1)  # fmt: skip
        _clean(ax_in, (h, w))
        _clean(ax_out, (oh, ow))
        ax_in.set_title("Input: how many output units\nhave read each pixel so far")
        ax_out.set_xlabel(f"{oh}×{ow} output")
        text = [
            [ax_in.text(c, r, "", ha="center", va="center", fontsize=10) for c in range(w)] for r in range(h)
        ]
        window = ax_in.add_patch(Rectangle((-0.5, -0.5), kw, kh, fill=False, edgecolor=palette.HIGHLIGHT,
                                           linewidth=3))  # fmt: skip
        cell = ax_out.add_patch(
            Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=palette.INK, linewidth=2.5)
        )

        def update(t: int):
            i, j = divmod(t, ow)
            count = np.zeros((h, w), dtype=np.int64)
            for s in range(t + 1):
                a, b = divmod(s, ow)
                count[a : a + kh, b : b + kw] += 1
            im.set_data(count)
            for r in range(h):
                for c in range(w):
                    text[r][c].set_text(str(count[r, c]))
                    text[r][c].set_color("white" if norm(count[r, c]) < 0.55 else palette.INK)
            window.set_xy((j - 0.5, i - 0.5))
            out = np.zeros((oh, ow))
            out[i, j] = 1
            out_im.set_data(out)
            cell.set_xy((j - 0.5, i - 0.5))
            ax_out.set_title(f"Output unit {t}\n= position ({i}, {j})")
            title.set_text(f"Step {t + 1} of {n}: the {kh}×{kw} window of output ({i}, {j})")
            return []

        update(0)
        anim = FuncAnimation(fig, update, frames=n, interval=interval, blit=False, repeat=False)
    anim.final_count = final
    return anim


#: Every animation the CLI can export, by name.
ANIMATIONS: dict[str, Callable[..., FuncAnimation]] = {
    "fc_vs_conv": anim_fc_vs_conv,
    "coverage": anim_coverage,
}


# --- embedding in a page ------------------------------------------------------------

_FRAME_RE = re.compile(r'frames\[\d+\] = "data:image/png;base64,')
_FRAME_DATA_RE = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)([A-Za-z0-9+/=\\\n]*)(")')


def shrink_png(data: bytes, colors: int = 64) -> bytes:
    """Re-encode a PNG with an adaptive palette of at most ``colors`` colours (no dithering).

    Figures of flat cells compress several times better this way; the result is
    deterministic (same input bytes, same output bytes).
    """
    from PIL import Image

    colors = check_int("colors", colors, 2)
    with Image.open(io.BytesIO(data)) as img:
        small = img.convert("RGB").quantize(
            colors=min(colors, 256), method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
        )
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _shrink_embedded(markup: str, colors: int) -> str:
    def repl(match: re.Match) -> str:
        data = base64.b64decode(match.group(2).replace("\\\n", ""))
        return match.group(1) + base64.b64encode(shrink_png(data, colors)).decode("ascii") + match.group(3)

    return _FRAME_DATA_RE.sub(repl, markup)


def count_embedded_frames(markup: str) -> int:
    """Number of PNG frames embedded in a matplotlib JavaScript player."""
    return len(_FRAME_RE.findall(markup))


def animation_html(
    anim: FuncAnimation,
    name: str,
    description: str,
    *,
    n_frames: int | None = None,
    embed_limit_mb: float = 4.0,
    colors: int | None = 64,
    caption: str | None = None,
) -> str:
    """The animation as a self-contained, reproducible, accessible HTML player.

    Built on ``anim.to_jshtml()`` (PNG frames, play/pause/step/slider controls), then:

    * each PNG frame is re-encoded with a palette of ``colors`` colours (``None``: keep
      matplotlib's RGBA PNGs), which divides the size by about three;
    * the Font Awesome ``<link>`` to a CDN is removed (the book theme ships the icons;
      nothing is fetched from another origin);
    * matplotlib's random element ids become ``name``, so two builds give identical HTML;
    * the player starts paused on frame 0 and stops at the end (mode "once");
    * ``caption`` (optional) becomes a visible ``<figcaption>`` below the player;
    * the frame image gets ``description`` as alt text and the player is wrapped in a
      ``<figure role="group">`` with an ``aria-label``;
    * a ``RuntimeError`` is raised if matplotlib dropped frames because of its
      ``animation.embed_limit`` (it does so silently), i.e. if the HTML holds fewer
      than ``n_frames`` frames (default: the animation's frame count).
    """
    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise ValueError(f"name must be an identifier (letters, digits, _), got {name!r}")
    if not isinstance(description, str) or len(description.strip()) < 20:
        raise ValueError(
            f"description must be a sentence of alt text (>= 20 characters), got {description!r}"
        )
    expected = anim._save_count if n_frames is None else check_int("n_frames", n_frames, 1)
    with mpl.rc_context({"animation.embed_limit": float(embed_limit_mb), "animation.frame_format": "png"}):
        markup = anim.to_jshtml(default_mode="once")
    got = count_embedded_frames(markup)
    if got != expected:
        raise RuntimeError(
            f"the player for {name!r} holds {got} frames, expected {expected}: matplotlib dropped "
            f"frames past animation.embed_limit = {embed_limit_mb} MB; raise embed_limit_mb or lower the dpi"
        )
    if colors is not None:
        markup = _shrink_embedded(markup, colors)
        if count_embedded_frames(markup) != expected:
            raise RuntimeError(f"lost frames while re-encoding the player for {name!r}")
    markup = re.sub(r"<link\b[^>]*>", "", markup)
    ids = set(re.findall(r"_anim_img([0-9a-f]{32})", markup))
    if len(ids) != 1:
        raise RuntimeError(f"unexpected matplotlib player markup: found ids {sorted(ids)}")
    markup = markup.replace(ids.pop(), name)
    alt = html.escape(description, quote=True)
    markup = markup.replace(f'<img id="_anim_img{name}">', f'<img id="_anim_img{name}" alt="{alt}">')
    markup = markup.replace("width: 374px;", "width: min(374px, 90%);")
    if 'alt="' not in markup or "play_animation();\n" in markup.split("/* Instantiate")[-1]:
        raise RuntimeError("unexpected matplotlib player markup: cannot set alt text or pause the player")
    figcaption = "" if caption is None else f"<figcaption>{html.escape(str(caption))}</figcaption>\n"
    return (
        f'<figure class="fcconv-animation" id="anim-{name}" role="group" aria-label="{alt}" '
        f'style="margin:0 0 1em 0;overflow-x:auto;text-align:center">\n{markup}\n{figcaption}</figure>\n'
    )


# --- GIF export ---------------------------------------------------------------------


def save_gif(anim: FuncAnimation, path, *, fps: float = 1.0) -> Path:
    """Write ``anim`` to a GIF file at ``path`` (Pillow writer) and return the path."""
    path = Path(path)
    anim.save(path, writer=PillowWriter(fps=fps))
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m lessons_code.visualizations --out DIR [NAME ...]``: write the animations as GIFs."""
    parser = argparse.ArgumentParser(
        prog="python -m lessons_code.visualizations",
        description=(
            "Render the book's gradient-flow animations to GIF files (one per animation), computed "
            "from the real backward pass of lessons_code.fc and lessons_code.conv. "
            f"Animations: {', '.join(ANIMATIONS)}."
        ),
    )
    parser.add_argument(
        "--out", required=True, type=Path, help="folder to write NAME.gif into (created if missing)"
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"animations to render (default: all): {', '.join(ANIMATIONS)}",
    )
    parser.add_argument("--dpi", type=int, default=80, help="pixels per inch of the frames (default: 80)")
    parser.add_argument("--fps", type=float, default=1.0, help="frames per second of the GIF (default: 1)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in ANIMATIONS]
    if unknown:
        parser.error(f"unknown animation {', '.join(unknown)}; choose from {', '.join(ANIMATIONS)}")
    if args.dpi < 20 or args.dpi > 400:
        parser.error(f"--dpi must be between 20 and 400, got {args.dpi}")
    if not args.fps > 0:
        parser.error(f"--fps must be positive, got {args.fps}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"output folder {args.out} is not a writable directory (it is a file)")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        parser.error(f"cannot create output folder {args.out}: {err.strerror or err}")
    if not args.out.is_dir() or not os.access(args.out, os.W_OK | os.X_OK):
        parser.error(f"output folder {args.out} is not a writable directory")
    for name in args.names or list(ANIMATIONS):
        path = save_gif(ANIMATIONS[name](dpi=args.dpi), args.out / f"{name}.gif", fps=args.fps)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
