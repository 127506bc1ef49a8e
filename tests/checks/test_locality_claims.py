"""The chapter "Locality or sharing?": each named check passes on the page's numbers and fails on a
false version the experiment could produce (a changed setting or the competing hypothesis)."""

from types import SimpleNamespace

import numpy as np
import pytest

from lessons_code.checks import locality_claims
from lessons_code.checks.verdict import ClaimError
from lessons_code.experiments import locality

FC, LOCAL, CONV = locality_claims.FC, locality_claims.LOCAL, locality_claims.CONV


def test_costs_pass_on_alexnet_and_fail_when_the_untied_layer_is_counted_like_the_shared_one():
    rows = locality.alexnet_costs()
    got = locality_claims.check_costs(rows)
    assert got["sharing"] == 55 * 55 and 400 < got["locality"] < 430
    fc, local, conv = rows
    with pytest.raises(ClaimError, match="grow by the number of positions"):
        locality_claims.check_costs(
            [fc, local._replace(params=conv.params), conv]
        )  # "locality alone shrinks it"
    with pytest.raises(ClaimError, match="multiply-adds"):
        locality_claims.check_costs(
            [fc, local._replace(macs=local.macs * 55 * 55), conv]
        )  # untied = more compute
    with pytest.raises(ClaimError, match="only the shared weights"):
        locality_claims.check_costs([fc, local._replace(terms_per_weight=3025), conv])


def test_equivariance_passes_on_the_layers_and_fails_on_the_competing_hypotheses():
    rows = locality.equivariance_rows()
    locality_claims.check_equivariance(rows)
    # locality alone would be enough: the untied layer commuting with the shift inside
    false = [r._replace(inside=0.0) if r.layer.startswith("locally connected, zero") else r for r in rows]
    with pytest.raises(ClaimError, match="locally connected, zero padding does not commute"):
        locality_claims.check_equivariance(false)
    # a 2x2 pool equivariant to one-pixel shifts
    false = [r._replace(inside=0.0) if r.layer.endswith("max-pool") and r.shift == 1 else r for r in rows]
    with pytest.raises(ClaimError, match="max-pool does not commute with a shift by 1"):
        locality_claims.check_equivariance(false)
    # a rounding-level error of 1e-11 is not "exact"
    false = [r._replace(inside=1e-11) if r.layer == "convolution, zero padding" else r for r in rows]
    with pytest.raises(ClaimError, match="zero padding commutes"):
        locality_claims.check_equivariance(false)
    with pytest.raises(ClaimError, match="has a row"):
        locality_claims.check_equivariance(rows[1:])


def _study(**change):
    """Numbers like the page's (5 seeds), replaced where a false version needs it."""
    acc = {FC: [0.951, 0.953, 0.956, 0.953, 0.958], LOCAL: [0.956, 0.971, 0.976, 0.956, 0.953],
           CONV: [0.949, 0.971, 0.958, 0.971, 0.958]}  # fmt: skip
    shifted = {FC: [0.426, 0.427, 0.451, 0.457, 0.431], LOCAL: [0.472, 0.462, 0.477, 0.499, 0.479],
               CONV: [0.522, 0.541, 0.566, 0.566, 0.575]}  # fmt: skip
    shuffled = {FC: [0.96, 0.951, 0.958, 0.962, 0.949], LOCAL: [0.949, 0.958, 0.962, 0.958, 0.944],
                CONV: [0.893, 0.942, 0.947, 0.951, 0.938]}  # fmt: skip
    fields = {"accuracy": acc, "shifted": shifted, "shuffled": shuffled}
    for key, value in change.items():
        field, model = key.split("__")
        fields[field] = {**fields[field], {"fc": FC, "local": LOCAL, "conv": CONV}[model]: value}
    return SimpleNamespace(**{k: {m: np.array(v) for m, v in d.items()} for k, d in fields.items()})


def test_digits_claims_pass_on_the_pages_numbers():
    got = locality_claims.check_digits_claims(_study())
    assert got["shifted conv - local"].mean > 0.05
    assert got[f"shuffle {CONV}"].over == "seeds and permutations"


@pytest.mark.parametrize(
    ("change", "claim"),
    [
        # sharing does not matter after a shift: the CNN keeps what its untied twin keeps
        ({"shifted__conv": [0.472, 0.462, 0.477, 0.499, 0.479]}, "keeps more than its untied twin"),
        # a CNN made nearly invariant (e.g. global pooling): a shift would cost it 20 points, not 40
        ({"shifted__conv": [0.75, 0.77, 0.76, 0.77, 0.76]}, "over 30 points"),
        # the CNN unaffected by the shuffle (the competing hypothesis: only FC-like nets ignore it)
        ({"shuffled__conv": [0.949, 0.971, 0.958, 0.971, 0.958]}, "costs the convolution"),
        # the FC net hurt by the shuffle (it cannot be: an FC layer has no order of pixels)
        ({"shuffled__fc": [0.90, 0.91, 0.92, 0.90, 0.91]}, "costs the FC net nothing"),
        # a CNN clearly better on clean digits (longer training could produce it)
        ({"accuracy__conv": [0.98, 0.985, 0.982, 0.99, 0.984]}, "not told apart"),
    ],
)
def test_digits_claims_fail_on_a_false_version(change, claim):
    with pytest.raises(ClaimError, match=claim):
        locality_claims.check_digits_claims(_study(**change))


def test_efficiency_passes_and_fails_when_sharing_does_not_help_or_untying_hurts():
    eff = locality.efficiency_study(teachers=6, n=300)
    got = locality_claims.check_efficiency(eff)
    assert got["conv - local"].n == 6 and got["conv - local"].over == "teachers"
    with pytest.raises(ClaimError, match="shared-kernel step"):
        locality_claims.check_efficiency({**eff, "convolution": np.roll(eff["locally connected"], 1)})
    with pytest.raises(ClaimError, match="untying the windows"):
        locality_claims.check_efficiency({**eff, "locally connected": eff["FC"] * 0.5})


def test_checks_refuse_what_is_not_a_study():
    with pytest.raises(TypeError, match="rows"):
        locality_claims.check_costs([])
    with pytest.raises(TypeError, match="study"):
        locality_claims.check_digits_claims({"accuracy": {}})
    with pytest.raises(TypeError, match="eff"):
        locality_claims.check_efficiency({"FC": [1.0]})
