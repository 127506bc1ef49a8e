"""Named checks of the claims of the chapter "Locality or sharing?".

Each ``check_*`` takes what the page computed (the rows and studies of
:mod:`lessons_code.experiments.locality`, read by field name: this module imports no experiment),
returns the numbers the page quotes when the claim holds and raises
:class:`~lessons_code.checks.verdict.ClaimError` when it does not. Training claims are judged by the
book's one rule for a paired change (:func:`~lessons_code.checks.stats.is_real_change`).
``tests/checks/test_locality_claims.py`` feeds each check a false version and sees it fail.
"""

from __future__ import annotations

from .._checks import as_float_array
from .stats import Interval, is_real_change, mean_interval, paired_change
from .tolerances import ROUNDING_BOUND
from .verdict import require

#: The models of the digits study, in the page's order: no locality, locality, locality + sharing.
FC, LOCAL, CONV = "FC (MLP)", "locally connected", "convolution (CNN)"

#: A difference above this share of the output is a broken equivariance, not rounding.
BROKEN = 0.1


def _fields(name: str, value, *fields: str) -> None:
    missing = [f for f in fields if not hasattr(value, f)]
    if missing:
        raise TypeError(f"{name} must have the fields {fields}, got {type(value).__name__} without {missing}")


def _rows(name: str, rows, *fields: str) -> list:
    if not isinstance(rows, (list, tuple)) or not rows:
        raise TypeError(f"{name} must be a non-empty list of rows, got {type(rows).__name__}")
    for r in rows:
        _fields(name, r, *fields)
    return list(rows)


def check_costs(rows) -> dict[str, float]:
    """Claims of the cost table (FC, locally connected, convolution, in that order, one layer):

    1. the locally connected layer has the convolution's multiply-adds (sharing saves no compute),
       the FC layer more than 100 times as many (locality does);
    2. without sharing the parameters grow by the number of positions: the locally connected count
       is the convolution's times the convolution's products per weight (its positions), and each
       weight of the FC and locally connected layers receives one product per example.

    Returns ``{"locality": FC/local parameters, "sharing": local/conv parameters, "macs": FC/local}``."""
    fc, local, conv = _rows("rows", rows, "layer", "params", "macs", "terms_per_weight")
    require(
        local.macs == conv.macs,
        "the locally connected layer costs the convolution's multiply-adds",
        f"{local.macs:,} vs {conv.macs:,}",
    )
    require(
        fc.macs > 100 * local.macs,
        "the FC layer costs more than 100 times the multiply-adds",
        f"{fc.macs:,} vs {local.macs:,}",
    )
    require(
        local.params == conv.params * conv.terms_per_weight,
        "untied, the parameters grow by the number of positions",
        f"{local.params:,} vs {conv.params:,} x {conv.terms_per_weight:,}",
    )
    require(
        fc.terms_per_weight == local.terms_per_weight == 1 < conv.terms_per_weight,
        "only the shared weights sum products over positions",
        f"{fc.terms_per_weight}, {local.terms_per_weight}, {conv.terms_per_weight}",
    )
    return {
        "locality": fc.params / local.params,
        "sharing": local.params / conv.params,
        "macs": fc.macs / local.macs,
    }


def check_equivariance(rows) -> dict[tuple[str, int], float]:
    """Claims of the shift table (rows of ``equivariance_rows``, read by layer and shift):

    * the convolution with zero padding commutes with a one-pixel shift inside (to rounding), not
      at the border; with circular padding and a circular shift, everywhere;
    * the locally connected layer does not, inside or with circular padding;
    * stride 2 and the 2x2 max-pool: not for a shift by 1, yes (inside) for a shift by 2;
    * global average pooling after the circular convolution is invariant (to rounding); after the
      zero-padded convolution or the locally connected layer it is not.

    Returns ``{(layer, shift): inside}``."""
    rows = _rows("rows", rows, "layer", "shift", "inside", "everywhere")
    by = {(r.layer, r.shift): r for r in rows}

    def get(layer, shift):
        require((layer, shift) in by, f"the table has a row for {layer!r}, shift {shift}", f"{sorted(by)}")
        return by[(layer, shift)]

    exact = [
        ("convolution, zero padding", 1, "inside"),
        ("convolution, circular padding", 1, "everywhere"),
        ("convolution, stride 2", 2, "inside"),
        ("convolution + 2×2 max-pool", 2, "inside"),
        ("convolution + global average pool, circular", 1, "everywhere"),
    ]
    broken = [
        ("convolution, zero padding", 1, "everywhere"),
        ("locally connected, zero padding", 1, "inside"),
        ("locally connected, circular padding", 1, "everywhere"),
        ("convolution, stride 2", 1, "inside"),
        ("convolution + 2×2 max-pool", 1, "inside"),
        ("convolution + global average pool, zero padding", 1, "everywhere"),
        ("locally connected + global average pool, circular", 1, "everywhere"),
    ]
    for layer, shift, where in exact:
        err = getattr(get(layer, shift), where)
        require(err < ROUNDING_BOUND, f"{layer} commutes with a shift by {shift} ({where})", f"{err:.2e}")
    for layer, shift, where in broken:
        err = getattr(get(layer, shift), where)
        require(err > BROKEN, f"{layer} does not commute with a shift by {shift} ({where})", f"{err:.2e}")
    return {k: r.inside for k, r in by.items()}


