"""The numpy networks (lessons_code.experiments.nets): gradients, pooling, Adam, training."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_code.checks.tolerances import REL_ERROR_BOUND
from lessons_code.experiments import digits as data
from lessons_code.experiments import nets as models
from lessons_code.experiments.nets import NetSpec
from lessons_code.experiments.runs import MODEL_SPECS
from lessons_code.gradcheck import numerical_gradient, rel_error

SMALL_SPECS = [
    NetSpec("mlp", width=3, image_shape=(4, 4), n_classes=3),
    NetSpec("cnn", width=2, kernel=3, image_shape=(4, 4), n_classes=3),
    NetSpec("cnn", width=2, kernel=5, image_shape=(6, 4), n_classes=3),
    NetSpec("conv1x1", width=2, image_shape=(4, 4), n_classes=3),
    NetSpec("local", width=2, kernel=3, image_shape=(4, 6), n_classes=3),
    NetSpec("cnn2", width=2, kernel=3, image_shape=(4, 4), n_classes=3),
    NetSpec("sep2", width=2, kernel=3, image_shape=(4, 4), n_classes=3),
]


@pytest.fixture(scope="module")
def digits():
    return data.load_digits_split(0)


@pytest.mark.parametrize("spec", SMALL_SPECS, ids=lambda s: f"{s.kind}-k{s.kernel}")
def test_every_model_gradient_matches_finite_differences(spec):
    rng = np.random.default_rng(7)
    params = models.init_params(spec, rng)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}  # non-zero biases
    x = rng.standard_normal((3, 1, *spec.image_shape))
    y = np.array([0, 2, 1])
    _, grads = models.loss_and_grads(spec, params, x, y)
    assert set(grads) == set(params)
    for name, value in params.items():

        def loss(theta, name=name):
            return models.loss_and_grads(spec, {**params, name: theta}, x, y)[0]

        num = numerical_gradient(loss, value)
        assert grads[name].shape == value.shape
        assert rel_error(grads[name], num) < REL_ERROR_BOUND, (spec, name)


def test_softmax_cross_entropy_value_and_gradient():
    loss, d = models.softmax_cross_entropy(np.zeros((4, 5)), np.array([0, 1, 2, 3]))
    assert loss == pytest.approx(np.log(5))  # uniform prediction over 5 classes
    assert np.allclose(d.sum(axis=1), 0, rtol=0, atol=1e-15)  # a sum that must vanish: absolute
    rng = np.random.default_rng(1)
    s, y = rng.standard_normal((3, 4)) * 10, np.array([3, 0, 1])
    num = numerical_gradient(lambda t: models.softmax_cross_entropy(t, y)[0], s)
    assert rel_error(models.softmax_cross_entropy(s, y)[1], num) < REL_ERROR_BOUND
    # large scores do not overflow
    assert np.isfinite(models.softmax_cross_entropy(np.array([[1e4, 0.0]]), np.array([1]))[0])


def test_the_training_loop_runs_the_layers_unchecked_cores():
    # the nets are built from the layers' own cores (imported, not copied), checked once per call
    from lessons_code import conv_layer, fc, pooling

    assert models.maxpool2_forward_unchecked is pooling.maxpool2_forward_unchecked
    assert models.relu_backward_unchecked is pooling.relu_backward_unchecked
    assert models.fc_forward_batch_unchecked is fc.fc_forward_batch_unchecked
    assert models.conv_forward_unchecked is conv_layer.conv_forward_unchecked


@pytest.mark.parametrize("kind", ["cnn", "conv1x1"])
def test_the_first_conv_layer_gradient_is_the_layers_bit_for_bit(kind):
    # the training loop skips the first layer's input gradient; its weight gradients are still
    # exactly what the layer's own backward pass returns
    from lessons_code import conv_layer

    spec = models.NetSpec(kind, width=3)
    params = models.init_params(spec, np.random.default_rng(5))
    x = np.random.default_rng(6).random((7, 1, 8, 8))
    y = np.arange(7) % 10
    _, grads = models.loss_and_grads(spec, params, x, y)
    scores, cache = models.forward(spec, params, x)
    _, dscores = models.softmax_cross_entropy(scores, y)
    conv_cache, z, arg, a_shape, flat = cache
    _, dflat, _ = models.fc_backward_batch_unchecked(flat, params["W2"], dscores)
    da = dflat.reshape(a_shape)
    if kind == "cnn":
        da = models.maxpool2_backward_unchecked(da, arg)
    _, dk, db = conv_layer.conv_backward_unchecked(models.relu_backward_unchecked(da, z), conv_cache)
    assert np.array_equal(grads["K1"], dk) and np.array_equal(grads["b1"], db)


def test_adam_update_is_permutation_equivariant():
    rng = np.random.default_rng(3)
    p, g = {"W": rng.standard_normal((3, 8))}, {"W": rng.standard_normal((3, 8))}
    perm = rng.permutation(8)
    pp, gp = {"W": p["W"][:, perm].copy()}, {"W": g["W"][:, perm].copy()}
    s1, s2 = {}, {}
    for _ in range(3):
        models.adam_step(p, g, s1)
        models.adam_step(pp, gp, s2)
    assert np.array_equal(p["W"][:, perm], pp["W"])


def test_seeded_training_learns_the_digits_and_is_reproducible(digits):
    spec = MODEL_SPECS["MLP"]
    a = models.train(spec, digits.x_train, digits.y_train, seed=0, epochs=5)
    b = models.train(spec, digits.x_train, digits.y_train, seed=0, epochs=5)
    acc = models.accuracy(spec, a.params, digits.x_test, digits.y_test)
    assert acc > 0.9  # chance is 0.1
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert a.losses[-5:].mean() < a.losses[:5].mean()
    assert set(a.grad_norms) == {"W1", "W2"} and a.grad_norms["W1"].shape == a.losses.shape


def test_seeded_cnn_and_1x1_runs_beat_chance_by_far(digits):
    for spec in (MODEL_SPECS["CNN"], MODEL_SPECS["1×1-conv MLP"]):
        r = models.train(spec, digits.x_train, digits.y_train, seed=1, epochs=3)
        assert models.accuracy(spec, r.params, digits.x_test, digits.y_test) > 0.85, spec.kind


def test_train_keeps_checkpoints_before_the_step(digits):
    spec = NetSpec("mlp", width=4)
    init = models.init_params(spec, np.random.default_rng(0))
    r = models.train(
        spec,
        digits.x_train[:100],
        digits.y_train[:100],
        init=init,
        epochs=1,
        batch_size=50,
        checkpoint_steps=(0, 2),
    )
    assert sorted(r.checkpoints) == [0, 2]
    assert all(np.array_equal(r.checkpoints[0][k], init[k]) for k in init)
    assert all(np.array_equal(r.checkpoints[2][k], r.params[k]) for k in init)


def test_bad_inputs_raise_with_a_message():
    with pytest.raises(ValueError, match="kind"):
        NetSpec("rnn", 3)
    with pytest.raises(ValueError, match="odd"):
        NetSpec("cnn", 3, kernel=4)
    spec = NetSpec("mlp", 3)
    params = models.init_params(spec, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\)"):
        models.forward(spec, params, np.zeros((2, 1, 7, 8)))
    with pytest.raises(ValueError, match="y must lie"):
        models.softmax_cross_entropy(np.zeros((2, 10)), np.array([0, 10]))
    with pytest.raises(TypeError, match="integer class labels"):
        models.softmax_cross_entropy(np.zeros((2, 10)), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="Generator"):
        models.init_params(spec, 0)


def test_forward_macs_by_hand():
    # MLP 64 -> 32 -> 10; CNN 3x3, 8 channels on 8x8 (same padding), pool to 4x4, FC 128 -> 10;
    # 1x1 conv to 4 channels on 8x8, FC 256 -> 10.
    assert models.forward_macs(models.NetSpec("mlp", 32)) == 64 * 32 + 32 * 10
    assert models.forward_macs(models.NetSpec("cnn", 8)) == 9 * 8 * 64 + 128 * 10
    assert models.forward_macs(models.NetSpec("conv1x1", 4)) == 4 * 64 + 256 * 10
    with pytest.raises(TypeError, match="NetSpec"):
        models.forward_macs("mlp")


@pytest.mark.parametrize("name", list(MODEL_SPECS))
def test_train_is_the_loop_of_public_steps_bit_for_bit(digits, name):
    # train checks its inputs once and then calls the unchecked twins: same numbers as a loop of
    # the public, checked loss_and_grads and adam_step
    spec = MODEL_SPECS[name]
    x, y = digits.x_train[:150], digits.y_train[:150]
    r = models.train(spec, x, y, seed=3, epochs=2, batch_size=32)
    params, state = models.init_params(spec, np.random.default_rng([3, 0])), {}
    losses = []
    for idx in models.batch_order(len(y), 2, 32, [3, 1]):
        loss, grads = models.loss_and_grads(spec, params, x[idx], y[idx])
        losses.append(loss)
        models.adam_step(params, grads, state, lr=1e-2)
    assert np.array_equal(r.losses, losses)
    assert all(np.array_equal(r.params[k], params[k]) for k in params)


def test_the_local_net_with_equal_kernels_is_the_cnn():
    """The "local" kind is the CNN with untied kernels: copy the CNN's kernel and bias to every
    position and the two nets give the same scores, and the CNN's kernel gradient is the local
    gradient summed over the positions."""
    from lessons_code import locally_connected

    cnn, local = (
        NetSpec("cnn", width=2, kernel=3, image_shape=(4, 6), n_classes=3),
        NetSpec("local", width=2, kernel=3, image_shape=(4, 6), n_classes=3),
    )
    rng = np.random.default_rng(5)
    p_cnn = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in models.init_params(cnn, rng).items()}
    w, b = locally_connected.tied_weights(p_cnn["K1"], p_cnn["b1"], (4, 6))
    p_local = {"L1": w, "b1": b, "W2": p_cnn["W2"], "b2": p_cnn["b2"]}
    x, y = rng.standard_normal((3, 1, 4, 6)), np.array([0, 2, 1])
    loss_c, g_c = models.loss_and_grads(cnn, p_cnn, x, y)
    loss_l, g_l = models.loss_and_grads(local, p_local, x, y)
    assert abs(loss_c - loss_l) < 1e-12
    assert np.allclose(g_l["L1"].sum(axis=(0, 1)), g_c["K1"], rtol=1e-10, atol=1e-12)
    assert np.allclose(g_l["W2"], g_c["W2"], rtol=1e-10, atol=1e-12)
    assert models.forward_macs(local) == models.forward_macs(cnn)
    assert local.first_layer == "L1"


def test_two_layer_kinds_by_hand():
    """cnn2: 3x3 1 -> 8 on 8x8, pool, 3x3 8 -> 16 on 4x4, FC 256 -> 10; sep2: the second layer is a
    depthwise 3x3 (8 kernels) and a 1x1 8 -> 16 (k²C + CC' against k²CC')."""
    cnn2, sep2 = models.NetSpec("cnn2", 8), models.NetSpec("sep2", 8)
    assert models.forward_macs(cnn2) == 9 * 8 * 64 + 9 * 8 * 16 * 16 + 256 * 10
    assert models.forward_macs(sep2) == 9 * 8 * 64 + (9 * 8 + 8 * 16) * 16 + 256 * 10
    shapes = models.param_shapes(sep2)
    assert shapes["D2"] == (8, 1, 3, 3) and shapes["P2"] == (16, 8, 1, 1) and "K2" not in shapes
    assert models.param_shapes(cnn2)["K2"] == (16, 8, 3, 3)
    p = models.init_params(sep2, np.random.default_rng(0))
    assert abs(p["D2"].std() / np.sqrt(2 / 9) - 1) < 0.3 and np.all(p["c2"] == 0)
    with pytest.raises(ValueError, match="odd kernel"):
        models.NetSpec("sep2", 8, kernel=2)
