"""The fast conv kernels (lessons_code._fastconv): every method of every pass against the loops."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_cases

from lessons_code import _fastconv, conv_layer
from lessons_code.gradcheck import numerical_gradient, rel_error

METHODS = _fastconv.METHODS


def _plan(x, w, params):
    x, w, _, stride, padding, dilation, out_hw = conv_layer._validate(x, w, None, **params)
    return _fastconv.make_plan(x.shape, w.shape, stride, padding, dilation, out_hw)


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Blocks of a few columns, so every block boundary case is exercised on small inputs."""
    monkeypatch.setattr(_fastconv, "BLOCK_BYTES", 8)
    monkeypatch.setattr(_fastconv, "MIN_BLOCK", 5)
    monkeypatch.setattr(_fastconv, "BLOCK_COLS", 7)


@settings(max_examples=80, deadline=None)
@given(case=conv_cases(), seed=st.integers(0, 2**32 - 1), method=st.sampled_from(METHODS))
def test_every_method_matches_the_loops(case, seed, method):
    x_shape, w_shape, params = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    plan = _plan(x, w, params)
    out = _fastconv.forward(plan, x, w, b, method=method)
    assert np.allclose(out, conv_layer.conv_forward_loop(x, w, b, **params), atol=1e-12)

    dout = rng.standard_normal(out.shape)
    dx_ref, dw_ref, _ = conv_layer.conv_backward_loop(dout, x, w, **params)
    dw = _fastconv.weight_grad(plan, x, dout, method=method)
    dx = _fastconv.input_grad(plan, w, dout, method=method)
    dx_b, dw_b, db_b = _fastconv.backward(plan, dout, x, w, method=method)
    assert np.allclose(dx_b, dx_ref, atol=1e-11) and np.allclose(dw_b, dw_ref, atol=1e-11)
    assert np.allclose(db_b, dout.sum(axis=(0, 2, 3)))
    assert dw.shape == w.shape and dx.shape == x.shape
    assert np.allclose(dw, dw_ref, atol=1e-11)
    assert np.allclose(dx, dx_ref, atol=1e-11)


@pytest.mark.usefixtures("tiny_blocks")
@settings(max_examples=40, deadline=None)
@given(case=conv_cases(), seed=st.integers(0, 2**32 - 1), method=st.sampled_from(METHODS))
def test_block_boundaries_change_nothing(case, seed, method):
    x_shape, w_shape, params = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    plan = _plan(x, w, params)
    out = _fastconv.forward(plan, x, w, np.zeros(w_shape[0]), method=method)
    assert np.allclose(out, conv_layer.conv_forward_loop(x, w, **params), atol=1e-12)
    dout = rng.standard_normal(out.shape)
    dx_ref, dw_ref, _ = conv_layer.conv_backward_loop(dout, x, w, **params)
    assert np.allclose(_fastconv.weight_grad(plan, x, dout, method), dw_ref)
    assert np.allclose(_fastconv.input_grad(plan, w, dout, method), dx_ref)


@settings(max_examples=20, deadline=None)
@given(case=conv_cases(max_channels=10), seed=st.integers(0, 2**32 - 1), method=st.sampled_from(METHODS))
def test_public_layer_with_either_default_matches_the_loops(case, seed, method):
    x_shape, w_shape, params = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_fastconv, "DEFAULT_METHOD", method)
        out, cache = conv_layer.conv_forward(x, w, b, **params)
        dout = rng.standard_normal(out.shape)
        grads = conv_layer.conv_backward(dout, cache)
    assert np.allclose(out, conv_layer.conv_forward_loop(x, w, b, **params), atol=1e-11)
    for fast, slow in zip(grads, conv_layer.conv_backward_loop(dout, x, w, **params), strict=True):
        assert np.allclose(fast, slow, atol=1e-11)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("c_in", "stride", "padding", "dilation"),
    [(9, 1, 1, 1), (9, 2, 1, 1), (8, (2, 1), (0, 2), (1, 2)), (2, 2, 3, 1), (1, 1, 0, 1)],
)
def test_layer_gradients_match_finite_differences(monkeypatch, method, c_in, stride, padding, dilation):
    monkeypatch.setattr(_fastconv, "DEFAULT_METHOD", method)
    rng = np.random.default_rng(c_in)
    params = dict(stride=stride, padding=padding, dilation=dilation)
    x, w, b = (
        rng.standard_normal((2, c_in, 7, 6)),
        rng.standard_normal((3, c_in, 3, 2)),
        rng.standard_normal(3),
    )
    out, cache = conv_layer.conv_forward(x, w, b, **params)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv_layer.conv_backward(dout, cache)

    def loss(x_, w_, b_):
        return np.sum(conv_layer.conv_forward(x_, w_, b_, **params)[0] * dout)

    assert rel_error(dx, numerical_gradient(lambda t: loss(t, w, b), x)) < 1e-7
    assert rel_error(dw, numerical_gradient(lambda t: loss(x, t, b), w)) < 1e-7
    assert rel_error(db, numerical_gradient(lambda t: loss(x, w, t), b)) < 1e-7


