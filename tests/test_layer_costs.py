"""Multiply-adds, im2col sizes, fan-in and He initialisation (lessons_code.layer_costs)."""

import numpy as np
import pytest

from lessons_code import layer_costs
from lessons_code.conv_layer import conv_backward, conv_forward, im2col


def test_pass_macs_by_hand():
    # 1 image, 3 -> 64 channels, 3x3, 224x224 "same": 64 * 27 * 50,176 per pass
    c = layer_costs.conv_pass_macs((1, 3, 224, 224), (64, 3, 3, 3), padding=1)
    assert c == (86_704_128,) * 3 and c.backward == 173_408_256
    # stride 2 on 8x8 with a 3x3 kernel: 3x3 positions; 2 images, 2 -> 4 channels
    assert layer_costs.conv_pass_macs((2, 2, 8, 8), (4, 2, 3, 3), stride=2).forward == 2 * 9 * 4 * 18
    assert layer_costs.fc_pass_macs(5, 64, 32) == (10_240,) * 3


def test_groups_divide_the_count():
    full = layer_costs.conv_pass_macs((1, 8, 6, 6), (16, 8, 3, 3), padding=1)
    grouped = layer_costs.conv_pass_macs((1, 8, 6, 6), (16, 2, 3, 3), padding=1, groups=4)
    assert grouped.forward * 4 == full.forward
    with pytest.raises(ValueError, match="C_in / groups = 2"):
        layer_costs.conv_pass_macs((1, 8, 6, 6), (16, 8, 3, 3), groups=4)


@pytest.mark.parametrize("geometry", [{}, {"stride": 2, "padding": 1}, {"dilation": 2, "padding": (1, 0)}])
def test_im2col_shape_is_the_shape_of_im2col(geometry):
    x = np.zeros((2, 3, 9, 7))
    assert layer_costs.im2col_shape(x.shape, (3, 2), **geometry) == im2col(x, (3, 2), **geometry).shape


def test_im2col_shape_of_the_page_layers():
    assert layer_costs.im2col_shape((1, 3, 224, 224), 3, padding=1) == (27, 50_176)
    assert layer_costs.im2col_shape((1, 64, 56, 56), 3, padding=1) == (576, 3_136)


def test_fan_in_is_one_window_over_the_input_channels():
    assert layer_costs.fan_in((64, 3, 3, 3)) == 27 and layer_costs.fan_in((10, 2048)) == 2048
    assert layer_costs.fan_in((16, 2, 3, 3), groups=4) == 18


def test_he_normal_has_std_sqrt_2_over_fan_in():
    w = layer_costs.he_normal((256, 32, 3, 3), np.random.default_rng(0))
    assert abs(w.std() / np.sqrt(2 / 288) - 1) < 0.01  # 73,728 draws: SE of the std about 0.3 %
    assert abs(w.std() / np.sqrt(1 / 288) - 1) > 0.3  # not the gain-1 init


def test_activation_scales_he_against_gain_one():
    he = layer_costs.activation_scales(4, 8, 6, 2.0, 0)
    half = layer_costs.activation_scales(4, 8, 6, 1.0, 0)
    # the same draws scaled, and a ReLU is positively homogeneous: exactly 2^-l apart
    assert np.allclose(half, he * 0.5 ** np.arange(1, 5), rtol=1e-12)
    # the first layer's mean square is about 2 * mean(x^2) * (share of taps inside) with He
    assert 1.0 < he[0] < 3.0


def test_the_counts_match_the_work_of_the_layer():
    """The forward count equals the multiplications the loop would do: one per product summed."""
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3))
    y, cache = conv_forward(x, w, stride=2, padding=1)
    dx, dw, _ = conv_backward(np.ones_like(y), cache)
    c = layer_costs.conv_pass_macs(x.shape, w.shape, stride=2, padding=1)
    assert c.forward == y.size * w[0].size and dw.shape == w.shape and dx.shape == x.shape
