"""lessons_code: the computation behind the book *FC vs convolution layers*.

One module per concept:

* :mod:`~lessons_code.fc` -- the fully connected layer, forward and backward;
* :mod:`~lessons_code.conv` -- single-channel 2-D convolution, forward and backward, with loop twins;
* :mod:`~lessons_code.conv_layer` -- the batched layer with stride, padding and dilation;
* :mod:`~lessons_code.fc_vs_conv` -- the seed lesson's API (``fc_backward``, ``conv_weight_grad``);
* :mod:`~lessons_code.gradcheck` -- centred finite differences and relative errors;
* :mod:`~lessons_code.geometry` -- receptive fields and translation equivariance;
* :mod:`~lessons_code.matrix_view` -- a convolution as a sparse, tied matrix;
* :mod:`~lessons_code.params` -- parameter counts; :mod:`~lessons_code.param_chart` draws them;
* :mod:`~lessons_code.visualizations` -- per-frame gradient-flow data, animations and the GIF CLI;
* :mod:`~lessons_code.optimization` -- small least-squares experiments behind the optimization claims;
* :mod:`~lessons_code.data`, :mod:`~lessons_code.models`, :mod:`~lessons_code.experiments` --
  numpy MLP/CNN training on scikit-learn's bundled digits; :mod:`~lessons_code.experiment_figures`;
* :mod:`~lessons_code.exercises` -- self-checks a learner runs on their own answers;
* :mod:`~lessons_code.takeaways` -- the key-takeaways rows, every number recomputed;
* :mod:`~lessons_code.figures`, :mod:`~lessons_code.palette`, :mod:`~lessons_code.tables` --
  what the pages show.
"""

__version__ = "0.1.0"


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
