"""The one verdict type of the checks: an error measured against its bound, and the error raised
when a claim does not hold."""

from __future__ import annotations

from typing import NamedTuple


class ClaimError(AssertionError):
    """A claim a page makes does not hold for the numbers it was given."""


class Verdict(NamedTuple):
    """One comparison: what was compared, the largest error found, and the bound it must stay under."""

    name: str
    error: float
    bound: float

    @property
    def passed(self) -> bool:
        return bool(self.error < self.bound)


def require(ok, claim: str, detail: str) -> None:
    """Raise :class:`ClaimError` naming ``claim`` and ``detail`` (the numbers) unless ``ok``."""
    if not bool(ok):
        raise ClaimError(f"claim does not hold: {claim} ({detail})")
