"""Spreads of the weight gradients at kept checkpoints, and kernel-gradient smoothness."""

import numpy as np
import pytest

from lessons_code.experiments import digits as data
from lessons_code.experiments import gradient_study, nets
from lessons_code.experiments.nets import NetSpec


@pytest.fixture(scope="module")
def small():
    split = data.load_digits_split(0)
    return split.x_train[:256], split.y_train[:256]


def test_spread_study_shapes_and_the_along_part_is_at_most_the_whole(small):
    x, y = small
    spec = NetSpec("mlp", 8)
    runs = {
        "MLP": [
            (s, nets.train(spec, x, y, seed=s, epochs=1, checkpoint_steps=(0, 2)).checkpoints) for s in (0, 1)
        ]
    }
    study = gradient_study.spread_study(runs, {"MLP": spec}, x, y, {"MLP": ("W1", "W2")}, n_batches=4)
    assert study.seeds == (0, 1) and study.checkpoints == (0, 2)
    for key in (("MLP", "W1"), ("MLP", "W2")):
        assert study.relative[key].shape == (2, 2)
        assert np.all(study.along[key] <= study.relative[key] * 2 + 1e-12)
        assert np.all(study.relative[key] > 0)
    table = gradient_study.spread_table(study, {"MLP": spec}, 1)
    assert len(table.splitlines()) == 2 + 4 and table.count(" [") == 8 and "±" not in table


def test_spread_is_zero_when_every_batch_is_the_whole_set(small):
    x, y = small
    spec = NetSpec("mlp", 8)
    params = nets.init_params(spec, np.random.default_rng(0))
    got = gradient_study.layer_spreads(spec, params, x[:64], y[:64], ("W1",), batch_size=64, n_batches=2)
    assert got["W1"][0] < 1e-12 and got["W1"][1] < 1e-12


def test_bad_layer_is_refused(small):
    x, y = small
    spec = NetSpec("mlp", 8)
    params = nets.init_params(spec, np.random.default_rng(0))
    with pytest.raises(ValueError, match="layer must be one of"):
        gradient_study.layer_spreads(spec, params, x, y, ("K1",))


def test_neighbour_correlation():
    smooth = np.tile(np.arange(5.0), (2, 1, 5, 1))  # rows 0..4: neighbours equal up to a step
    assert gradient_study.neighbour_correlation(smooth) > 0.5
    with pytest.raises(ValueError, match="2 entries wide"):
        gradient_study.neighbour_correlation(np.ones((2, 1, 1, 1)))
    with pytest.raises(ValueError, match="4-D"):
        gradient_study.neighbour_correlation(np.ones((3, 3)))
    with pytest.raises(ValueError, match="constant in every channel"):
        gradient_study.neighbour_correlation(np.full((2, 1, 3, 3), 0.7))  # a constant gradient
    with pytest.raises(ValueError, match="constant in every channel"):
        gradient_study.neighbour_correlation(np.zeros((2, 1, 3, 3)))


def test_neighbour_correlation_ignores_each_channels_offset():
    # Independent noise plus a large per-channel offset: pooled, the offsets would correlate
    # neighbours strongly; with each channel's mean removed, the correlation is near zero.
    rng = np.random.default_rng(0)
    dK = rng.standard_normal((8, 1, 5, 5)) + 10 * rng.standard_normal((8, 1, 1, 1))
    assert abs(gradient_study.neighbour_correlation(dK)) < 0.2


def test_kernel_smoothness_sees_smooth_and_rough_kernels():
    ramp = np.add.outer(np.arange(3.0), np.arange(3.0))  # adjacent taps agree
    rough = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [1.0, -1.0, 1.0]])  # a checkerboard
    smooth = np.stack([ramp, -ramp])[:, None]
    assert gradient_study.kernel_smoothness(smooth) > 0.3
    assert gradient_study.kernel_smoothness(np.stack([rough, 2 * rough])[:, None]) < -0.9


def test_learned_kernels_shapes_and_moves():
    rng = np.random.default_rng(0)
    k0 = {s: {"K1": rng.standard_normal((4, 1, 3, 3))} for s in (0, 1)}
    kept = {s: (k0[s], {"K1": 2 * k0[s]["K1"]}, {"K1": k0[s]["K1"]}) for s in (1, 0)}
    with pytest.raises(ValueError, match="constant in every channel"):
        gradient_study.learned_kernels(kept)  # the shuffled run did not move: nothing to correlate
    kept = {s: (k0[s], {"K1": 2 * k0[s]["K1"]}, {"K1": 3 * k0[s]["K1"]}) for s in (1, 0)}
    st = gradient_study.learned_kernels(kept)
    assert st.seeds == (0, 1) and st.initial.shape == (2, 4, 1, 3, 3)
    assert np.allclose(st.moved_ordered, 1.0) and np.allclose(st.moved_shuffled, 2.0)
    with pytest.raises(TypeError, match="non-empty dict"):
        gradient_study.learned_kernels({})


def test_learned_kernels_names_a_missing_run():
    k = {"K1": np.ones((2, 1, 3, 3))}
    with pytest.raises(TypeError, match=r"kept\[0\] must be \(initial, ordered, shuffled\)"):
        gradient_study.learned_kernels({0: (k, k, None)})
