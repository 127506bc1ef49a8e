"""Static figures (lessons_code.pictures.figures): each draws the data it is given."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from lessons_code import conv, fc, geometry, gradient_flow, matrix_view
from lessons_code import param_counts as params
from lessons_code.pictures import figures, palette
from lessons_code.pictures.figures import plot_param_counts


def _images(ax):
    return ax.get_images()


def _kernel_axes(fig):
    every = [c for a in fig.axes for c in (a, *a.child_axes)]
    (ax,) = [a for a in every if a.get_title().startswith("kernel K")]
    return ax


def test_plot_receptive_fields_unchanged():
    fc_mask = np.ones((6, 6), dtype=bool)
    conv_mask = np.zeros((6, 6), dtype=bool)
    conv_mask[1:4, 2:5] = True
    fig = figures.plot_receptive_fields(fc_mask, conv_mask, 7, (1, 2))
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "(36 of 36)" in fig.axes[0].get_title() and "(9 of 36)" in fig.axes[1].get_title()


def test_layer_matrices_shows_the_true_matrices_and_ties():
    fig = figures.plot_layer_matrices((6, 6), (3, 3), 16, seed=0)
    assert isinstance(fig, Figure)
    ax_fc, ax_conv = fig.axes[0], fig.axes[1]
    W_drawn = _images(ax_fc)[0].get_array()
    assert W_drawn.shape == (16, 36) and np.count_nonzero(W_drawn) == 576
    im = _images(ax_conv)[0]
    M_drawn = im.get_array()
    index = matrix_view.conv_matrix_index((3, 3), (6, 6))
    assert np.array_equal(np.ma.getmaskarray(M_drawn), index < 0)  # zeros are masked (grey)
    kernel = _images(_kernel_axes(fig))[0].get_array()  # the kernel panel
    assert np.array_equal(M_drawn.filled(0.0), matrix_view.conv_matrix(kernel, (6, 6)))
    assert len(np.unique(kernel)) == 9 and (kernel != 0).all()
    rgba = im.to_rgba(M_drawn)
    for k in range(9):  # tied entries: one colour per kernel entry, different entries differ
        colours = {tuple(c) for c in rgba[index == k]}
        assert len(colours) == 1
    assert len({tuple(rgba[index == k][0]) for k in range(9)}) == 9
    labels = sorted(int(t.get_text()) for t in ax_conv.texts)
    assert labels == sorted(index[index >= 0].tolist())  # each cell names its kernel entry
    assert "16×36" in ax_fc.get_title() and "144 non-zero" in ax_conv.get_title()
    assert "9 distinct" in ax_conv.get_title()
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    assert fig.get_figwidth() <= 7.0


def test_layer_matrices_options_and_validation():
    kernel = np.arange(1.0, 7.0).reshape(2, 3)
    fig = figures.plot_layer_matrices((5, 7), n_out_fc=None, kernel=kernel)
    assert len(fig.axes) == 2  # conv matrix and the kernel row (with insets), no FC panel
    assert np.array_equal(_images(_kernel_axes(fig))[0].get_array(), kernel)
    assert np.array_equal(
        _images(fig.axes[0])[0].get_array().filled(0.0), matrix_view.conv_matrix(kernel, (5, 7))
    )
    W = np.ones((3, 35))
    fig = figures.plot_layer_matrices((5, 7), kernel=kernel, W=W, annotate=False)
    assert np.array_equal(_images(fig.axes[0])[0].get_array(), W) and not fig.axes[1].texts
    big = figures.plot_layer_matrices((10, 10), (3, 3), None)
    assert not big.axes[0].texts  # cells too small for numbers: none are drawn
    with pytest.raises(ValueError, match="larger than input_shape"):
        figures.plot_layer_matrices((2, 2), (3, 3))
    with pytest.raises(ValueError, match="W must have 36 columns"):
        figures.plot_layer_matrices(W=np.ones((4, 30)))
    with pytest.raises(TypeError, match="n_out_fc must be an int"):
        figures.plot_layer_matrices(n_out_fc=2.5)
    with pytest.raises(TypeError, match="annotate"):
        figures.plot_layer_matrices(annotate="yes")


def test_plot_coverage_writes_the_counts():
    fig = figures.plot_coverage((6, 6), (3, 3), n_out_fc=16)
    ax_fc, ax_conv = fig.axes[:2]
    assert [t.get_text() for t in ax_fc.texts] == ["16"] * 36
    conv_counts = np.array([int(t.get_text()) for t in ax_conv.texts]).reshape(6, 6)
    assert np.array_equal(conv_counts, geometry.coverage_count((6, 6), (3, 3)))
    assert conv_counts[0, 0] == 1 and conv_counts[2, 2] == 9
    assert "1 to 9" in ax_conv.get_title()


def test_plot_gradient_magnitudes_draws_dW_and_dK():
    p = gradient_flow.example_problem(seed=5)
    fig = figures.plot_gradient_magnitudes(p)
    ax_w, ax_k = fig.axes[:2]
    dW, _ = fc.fc_backward(p.x.ravel(), p.W, p.dy.ravel())
    dK = conv.conv_weight_grad(p.x, p.kernel, p.dy)
    assert np.array_equal(_images(ax_w)[0].get_array(), np.abs(dW))
    assert np.array_equal(_images(ax_k)[0].get_array(), np.abs(dK))
    assert _images(ax_w)[0].norm.vmax == _images(ax_k)[0].norm.vmax  # one colour scale
    assert _images(ax_w)[0].get_cmap().name.startswith(palette.SEQUENTIAL)
    with pytest.raises(TypeError, match="GradientFlowProblem"):
        figures.plot_gradient_magnitudes("x")


def test_small_multiples_has_one_tile_per_frame():
    frames = gradient_flow.gradient_flow_frames(gradient_flow.example_problem())
    fig = figures.plot_gradient_flow_small_multiples(frames, steps_dK=(1, 8, 16))
    axes = fig.get_axes()
    assert len(axes) == 2 * 16 + 3
    for k, f in enumerate(frames):  # tiles in frame order: FC grid then conv grid
        fc_img, conv_img = _images(axes[2 * k])[0], _images(axes[2 * k + 1])[0]
        assert np.array_equal(~np.ma.getmaskarray(fc_img.get_array()), f.fc_input_mask)
        assert np.array_equal(~np.ma.getmaskarray(conv_img.get_array()), f.conv_input_mask)
    assert np.array_equal(_images(axes[-1])[0].get_array(), frames[-1].conv_dK_sum)
    assert axes[-1].get_title() == "after 16 steps = dK"
    with pytest.raises(ValueError, match="between 1 and 16"):
        figures.plot_gradient_flow_small_multiples(frames, steps_dK=(4, 17))
    with pytest.raises(ValueError, match="must be >= 1"):
        figures.plot_gradient_flow_small_multiples(frames, steps_dK=(0,))
    with pytest.raises(TypeError, match="GradientFlowFrame"):
        figures.plot_gradient_flow_small_multiples([1, 2])


def test_chart_is_a_log_scale_figure_with_one_bar_per_layer():
    rows = params.param_comparison()
    fig = plot_param_counts(rows)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    widths = [patch.get_width() for patch in ax.patches]
    assert np.allclose(widths, [r.total for r in rows], rtol=1e-12, atol=0)
    assert [t.get_text() for t in ax.get_yticklabels()] == [r.layer for r in rows]
    assert fig.get_facecolor()[3] == 1.0  # opaque background for dark mode
