"""The cost chapter's named checks: each passes on the page's data and fails on a false version."""

import numpy as np
import pytest

from lessons_code import conv, layer_costs
from lessons_code.checks import costs
from lessons_code.checks.verdict import ClaimError
from lessons_code.experiments import nets, separable
from lessons_code.pages.exercises import EX_CHANNELS


def _hand():
    x, w, dy = (np.array(EX_CHANNELS[k], dtype=float) for k in ("x", "w", "dy"))
    dw = np.zeros((2, 2, 2, 2))
    dx = np.zeros((1, 2, 3, 3))
    for o in range(2):
        for c in range(2):
            dw[o, c] = conv.conv_weight_grad(x[0, c], w[o, c], dy[0, o])
            dx[0, c] += conv.conv_input_grad(x[0, c], w[o, c], dy[0, o])
    return x, w, dy, dw, dx


def test_channels_by_hand_passes_on_the_hand_sums():
    assert costs.check_channels_by_hand(*_hand()) == 0.0


def test_channels_by_hand_fails_when_dx_forgets_to_sum_over_output_channels():
    x, w, dy, dw, _ = _hand()
    # the classic slip: channel c's gradient from output channel o = c only
    dx_one = np.stack([conv.conv_input_grad(x[0, c], w[c, c], dy[0, c]) for c in range(2)])[None]
    with pytest.raises(ClaimError, match="hand sums"):
        costs.check_channels_by_hand(x, w, dy, dw, dx_one)


def test_channels_by_hand_fails_when_dw_sums_over_output_channels():
    x, w, dy, dw, dx = _hand()
    dw_mixed = np.broadcast_to(dw.sum(axis=0), dw.shape)  # summed over o: every o gets the same kernel
    with pytest.raises(ClaimError, match="hand sums"):
        costs.check_channels_by_hand(x, w, dy, dw_mixed, dx)


def test_pass_macs_passes_and_backward_is_twice_forward():
    got = costs.check_pass_macs()
    assert all(c.backward == 2 * c.forward for c in got) and got[0].forward == 2 * 4 * 4 * (4 * 3 * 3 * 2)


def test_pass_macs_fails_on_a_count_by_input_pixels():
    """The competing hypothesis: cost scales with the input's pixels, not the output positions."""

    def by_pixels(x_shape, w_shape, **g):
        m = x_shape[0] * x_shape[2] * x_shape[3] * int(np.prod(w_shape))
        return layer_costs.PassCosts(m, m, m)

    with pytest.raises(ClaimError, match="each pass costs"):
        costs.check_pass_macs(by_pixels)


def test_pass_macs_fails_when_the_backward_pass_is_one_forward_pass():
    def dx_only(x_shape, w_shape, **g):
        c = layer_costs.conv_pass_macs(x_shape, w_shape, **g)
        return layer_costs.PassCosts(c.forward, c.forward, 0)

    with pytest.raises(ClaimError, match="each pass costs"):
        costs.check_pass_macs(dx_only)


def test_pass_macs_near_miss_padding_ignored_fails():
    def no_padding(x_shape, w_shape, **g):
        return layer_costs.conv_pass_macs(x_shape, w_shape, **{**g, "padding": 0})

    with pytest.raises(ClaimError):
        costs.check_pass_macs(no_padding)


def test_im2col_shapes_pass_and_fail_when_the_padding_is_forgotten():
    shapes = costs.check_im2col_shapes()
    assert sorted(shapes.values()) == [(27, 50_176), (576, 3_136)]

    def no_padding(x_shape, kernel, padding=0):
        return layer_costs.im2col_shape(x_shape, kernel)

    with pytest.raises(ClaimError, match="im2col matrix"):
        costs.check_im2col_shapes(no_padding)


def test_stack_vs_single_passes_for_three_3x3_against_7x7():
    got = costs.check_stack_vs_single([(3, 1, 1)] * 3, 7, 64)
    assert (got.stack_params, got.single_params) == (27 * 64**2, 49 * 64**2)


def test_stack_vs_single_fails_for_two_layers_or_a_5x5():
    with pytest.raises(ClaimError, match="sees what"):
        costs.check_stack_vs_single([(3, 1, 1)] * 2, 7, 64)
    # five 3x3 layers see 11: against one 11x11 they have fewer weights (45 < 121) and pass ...
    costs.check_stack_vs_single([(3, 1, 1)] * 5, 11, 8)
    # ... but one 7x7 layer and a 1x1 "stack" of 7x7s plus 1x1s cost more than a 7x7: fails
    with pytest.raises(ClaimError, match="fewer parameters"):
        costs.check_stack_vs_single([(7, 1, 1), (1, 1, 1)], 7, 8)


