"""The named checks of the lesson's claims: each passes on the page's data and fails on a false version."""

import math

import numpy as np
import pytest

from lessons_code import conv, fc, geometry, gradcheck
from lessons_code.checks import claims
from lessons_code.checks.verdict import ClaimError
from lessons_code.gradient_flow import example_problem, gradient_flow_frames

# --- intervals ---


def _seeded_problem():
    rng = np.random.default_rng(3)
    img, K = rng.standard_normal((6, 6)), rng.standard_normal((3, 3))
    dy = rng.standard_normal((4, 4))
    return img, K, dy


def _numeric(img, K, dy):
    return gradcheck.numerical_gradient(lambda k: np.sum(conv.conv2d(img, k) * dy), K)


def test_no_flip_passes_on_the_right_gradient():
    img, K, dy = _seeded_problem()
    out = claims.check_no_flip(conv.conv_weight_grad(img, K, dy), _numeric(img, K, dy))
    assert out.correct < 1e-9 and out.flipped > 0.1


def test_no_flip_fails_on_the_flipped_gradient():
    img, K, dy = _seeded_problem()
    dK = conv.conv_weight_grad(img, K, dy)
    with pytest.raises(ClaimError, match="matches finite differences"):
        claims.check_no_flip(dK[::-1, ::-1], _numeric(img, K, dy))


def test_no_flip_fails_when_the_numeric_gradient_is_of_another_image():
    # the bug of the old page: a later cell rebound `img`, so loss(k) differentiated another image
    img, K, dy = _seeded_problem()
    other = np.random.default_rng(18).standard_normal((6, 6))
    with pytest.raises(ClaimError):
        claims.check_no_flip(conv.conv_weight_grad(img, K, dy), _numeric(other, K, dy))


def test_no_flip_fails_on_a_symmetric_case_where_flipping_changes_nothing():
    img, _, dy = _seeded_problem()
    K = np.ones((3, 3))
    img = img + img[::-1, ::-1]
    dy = dy + dy[::-1, ::-1]
    with pytest.raises(ClaimError, match="flipped"):
        claims.check_no_flip(conv.conv_weight_grad(img, K, dy), _numeric(img, K, dy))


def test_rank_one():
    rng = np.random.default_rng(0)
    x, W, dy = rng.standard_normal(5), rng.standard_normal((3, 5)), rng.standard_normal(3)
    assert claims.check_rank_one(fc.fc_backward(x, W, dy)[0]) == 1
    with pytest.raises(ClaimError, match="rank 1"):
        claims.check_rank_one(rng.standard_normal((3, 5)))  # a batch-like, full-rank gradient


def test_kernel_grad_is_window_sum():
    img, K, dy = _seeded_problem()
    dK = conv.conv_weight_grad(img, K, dy)
    assert claims.check_kernel_grad_is_window_sum(img, dy, dK) < 1e-12
    with pytest.raises(ClaimError):
        claims.check_kernel_grad_is_window_sum(img, dy, dK[::-1, ::-1])
    with pytest.raises(ClaimError):
        claims.check_kernel_grad_is_window_sum(img, dy, np.full((3, 3), dK.mean()))


# --- geometry chapter ---


def test_receptive_fields():
    rng = np.random.default_rng(18)
    W, K = rng.standard_normal((16, 36)), rng.standard_normal((3, 3))
    fc_mask = geometry.fc_receptive_field(W, 7, (6, 6))
    conv_mask = geometry.conv_receptive_field(K, (1, 2), (6, 6))
    assert claims.check_receptive_fields(fc_mask, conv_mask, (1, 2, 3, 3)) == (36, 9)
    with pytest.raises(ClaimError, match="window"):
        claims.check_receptive_fields(fc_mask, conv_mask, (2, 1, 3, 3))  # the wrong window
    with pytest.raises(ClaimError, match="every pixel"):
        claims.check_receptive_fields(conv_mask, conv_mask, (1, 2, 3, 3))


def test_equivariance():
    rng = np.random.default_rng(18)
    img, W, K = rng.standard_normal((6, 6)), rng.standard_normal((16, 36)), rng.standard_normal((3, 3))
    report = geometry.shift_test(img, K, W, rows=0, cols=1)
    assert claims.check_equivariance(report)[0] == 0.0
    with pytest.raises(ClaimError, match="exactly"):
        claims.check_equivariance(report._replace(conv_interior=1e-15))
    with pytest.raises(ClaimError, match="FC output"):
        claims.check_equivariance(report._replace(fc_change=0.0))


# --- gradient flow chapter ---


def test_random_walk_growth_holds_for_random_draws_and_the_ratio_is_scale_free():
    ratios = claims.rms_ratio_draws(n_draws=300, seed=1)
    med = claims.check_random_walk_growth(ratios, 16)
    assert 3.0 < med < 5.0
    x, dy = np.random.default_rng(0).standard_normal((6, 6)), np.random.default_rng(1).standard_normal((4, 4))
    assert math.isclose(claims.rms_ratio_dK_dW(3 * x, 2 * dy, (3, 3)), claims.rms_ratio_dK_dW(x, dy, (3, 3)))


def test_rms_ratio_draws_match_one_draw_at_a_time():
    ratios = claims.rms_ratio_draws(n_draws=3, seed=7)
    rng = np.random.default_rng(7)
    x, dy = rng.standard_normal((3, 6, 6)), rng.standard_normal((3, 4, 4))
    assert np.allclose(ratios, [claims.rms_ratio_dK_dW(x[n], dy[n], (3, 3)) for n in range(3)])


def test_random_walk_growth_fails_on_the_false_versions():
    with pytest.raises(ClaimError):
        claims.check_random_walk_growth(np.full(100, 16.0), 16)  # "sixteen times larger"
    with pytest.raises(ClaimError):
        claims.check_random_walk_growth(np.full(100, 1.0), 16)  # "not larger"
    # all 16 terms of the same sign add linearly: a constant image and a constant dy give 16x
    same_sign = claims.rms_ratio_dK_dW(np.ones((6, 6)), np.ones((4, 4)), (3, 3))
    assert math.isclose(same_sign, 16.0)
    with pytest.raises(ClaimError):
        claims.check_random_walk_growth(np.full(100, same_sign), 16)


def test_frames_add_up():
    p = example_problem()
    frames = gradient_flow_frames(p)
    dK = conv.conv_weight_grad(p.x, p.kernel, p.dy)
    dW, _ = fc.fc_backward(p.x.ravel(), p.W, p.dy.ravel())
    assert claims.check_frames_add_up(frames, dK, dW) < 1e-12
    with pytest.raises(ClaimError, match="dK"):
        claims.check_frames_add_up(frames[:-1], dK, dW)  # one frame missing
    with pytest.raises(ClaimError, match="dW"):
        claims.check_frames_add_up(frames, dK, dW[::-1])
