"""The Wilson score interval for a proportion (how sure we can be of "useful k of n")."""

from __future__ import annotations

import math

#: The two-sided 95 % normal quantile.
Z_95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval ``(low, high)`` for ``successes`` out of ``n`` (95 % by default).

    Unlike the textbook ``p ± z·√(p(1-p)/n)`` it stays inside ``[0, 1]`` and is honest at the
    edges: 0 of n gives exactly ``(0.0, high)``, n of n gives exactly ``(low, 1.0)``.

    ``n`` must be at least 1 and ``0 <= successes <= n``; otherwise :class:`ValueError` is raised
    (an interval over no ratings would claim "anything from 0 to 100 %", which callers should
    show as "not enough ratings" instead).
    """
    if n < 1:
        raise ValueError(f"a Wilson interval needs at least one trial (n={n})")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n (got {successes} of {n})")
    if z <= 0:
        raise ValueError(f"z must be positive (got {z})")
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denominator
    # At the edges centre and half are equal in exact arithmetic; pin them so 0/n is 0, n/n is 1.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high
