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


def test_chapter_experiments_are_deterministic_and_ordered():
    a = optimization.chapter_experiments(n_trains=(50, 200), n_test=300)
    b = optimization.chapter_experiments(n_trains=(50, 200), n_test=300)
    assert a == b
    assert [(r.model, r.n_train) for r in a.fits] == [("FC", 50), ("conv", 50), ("FC", 200), ("conv", 200)]
    assert [r.model for r in a.noise] == ["FC", "conv"]
