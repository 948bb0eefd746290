"""How sure a multi-seed comparison is: intervals for success rates, medians that count failures, tests.

Every chapter that counts seeds uses these:

- ``rate_interval(k, n)``: the exact (Clopper-Pearson) 95 % interval of a success
  rate from k successes in n runs (9/10 -> 0.555-0.997); ``rate_text`` prints
  "9/10 (95 % CI 0.55-1.00)".
- ``censored_median(steps, limit)``: the median steps to solve over *all* runs,
  an unsolved run (step < 0) counting as "more than ``limit``"; ``median_text``
  prints it, "> 10,000" when more than half never solved.
- ``fisher_exact(k1, n1, k2, n2)``: two-sided p-value that two independent rates
  differ (10/10 vs 9/10: p = 1.0).
- ``paired_exact(only_a, only_b)``: two-sided p-value for paired runs (the same
  seeds under two settings), from the runs that succeed under one setting only
  (McNemar's exact test).
"""
from math import comb

import numpy as np


def _binomial_cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p)."""
    return sum(comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))


def _solve(f, target, lo=0.0, hi=1.0):
    """The p in [lo, hi] where the decreasing function f(p) equals target (bisection)."""
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > target else (lo, mid)
    return (lo + hi) / 2


def rate_interval(k, n, level=0.95):
    """Exact (Clopper-Pearson) interval (low, high) for a success rate, k successes in n runs."""
    k, n = int(k), int(n)
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    a = (1 - level) / 2
    low = 0.0 if k == 0 else _solve(lambda p: _binomial_cdf(k - 1, n, p), 1 - a)   # P(X >= k) = a
    high = 1.0 if k == n else _solve(lambda p: _binomial_cdf(k, n, p), a)          # P(X <= k) = a
    return low, high


def rate_text(k, n, level=0.95):
    """'9/10 (95 % CI 0.55-1.00)'."""
    low, high = rate_interval(k, n, level)
    return f"{int(k)}/{int(n)} ({level * 100:.0f} % CI {low:.2f}-{high:.2f})"


def censored_median(steps, limit):
    """Median steps to solve over all runs; a run with step < 0 never solved and counts as
    larger than ``limit``. Returns a float, or ``inf`` when the median run never solved."""
    s = np.asarray(steps, dtype=float)
    if s.size == 0:
        raise ValueError("censored_median needs at least one run")
    return float(np.median(np.where(s < 0, np.inf, s)))


def median_text(steps, limit):
    """The censored median as text: '4,300', or '> 10,000' when more than half never solved."""
    m = censored_median(steps, limit)
    return f"> {limit:,}" if not np.isfinite(m) else f"{m:,.0f}"


def fisher_exact(k1, n1, k2, n2):
    """Two-sided p-value of Fisher's exact test that rates k1/n1 and k2/n2 differ."""
    total, ks = k1 + k2, range(max(0, k1 + k2 - n2), min(n1, k1 + k2) + 1)
    prob = {k: comb(n1, k) * comb(n2, total - k) / comb(n1 + n2, total) for k in ks}
    return min(1.0, sum(p for p in prob.values() if p <= prob[k1] * (1 + 1e-9)))


def paired_exact(only_a, only_b):
    """Two-sided p-value that two settings differ, from paired runs: ``only_a`` runs succeed
    under A alone, ``only_b`` under B alone (McNemar's exact test: binomial, p = 1/2)."""
    n, k = int(only_a) + int(only_b), min(int(only_a), int(only_b))
    return 1.0 if n == 0 else min(1.0, 2 * _binomial_cdf(k, n, 0.5))
