"""The cost chapter's digits comparison: a full second conv layer against a depthwise-separable one."""

import numpy as np
import pytest

from lessons_code.experiments import nets, separable
from lessons_code.experiments.digits import load_digits_split


def test_the_two_nets_differ_only_in_the_second_layer():
    full, sep = separable.SEPARABLE_SPECS.values()
    shapes_full, shapes_sep = nets.param_shapes(full), nets.param_shapes(sep)
    shared = {k: v for k, v in shapes_full.items() if k != "K2"}
    assert shared == {k: v for k, v in shapes_sep.items() if k not in ("D2", "P2")}
    assert shapes_full["K2"] == (16, 8, 3, 3) and (shapes_sep["D2"], shapes_sep["P2"]) == (
        (8, 1, 3, 3),
        (16, 8, 1, 1),
    )


def test_a_tiny_study_pairs_the_seeds_and_counts_the_nets():
    study = separable.separable_study(seeds=(3, 1), epochs=1)
    assert study.seeds == (3, 1) and study.epochs == 1
    assert list(study.accuracy) == list(separable.SEPARABLE_SPECS)
    assert all(v.shape == (2,) and np.all((0.3 < v) & (v <= 1)) for v in study.accuracy.values())
    assert list(study.n_params.values()) == [3818, 2866]
    assert list(study.macs.values()) == [
        9 * 8 * 64 + 9 * 8 * 16 * 16 + 2560,
        9 * 8 * 64 + (9 * 8 + 8 * 16) * 16 + 2560,
    ]
    # seed order is kept: the first number is seed 3's run, trained here on its own
    spec = separable.SEPARABLE_SPECS["depthwise 3×3 + 1×1, 8 → 16"]
    d = load_digits_split(0)
    alone = nets.train(spec, d.x_train, d.y_train, seed=3, epochs=1)
    assert study.accuracy["depthwise 3×3 + 1×1, 8 → 16"][0] == nets.accuracy(
        spec, alone.params, d.x_test, d.y_test
    )
    table = separable.separable_table(study)
    assert table.splitlines()[0] == "| second layer | weights | multiply-adds | accuracy % |"
    assert "| ordinary 3×3, 8 → 16 | 3,818 | 25,600 |" in table


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        separable.separable_study(seeds=(2, 2))
    with pytest.raises(ValueError, match="seeds"):
        separable.separable_study(seeds=[0, 1])
