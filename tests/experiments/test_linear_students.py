"""The small least-squares experiments behind the seed's optimization claims."""

import numpy as np
import pytest

from lessons_code import conv
from lessons_code.experiments import linear_students as optimization


def _setup(seed=5):
    rng = np.random.default_rng(seed)
    kernel = rng.standard_normal((3, 3))
    return rng, kernel


def test_conv_features_are_the_sum_of_the_conv_output():
    rng, kernel = _setup()
    x = rng.standard_normal((4, 7, 6))
    feats = optimization.conv_features(x, (3, 3))
    assert feats.shape == (4, 9)
    assert np.allclose(
        feats @ kernel.ravel(), [conv.conv2d(img, kernel).sum() for img in x], rtol=1e-12, atol=1e-12
    )
    assert optimization.fc_features(x).shape == (4, 42)


def test_teacher_without_noise_is_fitted_exactly_by_both_students_given_enough_data():
    rng, kernel = _setup()
    train = optimization.teacher_data(300, (8, 8), kernel, 0.0, rng)
    test = optimization.teacher_data(50, (8, 8), kernel, 0.0, rng)
    for report in optimization.fit_students(train, test):
        assert report.train_mse < 1e-20 and report.test_mse < 1e-20


def test_fc_interpolates_noise_with_fewer_examples_than_pixels_and_pays_on_test():
    rng, kernel = _setup()
    test = optimization.teacher_data(500, (10, 10), kernel, 1.0, rng)
    train = optimization.teacher_data(50, (10, 10), kernel, 1.0, rng)
    fc, cv = optimization.fit_students(train, test)
    assert (fc.model, fc.n_params, cv.model, cv.n_params) == ("FC", 100, "conv", 9)
    assert fc.train_mse < 1e-20  # 50 equations, 100 unknowns: noise is fitted exactly
    assert fc.test_mse > 10 * cv.test_mse
    assert 0.3 < cv.train_mse < 1.5 and cv.test_mse < 2.0  # near the noise variance 1


def test_gradient_noise_is_smaller_for_the_conv_student():
    rng, kernel = _setup()
    data = optimization.teacher_data(400, (10, 10), kernel, 1.0, rng)
    fc, cv = optimization.gradient_noise(data, batch=10)
    assert fc.n_params == 100 and cv.n_params == 9
    assert cv.relative_noise < fc.relative_noise / 2


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: optimization.teacher_data(0, (4, 4), np.ones((3, 3)), 0.0, np.random.default_rng(0)),
         ValueError, "n must be >= 1"),
        (lambda: optimization.teacher_data(3, (4, 4), np.ones((3, 3)), 0.0, 0), TypeError, "numpy Generator"),
        (lambda: optimization.gradient_noise(optimization.Data(np.ones((5, 4, 4)), np.ones(5)), batch=3),
         ValueError, "at least two batches of 3"),
    ],
)  # fmt: skip
def test_bad_inputs_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.slow
def test_studies_are_deterministic():
    a = optimization.overfit_study(seeds=(0, 1), n_trains=(50, 200), n_test=300)
    b = optimization.overfit_study(seeds=(0, 1), n_trains=(50, 200), n_test=300)
    assert a.teacher_norm2 == b.teacher_norm2
    assert all(np.array_equal(a.test_mse[k], b.test_mse[k]) for k in a.test_mse)


def test_studies_are_keyed():
    a = optimization.overfit_study(seeds=(0, 1), n_trains=(50, 200), n_test=100)
    assert sorted(a.test_mse) == sorted(
        (m, n, s) for m in ("FC", "conv") for n in (50, 200) for s in (1.0, 0.0)
    )
    assert a.test_mse[("FC", 50, 1.0)].shape == (2,)
    assert a.expected_underdetermined(50) == a.teacher_norm2 / 2
    assert a.expected_underdetermined(200) == 0.0
    n = optimization.noise_study(seeds=(0, 1), sides=(6,), n=100)
    assert n.n_params == {("FC", 6): 36, ("conv", 6): 9}
    assert n.values[("FC", 6, "along")].shape == (2,)


