"""rnnlib.course.stats: intervals, censored medians and exact tests, against known values."""
import numpy as np
import pytest

from rnnlib.course.stats import (censored_median, fisher_exact, median_text, paired_exact, rate_interval,
                                 rate_text)


@pytest.mark.parametrize("k, n, low, high", [(9, 10, 0.5550, 0.9975), (10, 10, 0.6915, 1.0), (0, 10, 0.0, 0.3085),
                                             (5, 10, 0.1871, 0.8129), (1, 20, 0.0013, 0.2487)])
def test_clopper_pearson_matches_published_values(k, n, low, high):
    lo, hi = rate_interval(k, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_rate_text_and_bad_counts():
    assert rate_text(9, 10) == "9/10 (95 % CI 0.55-1.00)"
    with pytest.raises(ValueError, match="0 <= k <= n"):
        rate_interval(11, 10)


def test_censored_median_counts_the_runs_that_never_solve():
    assert censored_median([100, 200, -1], 1000) == 200
    assert censored_median([100, -1, -1], 1000) == np.inf
    assert median_text([100, -1, -1], 10_000) == "> 10,000" and median_text([4300, 4500], 10_000) == "4,400"


def test_exact_tests():
    assert fisher_exact(10, 10, 9, 10) == pytest.approx(1.0)
    assert fisher_exact(10, 10, 0, 10) == pytest.approx(2 / 184756, rel=1e-6)   # 2 / C(20, 10)
    assert fisher_exact(7, 10, 2, 10) == pytest.approx(0.0698, abs=1e-4)
    assert paired_exact(0, 0) == 1.0 and paired_exact(6, 0) == pytest.approx(2 / 64)
    assert paired_exact(5, 1) == pytest.approx(0.21875)
