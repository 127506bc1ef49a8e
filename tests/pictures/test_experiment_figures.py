"""The experiments chapter's learned-kernel figure draws what it is given."""

import numpy as np
import pytest

from lessons_code.pictures import experiment_figures


def test_learned_kernels_figure_has_three_rows_of_kernels_and_a_seed_panel():
    rng = np.random.default_rng(0)
    k = rng.standard_normal((3, 4, 1, 3, 3))
    fig = experiment_figures.plot_learned_kernels(
        k[0], k[1], k[2], {"ordered": [0.2, 0.1], "shuffled": [-0.1, 0.0]}
    )
    images = [im for ax in fig.get_axes() for im in ax.get_images()]
    assert len(images) == 3 * 4
    assert np.array_equal(images[4].get_array(), k[1][0, 0])  # second row: the ordered run
    scatter = [ax for ax in fig.get_axes() if ax.get_title() == "per seed"]
    assert len(scatter) == 1 and scatter[0].collections[0].get_offsets().shape == (2, 2)
    with pytest.raises(ValueError, match="one shape"):
        experiment_figures.plot_learned_kernels(k[0], k[1][:2], k[2], {"ordered": [0.2], "shuffled": [0.1]})


def test_parameter_curve_plots_one_line_per_model_on_a_log_axis():
    curves = {"MLP": ([310, 610], [[0.5, 0.6], [0.9, 0.95]]), "CNN": ([180, 350], [[0.8, 0.9], [0.94, 0.95]])}
    fig = experiment_figures.plot_parameter_curve(curves, {"MLP": "mlp", "CNN": "cnn"})
    ax = fig.get_axes()[0]
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 2
    assert np.allclose(ax.get_lines()[0].get_ydata(), [55.0, 92.5])
    with pytest.raises(ValueError, match="one set of accuracies per width"):
        experiment_figures.plot_parameter_curve({"MLP": ([1, 2], [[0.5]])}, {"MLP": "mlp"})
