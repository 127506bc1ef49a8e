"""The cost chapter's figure: one panel per upsampling, each cell labelled with its count."""

import numpy as np
import pytest

from lessons_code import upsampling
from lessons_code.pictures.cost_figures import plot_overlap_counts


@pytest.mark.parametrize("narrow", [False, True])
def test_overlap_figure_labels_every_cell_with_its_count(narrow):
    panels = {
        "k=3, s=2": upsampling.transposed_overlap(3, 3, 2),
        "k=4, s=2": upsampling.transposed_overlap(3, 4, 2),
    }
    fig = plot_overlap_counts(panels, narrow=narrow)
    axes = fig.get_axes()
    assert [a.get_title() for a in axes] == list(panels)
    for ax, counts in zip(axes, panels.values(), strict=True):
        labels = [int(t.get_text()) for t in ax.texts]
        assert labels == counts.astype(int).ravel().tolist()
        assert np.array_equal(ax.images[0].get_array(), counts)
    width, height = fig.get_size_inches()
    assert (width < height) == narrow


def test_overlap_figure_refuses_no_panels():
    with pytest.raises(TypeError, match="panels"):
        plot_overlap_counts({})


def test_matrix_blocks_figure_shows_where_m_holds_a_weight():
    from lessons_code.pictures.cost_figures import plot_matrix_blocks

    m = np.kron(np.eye(2), np.ones((3, 3)))
    fig = plot_matrix_blocks({"groups = 2": m, "groups = 1": np.ones((6, 6))})
    axes = fig.get_axes()
    assert [a.get_title() for a in axes] == ["groups = 2", "groups = 1"]
    assert np.array_equal(axes[0].images[0].get_array(), m != 0)
    with pytest.raises(TypeError, match="matrices"):
        plot_matrix_blocks([m])