def test_uses_per_weight_passes_and_fails_on_an_fc_count_for_a_conv():
    ok = costs.check_uses_per_weight({"conv": (72, 4608, 64), "fc": (1280, 1280, 1)})
    assert ok == {"conv": 64.0, "fc": 1.0}
    with pytest.raises(ClaimError, match="positions"):
        costs.check_uses_per_weight({"conv": (72, 72, 64)})  # counted as if used once


def _factors(gain, channels=32, size=10):
    return [costs.layer_factors(layer_costs.activation_scales(8, channels, size, gain, s)) for s in range(5)]


@pytest.mark.slow  # trains or renders for about a second: make test, not make unit
def test_he_keeps_scale_passes_on_he_and_fails_on_gain_one():
    pad = (28 / 30) ** 2
    iv = costs.check_he_keeps_scale(_factors(2.0), pad)
    assert 0.8 < iv.mean < 1.0
    with pytest.raises(ClaimError, match="He keeps the scale"):
        costs.check_he_keeps_scale(_factors(1.0), pad)


def test_he_padding_prediction_fails_without_padding_effect():
    # a near miss on the other side: the prediction 1 (as if no tap read the padding) lies outside
    with pytest.raises(ClaimError, match="padding explains"):
        costs.check_he_keeps_scale(_factors(2.0), 1.0)


def test_init_is_he_passes_on_the_networks_and_fails_on_an_init_counting_positions():
    spec = nets.NetSpec("cnn", width=8, kernel=3, image_shape=(8, 8))
    k1 = nets.init_params(spec, np.random.default_rng(0))["K1"]
    assert costs.check_init_is_he(k1, layer_costs.he_normal((8, 1, 3, 3), np.random.default_rng(0))) == 0.0
    # an init whose fan-in counts the 64 positions as well
    wrong = np.random.default_rng(0).standard_normal((8, 1, 3, 3)) * np.sqrt(2 / (9 * 64))
    with pytest.raises(ClaimError, match="He weights"):
        costs.check_init_is_he(wrong, layer_costs.he_normal((8, 1, 3, 3), np.random.default_rng(0)))


def test_layer_factors_is_the_geometric_mean_step():
    assert costs.layer_factors([1.0, 0.5, 0.25]) == pytest.approx(0.5)


def test_checkerboard_claims_pass_and_fail_on_each_other_s_setting():
    from lessons_code import upsampling

    k3, k4 = upsampling.transposed_overlap(5, 3, 2), upsampling.transposed_overlap(5, 4, 2)
    resize = upsampling.resize_conv_overlap(5, 3, 2)
    assert costs.check_checkerboard(k3, 2) == (1.0, 4.0)
    assert costs.check_even_overlap(k4, 2) == 4.0 and costs.check_even_overlap(resize, 1) == 9.0
    with pytest.raises(ClaimError, match="uneven"):
        costs.check_checkerboard(k4, 2)  # the remedy: k divisible by s
    with pytest.raises(ClaimError, match="is even"):
        costs.check_even_overlap(k3, 2)
    with pytest.raises(ClaimError, match="is even"):
        costs.check_even_overlap(upsampling.transposed_overlap(5, 5, 3), 3)  # 5 is not a multiple of 3
    with pytest.raises(ClaimError, match="is even"):
        costs.check_even_overlap(resize, 0)  # near miss: the border is uneven (padding)


# --- grouped layers ---


def _interleaved(x, w, dout, groups, **g):
    """The competing convention: output channel o reads group o % groups (not o // (C_out / groups))."""
    from lessons_code.conv_layer import conv_backward, conv_forward

    c_out = w.shape[0]
    order = np.argsort([o % groups for o in range(c_out)], kind="stable")  # o's position in block order
    out, cache = conv_forward(x, w[order], groups=groups, **g)
    inv = np.argsort(order)
    dx, dw, db = conv_backward(dout[:, order], cache)
    return out[:, inv], dx, dw[inv], db[inv]


def test_grouped_layer_passes_three_ways():
    report = costs.check_grouped_layer()
    assert report.passed and [v.name for v in report.verdicts] == [
        "loop",
        "block-diagonal M",
        "finite differences",
    ]


def test_grouped_layer_fails_on_interleaved_groups():
    with pytest.raises(ClaimError, match="agrees three ways"):
        costs.check_grouped_layer(_interleaved)


def test_grouped_layer_fails_when_groups_are_ignored():
    """Every output channel reads the first C_in / groups channels: what a layer without groups does
    with the grouped weight shape."""
    from lessons_code.conv_layer import conv_backward, conv_forward

    def first_channels(x, w, dout, groups, **g):
        xs = x[:, : w.shape[1]]
        out, cache = conv_forward(xs, w, **g)
        dxs, dw, db = conv_backward(dout, cache)
        dx = np.zeros_like(x)
        dx[:, : w.shape[1]] = dxs
        return out, dx, dw, db

    report = costs.compare_grouped_layer(first_channels)
    assert not report.passed and all(not v.passed for v in report.verdicts)


