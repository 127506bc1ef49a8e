"""The exercises' self-checks (lessons_code.exercises) and the identities behind exercise 3."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_code import conv
from lessons_code.conv_layer import conv_forward
from lessons_code.fc import fc_forward_batch
from lessons_code.geometry import shift_image
from lessons_code.pages import exercises


def test_per_pixel_fc_is_a_1x1_conv_to_1e_12():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 7, 6))  # 5 channels at each of 7 x 6 pixels
    W, b = rng.standard_normal((4, 5)), rng.standard_normal(4)
    out = conv_forward(x, W[:, :, None, None], b)[0]
    per_pixel = fc_forward_batch(x.transpose(0, 2, 3, 1).reshape(-1, 5), W, b)  # one FC call per pixel
    assert np.max(np.abs(out - per_pixel.reshape(3, 7, 6, 4).transpose(0, 3, 1, 2))) < 1e-12


def test_fc_on_the_flattened_image_is_a_full_image_conv_to_1e_12():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 2, 8, 8))
    W, b = rng.standard_normal((10, 2 * 8 * 8)), rng.standard_normal(10)
    out = conv_forward(x, W.reshape(10, 2, 8, 8), b)[0]
    assert out.shape == (4, 10, 1, 1)
    assert np.max(np.abs(out[:, :, 0, 0] - fc_forward_batch(x.reshape(4, -1), W, b))) < 1e-12


def test_exercise_1(capsys):
    fc_count, conv_count = exercises.exercise_1_answer()
    assert (fc_count, conv_count) == (224 * 224 * 3 * 1000 + 1000, 3 * 3 * 3 * 64 + 64)
    assert exercises.grade_exercise_1(fc_count, conv_count) is True
    assert "Exercise 1: PASS" in capsys.readouterr().out
    assert exercises.grade_exercise_1(fc_count - 1000, conv_count) is False
    out = capsys.readouterr().out
    assert "FAIL" in out and "missing the 1,000 biases" in out and "150,529,000" in out
    assert exercises.grade_exercise_1(fc_count, 3 * 3 * 64 + 64) is False
    assert "all 3 input channels" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_exercise_2(kind, capsys):
    norms = exercises.exercise_2_answer(kind)
    assert set(norms) == ({"W1", "W2"} if kind == "mlp" else {"K1", "W2"})
    assert all(v > 0 for v in norms.values())
    assert exercises.grade_exercise_2(kind, norms) is True
    assert "PASS" in capsys.readouterr().out
    wrong = {k: 2 * v for k, v in norms.items()}
    assert exercises.grade_exercise_2(kind, wrong) is False
    out = capsys.readouterr().out
    assert "FAIL" in out and "expected" in out and f"{round(norms['W2'], 6)}" in out
    assert exercises.grade_exercise_2(kind, {"W": 1.0}) is False
    assert "expected the layers" in capsys.readouterr().out


def test_exercise_3(capsys):
    rng = np.random.default_rng(2)
    W, b = rng.standard_normal((6, 12)), rng.standard_normal(6)
    assert exercises.grade_exercise_3(W, b, W[:, :, None, None]) is True  # 1x1 conv over 12 channels
    assert "per-pixel FC == 1x1 conv" in capsys.readouterr().out
    assert exercises.grade_exercise_3(W, b, W.reshape(6, 3, 2, 2)) is True  # covers a 3x2x2 image
    assert "PASS" in capsys.readouterr().out
    assert exercises.grade_exercise_3(W, b, W.reshape(6, 3, 2, 2).transpose(0, 1, 3, 2)) is False
    out = capsys.readouterr().out
    assert "FAIL" in out and "W.reshape(6, 3, 2, 2)" in out
    assert exercises.grade_exercise_3(W, b, W.reshape(6, 2, 3, 2)[:, :, :2]) is False
    assert "C*kh*kw = 12" in capsys.readouterr().out


def test_exercise_4(capsys):
    rng = np.random.default_rng(3)
    img, dy = rng.standard_normal((7, 7)), rng.standard_normal((3, 3))
    dK = conv.conv2d(img, dy)  # a 5x5 kernel's gradient
    assert exercises.grade_exercise_4(img, dy, dK) is True
    assert "PASS" in capsys.readouterr().out
    assert exercises.grade_exercise_4(img, dy, dK[::-1, ::-1]) is False
    assert "flipped" in capsys.readouterr().out
    assert exercises.grade_exercise_4(img, dy, dK[:3, :3]) is False
    assert "shape (5, 5)" in capsys.readouterr().out


@pytest.mark.parametrize(("rows", "cols"), [(0, 1), (-1, 0), (1, -2)])
def test_exercise_5(rows, cols, capsys):
    rng = np.random.default_rng(4)
    img, K = rng.standard_normal((8, 8)), rng.standard_normal((3, 3))
    out = conv.conv2d(img, K)
    predicted = np.roll(out, (rows, cols), axis=(0, 1))  # wrong only where the shift brings in zeros
    assert exercises.grade_exercise_5(img, K, predicted, rows, cols) is True
    assert "PASS" in capsys.readouterr().out
    assert exercises.grade_exercise_5(img, K, out, rows, cols) is False  # "nothing moves": wrong
    assert "FAIL" in capsys.readouterr().out
    # the real conv of the shifted image is right by definition
    assert exercises.grade_exercise_5(img, K, conv.conv2d(shift_image(img, rows, cols), K), rows, cols)


# --- the real-layer chapter's exercises ------------------------------------------------------------


def test_conv1d_exercise_answer_by_hand_and_hints(capsys):
    dx, dk = exercises.exercise_conv1d_answer()
    # x = 1 2 0 -1 3 1 2, k = 2 -1 1, stride 2, dy = 1 -1 2
    assert dk.tolist() == [1 * 1 - 0 + 2 * 3, 2 + 1 + 2 * 1, 0 - 3 + 2 * 2]
    assert dx.tolist() == [2, -1, 1 - 2, 1, -1 + 4, -2, 2]
    assert exercises.grade_exercise_conv1d(dx, dk) is True
    assert exercises.grade_exercise_conv1d(dx, dk[::-1]) is False
    assert "flipped" in capsys.readouterr().out
    no_stride = np.convolve([1, -1, 2], [2, -1, 1], "full")
    assert exercises.grade_exercise_conv1d(np.r_[no_stride, 0, 0], dk) is False
    assert "ignores the stride" in capsys.readouterr().out
    assert exercises.grade_exercise_conv1d([1, 2], dk) is False
    assert "7 numbers" in capsys.readouterr().out


def test_find_the_bug_check_names_each_candidate(capsys):
    truth = {"A": "flipped dK", "B": "stride without dilating dy", "C": "correct", "D": "missing crop"}
    assert exercises.grade_exercise_find_the_bug(truth) is True
    assert exercises.grade_exercise_find_the_bug({**truth, "A": "correct", "C": "flipped dK"}) is False
    assert "2 of 4 wrong: A, C" in capsys.readouterr().out
    assert exercises.grade_exercise_find_the_bug({"A": "correct"}) is False
    assert exercises.grade_exercise_find_the_bug({**truth, "A": "typo"}) is False
    assert set(exercises.find_the_bug_candidates()) == {"A", "B", "C", "D"}
    # the broken candidates are private: nothing public but the accessor
    assert not any(name.startswith("backward_") for name in dir(exercises))


def test_find_the_bug_candidates_differ_by_their_one_mistake():
    from lessons_code import conv_layer

    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))
    out, cache = conv_layer.conv_forward(x, w, stride=2, padding=1)
    dout = rng.standard_normal(out.shape)
    dx, dw, _ = conv_layer.conv_backward(dout, cache)
    got = {k: f(dout, x, w, stride=2, padding=1) for k, f in exercises.find_the_bug_candidates().items()}
    assert np.allclose(got["C"][0], dx) and np.allclose(got["C"][1], dw)
    assert np.allclose(got["A"][0], dx) and np.allclose(got["A"][1], dw[:, :, ::-1, ::-1])
    assert not np.allclose(got["B"][0], dx) and np.allclose(got["B"][1], dw)
    assert not np.allclose(got["D"][0], dx) and np.allclose(got["D"][1], dw)


def test_local_gradient_check_passes_the_loop_answer_and_names_the_shared_sum(capsys):
    rng = np.random.default_rng(23)
    image, dy = rng.standard_normal((5, 4)), rng.standard_normal((3, 2))
    dW = np.array([[dy[i, j] * image[i : i + 3, j : j + 3] for j in range(2)] for i in range(3)])
    assert exercises.grade_exercise_local_gradient(image, dy, dW) is True
    summed = np.broadcast_to(dW.sum(axis=(0, 1)), dW.shape)  # the shared kernel's gradient everywhere
    assert exercises.grade_exercise_local_gradient(image, dy, summed) is False
    assert "that is the shared kernel's gradient" in " ".join(capsys.readouterr().out.split())
    assert exercises.grade_exercise_local_gradient(image, dy, dW * (1 + 1e-9)) is False
    assert exercises.grade_exercise_local_gradient(image, dy, dW[0]) is False
    assert exercises.grade_exercise_local_gradient(image, dy, "dW") is False
    with pytest.raises(ValueError, match="must not be larger"):
        exercises.grade_exercise_local_gradient(dy, image, dW)


def test_which_property_check(capsys):
    assert exercises.grade_exercise_which_property(dict(exercises.WHICH_PROPERTY)) is True
    wrong = {**exercises.WHICH_PROPERTY, "shuffle costs the CNN": "locality"}
    assert exercises.grade_exercise_which_property(wrong) is False
    assert "1 of 4 wrong: shuffle costs the CNN" in capsys.readouterr().out
    assert exercises.grade_exercise_which_property({**wrong, "parameters x 3,025": "neither"}) is False
    assert exercises.grade_exercise_which_property(["sharing"]) is False


def test_channels_exercise_answer_and_hints(capsys):
    dw_01, dx_0 = exercises.exercise_channels_answer()
    assert dw_01.tolist() == [[4, 0], [1, 6]] and dx_0.tolist() == [[1, 1, 1], [3, 0, 2], [4, -1, 0]]
    assert exercises.grade_exercise_channels(dw_01, dx_0) is True
    x, w, dy = (np.array(exercises.EX_CHANNELS[k], dtype=float) for k in ("x", "w", "dy"))
    capsys.readouterr()
    # the wrong input channel, and dx from one output channel only
    wrong_dw = conv.conv_weight_grad(x[0, 0], w[0, 1], dy[0, 0])
    one_o = conv.conv_input_grad(x[0, 0], w[0, 0], dy[0, 0])
    assert exercises.grade_exercise_channels(wrong_dw, one_o) is False
    out = " ".join(capsys.readouterr().out.split())
    assert "kernel w[o, c] reads input channel c" in out and "sum over every output channel o" in out
    assert exercises.grade_exercise_channels(dw_01 + 1e-6, dx_0) is False  # a near miss is wrong


def test_cost_exercise_counts_and_hints(capsys):
    f = 32 * 28 * 28 * 576 * 128
    assert exercises.grade_exercise_cost(f, 2 * f, (576, 32 * 28 * 28)) is True
    capsys.readouterr()
    assert exercises.grade_exercise_cost(4 * f, f, (576, 32 * 28 * 28)) is False
    out = " ".join(capsys.readouterr().out.split())
    assert "28x28 positions" in out and "dx and dw" in out
    assert exercises.grade_exercise_cost(f, 2 * f, (576, 32 * 28 * 28 + 1)) is False
