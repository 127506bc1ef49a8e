"""One colour-blind-safe palette for every figure in the book.

Roles, not hues: the same thing has the same colour on every page. The
qualitative colours are Okabe & Ito's; signed quantities (weights, gradients)
use a blue-orange diverging map centred on zero, never red against green.
Figures have an opaque white background so they stay legible in dark mode.
"""

from __future__ import annotations

#: Okabe-Ito colours, by the role they play in the lesson.
INPUT = "#0072B2"  # blue: input pixels / x
OUTPUT = "#E69F00"  # orange: output units / y
KERNEL = "#009E73"  # bluish green: kernel / weights
GRADIENT = "#CC79A7"  # reddish purple: gradients
HIGHLIGHT = "#D55E00"  # vermillion: the one unit in focus
MUTED = "#BBBBBB"  # grey: cells that play no part
INK = "#222222"  # text and outlines

#: Colormaps (matplotlib names).
DIVERGING = "PuOr_r"  # signed values, centred on 0
SEQUENTIAL = "cividis"  # counts and magnitudes

#: Background of every figure (opaque, so dark mode does not swallow it).
FACE = "white"

RC = {
    "figure.facecolor": FACE,
    "axes.facecolor": FACE,
    "savefig.facecolor": FACE,
    "axes.edgecolor": INK,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "font.size": 10,
    "axes.titlesize": 10,
}
