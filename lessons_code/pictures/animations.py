"""The book's two animations, drawn from the gradient-flow frame data, and their GIF export.

* :func:`anim_fc_vs_conv`: the FC and the convolution backward pass side by side, one output
  unit per frame (data: :func:`lessons_code.gradient_flow.gradient_flow_frames`);
* :func:`anim_coverage`: the conv window sliding over the input while a count of reads builds
  up (final count: :func:`lessons_code.geometry.coverage_count`).

Both return a ``matplotlib.animation.FuncAnimation`` over a bare ``Figure`` (no pyplot);
:func:`lessons_code.pictures.player.animation_player` puts one on a page. Each takes ``narrow=True``
for its phone drawing (portrait, at most 328 px wide: whole on a 360 px screen, labels >= 11 px).

Command line: ``python -m lessons_code.pictures.animations --out DIR`` writes every
animation to ``DIR/<name>.gif``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import conv
from .._checks import as_pair, require_int, require_real
from ..geometry import coverage_count
from ..gradient_flow import GradientFlowProblem, example_problem, gradient_flow_frames
from . import palette
from .drawing import clean_axes, ink_for, signed_cmap, strip_negative_zero, vmax

# --- the main animation ----------------------------------------------------------


LEGEND = (
    "purple < 0 < orange (grey: no gradient); dx and the dW row rescaled per step\n"
    "black frame: the unit in focus, its window, its row of dW"
)
#: The legend of the narrow (phone) drawing: the same words on four lines.
LEGEND_NARROW = (
    "purple < 0 < orange (grey: no gradient);\ndx and the dW row rescaled per step\n"
    "black frame: the unit in focus,\nits window, its row of dW"
)
#: Smallest font size (points) of the gradient-flow animation: 9 pt at 90 dpi is 11.25 px.
MIN_FONT_PT = 9


def anim_fc_vs_conv(
    problem: GradientFlowProblem | None = None, *, dpi: int = 90, interval: int = 1200, narrow: bool = False
):
    """FC (left half) and convolution (right half) backward passes, one output unit per frame.

    Rows: the output unit sending gradient; what the unit reads (FC: x and its row of W;
    conv: x with the window and K); what it sends back (dx, and its weight-gradient
    share: FC ``dW[t, :] = dy·x``, conv the window's products ``dy·x[window]``); the weight
    gradient so far (FC: the ``n_out × H·W`` matrix dW, current row framed, earlier rows kept;
    conv: ``dK``, the sum of every step's products). Returns a ``FuncAnimation`` over a bare
    ``Figure`` with ``H_out * W_out`` frames; the frame data is ``anim.gradient_frames`` (see
    :func:`gradient_flow_frames`). problem: defaults to :func:`example_problem`; dpi: pixels
    per inch; interval: milliseconds per frame when playing. Every label is at least
    :data:`MIN_FONT_PT` points. narrow: the phone drawing, 3.6 inches wide (324 px at 90 dpi):
    FC in the left column, convolution in the right, one row per panel pair.
    """
    problem = example_problem() if problem is None else problem
    frames = gradient_flow_frames(problem)
    dpi = require_int("dpi", dpi, 20)
    interval = require_int("interval", interval, 1)
    x, K, W = problem.x, problem.kernel, problem.W
    h, w = x.shape
    kh, kw = K.shape
    oh, ow = problem.out_shape
    n = len(frames)
    last = frames[-1]
    cmap = signed_cmap()
    vx, vW = vmax(x), vmax(W)
    norm_x = mpl.colors.Normalize(-vx, vx)
    norm_W = mpl.colors.Normalize(-vW, vW)
    norm_K = mpl.colors.Normalize(-vmax(K), vmax(K))
    # dW = outer(dy, x) spans a wide range: colours saturate at the 90th percentile of |dW| so that
    # the rows of small dy_t stay visible (the sign is what the panel shows).
    vw = float(np.percentile(np.abs(last.fc_dW_sum), 90)) or 1.0
    norm_dW = mpl.colors.Normalize(-vw, vw)
    vk = vmax(*(f.conv_dK_sum for f in frames), *(f.conv_dK for f in frames))
    norm_dK = mpl.colors.Normalize(-vk, vk)
    out_cmap = mpl.colors.ListedColormap([palette.MUTED, palette.HIGHLIGHT])
    small = MIN_FONT_PT
    row = 8 if narrow else 16
    fc_out_shape = (1, n) if n <= row else (int(np.ceil(n / row)), row)

    with mpl.rc_context({**palette.RC, "font.size": small + 1, "axes.titlesize": small + 1}):
        if narrow:
            fig = Figure(figsize=(3.6, 10.2), dpi=dpi, layout="constrained")
            grid = fig.add_gridspec(6, 2, height_ratios=[0.6, 1, 1, 1, 1, 1.1])
            left = ("fc_out", "fc_x", "fc_wrow", "fc_dx", "fc_dwrow", "fc_w")
            right = ("conv_out", "conv_x", "conv_k", "conv_dx", "conv_prod", "conv_w")
            spots = {key: (r, c) for c, keys in enumerate((left, right)) for r, key in enumerate(keys)}
        else:
            fig = Figure(figsize=(6.9, 7.0), dpi=dpi, layout="constrained")
            grid = fig.add_gridspec(4, 4, height_ratios=[0.55, 1, 1, 1.15], width_ratios=[1, 1, 1, 1])
            spots = {
                "fc_out": (0, slice(0, 2)), "conv_out": (0, slice(2, 4)),
                "fc_x": (1, 0), "fc_wrow": (1, 1), "conv_x": (1, 2), "conv_k": (1, 3),
                "fc_dx": (2, 0), "fc_dwrow": (2, 1), "conv_dx": (2, 2), "conv_prod": (2, 3),
                "fc_w": (3, slice(0, 2)), "conv_w": (3, slice(2, 4)),
            }  # fmt: skip
        br = "\n" if narrow else " "  # where the narrow drawing breaks a line
        ax = {key: fig.add_subplot(grid[r, c]) for key, (r, c) in spots.items()}
        title = fig.suptitle("", fontsize=small + 2, fontweight="bold")
        fig.supxlabel(LEGEND_NARROW if narrow else LEGEND, fontsize=small)

        def show(key, shape, norm, **kw):
            image = ax[key].imshow(np.zeros(shape), cmap=kw.pop("cmap", cmap), norm=norm, **kw)
            clean_axes(ax[key])
            if kw.get("aspect") != "auto":
                _cell_lines(ax[key], shape)
            return image

        im = {
            "fc_out": show("fc_out", fc_out_shape, mpl.colors.Normalize(0, 1), cmap=out_cmap),
            "conv_out": show("conv_out", (oh, ow), mpl.colors.Normalize(0, 1), cmap=out_cmap),
            "fc_x": show("fc_x", (h, w), norm_x),
            "fc_wrow": show("fc_wrow", (h, w), norm_W),
            "conv_x": show("conv_x", (h, w), norm_x),
            "conv_k": show("conv_k", (kh, kw), norm_K),
            "fc_dx": show("fc_dx", (h, w), mpl.colors.Normalize(-1.0, 1.0)),
            "fc_dwrow": show("fc_dwrow", (h, w), mpl.colors.Normalize(-1.0, 1.0)),
            "conv_dx": show("conv_dx", (h, w), mpl.colors.Normalize(-1.0, 1.0)),
            "conv_prod": show("conv_prod", (kh, kw), norm_dK),
            "fc_w": show("fc_w", W.shape, norm_dW, aspect="auto", interpolation="nearest"),
            "conv_w": show("conv_w", (kh, kw), norm_dK),
        }
        im["fc_x"].set_data(x)
        im["conv_x"].set_data(x)
        im["conv_k"].set_data(K)
        ax["fc_out"].set_xlabel(f"{n} units,{br}no spatial layout")
        ax["conv_out"].set_xlabel(f"{oh}×{ow} output image")
        ax["fc_x"].set_title("x: all of it\nis the window")
        ax["conv_x"].set_title(f"x, the {kh}×{kw}\nwindow of unit t")
        ax["conv_k"].set_title(f"K ({kh}×{kw})\nshared")
        ax["fc_dwrow"].set_title("its dW row\n= dy·x")
        ax["conv_dx"].set_title("dx = dy·K\n(window only)")
        ax["conv_prod"].set_title("this step's dK\n= dy·x[window]")
        ax["fc_w"].set_ylabel("output unit")
        ax["fc_w"].set_xlabel(f"input pixel (0–{h * w - 1})")
        ax["fc_w"].set_yticks(range(0, W.shape[0], 5))
        ax["fc_w"].set_xticks(range(0, W.shape[1], max(1, w)))
        ax["fc_w"].tick_params(length=2, labelsize=small)

        def box(a, xy, width, height, lw=2.5):
            return a.add_patch(Rectangle(xy, width, height, fill=False, edgecolor=palette.INK, linewidth=lw))

        box_fc_out = box(ax["fc_out"], (-0.5, -0.5), 1, 1)
        box_conv_out = box(ax["conv_out"], (-0.5, -0.5), 1, 1)
        box(ax["fc_x"], (-0.5, -0.5), w, h)  # the whole input is an FC unit's window: the frame stays put
        box_conv_x = box(ax["conv_x"], (-0.5, -0.5), kw, kh)
        box_conv_dx = box(ax["conv_dx"], (-0.5, -0.5), kw, kh)
        box_fc_w = box(ax["fc_w"], (-0.5, -0.5), h * w, 1, lw=2.0)

        def numbers(key, rows, cols):
            size = small + 1
            return [[ax[key].text(q, p, "", ha="center", va="center", fontsize=size) for q in range(cols)]
                    for p in range(rows)]  # fmt: skip

        text = {key: numbers(key, kh, kw) for key in ("conv_k", "conv_prod", "conv_w")}

        def write(key, values, norm):
            for p in range(kh):
                for q in range(kw):
                    text[key][p][q].set_text(strip_negative_zero(f"{values[p, q]:.1f}"))
                    text[key][p][q].set_color(ink_for(cmap, norm, values[p, q]))

        write("conv_k", K, norm_K)

        def update(k: int):
            f = frames[k]
            i, j = f.conv_unit
            title.set_text(f"Step {k + 1} of {n}: output unit {f.t}{br}sends dy = {f.dy_t:+.2f} back")
            out = np.zeros(fc_out_shape)
            out.flat[f.t] = 1
            im["fc_out"].set_data(out)
            box_fc_out.set_xy((f.t % fc_out_shape[1] - 0.5, f.t // fc_out_shape[1] - 0.5))
            im["conv_out"].set_data(out.ravel()[: oh * ow].reshape(oh, ow))
            box_conv_out.set_xy((j - 0.5, i - 0.5))
            ax["fc_out"].set_title(f"FC layer:{br}output unit {f.t}", fontweight="bold", fontsize=small + 1)
            ax["conv_out"].set_title(
                f"Convolution:{br}unit {f.t} = ({i}, {j})", fontweight="bold", fontsize=small + 1
            )

            # what unit t reads
            im["fc_wrow"].set_data(W[f.t].reshape(h, w))
            ax["fc_wrow"].set_title(f"W[{f.t}, :]: its\nweights, as {h}×{w}", fontsize=small + 1)
            box_conv_x.set_xy((j - 0.5, i - 0.5))
            # what it sends back (dx colours scaled per step: the size of dy_t is in the title)
            for key, values, mask in (
                ("fc_dx", f.fc_dx, f.fc_input_mask),
                ("conv_dx", f.conv_dx, f.conv_input_mask),
            ):
                im[key].set_data(np.ma.masked_where(~mask, values))
                im[key].set_clim(-vmax(values), vmax(values))
            ax["fc_dx"].set_title(
                f"dx = dy·W[{f.t}, :]\nall {int(f.fc_input_mask.sum())} pixels", fontsize=small + 1
            )
            row = f.fc_dW[f.t].reshape(h, w)
            im["fc_dwrow"].set_data(row)
            im["fc_dwrow"].set_clim(-vmax(row), vmax(row))
            box_conv_dx.set_xy((j - 0.5, i - 0.5))
            im["conv_prod"].set_data(f.conv_dK)
            write("conv_prod", f.conv_dK, norm_dK)
            # the weight gradient so far
            done = np.arange(W.shape[0]) <= f.t
            im["fc_w"].set_data(np.ma.masked_where(~done[:, None] | (f.fc_dW_sum == 0), f.fc_dW_sum))
            box_fc_w.set_xy((-0.5, f.t - 0.5))
            ax["fc_w"].set_title(
                f"dW so far: rows 0–{f.t}\nwritten, row {f.t} new,\neach row written once"
                if narrow
                else f"dW so far: rows 0–{f.t} written,\nrow {f.t} new, each row written once",
                fontsize=small + 1,
            )
            im["conv_w"].set_data(f.conv_dK_sum)
            write("conv_w", f.conv_dK_sum, norm_dK)
            ax["conv_w"].set_title(
                f"dK so far: the sum of\n{k + 1} step{'s' * (k > 0)}' products", fontsize=small + 1
            )
            return []

        update(0)
        anim = FuncAnimation(fig, update, frames=n, interval=interval, blit=False, repeat=False)
    _fix_layout(fig)  # outside the rc_context, where the frames are saved
    anim.gradient_frames = frames
    anim.step_labels = [f"output unit {f.t} sends dy = {f.dy_t:+.2f} back" for f in frames]
    return anim


def _cell_lines(ax, shape: tuple[int, int]) -> None:
    """White lines between the cells of an ``h x w`` image, as ``clean_axes(ax, shape)`` draws them
    (same colour, width and height above the image), but as one collection of lines instead of
    the axis's minor ticks and grid, which matplotlib lays out again on every frame of an
    animation (most of a frame's drawing time)."""
    h, w = shape
    segments = [((c, -0.5), (c, h - 0.5)) for c in np.arange(-0.5, w, 1)]
    segments += [((-0.5, r), (w - 0.5, r)) for r in np.arange(-0.5, h, 1)]
    grid = LineCollection(segments, colors=palette.FACE, linewidths=1.0, zorder=1.5)
    ax.add_collection(grid, autolim=False)


def _fix_layout(fig: Figure) -> None:
    """Lay ``fig`` out once (constrained layout, on the frame drawn now) and keep that layout for
    every frame. matplotlib lays out and draws a figure that has a layout engine once more before
    saving it; without one, each frame is drawn once (half the rendering time). Only for an
    animation whose labels keep their size from frame to frame. On the book's gradient-flow
    animation, a per-frame layout differs from the fixed one only by float rounding (1e-16 of the
    figure), which moves a few antialiased pixels of one tick label.

    The axes' titles keep the heights found by that layout too: none of these axes has tick labels
    or a label on top, so matplotlib would place each title at the same height on every frame,
    after measuring every tick of the axes again (a fifth of a frame's drawing time). Pinning them
    sets the flag ``Axes.set_title(y=...)`` sets (``_autotitlepos``, matplotlib 3.10)."""
    fig.draw_without_rendering()
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # no engine: the axes keep the positions laid out above
    for ax in fig.axes:
        top = ax.xaxis.get_ticks_position() in ("top", "unknown") or ax.xaxis.get_label_position() == "top"
        if not top:
            ax._autotitlepos = False


# --- a second, smaller animation: how often each pixel is read ---------------------


def anim_coverage(
    input_shape=(6, 6), kernel_shape=(3, 3), *, dpi: int = 80, interval: int = 900, narrow: bool = False
):
    """The conv window sliding over the input while a count of reads builds up.

    Frame ``t`` adds 1 to every pixel of the window of output ``t``; after the last
    frame the count is :func:`coverage_count` (corners 1, interior ``kh*kw``). Returns a
    ``FuncAnimation`` with ``H_out * W_out`` frames. narrow: the phone drawing (3.6 inches wide,
    the output below the input).
    """
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    oh, ow = conv.output_shape((h, w), (kh, kw))
    n = oh * ow
    final = coverage_count((h, w), (kh, kw))  # refuses sizes past the package's limit
    dpi = require_int("dpi", dpi, 20)
    interval = require_int("interval", interval, 1)
    cmap = mpl.colormaps[palette.SEQUENTIAL]
    norm = mpl.colors.Normalize(0, final.max())
    with mpl.rc_context(palette.RC):
        ratios = [h / max(h, oh), oh / max(h, oh)]
        if narrow:
            fig = Figure(figsize=(3.6, 6.4), dpi=dpi, layout="constrained")
            ax_in, ax_out = fig.subplots(2, 1, height_ratios=ratios)
        else:
            fig = Figure(figsize=(6.0, 3.4), dpi=dpi, layout="constrained")
            ax_in, ax_out = fig.subplots(1, 2, width_ratios=ratios)
        title = fig.suptitle("", fontsize=11, fontweight="bold")
        im = ax_in.imshow(np.zeros((h, w)), cmap=cmap, norm=norm)
        out_im = ax_out.imshow(np.zeros((oh, ow)), cmap=mpl.colors.ListedColormap([palette.MUTED,
                               palette.HIGHLIGHT]), vmin=0, vmax=1)  # fmt: skip
        clean_axes(ax_in)
        clean_axes(ax_out)
        _cell_lines(ax_in, (h, w))
        _cell_lines(ax_out, (oh, ow))
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
            title.set_text(
                f"Step {t + 1} of {n}:{chr(10) if narrow else ' '}the {kh}×{kw} window of output ({i}, {j})"
            )
            return []

        update(0)
        anim = FuncAnimation(fig, update, frames=n, interval=interval, blit=False, repeat=False)
    _fix_layout(fig)  # every frame's titles and labels have the same number of lines
    anim.final_count = final
    anim.step_labels = [f"the window of output ({t // ow}, {t % ow})" for t in range(n)]
    return anim


#: Every animation the CLI can export, by name.
ANIMATIONS: dict[str, Callable[..., FuncAnimation]] = {
    "fc_vs_conv": anim_fc_vs_conv,
    "coverage": anim_coverage,
}


# --- GIF export ---------------------------------------------------------------------


#: Frames per second a GIF can hold: its delays are whole centiseconds from 2 (browsers slow down
#: anything shorter) to 65,535 (a 16-bit field), so 0.01 to 50 frames per second.
FPS_RANGE = (0.01, 50.0)


def save_gif(anim: FuncAnimation, path, *, fps: float = 1.0) -> Path:
    """Write ``anim`` to a GIF file at ``path`` (Pillow writer) and return the path.

    fps: frames per second, within :data:`FPS_RANGE` (``ValueError`` outside, ``TypeError`` for a
    non-number).
    """
    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    fps = require_real("fps", fps)
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise ValueError(f"fps must lie in [{FPS_RANGE[0]}, {FPS_RANGE[1]}] (GIF frame delays), got {fps}")
    path = Path(path)
    anim.save(path, writer=PillowWriter(fps=fps))
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m lessons_code.pictures.animations --out DIR [NAME ...]``: write the animations as GIFs."""
    parser = argparse.ArgumentParser(
        prog="python -m lessons_code.pictures.animations",
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
    parser.add_argument(
        "--fps", type=float, default=1.0, help="frames per second of the GIF, 0.01 to 50 (default: 1)"
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in ANIMATIONS]
    if unknown:
        parser.error(f"unknown animation {', '.join(unknown)}; choose from {', '.join(ANIMATIONS)}")
    if args.dpi < 20 or args.dpi > 400:
        parser.error(f"--dpi must be between 20 and 400, got {args.dpi}")
    if not FPS_RANGE[0] <= args.fps <= FPS_RANGE[1]:  # also refuses nan and inf
        parser.error(f"--fps must be a number from {FPS_RANGE[0]} to {FPS_RANGE[1]}, got {args.fps}")
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