def test_block_diagonal_passes_on_a_grouped_matrix_and_fails_on_a_full_one():
    from lessons_code import matrix_view
    from lessons_code.conv_layer import ungroup_weights

    w = np.random.default_rng(0).standard_normal((4, 2, 3, 3))
    M = matrix_view.conv_matrix(ungroup_weights(w, 2), (4, 5, 5), padding=1)
    assert costs.check_block_diagonal(M, 2, 2 * 25, 2 * 25) == 4 * 2 * (
        9 * 9 + 4 * 3 * 6 + 4 * 4
    )  # taps inside
    full = matrix_view.conv_matrix(
        np.random.default_rng(0).standard_normal((4, 4, 3, 3)), (4, 5, 5), padding=1
    )
    with pytest.raises(ClaimError, match="block-diagonal"):
        costs.check_block_diagonal(full, 2, 50, 50)


def test_grouped_macs_pass_and_fail_when_groups_are_ignored():
    got = costs.check_grouped_macs()
    assert got[1].forward == 5 * 5 * 3 * 9  # depthwise: one 3x3 kernel per channel, dilation 2: 5x5 outputs

    def ignoring_groups(x_shape, w_shape, groups=1, **g):
        return layer_costs.conv_pass_macs(x_shape, (w_shape[0], x_shape[1], *w_shape[2:]), **g)

    with pytest.raises(ClaimError, match="1/groups"):
        costs.check_grouped_macs(ignoring_groups)


def test_separable_counts_pass_and_fail_on_a_block_that_changes_the_output():
    got = costs.check_separable_counts((128, 1, 3, 3), (128, 128, 1, 1), (128, 128, 3, 3))
    assert (got.depthwise, got.pointwise, got.full) == (1152, 16_384, 147_456)
    assert got.ratio == pytest.approx(1 / 128 + 1 / 9)
    with pytest.raises(ClaimError, match="same output"):  # a pointwise layer to 64 channels
        costs.check_separable_counts((128, 1, 3, 3), (64, 128, 1, 1), (128, 128, 3, 3))


def _sep_study(full, sep, n_params=(3818, 2866)):
    names = list(separable.SEPARABLE_SPECS)
    return separable.SeparableStudy(
        (0, 1, 2, 3, 4),
        6,
        dict(zip(names, (np.array(full), np.array(sep)), strict=True)),
        dict(zip(names, n_params, strict=True)),
        dict(zip(names, (25_600, 10_368), strict=True)),
    )


# the page's outcome (5 seeds, 6 epochs): separable minus full +0.09 points [-0.63, +0.81]
FULL = [0.9467, 0.9644, 0.9711, 0.9667, 0.9733]
SEP = [0.9533, 0.9667, 0.9733, 0.9689, 0.9644]


def test_separable_digits_passes_on_the_page_outcome():
    change = costs.check_separable_digits(_sep_study(FULL, SEP))
    assert change.n == 5 and -0.007 < change.low < change.mean < change.high < 0.009


def test_separable_digits_fails_when_the_separable_layer_loses_on_every_seed():
    # a real loss: 1 to 2 points lower on every seed (an outcome training could give)
    worse = [a - d for a, d in zip(FULL, (0.010, 0.015, 0.012, 0.020, 0.011), strict=True)]
    with pytest.raises(ClaimError, match="costs no accuracy"):
        costs.check_separable_digits(_sep_study(FULL, worse))


def test_separable_digits_fails_when_the_interval_allows_a_large_loss():
    # not real by the rule (it swings both ways), but the interval reaches far below -2 points
    noisy = [a + d for a, d in zip(FULL, (-0.05, 0.04, -0.06, 0.03, -0.02), strict=True)]
    with pytest.raises(ClaimError, match="at most 2%"):
        costs.check_separable_digits(_sep_study(FULL, noisy))


def test_separable_digits_near_misses_of_the_loss_bound():
    # the same spread shifted so that the interval's low end sits just inside / outside -2 points
    spread = np.array([-0.015, 0.015, -0.010, 0.010, 0.0])  # wide enough to include 0 throughout
    base = costs.check_separable_digits(_sep_study(FULL, list(np.array(FULL) + spread)))
    inside = -0.0199 - base.low
    outside = -0.0201 - base.low
    assert costs.check_separable_digits(_sep_study(FULL, list(np.array(FULL) + spread + inside))).low > -0.02
    with pytest.raises(ClaimError):
        costs.check_separable_digits(_sep_study(FULL, list(np.array(FULL) + spread + outside)))


def test_separable_digits_fails_when_the_separable_net_is_not_smaller():
    with pytest.raises(ClaimError, match="fewer weights"):
        costs.check_separable_digits(_sep_study(FULL, SEP, n_params=(2866, 3818)))
