"""Student-t statistics (lessons_code.checks.stats) against printed tables and known values."""

import math

import pytest

from lessons_code.checks import stats


@pytest.mark.parametrize(("df", "q"), [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (29, 2.0452)])
def test_t_quantile_matches_the_printed_tables(df, q):
    assert abs(stats.t_quantile(0.975, df) - q) < 1e-4
    assert abs(stats.t_quantile(0.025, df) + q) < 1e-4


def test_mean_interval_of_known_values():
    iv = stats.mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert iv.mean == 3.0 and iv.n == 5
    assert abs(iv.half_width - 2.7764 * math.sqrt(2.5) / math.sqrt(5)) < 1e-3
    assert iv.text(".1f") == "3.0 ± 2.0"
    with pytest.raises(ValueError, match="at least 2"):
        stats.mean_interval([1.0])


# --- gradients chapter ---
