"""Pictures: every figure, animation and player of the book, drawn with matplotlib from data.

Modules: :mod:`.palette` (the book's colours), :mod:`.drawing` (grid and ink helpers),
:mod:`.figures` (static figures of the lesson), :mod:`.experiment_figures` (figures of the
training runs, from their results), :mod:`.animations` (the gradient-flow animations and the
GIF command ``python -m lessons_code.pictures.animations``), :mod:`.player` (an animation as an
accessible, reproducible HTML player).

Nothing here trains or imports :mod:`lessons_code.experiments`: figures take the data they draw.
Importing this package inside IPython (a book page) lets a bare ``Figure`` display as a PNG.
"""


def _display_figures_in_ipython() -> None:
    """Let a bare ``matplotlib.figure.Figure`` display as a PNG in IPython and Jupyter.

    The package builds figures without pyplot (no global figure state), and IPython only
    knows how to show pyplot's figures once pyplot is imported. This registers the same PNG
    formatter pyplot's inline backend would, and does nothing outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # IPython is optional for the package
        return
    shell = get_ipython()
    if shell is None:
        return
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight", dpi=110))


_display_figures_in_ipython()