def test_shared_padding_layout_of_a_same_conv():
    """32x32 'same' 3x3 conv: rows of 33 pixels, images of 33 rows (one zero row/column shared)."""
    x, w = np.zeros((8, 16, 32, 32)), np.zeros((32, 16, 3, 3))
    plan = _plan(x, w, dict(stride=1, padding=1, dilation=1))
    assert (plan.R, plan.P, plan.phases) == (33, 33, ((0, 0),))
    assert plan.max_off == 2 * 33 + 2
    assert plan.T == 7 * 33 * 33 + 31 * 33 + 32
    assert [off for *_, off in plan.taps] == [0, 1, 2, 33, 34, 35, 66, 67, 68]


def test_stride_two_splits_into_four_phases():
    x, w = np.zeros((1, 3, 224, 224)), np.zeros((64, 3, 7, 7))
    plan = _plan(x, w, dict(stride=2, padding=3, dilation=1))
    assert plan.phases == ((0, 0), (0, 1), (1, 0), (1, 1))
    assert (plan.oh, plan.ow) == (112, 112)
    # tap (p, q) reads phase (p % 2, q % 2) shifted by (p // 2, q // 2)
    for p, q, k, off in plan.taps:
        assert plan.phases[k] == (p % 2, q % 2)
        assert off == (p // 2) * plan.P + q // 2


@settings(max_examples=60, deadline=None)
@given(case=conv_cases())
def test_every_read_stays_inside_the_buffers(case):
    x_shape, w_shape, params = case
    plan = _plan(np.zeros(x_shape), np.zeros(w_shape), params)
    assert plan.R >= plan.oh and plan.P >= plan.ow
    assert plan.T + plan.max_off <= plan.L
    assert plan.n * plan.R * plan.P <= plan.L
    assert all(0 <= off <= plan.max_off for *_, off in plan.taps)
    # the phase copy holds each pixel of x at most once
    xf = _fastconv.to_phases(plan, np.ones(x_shape))
    assert xf.sum() <= np.prod(x_shape)


def _peak_bytes(fn):
    _fastconv.clear_workspace()  # count the scratch buffers too
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_per_tap_weight_gradient_copies_no_windows():
    """The per-tap weight gradient needs one copy of x and one of dout, not k² copies of x."""
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((4, 8, 20, 20)), rng.standard_normal((8, 8, 5, 5))
    params = dict(stride=1, padding=2, dilation=1)
    plan = _plan(x, w, params)
    dout = rng.standard_normal((4, 8, 20, 20))
    peak_taps = _peak_bytes(lambda: _fastconv.weight_grad(plan, x, dout, "taps"))
    # the flat copies of x and dout are each about 1.2 times their size (the shared zero padding)
    assert peak_taps < 1.5 * (x.nbytes + dout.nbytes)
    # a whole im2col matrix would be k² = 25 copies of x
    assert peak_taps < 25 * x.nbytes / 5


def test_im2col_blocks_bound_the_extra_memory(monkeypatch):
    monkeypatch.setattr(_fastconv, "BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(_fastconv, "MIN_BLOCK", 16)
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((4, 8, 20, 20)), rng.standard_normal((8, 8, 5, 5))
    plan = _plan(x, w, dict(stride=1, padding=2, dilation=1))
    peak = _peak_bytes(lambda: _fastconv.forward(plan, x, w, np.zeros(8), "im2col"))
    # phases + flat output + out + one block (+ numpy's fixed ufunc buffers), far below the
    # k² = 25 copies of x a whole im2col matrix would take
    assert peak < 25 * x.nbytes / 4


def test_unknown_method_is_refused():
    x, w = np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2))
    plan = _plan(x, w, dict(stride=1, padding=0, dilation=1))
    with pytest.raises(ValueError, match="method must be one of"):
        _fastconv.forward(plan, x, w, np.zeros(1), method="fft")


