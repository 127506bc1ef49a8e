"""The explorer's expectations: values, Jacobians, gradients and receptive fields of every allowed setting."""

import itertools

import numpy as np
import pytest

from lessons_code import conv
from lessons_code.conv_layer import output_size
from lessons_code.pages import explorer


def test_cycled_repeats_values_in_reading_order():
    assert np.array_equal(explorer.cycled((1, 2, 3), (2, 2)), [[1, 2], [3, 1]])
    assert explorer.cycled((1,), (3,)).dtype == np.float64
    with pytest.raises(ValueError, match="values must not be empty"):
        explorer.cycled((), (2,))  # "values must not be empty"


def test_allowed_settings_match_an_independent_count():
    # every combination of the controls, kept when each layer's output is non-empty (output_size)
    expected = 0
    for mode, layers, n, k, s, p, d in itertools.product(
        explorer.MODES,
        explorer.LAYERS,
        explorer.SIZES,
        explorer.KERNELS,
        explorer.STRIDES,
        explorer.PADDINGS,
        explorer.DILATIONS,
    ):
        size = n
        try:
            for _ in range(layers):
                size = output_size(size, k, s, p, d)
        except ValueError:
            continue
        if mode == "fc" and (n > 5 or layers > 1 or size * size > 9):
            continue
        if mode == "local" and (layers > 1 or size * size > 9):
            continue
        expected += 1
    settings = explorer.allowed_settings()
    assert len(settings) == expected
    assert len(set(settings)) == len(settings)
    assert sum(s.mode == "fc" for s in settings) == 108
    assert sum(s.mode == "conv" for s in settings) == 1152


def test_disabled_reasons_name_the_problem():
    assert "spans 9 pixels" in explorer.disabled_reason(explorer.Setting(4, 5, 1, 0, 2, 1, "conv"))
    assert "layer 1's output" in explorer.disabled_reason(explorer.Setting(6, 5, 1, 0, 1, 2, "conv"))
    assert "at most 5x5" in explorer.disabled_reason(explorer.Setting(6, 1, 3, 0, 1, 1, "fc"))
    assert "at most 9 output units, these settings give 16" in explorer.disabled_reason(
        explorer.Setting(5, 2, 1, 0, 1, 1, "fc")
    )
    assert "one layer" in explorer.disabled_reason(explorer.Setting(4, 3, 1, 0, 1, 2, "fc"))
    assert explorer.disabled_reason(explorer.Setting(6, 3, 1, 0, 1, 1, "conv")) is None


def test_bad_settings_are_refused():
    with pytest.raises(TypeError, match="Setting"):
        explorer.layer_map((6, 3, 1, 0, 1, 1, "conv"))
    with pytest.raises(ValueError, match="kernel must be one of"):
        explorer.layer_map(explorer.Setting(6, 7, 1, 0, 1, 1, "conv"))
    with pytest.raises(ValueError, match="does not allow"):
        explorer.layer_map(explorer.Setting(4, 5, 1, 0, 2, 1, "conv"))
    with pytest.raises(ValueError, match="mode 'conv'"):
        explorer.receptive_paths(explorer.Setting(4, 3, 1, 0, 1, 1, "fc"))


def test_hand_example_matches_the_single_channel_loop_convolution():
    lm = explorer.layer_map(explorer.Setting(4, 3, 1, 0, 1, 1, "conv"))
    x = np.array([[1, 2, 0, -1], [3, -2, 1, -1], [2, 1, 2, 0], [-1, 3, -2, 1]], dtype=float)
    K = np.array([[1, -1, 2], [1, -2, 3], [-1, 1, -1]], dtype=float)
    assert np.array_equal(lm.x, x.ravel()) and np.array_equal(lm.w, K.ravel())
    assert np.array_equal(lm.y, conv.conv2d(x, K).ravel())
    assert np.array_equal(lm.dx, conv.conv_input_grad(x, K, lm.dy.reshape(2, 2)).ravel())
    assert np.array_equal(lm.dw, conv.conv_weight_grad(x, K, lm.dy.reshape(2, 2)).ravel())
    # dK[0,0] sums the four products x[i, j] * dy[i, j]: 1*1 + 2*(-1) + 3*2 + (-2)*1 = 3
    assert lm.dw[0] == 3


@pytest.mark.parametrize("setting", [s for s in explorer.allowed_settings() if s.layers == 1])
def test_every_single_layer_setting_agrees_with_its_jacobian(setting):
    lm = explorer.layer_map(setting)
    explorer.check_layer_map(lm)
    assert set(np.unique(lm.x)) <= set(explorer.X_VALUES) and 0 not in lm.w  # no zero weight hides a cell
    if setting.mode == "fc":
        assert lm.M.shape[0] <= explorer.FC_MAX_UNITS and lm.x.size <= 25