def test_vectorised_conv_features_match_the_loop():
    x = np.random.default_rng(0).standard_normal((3, 7, 6))
    assert np.allclose(optimization.conv_features(x, (3, 2)), optimization.conv_features_loop(x, (3, 2)))


def test_teacher_fc_weights_reproduce_the_teacher():
    rng, kernel = _setup()
    data = optimization.teacher_data(20, (7, 6), kernel, 0.0, rng)
    v = optimization.teacher_fc_weights(kernel, (7, 6))
    assert np.allclose(data.x.reshape(20, -1) @ v.ravel(), data.y)


def test_noise_splits_into_along_and_across():
    rng, kernel = _setup()
    data = optimization.teacher_data(400, (10, 10), kernel, 1.0, rng)
    for r in optimization.gradient_noise(data, batch=10):
        assert 0 < r.along < r.relative_noise * 1.5 and r.across >= 0


def test_tables_have_a_row_per_case_with_intervals():
    a = optimization.overfit_study(seeds=(0, 1), n_trains=(50,), n_test=100)
    table = optimization.overfit_table(a)
    assert len(table.splitlines()) == 2 + 4 and "±" in table
    n = optimization.noise_study(seeds=(0, 1), sides=(6, 8), n=100)
    table = optimization.noise_table(n)
    assert len(table.splitlines()) == 2 + 4 and table.count(" [") == 16 and "±" not in table


def test_rms_noise_splits_exactly_into_along_and_across():
    rng = np.random.default_rng(3)
    data = optimization.teacher_data(400, (8, 8), rng.standard_normal((3, 3)), 1.0, rng)
    for r in optimization.gradient_noise(data, batch=10):
        assert r.relative_noise**2 == pytest.approx(r.along**2 + r.across**2, rel=1e-12)


def test_step_efficiency_matches_real_sgd_steps():
    # Monte Carlo: the mean loss decrease of real minibatch steps (batches drawn with replacement)
    # at the best step size, against the formula -eta ||g||^2 + eta^2 / 2 (g'Hg + tr(H Sigma) / B).
    rng = np.random.default_rng(7)
    data = optimization.teacher_data(300, (6, 6), rng.standard_normal((3, 3)), 1.0, rng)
    a, y = optimization.fc_features(data.x), data.y
    eff = optimization.step_efficiency(a, y, batch=10)

    def loss(w):
        return float(np.mean((a @ w - y) ** 2) / 2)

    g = -(a * y[:, None]).mean(axis=0)
    full_gain = loss(np.zeros(36)) - loss(-eff.full_step * g)
    gains = []
    for _ in range(4000):
        idx = rng.integers(0, len(y), 10)
        g_b = -(a[idx] * y[idx, None]).mean(axis=0)
        gains.append(loss(np.zeros(36)) - loss(-eff.best_step * g_b))
    assert np.mean(gains) / full_gain == pytest.approx(eff.efficiency, rel=0.05)
    assert 0 < eff.efficiency < 1 and eff.best_step < eff.full_step
    # a batch of everything noise-free: a larger batch is always at least as efficient
    assert optimization.step_efficiency(a, y, batch=1000).efficiency > eff.efficiency


def test_step_efficiency_and_gradient_noise_name_degenerate_inputs():
    x = np.random.default_rng(0).standard_normal((40, 5, 5))
    with pytest.raises(ValueError, match="all-zero targets"):
        optimization.step_efficiency(x.reshape(40, -1), np.zeros(40))
    with pytest.raises(ValueError, match="all zero"):
        optimization.gradient_noise(optimization.Data(x, np.zeros(40)), batch=10)
    with pytest.raises(ValueError, match="one number per row"):
        optimization.step_efficiency(x.reshape(40, -1), np.ones(39))
    with pytest.raises(ValueError, match="weights must have one entry per feature"):
        optimization.step_efficiency(x.reshape(40, -1), np.ones(40), weights=np.zeros(3))
