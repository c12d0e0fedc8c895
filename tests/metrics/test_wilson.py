"""Wilson score intervals against published values and at the edges."""

from __future__ import annotations

import math

import pytest

from desktop_app.metrics import wilson_interval


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (8, 10, 0.490, 0.943),  # the example
        (0, 5, 0.000, 0.434),
        (5, 5, 0.566, 1.000),
        (1, 1, 0.207, 1.000),
        (4, 7, 0.250, 0.842),
        (50, 100, 0.404, 0.596),
    ],
)
def test_known_values_to_three_decimals(successes: int, n: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(successes, n)
    assert round(got_low, 3) == low
    assert round(got_high, 3) == high


def test_edges_are_exact() -> None:
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 1.0
    assert wilson_interval(0, 1000)[0] == 0.0
    assert wilson_interval(1000, 1000)[1] == 1.0


def test_interval_holds_the_estimate_and_narrows_with_n() -> None:
    for n in (5, 20, 100, 1000):
        for k in range(n + 1):
            low, high = wilson_interval(k, n)
            assert 0.0 <= low <= k / n <= high <= 1.0
    assert (wilson_interval(80, 100)[1] - wilson_interval(80, 100)[0]) < (
        wilson_interval(8, 10)[1] - wilson_interval(8, 10)[0]
    )


def test_matches_the_quadratic_it_solves() -> None:
    """The interval's ends are the roots of (p̂ - p)² = z² p (1 - p) / n."""
    z = 1.959963984540054
    for k, n in ((3, 5), (17, 40), (99, 100)):
        p_hat = k / n
        a, b, c = 1 + z * z / n, -(2 * p_hat + z * z / n), p_hat * p_hat
        root = math.sqrt(b * b - 4 * a * c)
        low, high = wilson_interval(k, n)
        assert low == pytest.approx((-b - root) / (2 * a), abs=1e-12)
        assert high == pytest.approx((-b + root) / (2 * a), abs=1e-12)


def test_other_confidence_levels() -> None:
    narrow = wilson_interval(8, 10, z=1.0)
    wide = wilson_interval(8, 10)
    assert wide[0] < narrow[0] < 0.8 < narrow[1] < wide[1]


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (1, 0), (-1, 5), (6, 5)])
def test_impossible_counts_raise(successes: int, n: int) -> None:
    with pytest.raises(ValueError, match=r"trial|between"):
        wilson_interval(successes, n)
