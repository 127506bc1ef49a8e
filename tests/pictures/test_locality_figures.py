"""The chapter "Locality or sharing?"'s figure draws the three true matrices."""

import numpy as np
from matplotlib.figure import Figure

from lessons_code import locally_connected, matrix_view
from lessons_code.pictures.locality_figures import plot_three_matrices


def _drawn(ax):
    return ax.get_images()[0].get_array()


def test_three_matrices_are_dense_banded_untied_and_banded_tied():
    fig = plot_three_matrices((6, 6), 3, seed=0)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    fc, local, conv = (_drawn(ax) for ax in fig.axes)
    assert fc.shape == local.shape == conv.shape == (16, 36)
    assert not np.ma.getmaskarray(fc).any() and len(np.unique(fc)) == 576
    band = matrix_view.conv_matrix_index((3, 3), (6, 6)) >= 0
    assert np.array_equal(~np.ma.getmaskarray(local), band) and np.array_equal(
        ~np.ma.getmaskarray(conv), band
    )
    assert len(np.unique(local.compressed())) == band.sum()  # untied: every cell its own value
    assert len(np.unique(conv.compressed())) == 9  # tied: nine values
    index = locally_connected.local_matrix_index((4, 4, 1, 1, 3, 3), (1, 6, 6))
    assert np.array_equal(index >= 0, band)
    titles = [ax.get_title() for ax in fig.axes]
    assert (
        titles[0].endswith("576 weights")
        and titles[1].endswith("144 weights")
        and titles[2].endswith("9 weights")
    )
    assert fig.get_figwidth() <= 7.0
