"""The book's two animations, drawn from the gradient-flow frame data, and their GIF export.

* :func:`anim_fc_vs_conv`: the FC and the convolution backward pass side by side, one output
  unit per frame (data: :func:`lessons_code.gradient_flow.gradient_flow_frames`);
* :func:`anim_coverage`: the conv window sliding over the input while a count of reads builds
  up (final count: :func:`lessons_code.geometry.coverage_count`).

Both return a ``matplotlib.animation.FuncAnimation`` over a bare ``Figure`` (no pyplot);
:func:`lessons_code.pictures.player.animation_html` puts one on a page.

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
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import conv
from .._checks import as_pair, check_int, check_real
from ..geometry import coverage_count
from ..gradient_flow import GradientFlowProblem, example_problem, gradient_flow_frames
from . import palette
from .drawing import clean_axes, ink_for, signed_cmap, strip_negative_zero, vmax

# --- the main animation ----------------------------------------------------------


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
    cmap = signed_cmap()
    norm_dx_fc = mpl.colors.Normalize(-1.0, 1.0)  # reset on every step, see update()
    norm_dx_conv = mpl.colors.Normalize(-1.0, 1.0)
    vw = vmax(last.fc_dW_sum)
    norm_dW = mpl.colors.Normalize(-vw, vw)
    vk = vmax(*(f.conv_dK_sum for f in frames))
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
        clean_axes(ax["fc_out"], fc_out_shape)
        clean_axes(ax["conv_out"], (oh, ow))
        clean_axes(ax["fc_in"], (h, w))
        clean_axes(ax["conv_in"], (h, w))
        clean_axes(ax["fc_w"])
        clean_axes(ax["conv_w"], (kh, kw))
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
            im["fc_in"].set_clim(-vmax(f.fc_dx), vmax(f.fc_dx))
            im["conv_in"].set_clim(-vmax(f.conv_dx), vmax(f.conv_dx))
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
                    dk_text[p][q].set_text(strip_negative_zero(f"{value:.1f}"))
                    dk_text[p][q].set_color(ink_for(cmap, norm_dK, value))
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
    oh, ow = conv.output_shape((h, w), (kh, kw))
    n = oh * ow
    final = coverage_count((h, w), (kh, kw))  # refuses sizes past the package's limit
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
        clean_axes(ax_in, (h, w))
        clean_axes(ax_out, (oh, ow))
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
    fps = check_real("fps", fps)
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
