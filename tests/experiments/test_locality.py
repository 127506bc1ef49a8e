"""lessons_code.experiments.locality: the counts, the shift table, the digits study, the students."""

import numpy as np
import pytest

from lessons_code import locally_connected, param_counts
from lessons_code.experiments import locality
from lessons_code.experiments.linear_students import conv_features


def test_alexnet_costs_reuse_the_parameters_chapter_counts():
    fc, local, conv = locality.alexnet_costs()
    counts = param_counts.alexnet_conv1_counts()
    assert (local.params, conv.params) == (counts.unshared, counts.shared)
    assert fc.params == 227 * 227 * 3 * 55 * 55 * 96 + 55 * 55 * 96
    assert conv.macs == local.macs == 11 * 11 * 3 * 96 * 55 * 55
    assert conv.terms_per_weight == 55 * 55  # every tap of an 11x11 stride-4 kernel reads 55x55 pixels
    assert "| convolution | 34,944 |" in locality.cost_table([conv])


def test_digits_costs_are_the_nets_param_shapes():
    rows = {r.layer: r for r in locality.digits_costs()}
    assert rows["locally connected"].params == 8 * 8 * 8 * 9 + 8 * 8 * 8 + 10 * 128 + 10
    assert rows["convolution (CNN)"].params == 8 * 9 + 8 + 10 * 128 + 10
    assert rows["locally connected"].macs == rows["convolution (CNN)"].macs


def test_local_features_are_the_untied_students_inputs():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((4, 6, 5)), rng.standard_normal((4, 3, 1, 1, 3, 3))
    feats = locality.local_features(x, (3, 3))
    assert feats.shape == (4, 4 * 3 * 9)
    out = locally_connected.lc_forward_loop(x[:, None], w)
    assert np.allclose(feats @ w.ravel(), out.sum(axis=(1, 2, 3)), rtol=1e-12, atol=1e-12)
    # tied weights: the sum over positions is the conv student's S(x)
    assert np.allclose(feats.reshape(4, 12, 9).sum(axis=1), conv_features(x, (3, 3)), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="must fit"):
        locality.local_features(x, (7, 3))


def test_equivariance_rows_compare_what_they_say():
    rows = locality.equivariance_rows(seed=1, side=10)
    assert len(rows) == 11 and all(r.everywhere >= r.inside >= 0 for r in rows)
    assert {r.compared_with for r in rows if "global" in r.layer} == {"f(x)"}
    assert "| convolution, stride 2 | 2 | f(x) shifted by 1 |" in locality.equivariance_table(rows)


def test_a_tiny_digits_study_has_one_number_per_seed_and_model():
    study = locality.digits_study(locality.LocalityConfig(seeds=(0, 1), epochs=1))
    for field in (study.accuracy, study.shifted, study.shuffled):
        assert set(field) == set(locality.LOCALITY_SPECS)
        assert all(v.shape == (2,) and np.all((0 <= v) & (v <= 1)) for v in field.values())
    assert min(study.accuracy.values(), key=np.mean).mean() > 0.3  # one epoch already learns
    with pytest.raises(ValueError, match="distinct"):
        locality.LocalityConfig(seeds=(0, 0))


def test_efficiency_study_gives_one_efficiency_per_teacher():
    eff = locality.efficiency_study(teachers=3, side=6, n=200)
    assert eff["n_params"] == {"FC": 36, "locally connected": 16 * 9, "convolution": 9}
    assert all(eff[s].shape == (3,) and np.all((0 < eff[s]) & (eff[s] < 1)) for s in locality.STUDENTS)
