"""Gradient-flow frames (lessons_code.gradient_flow): every frame against the true Jacobian,
built independently by centred finite differences of the forward pass and by the conv matrix."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_code import conv, fc, geometry, gradcheck, gradient_flow, matrix_view

SHAPES = [((6, 6), (3, 3)), ((5, 7), (2, 3)), ((4, 4), (4, 4)), ((3, 5), (1, 1)), ((7, 4), (3, 2))]
#: The finite-difference Jacobian of every frame: the two largest problems run under ``slow``.
FD_SHAPES = [pytest.param(*s, marks=pytest.mark.slow) for s in SHAPES[:2]] + SHAPES[2:]


@pytest.mark.parametrize(("input_shape", "kernel_shape"), FD_SHAPES)
def test_frames_match_finite_difference_jacobian(input_shape, kernel_shape):
    p = gradient_flow.example_problem(input_shape, kernel_shape, seed=7)
    frames = gradient_flow.gradient_flow_frames(p)
    oh, ow = conv.output_shape(input_shape, kernel_shape)
    assert len(frames) == oh * ow
    M = matrix_view.conv_matrix(p.kernel, input_shape)
    for f in frames:
        i, j = divmod(f.t, ow)
        assert f.conv_unit == (i, j) and f.dy_t == p.dy[i, j]
        # Row t of dy/dx and dy/dW, dy/dK, by finite differences of the forward passes.
        jx_fc = gradcheck.numerical_gradient(lambda xx, t=f.t: fc.fc_forward(xx.ravel(), p.W)[t], p.x)
        jw_fc = gradcheck.numerical_gradient(lambda WW, t=f.t: fc.fc_forward(p.x.ravel(), WW)[t], p.W)
        jx_cv = gradcheck.numerical_gradient(lambda xx, i=i, j=j: conv.conv2d(xx, p.kernel)[i, j], p.x)
        jk_cv = gradcheck.numerical_gradient(lambda KK, i=i, j=j: conv.conv2d(p.x, KK)[i, j], p.kernel)
        assert np.array_equal(f.fc_input_mask, np.abs(jx_fc) > 1e-7)
        assert np.array_equal(f.fc_weight_mask, np.abs(jw_fc) > 1e-7)
        assert np.array_equal(f.conv_input_mask, np.abs(jx_cv) > 1e-7)
        assert np.array_equal(f.conv_weight_mask, np.abs(jk_cv) > 1e-7)
        assert np.array_equal(f.conv_input_mask.ravel(), M[f.t] != 0)
        # The values: dy_t times the Jacobian row.
        np.testing.assert_allclose(f.fc_dx, f.dy_t * jx_fc, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.fc_dW, f.dy_t * jw_fc, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.conv_dx, f.dy_t * jx_cv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.conv_dK, f.dy_t * jk_cv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.conv_dx.ravel(), f.dy_t * M[f.t], rtol=0, atol=1e-12)


@pytest.mark.parametrize(("input_shape", "kernel_shape"), SHAPES)
def test_running_sums_end_at_the_full_gradients(input_shape, kernel_shape):
    p = gradient_flow.example_problem(input_shape, kernel_shape, seed=3)
    frames = gradient_flow.gradient_flow_frames(p)
    dK = conv.conv_weight_grad(p.x, p.kernel, p.dy)
    np.testing.assert_allclose(frames[-1].conv_dK_sum, dK, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        frames[-1].conv_dK_sum, conv.conv_weight_grad_loop(p.x, p.kernel, p.dy), rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        frames[-1].conv_dx_sum, conv.conv_input_grad(p.x, p.kernel, p.dy), rtol=0, atol=1e-12
    )
    dW, dx = fc.fc_backward(p.x.ravel(), p.W, p.dy.ravel())
    assert np.array_equal(frames[-1].fc_dW_sum, dW)  # each row written by exactly one frame
    np.testing.assert_allclose(frames[-1].fc_dx_sum.ravel(), dx, rtol=0, atol=1e-12)
    previous = np.zeros_like(dK)
    for f in frames:
        assert np.array_equal(f.conv_dK_sum, previous + f.conv_dK)
        previous = f.conv_dK_sum
        assert np.array_equal(np.nonzero(f.fc_dW.any(axis=1))[0], [f.t])  # one row per FC unit


def test_two_by_two_worked_example():
    """x = 1..9 (3x3), K = 2x2 ones, dy = [[1, 0], [0, 2]]: dK = 1*x[:2,:2] + 2*x[1:,1:], by hand."""
    x = np.arange(1.0, 10.0).reshape(3, 3)
    p = gradient_flow.GradientFlowProblem(
        x, np.ones((4, 9)), np.ones((2, 2)), np.array([[1.0, 0.0], [0.0, 2.0]])
    )
    frames = gradient_flow.gradient_flow_frames(p)
    assert [f.conv_unit for f in frames] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert np.array_equal(frames[0].conv_dK_sum, [[1, 2], [4, 5]])
    assert np.array_equal(frames[-1].conv_dK_sum, [[1 + 10, 2 + 12], [4 + 16, 5 + 18]])
    assert frames[1].conv_input_mask.tolist() == [[False, True, True], [False, True, True], [False] * 3]
    assert not frames[1].conv_dx.any()  # dy = 0 for that unit: nothing flows, but the window is known


def test_problem_and_frames_validate_their_input():
    with pytest.raises(ValueError, match=r"W must have shape \(16, 36\)"):
        gradient_flow.GradientFlowProblem(
            np.zeros((6, 6)), np.zeros((16, 35)), np.ones((3, 3)), np.zeros((4, 4))
        )
    with pytest.raises(ValueError, match=r"dy must have shape \(4, 4\)"):
        gradient_flow.GradientFlowProblem(
            np.zeros((6, 6)), np.zeros((16, 36)), np.ones((3, 3)), np.zeros((3, 3))
        )
    with pytest.raises(ValueError, match="larger than x"):
        gradient_flow.GradientFlowProblem(
            np.zeros((2, 2)), np.zeros((1, 4)), np.ones((3, 3)), np.zeros((1, 1))
        )
    with pytest.raises(TypeError, match="GradientFlowProblem"):
        gradient_flow.gradient_flow_frames({"x": 1})
    with pytest.raises(ValueError, match="larger than input_shape"):
        gradient_flow.example_problem((2, 2), (3, 3))
    with pytest.raises(TypeError, match="seed must be an int"):
        gradient_flow.example_problem(seed=1.5)


# --- coverage count ---------------------------------------------------------------------


def test_coverage_equals_sum_of_frame_masks():
    frames = gradient_flow.gradient_flow_frames(gradient_flow.example_problem((6, 6), (3, 3)))
    assert np.array_equal(
        sum(f.conv_input_mask.astype(int) for f in frames), geometry.coverage_count((6, 6), (3, 3))
    )
    assert (sum(f.fc_input_mask.astype(int) for f in frames) == 16).all()


# --- animations -------------------------------------------------------------------------