def check_digits_claims(study) -> dict[str, Interval]:
    """Claims of the digits section (``{model: (n_seeds,)}`` arrays of ``accuracy``, ``shifted``,
    ``shuffled``, same seeds and order):

    1. on the clean digits no paired difference between two of the nets is real;
    2. a one-pixel shift costs every net more than 30 points (real), and the convolution keeps more than the
       locally connected net, its twin without sharing (paired over seeds, real);
    3. the pixel shuffle costs the convolution accuracy (real, negative) and not the FC net (its
       change is not real).

    Returns the intervals by name (``"acc <model>"``, ``"shift <model>"``, ``"shuffle <model>"``,
    ``"acc <a> - <b>"``, ``"shifted conv - local"``, and, reported without a claim,
    ``"shuffle conv - local"``: the CNN's shuffle change minus the locally connected net's)."""
    _fields("study", study, "accuracy", "shifted", "shuffled")
    for name in ("accuracy", "shifted", "shuffled"):
        field = getattr(study, name)
        if not isinstance(field, dict) or set(field) != {FC, LOCAL, CONV}:
            raise TypeError(f"study.{name} must be a dict with the keys {[FC, LOCAL, CONV]}")
    acc = {m: as_float_array("study.accuracy", v, 1) for m, v in study.accuracy.items()}
    shifted = {m: as_float_array("study.shifted", v, 1) for m, v in study.shifted.items()}
    perm = "seeds and permutations"
    out = {f"acc {m}": mean_interval(v) for m, v in acc.items()}
    for a, b in ((LOCAL, FC), (CONV, FC), (CONV, LOCAL)):
        d = out[f"acc {a} - {b}"] = paired_change(acc[a], acc[b])
        require(not is_real_change(d), f"on clean digits {a} and {b} are not told apart", d.text(".3f"))
    for m in acc:
        d = out[f"shift {m}"] = paired_change(shifted[m], acc[m])
        require(
            is_real_change(d) and d.mean < -0.3, f"a one-pixel shift costs {m} over 30 points", d.text(".3f")
        )
        out[f"shuffle {m}"] = paired_change(study.shuffled[m], acc[m], over=perm)
    shuffled = {m: as_float_array("study.shuffled", v, 1) for m, v in study.shuffled.items()}
    # reported, not claimed: the CNN's shuffle change against its untied twin's (paired)
    out["shuffle conv - local"] = paired_change(
        shuffled[CONV] - acc[CONV], shuffled[LOCAL] - acc[LOCAL], over=perm
    )
    d = out["shifted conv - local"] = paired_change(shifted[CONV], shifted[LOCAL])
    require(
        is_real_change(d) and d.mean > 0,
        "after a shift the convolution keeps more than its untied twin",
        d.text(".3f"),
    )
    d = out[f"shuffle {CONV}"]
    require(
        is_real_change(d) and d.mean < 0, "the pixel shuffle costs the convolution accuracy", d.text(".3f")
    )
    d = out[f"shuffle {FC}"]
    require(
        not is_real_change(d), "the pixel shuffle costs the FC net nothing the rule can see", d.text(".3f")
    )
    return out


def check_efficiency(eff) -> dict[str, Interval]:
    """Claims of the per-step efficiency: ``{student: (n_teachers,)}`` for ``"FC"``, ``"locally
    connected"``, ``"convolution"`` (same teachers, same order). The convolution student's step
    recovers more than the locally connected student's (paired over teachers, real, positive); the
    locally connected and FC students are not told apart (the paired difference is not real).

    Returns ``{"conv - local": ..., "local - FC": ...}`` (paired changes over teachers)."""
    if not isinstance(eff, dict) or not {"FC", "locally connected", "convolution"} <= set(eff):
        raise TypeError("eff must be a dict with 'FC', 'locally connected' and 'convolution' arrays")
    teachers = "teachers"
    cl = paired_change(eff["convolution"], eff["locally connected"], over=teachers)
    lf = paired_change(eff["locally connected"], eff["FC"], over=teachers)
    require(
        is_real_change(cl) and cl.mean > 0,
        "a shared-kernel step recovers more than an untied one",
        cl.text(".2f"),
    )
    require(not is_real_change(lf), "untying the windows leaves the FC step's efficiency", lf.text(".2f"))
    return {"conv - local": cl, "local - FC": lf}