def test_check_layer_map_fails_on_false_versions():
    lm = explorer.layer_map(explorer.Setting(5, 3, 2, 1, 1, 1, "conv"))
    explorer.check_layer_map(lm)
    bad_dx = lm.dx.copy()
    bad_dx[0] += 1
    bad_tie = lm.tie.copy()
    bad_tie[bad_tie == 0] = 1  # weight 0's cells claimed by weight 1: the sums move
    bad_dw = lm.dw.copy()
    bad_dw[-1] -= 1
    for bad, message in [
        (lm._replace(dx=bad_dx), "dx != M.T"),
        (lm._replace(tie=bad_tie), "M != w"),
        (lm._replace(dw=bad_dw), "dw"),
        (lm._replace(y=lm.y + 1), "y != M"),
    ]:
        with pytest.raises(AssertionError, match=message):
            explorer.check_layer_map(bad)
    with pytest.raises(TypeError, match="LayerMap"):
        explorer.check_layer_map(tuple(lm))


def test_receptive_field_of_stacked_stride_one_layers():
    # L layers of k x k, stride 1, no padding: a unit sees 1 + L(k - 1) pixels per side,
    # and the path counts are the L-fold convolution of a k x k box of ones
    for layers, k, d in [(2, 3, 1), (3, 3, 1), (2, 2, 2), (3, 2, 1)]:
        paths = explorer.receptive_paths(explorer.Setting(9, k, 1, 0, d, layers, "conv"))
        assert len(paths) == layers
        side = 1 + layers * (k - 1) * d
        field = paths[0][0].reshape(9, 9)
        assert np.array_equal(np.argwhere(field.sum(axis=1)).ravel(), np.arange(0, side, d))
        box = np.ones((k, k))
        counts = box
        for _ in range(layers - 1):
            counts = conv.conv2d(np.pad(counts, k - 1), box)
        assert np.array_equal(field[:side:d, :side:d], counts)


def test_receptive_paths_last_entry_is_the_last_layer_pattern():
    s = explorer.Setting(7, 3, 2, 1, 1, 2, "conv")
    paths = explorer.receptive_paths(s)
    sizes = explorer.layer_sizes(s)
    assert sizes == [7, 4, 2]
    assert [p.shape for p in paths] == [(4, 49), (4, 16)]
    assert set(np.unique(paths[1])) == {0, 1}  # one layer: each cell is read at most once per unit
    one = explorer.layer_map(explorer.Setting(4, 3, 2, 1, 1, 1, "conv"))
    assert np.array_equal(paths[1], (one.M != 0).astype(int))


@pytest.mark.parametrize("setting", [s for s in explorer.allowed_settings() if s.mode == "fc"])
def test_fc_weights_differ_in_every_row(setting):
    # the page's claim for FC mode: no weight is shared, so no two output units use the same row
    # of W (with 8 cycled values every row of a 4x4 input's W was equal: it looked weight-shared)
    W = explorer.layer_map(setting).M
    rows = {tuple(row) for row in W.tolist()}
    assert len(rows) == W.shape[0], f"{setting}: {W.shape[0] - len(rows)} rows of W repeat another row"


@pytest.mark.parametrize("setting", [s for s in explorer.allowed_settings() if s.mode == "local"])
def test_local_kernels_differ_between_positions_and_each_weight_fills_one_cell(setting):
    # the page's claim for locally connected mode: every output position has its own kernel (no two
    # equal), and a weight's gradient is a single product (at most one cell of M per weight)
    lm = explorer.layer_map(setting)
    units = lm.M.shape[0]
    kernels = {tuple(k) for k in lm.w.reshape(units, -1).tolist()}
    assert len(kernels) == units, f"{setting}: {units - len(kernels)} positions repeat a kernel"
    assert np.bincount(lm.tie[lm.tie >= 0], minlength=lm.w.size).max() <= 1
    conv_lm = explorer.layer_map(setting._replace(mode="conv"))
    assert np.array_equal(lm.tie >= 0, conv_lm.tie >= 0)  # the convolution's windows


def test_local_mode_reasons():
    assert "locally connected mode shows one layer" in explorer.disabled_reason(
        explorer.Setting(6, 3, 1, 0, 1, 2, "local")
    )
    assert "at most 9 output units, these settings give 16" in explorer.disabled_reason(
        explorer.Setting(6, 3, 1, 0, 1, 1, "local")
    )
