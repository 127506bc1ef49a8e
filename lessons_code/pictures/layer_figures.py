"""Figures and the animation of the real-layer chapter (stride, transposed convolution, receptive fields).

* :func:`anim_strided_backward`: the input gradient of a stride-2 convolution, one output unit per
  frame (data: :func:`lessons_code.backward_rules.strided_backward_frames`);
* :func:`plot_stride_as_full_conv`: the same gradient as one full convolution of the dilated ``dy``;
* :func:`plot_receptive_growth`: one unit's input gradient through 1, 2, 3 stacked layers.

Everything is drawn from the data it is given, on bare ``Figure`` objects, in the book's palette.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import backward_rules, geometry
from .._checks import as_float_array, as_pair, require_int
from . import palette
from .drawing import clean_axes, ink_for, signed_cmap, strip_negative_zero, vmax


def _numbers(ax, values, cmap, norm, *, skip=None, fontsize=9, fmt="{:.0f}") -> list:
    """Write each value in its cell (dark or white ink); ``skip`` masks cells left blank."""
    texts = []
    for r in range(values.shape[0]):
        row = []
        for c in range(values.shape[1]):
            blank = skip is not None and skip[r, c]
            text = "" if blank else strip_negative_zero(fmt.format(values[r, c]))
            row.append(ax.text(c, r, text, ha="center", va="center", fontsize=fontsize,
                               color=ink_for(cmap, norm, values[r, c])))  # fmt: skip
        texts.append(row)
    return texts


def _unread(x_shape, k_shape, stride) -> np.ndarray:
    """Pixels no window reads (valid convolution): the last ``(H - k) mod s`` rows and columns."""
    (h, w), (kh, kw), (sh, sw) = x_shape, k_shape, stride
    mask = np.zeros((h, w), dtype=bool)
    mask[h - (h - kh) % sh :, :] = True
    mask[:, w - (w - kw) % sw :] = True
    return mask


def anim_strided_backward(
    x_shape, kernel, dy, *, stride=2, dpi: int = 72, interval: int = 1400, narrow: bool = False
):
    """The input gradient of a strided convolution, one output unit per frame.

    Panels: ``dy`` with the unit in focus; the dilated ``dy`` (``s - 1`` zeros inserted) with the
    same entry; the running ``dx`` with the unit's window framed and the pixels no window reads
    hatched. x_shape: ``(H, W)``; kernel: ``(kh, kw)``; dy: ``(H_out, W_out)``. The frame data is
    ``anim.stride_frames``; frame count ``H_out * W_out``. Labels are >= 8.5 pt. narrow: the phone
    drawing (3.4 inches wide, ``dx`` below the two ``dy`` panels).
    """
    frames = backward_rules.strided_backward_frames(x_shape, kernel, dy, stride=stride)
    kernel = as_float_array("kernel", kernel, 2)
    dy = as_float_array("dy", dy, 2)
    (h, w), (sh, sw) = as_pair("x_shape", x_shape, 1), as_pair("stride", stride, 1)
    dpi, interval = require_int("dpi", dpi, 20), require_int("interval", interval, 1)
    kh, kw = kernel.shape
    dilated = backward_rules.dilate(dy, (sh, sw))
    inserted = np.ones(dilated.shape, dtype=bool)
    inserted[::sh, ::sw] = False
    unread = _unread((h, w), (kh, kw), (sh, sw))
    cmap = signed_cmap()
    v = vmax(dy, frames[-1].dx_sum)
    norm = mpl.colors.Normalize(-v, v)
    n = len(frames)
    with mpl.rc_context(palette.RC):
        br = "\n" if narrow else " "
        if narrow:
            fig = Figure(figsize=(3.4, 6.0), dpi=dpi, layout="constrained")
            grid = fig.add_gridspec(
                2, 2, width_ratios=[dy.shape[1], dilated.shape[1]], height_ratios=[1, 1.6]
            )
            ax_dy, ax_dd, ax_dx = (
                fig.add_subplot(grid[0, 0]),
                fig.add_subplot(grid[0, 1]),
                fig.add_subplot(grid[1, :]),
            )
        else:
            fig = Figure(figsize=(6.8, 3.4), dpi=dpi, layout="constrained")
            ax_dy, ax_dd, ax_dx = fig.subplots(1, 3, width_ratios=[dy.shape[1], dilated.shape[1], w])
        title = fig.suptitle("", fontsize=11, fontweight="bold")
        fig.supxlabel(f"purple < 0 < orange  ·  grey: an inserted zero{br if narrow else '  ·  '}hatched: "
                      f"no window reads{br}this pixel, its gradient is 0", fontsize=8.5)  # fmt: skip
        ax_dy.imshow(dy, cmap=cmap, norm=norm)
        _numbers(ax_dy, dy, cmap, norm)
        clean_axes(ax_dy, dy.shape)
        ax_dy.set_title(f"dy ({dy.shape[0]}×{dy.shape[1]})")
        ax_dd.imshow(np.ma.masked_where(inserted, dilated), cmap=cmap, norm=norm)
        _numbers(ax_dd, dilated, cmap, norm, skip=inserted)
        clean_axes(ax_dd, dilated.shape)
        ax_dd.set_title(f"dy dilated by s = {sh}\n({dilated.shape[0]}×{dilated.shape[1]})")
        im_dx = ax_dx.imshow(np.zeros((h, w)), cmap=cmap, norm=norm)
        dx_text = _numbers(ax_dx, np.zeros((h, w)), cmap, norm, fontsize=8.5)
        clean_axes(ax_dx, (h, w))
        for r, c in zip(*np.nonzero(unread), strict=True):
            ax_dx.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///",
                                      edgecolor=palette.INK, linewidth=0))  # fmt: skip

        def frame_box(ax, width, height):
            return ax.add_patch(Rectangle((-0.5, -0.5), width, height, fill=False,
                                          edgecolor=palette.HIGHLIGHT, linewidth=3))  # fmt: skip

        box_dy, box_dd, box_dx = frame_box(ax_dy, 1, 1), frame_box(ax_dd, 1, 1), frame_box(ax_dx, kw, kh)

        def update(t: int):
            f = frames[t]
            i, j = f.unit
            title.set_text(f"Step {t + 1} of {n}: dy[{i}, {j}] = {f.dy_t:+.0f} goes back{br}to the window at "
                           f"({f.window[0]}, {f.window[1]})")  # fmt: skip
            box_dy.set_xy((j - 0.5, i - 0.5))
            box_dd.set_xy((f.dilated_at[1] - 0.5, f.dilated_at[0] - 0.5))
            box_dx.set_xy((f.window[1] - 0.5, f.window[0] - 0.5))
            im_dx.set_data(f.dx_sum)
            for r in range(h):
                for c in range(w):
                    dx_text[r][c].set_text(strip_negative_zero(f"{f.dx_sum[r, c]:.0f}"))
                    dx_text[r][c].set_color(ink_for(cmap, norm, f.dx_sum[r, c]))
            ax_dx.set_title(f"dx so far ({h}×{w})\n+ dy[{i}, {j}] · K on the framed window")
            return []

        update(0)
        anim = FuncAnimation(fig, update, frames=n, interval=interval, blit=False, repeat=False)
    anim.stride_frames = frames
    return anim


def plot_stride_as_full_conv(x_shape, kernel, dy, *, stride=2) -> Figure:
    """The strided input gradient as one full convolution: the dilated ``dy`` padded by ``k - 1``,
    the kernel rotated by 180°, and the result ``dx`` (with the unread pixels hatched)."""
    kernel = as_float_array("kernel", kernel, 2)
    dy = as_float_array("dy", dy, 2)
    (h, w), (sh, sw) = as_pair("x_shape", x_shape, 1), as_pair("stride", stride, 1)
    kh, kw = kernel.shape
    dx = backward_rules.input_grad_as_conv(dy[None, None], kernel[None, None], (1, 1, h, w),
                                           stride=(sh, sw))[0, 0]  # fmt: skip
    padded = np.pad(backward_rules.dilate(dy, (sh, sw)), ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    real = np.zeros(padded.shape, dtype=bool)
    real[
        kh - 1 : kh - 1 + sh * (dy.shape[0] - 1) + 1 : sh, kw - 1 : kw - 1 + sw * (dy.shape[1] - 1) + 1 : sw
    ] = True
    cmap = signed_cmap()
    v = vmax(dy, dx, kernel)
    norm = mpl.colors.Normalize(-v, v)
    unread = _unread((h, w), (kh, kw), (sh, sw))
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(7.6, 3.4), layout="constrained")
        ax_p, ax_k, ax_x = fig.subplots(1, 3, width_ratios=[padded.shape[1], kw + 2, w])
        ax_p.imshow(np.ma.masked_where(~real, padded), cmap=cmap, norm=norm)
        _numbers(ax_p, padded, cmap, norm, skip=~real)
        clean_axes(ax_p, padded.shape)
        ax_p.set_title(f"dy dilated by {sh}, padded by {kh - 1}\n(grey: zeros)")
        rot = kernel[::-1, ::-1]
        ax_k.imshow(rot, cmap=cmap, norm=norm)
        _numbers(ax_k, rot, cmap, norm)
        clean_axes(ax_k, rot.shape)
        ax_k.set_title("⋆ K rotated 180°")
        ax_x.imshow(dx, cmap=cmap, norm=norm)
        _numbers(ax_x, dx, cmap, norm, fontsize=8)
        clean_axes(ax_x, (h, w))
        for r, c in zip(*np.nonzero(unread), strict=True):
            ax_x.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///",
                                     edgecolor=palette.INK, linewidth=0))  # fmt: skip
        ax_x.set_title(f"= dx ({h}×{w})\nhatched: read by no window")
    return fig


def plot_receptive_growth(stacks, input_size: int = 17, titles=None) -> Figure:
    """One output unit's input gradient through each stack in ``stacks`` (kernels of ones).

    stacks: list of lists of ``(k, s, d)`` layers, one panel each; cells are coloured by the
    number of paths from the pixel to the unit (grey: none), and each panel is titled with the
    receptive-field size. Returns a Figure with one row of panels.
    """
    input_size = require_int("input_size", input_size, 1)
    prints = [geometry.backward_footprint(input_size, list(layers)) for layers in stacks]
    titles = titles or [f"{len(layers)} layer{'s' * (len(layers) > 1)}" for layers in stacks]
    cmap = mpl.colormaps[palette.SEQUENTIAL].with_extremes(bad=palette.MUTED)
    with mpl.rc_context(palette.RC):
        fig = Figure(figsize=(2.2 * len(stacks) + 0.6, 2.8), layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(stacks)))
        for ax, fp, name in zip(axes, prints, titles, strict=True):
            image = ax.imshow(np.ma.masked_where(fp == 0, fp / fp.max()), cmap=cmap, vmin=0, vmax=1)
            clean_axes(ax, fp.shape if input_size <= 24 else None)
            size = geometry.footprint_extent(fp)[0]
            ax.set_title(f"{name}\n{size}×{size} pixels", fontsize=9)
        bar = fig.colorbar(image, ax=list(axes), shrink=0.8)
        bar.set_label("paths to the unit\n(share of the most)")
    return fig
