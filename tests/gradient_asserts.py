"""One strict comparison for every public gradient: against the sum of the absolute values of its terms.

A gradient entry is a sum of products (``dw[o,c,p,q] = sum dout * x``); floating point can only
promise it to within a few ulps of ``sum |terms|``, not of the (possibly cancelled) result. So a
computed gradient ``got`` is compared with an independent reference ``ref`` entry by entry:

    |got - ref| <= REL * magnitude,   magnitude = sum |terms|  (the same formula on |inputs|)

with ``REL = 1e-12``: float64 rounding of sums of up to ~1,000 terms stays below 1e-13, and an
error of 1e-9 of ``sum |terms|`` -- or anything larger -- fails (``tests/test_near_misses.py``
checks that it does).
"""

from __future__ import annotations

import numpy as np

REL = 1e-12


def assert_matches_terms(got, ref, magnitude, what: str = "gradient") -> None:
    got, ref, magnitude = (np.asarray(a, dtype=np.float64) for a in (got, ref, magnitude))
    assert got.shape == ref.shape == magnitude.shape, (what, got.shape, ref.shape, magnitude.shape)
    assert np.isfinite(got).all(), (what, got)
    err = np.abs(got - ref)
    bound = REL * magnitude
    worst = np.unravel_index(np.argmax(err - bound), err.shape) if err.size else ()
    assert (err <= bound).all(), (
        f"{what}: |got - ref| = {err[worst]:.3e} > {REL:.0e} x sum|terms| = {bound[worst]:.3e} at {worst}"
    )