def test_layer_leaves_inputs_alone_and_accepts_views_and_ints():
    rng = np.random.default_rng(5)
    base = rng.standard_normal((9, 10, 3, 2))
    x = base.transpose(3, 2, 1, 0)  # a non-contiguous view, shape (2, 3, 10, 9)
    w = rng.integers(-3, 4, size=(4, 3, 3, 3))
    x_before, w_before = x.copy(), w.copy()
    out, cache = conv_layer.conv_forward(x, w, stride=2, padding=1)
    assert out.dtype == np.float64 and out.flags.c_contiguous
    assert np.allclose(out, conv_layer.conv_forward_loop(x, w, stride=2, padding=1))
    dx, dw, _ = conv_layer.conv_backward(np.ones(out.shape), cache)
    dx_ref, dw_ref, _ = conv_layer.conv_backward_loop(np.ones(out.shape), x, w, stride=2, padding=1)
    assert np.allclose(dx, dx_ref) and np.allclose(dw, dw_ref)
    assert dx.flags.c_contiguous and dw.flags.c_contiguous
    assert np.array_equal(x, x_before) and np.array_equal(w, w_before)


def test_auto_leaves_the_flat_layout_when_it_would_waste_most_of_the_work():
    x, w8, w3 = np.zeros((5, 1, 8, 8)), np.zeros((4, 1, 8, 8)), np.zeros((4, 1, 3, 3))
    whole = _plan(x, w8, dict(stride=1, padding=0, dilation=1))  # a kernel as large as the image
    assert (whole.oh, whole.ow) == (1, 1) and _fastconv._method(whole, None) == "windows"
    same = _plan(x, w3, dict(stride=1, padding=1, dilation=1))
    assert _fastconv._method(same, None) == "im2col"


def test_workspace_never_leaks_between_calls(monkeypatch):
    """Scratch buffers are reused, so a second call with other data must not see the first."""
    rng = np.random.default_rng(6)
    w = rng.standard_normal((3, 2, 3, 3))
    x_big, x_small = rng.standard_normal((3, 2, 9, 9)), rng.standard_normal((1, 2, 4, 5))
    for method in ("im2col", "taps"):
        monkeypatch.setattr(_fastconv, "DEFAULT_METHOD", method)
        conv_layer.conv_forward(x_big, w, padding=1)  # fills the buffers with other numbers
        out, cache = conv_layer.conv_forward(x_small, w, padding=1)
        assert np.allclose(out, conv_layer.conv_forward_loop(x_small, w, padding=1))
        dout = rng.standard_normal(out.shape)
        for fast, slow in zip(
            conv_layer.conv_backward(dout, cache),
            conv_layer.conv_backward_loop(dout, x_small, w, padding=1),
            strict=True,
        ):
            assert np.allclose(fast, slow)
    # returned arrays own their memory: a later call does not overwrite them
    out2, _ = conv_layer.conv_forward(x_small, w, padding=1)
    conv_layer.conv_forward(x_big, w, padding=1)
    assert np.allclose(out2, conv_layer.conv_forward_loop(x_small, w, padding=1))


def test_workspace_limit_zero_means_fresh_arrays(monkeypatch):
    monkeypatch.setattr(_fastconv, "WORKSPACE_BYTES", 0)
    _fastconv.clear_workspace()
    a = _fastconv.scratch("tmp", (3, 4), zero=True)
    b = _fastconv.scratch("tmp", (3, 4))
    assert a.shape == b.shape == (3, 4) and not np.shares_memory(a, b) and not a.any()


@pytest.mark.parametrize("channels_per_group", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2])
def test_input_gradient_in_channel_groups(monkeypatch, channels_per_group, stride):
    """im2col input gradient: whole rows for a few channels at a time (the groups' edges)."""
    rng = np.random.default_rng(channels_per_group)
    x, w = rng.standard_normal((2, 5, 7, 8)), rng.standard_normal((3, 5, 3, 3))
    params = dict(stride=stride, padding=1, dilation=1)
    plan = _plan(x, w, params)
    monkeypatch.setattr(_fastconv, "BLOCK_BYTES", 8 * len(plan.taps) * plan.L * channels_per_group)
    out = conv_layer.conv_forward_loop(x, w, **params)
    dout = rng.standard_normal(out.shape)
    dx_ref, _, _ = conv_layer.conv_backward_loop(dout, x, w, **params)
    assert np.allclose(_fastconv.input_grad(plan, w, dout, "im2col"), dx_ref, atol=1e-12)


def test_input_gradient_channel_groups_round_down_to_eight(monkeypatch):
    """Room for 11 channels: groups of 8, 8 and 4 channels (20 in all)."""
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((2, 20, 6, 5)), rng.standard_normal((4, 20, 3, 3))
    params = dict(stride=1, padding=1, dilation=1)
    plan = _plan(x, w, params)
    monkeypatch.setattr(_fastconv, "BLOCK_BYTES", 8 * len(plan.taps) * plan.L * 11)
    dout = rng.standard_normal((2, 4, 6, 5))
    dx_ref, _, _ = conv_layer.conv_backward_loop(dout, x, w, **params)
    assert np.allclose(_fastconv.input_grad(plan, w, dout, "im2col"), dx_ref, atol=1e-12)
