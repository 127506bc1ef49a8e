"""The book's statistics (lessons_code.checks.stats) against printed tables, closed forms and
alternative outcomes on both sides of each rule."""

import math

import numpy as np
import pytest

from lessons_code.checks import stats


@pytest.mark.parametrize(("df", "q"), [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (29, 2.0452)])
def test_t_quantile_matches_the_printed_tables(df, q):
    assert abs(stats.t_quantile(0.975, df) - q) < 1e-4
    assert abs(stats.t_quantile(0.025, df) + q) < 1e-4


@pytest.mark.parametrize("p", [0.5, 0.6, 0.975, 0.999, 0.999999, 1e-6])
def test_t_quantile_matches_the_closed_forms_in_the_tails(p):
    # df = 1 is Cauchy: tan(pi (p - 1/2)); df = 2: (2p - 1) / sqrt(2 p (1 - p)).
    assert stats.t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9, abs=1e-12)
    assert stats.t_quantile(p, 2) == pytest.approx(
        (2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9, abs=1e-12
    )


def test_t_quantile_is_scipy_stats_t_ppf_to_the_bit():
    from scipy.stats import t

    for df in (1, 2, 3, 4, 9, 29, 199):
        for p in (0.001, 0.025, 0.1, 0.5, 0.9, 0.975, 0.995):
            assert stats.t_quantile(p, df) == float(t.ppf(p, df)), (p, df)


def test_t_quantile_names_bad_inputs():
    for p in (0, 1, -0.1, 1.5):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            stats.t_quantile(p, 3)
    with pytest.raises(TypeError, match="p must be a real number"):
        stats.t_quantile("0.9", 3)
    with pytest.raises((TypeError, ValueError), match="df"):
        stats.t_quantile(0.9, 0)


def test_mean_interval_of_known_values():
    iv = stats.mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert iv.mean == 3.0 and iv.n == 5 and iv.over == "seeds"
    assert abs(iv.half_width - 2.7764 * math.sqrt(2.5) / math.sqrt(5)) < 1e-3
    assert iv.text(".1f") == "3.0 ± 2.0"
    assert iv.text(".1f", unit=True) == "3.0 ± 2.0 (5 seeds)"
    with pytest.raises(ValueError, match="at least 2"):
        stats.mean_interval([1.0])
    with pytest.raises(ValueError, match="finite numbers"):
        stats.mean_interval([1.0, float("nan")])
    with pytest.raises(TypeError, match="unit of replication"):
        stats.mean_interval([1.0, 2.0], over="")
    assert stats.mean_interval([2.0, 2.0, 2.0]).half_width == 0.0


def test_ratio_interval_stays_positive_where_the_t_interval_does_not():
    # A heavy-tailed positive ratio: the arithmetic t interval reaches below zero.
    values = [0.5, 0.6, 0.7, 0.8, 30.0]
    assert stats.mean_interval(values).low < 0
    iv = stats.ratio_interval(values)
    assert 0 < iv.low < iv.mean < iv.high
    assert iv.mean == pytest.approx(math.exp(np.mean(np.log(values))))
    assert iv.range_text(".2f").startswith(f"{iv.mean:.2f} [")
    with pytest.raises(ValueError, match="positive"):
        stats.ratio_interval([1.0, 0.0, 2.0])


def test_bootstrap_interval_is_deterministic_and_covers_the_mean():
    rng = np.random.default_rng(0)
    correct = (rng.random(450) < 0.97).astype(float)  # one accuracy on 450 test images
    iv = stats.bootstrap_interval(correct, seed=1)
    assert iv == stats.bootstrap_interval(correct, seed=1) and iv.over == "test images"
    assert iv.low < correct.mean() < iv.high
    # binomial standard error sqrt(p (1 - p) / n): the half-width is about 1.96 of it
    se = math.sqrt(correct.mean() * (1 - correct.mean()) / correct.size)
    assert 1.5 * se < iv.half_width < 2.5 * se
    with pytest.raises(ValueError, match="2 different numbers"):
        stats.bootstrap_interval(np.ones(10))


def test_one_rule_for_paired_changes_near_misses_on_both_sides():
    before = np.array([0.96, 0.97, 0.95, 0.96, 0.97])
    step = np.array([-0.01, 0.01, -0.01, 0.01, 0.0])
    # a consistent change just larger than its spread: real
    real = stats.paired_change(before + 0.013 + step, before)
    assert real.low > 0 and stats.is_real_change(real)
    # the same change just smaller than its spread: not real
    unreal = stats.paired_change(before + 0.012 + step, before)
    assert unreal.low < 0 < unreal.high and not stats.is_real_change(unreal)
    # the rule reads the paired difference, not whether the two columns' intervals overlap
    assert stats.mean_interval(before + 0.013 + step).low < stats.mean_interval(before).high
    with pytest.raises(ValueError, match="pair up"):
        stats.paired_change([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="Interval"):
        stats.is_real_change((0.1, 0.0, 0.2, 5))


def test_level_is_checked_at_the_door_on_both_sides():
    values = [1.0, 2.0, 4.0]
    for level in (1e-6, 0.999999):  # just inside: an interval
        assert stats.mean_interval(values, level).low < stats.mean_interval(values, level).high
    for level in (0.0, 1.0):  # on the edge: refused by the level check, naming level (not t_quantile's p)
        with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
            stats.mean_interval(values, level)


def test_binomial_standard_error_of_an_accuracy_on_a_fixed_test_set():
    # 97 % on the chapter's 450 test images: about 0.8 points; the extremes have no spread
    assert stats.binomial_standard_error(0.97, 450) == pytest.approx(0.00804, abs=1e-5)
    assert stats.binomial_standard_error(0.5, 100) == pytest.approx(0.05)
    assert stats.binomial_standard_error(1.0, 450) == 0.0
    # four times the test images halve it
    assert stats.binomial_standard_error(0.9, 1800) == pytest.approx(
        stats.binomial_standard_error(0.9, 450) / 2
    )
