"""Parameter counts of FC and conv layers (lessons_code.param_counts), by hand and against AlexNet."""

import pytest

from lessons_code import param_counts as params
from lessons_code.conv_layer import output_size
from lessons_code.pictures.figures import plot_param_counts


def test_param_counts_by_hand():
    assert params.fc_param_count(36, 16) == 592 and params.fc_param_count(36, 16, bias=False) == 576
    assert params.conv_param_count(3, 1, 1) == 10 and params.conv_param_count((11, 11), 3, 96) == 34_944
    with pytest.raises(ValueError, match="n_in must be >= 1"):
        params.fc_param_count(0, 3)
    with pytest.raises(TypeError, match="pair of ints"):
        params.conv_param_count(2.5, 1, 1)


def test_fc_counts_by_hand():
    assert params.fc_param_count(5, 3) == 5 * 3 + 3 == 18
    assert params.fc_param_count(5, 3, bias=False) == 15
    assert params.fc_param_count(224 * 224 * 3, 1000) == 150_529_000
    assert params.fc_param_count(224 * 224 * 3, 4096) == 616_566_784


def test_conv_counts_by_hand():
    assert params.conv_param_count(3, 3, 64) == 27 * 64 + 64 == 1792
    assert params.conv_param_count(7, 3, 64, bias=False) == 9408
    assert params.conv_param_count((1, 5), 2, 4) == 5 * 2 * 4 + 4 == 44


def test_conv_count_does_not_depend_on_image_but_unshared_does():
    assert params.unshared_param_count(3, 1, 1, (4, 4), bias=False) == 9 * 16
    assert params.unshared_param_count(3, 1, 1, 8) == (9 + 1) * 64
    small, large = params.sharing_counts(3, 3, 64, 10), params.sharing_counts(3, 3, 64, 100)
    assert small.shared == large.shared == 1792
    assert large.unshared == 100 * small.unshared
    assert large.ratio == 100 * 100


def test_alexnet_first_layer_matches_the_published_numbers():
    counts = params.alexnet_conv1_counts()
    assert counts.shared == 11 * 11 * 3 * 96 + 96 == 34_944
    assert counts.unshared == 105_705_600 == 34_944 * 55 * 55
    assert counts.ratio == 3025
    # 55 = output of an 11x11 kernel at stride 4 on a 227-pixel side (224 would give 54)
    assert output_size(227, 11, stride=4) == 55
    assert output_size(224, 11, stride=4) == 54


def test_param_comparison_rows_and_table():
    rows = params.param_comparison()
    assert [r.total for r in rows] == [150_529_000, 616_566_784, 1792, 9472]
    assert [r.biases for r in rows] == [1000, 4096, 64, 64]
    assert rows[0].layer.startswith("FC") and rows[2].layer.startswith("conv 3×3")
    table = params.param_table(rows, reference=2)
    lines = table.splitlines()
    assert len(lines) == 2 + 4
    assert "150,529,000" in lines[2] and "84,000.6×" in lines[2]
    assert "1,792" in lines[4] and "1.0×" in lines[4]
    no_bias = params.param_comparison((8, 8, 1), fc_units=(10,), conv_kernels=(3,), c_out=2, bias=False)
    assert [r.total for r in no_bias] == [640, 18]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: params.fc_param_count(0, 3), ValueError, "n_in must be >= 1"),
        (lambda: params.fc_param_count(2.5, 3), TypeError, "n_in must be an int"),
        (lambda: params.fc_param_count(2, 3, bias="yes"), TypeError, "bias must be True or False"),
        (lambda: params.conv_param_count((3, 3, 3), 1, 1), ValueError, "k must be an int or a pair"),
        (lambda: params.conv_param_count(3, 1, 0), ValueError, "c_out must be >= 1"),
        (lambda: params.unshared_param_count(3, 1, 1, (0, 4)), ValueError, "out_shape must be >= 1"),
        (lambda: params.param_comparison((224, 224)), ValueError, r"input_shape must be \(H, W, C\)"),
        (lambda: params.param_table([]), ValueError, "at least one ParamRow"),
        (lambda: plot_param_counts([]), TypeError, "non-empty list of ParamRow"),
    ],
)
def test_bad_inputs_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()
