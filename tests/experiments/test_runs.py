"""The experiments chapter's runs (lessons_code.experiments.runs): twins, spreads, tables."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_code.experiments import digits as data
from lessons_code.experiments import gradient_study
from lessons_code.experiments import nets as models
from lessons_code.experiments import runs as experiments
from lessons_code.experiments.runs import MODEL_SPECS, Config, NetSpec


@pytest.fixture(scope="module")
def digits():
    return data.load_digits_split(0)


@pytest.fixture(scope="module")
def small_results():
    """The chapter's computation on a small configuration: 3 seeds, 2 epochs."""
    return experiments.chapter_results(Config(seeds=(0, 1, 2), epochs=2))


@pytest.fixture(scope="module")
def small_run(small_results):
    return small_results.experiments


@pytest.mark.parametrize("kind", ["mlp", "conv1x1"])
def test_permuted_params_compute_the_same_function_on_permuted_images(kind, digits):
    spec = NetSpec(kind, width=4)
    params = models.init_params(spec, np.random.default_rng(0))
    perm = data.pixel_permutation(64, 5)
    twin = experiments.permute_params(spec, params, perm)
    s = models.forward(spec, params, digits.x_test[:20])[0]
    s_perm = models.forward(spec, twin, data.permute_pixels(digits.x_test[:20], perm))[0]
    assert np.max(np.abs(s - s_perm)) < 1e-12


def test_a_cnn_has_no_permuted_twin():
    spec = NetSpec("cnn", width=2)
    with pytest.raises(ValueError, match="no pixel-permuted twin"):
        experiments.permute_params(spec, models.init_params(spec, np.random.default_rng(0)), np.arange(64))


def test_training_on_permuted_pixels_from_the_permuted_init_gives_the_twin_network(digits):
    rep = experiments.permutation_twin(MODEL_SPECS["MLP"], digits, data.pixel_permutation(64, 0), epochs=2)
    assert rep.max_weight_difference < 1e-10
    assert rep.same_predictions and rep.accuracy == rep.accuracy_permuted


def test_permutation_twin_takes_the_original_run_already_trained(digits):
    # chapter_results hands over the seed-0 run of run_experiments: the report is the same as
    # training that run again; a run of another network is refused
    spec, perm = MODEL_SPECS["1×1-conv MLP"], data.pixel_permutation(64, 0)
    done = models.train(spec, digits.x_train, digits.y_train, seed=2, epochs=2)
    assert experiments.permutation_twin(spec, digits, perm, seed=2, epochs=2, trained=done) == (
        experiments.permutation_twin(spec, digits, perm, seed=2, epochs=2)
    )
    with pytest.raises(TypeError, match="trained"):
        experiments.permutation_twin(MODEL_SPECS["MLP"], digits, perm, epochs=2, trained=done)


@pytest.mark.slow  # trains 5 models x 3 seeds x 2 pixel orders (the experiments page runs the full set)
def test_run_experiments_trains_every_model_and_seed_on_both_pixel_orders(small_run):
    assert len(small_run.runs) == len(MODEL_SPECS) * 3 * 2
    for name in MODEL_SPECS:
        acc = small_run.accuracies(name)
        assert acc.shape == (3,) and acc.min() > 0.75  # two epochs already learn far above chance
        assert small_run.accuracies(name, permuted=True).min() > 0.5
        assert small_run.shifted_accuracies(name).shape == (3,)
        assert set(small_run.select(name)[0].shifted_accuracy) == set(experiments.SHIFTS)
        assert 0 in small_run.select(name)[0].result.checkpoints
    m, s = small_run.summary("MLP")
    assert m == pytest.approx(small_run.accuracies("MLP").mean()) and s > 0
    assert small_run.n_params("MLP") == 64 * 32 + 32 + 32 * 10 + 10
    assert small_run.n_params("CNN") == 8 * 9 + 8 + 8 * 16 * 10 + 10


@pytest.mark.slow
def test_tables_list_every_model(small_run):
    for table in (small_run.accuracy_table(), small_run.permutation_table(), small_run.translation_table()):
        lines = table.splitlines()
        assert len(lines) == 2 + len(MODEL_SPECS)
        assert [ln.split("|")[1].strip() for ln in lines[2:]] == list(MODEL_SPECS)
    assert "± " in small_run.accuracy_table() and "2,410" in small_run.accuracy_table()


def test_each_seed_permutes_the_pixels_its_own_way(digits):
    config = Config(seeds=(0, 1, 2), epochs=1)
    perms = [config.permutation(s) for s in config.seeds]
    for p in perms:
        assert sorted(p.tolist()) == list(range(64))
    assert not np.array_equal(perms[0], perms[1]) and not np.array_equal(perms[1], perms[2])
    np.testing.assert_array_equal(Config(perm_seed=3).permutation(1), Config(perm_seed=0).permutation(4))
    # permutation_pairs trains the seed on original and on its own permuted pixels
    orig, perm = experiments.permutation_pairs(MODEL_SPECS["MLP"], digits, config, (1,))
    spec = MODEL_SPECS["MLP"]
    xp = data.permute_pixels(digits.x_train, perms[1])
    again = models.train(spec, xp, digits.y_train, seed=1, epochs=1)
    assert perm[0] == models.accuracy(
        spec, again.params, data.permute_pixels(digits.x_test, perms[1]), digits.y_test
    )
    assert orig.shape == (1,) and 0.3 < orig[0] <= 1


def test_config_needs_three_seeds():
    with pytest.raises(ValueError, match="at least 3 seeds"):
        Config(seeds=(0, 1))


def test_steps_per_epoch_and_checkpoints_come_from_the_split_size(digits):
    n_train = len(digits.y_train)
    assert n_train == 1347  # 75 % of the 1,797 digits
    for batch_size in (64, 100, 1347, 2000):
        config = Config(batch_size=batch_size)
        assert config.steps_per_epoch(n_train) == len(models.batch_order(n_train, 1, batch_size, 0))
    assert Config().checkpoints(n_train) == (0, 22, 110, 440)  # 0, 1, 5 and 20 epochs of 22 steps
    assert Config(epochs=3).checkpoints(n_train) == (0, 22, 66)  # epoch 5 is past the end
    assert Config(epochs=1).checkpoints(10) == (0, 1)
    with pytest.raises(ValueError, match="n_train must be >= 1"):
        Config().steps_per_epoch(0)


@pytest.mark.slow
def test_chapter_results_hold_the_runs_twins_and_spreads(small_results, digits):
    res = small_results
    spe = -(-len(digits.y_train) // 64)
    assert res.steps_per_epoch == res.experiments.steps_per_epoch == spe
    assert res.checkpoints == (0, spe, 2 * spe)
    for name in MODEL_SPECS:
        assert tuple(res.experiments.select(name)[0].result.checkpoints) == res.checkpoints
    assert list(res.twins) == [n for n, s in MODEL_SPECS.items() if s.kind in experiments.TWIN_KINDS]
    assert list(res.twins) == ["MLP", "1×1-conv MLP"]
    for twin in res.twins.values():
        assert twin.max_weight_difference < 1e-10 and twin.same_predictions
    study = res.spreads
    assert study.checkpoints == res.checkpoints and study.seeds == (0, 1, 2)
    assert set(study.relative) == {(n, ly) for n, s in MODEL_SPECS.items() for ly in (s.first_layer, "W2")}
    for key, rel in study.relative.items():
        assert rel.shape == (3, len(res.checkpoints)) and (rel > 0).all()
        assert (study.along[key] > 0).all() and (study.along[key] <= rel + 1e-12).all()
    assert (
        set(res.seconds) == {"training", "twins", "spreads", "more seeds"} and min(res.seconds.values()) > 0
    )
    # the MLP's paired permutation runs: the chapter's seeds, then MORE_SEEDS, original and permuted
    orig, perm = res.more_mlp
    assert orig.shape == perm.shape == (3 + len(experiments.MORE_SEEDS),)
    np.testing.assert_array_equal(orig[:3], res.experiments.accuracies("MLP"))
    np.testing.assert_array_equal(perm[:3], res.experiments.accuracies("MLP", permuted=True))
    # the spread of the CNN's first layer at initialisation, seed 0, recomputed directly
    spec, params = MODEL_SPECS["CNN"], res.experiments.select("CNN")[0].result.checkpoints[0]
    again = gradient_study.layer_spreads(spec, params, digits.x_train, digits.y_train, ("K1",), n_batches=30)
    assert again["K1"] == (study.relative[("CNN", "K1")][0, 0], study.along[("CNN", "K1")][0, 0])


def test_width_study_trains_every_width_and_seed():
    from lessons_code.experiments import runs as r

    st = r.width_study(
        widths={"MLP": (2,), "CNN": (1,)}, config=r.Config(seeds=(0, 1, 2), epochs=1), n_train=64
    )
    assert st.n_params == {("MLP", 2): 2 * 64 + 2 + 2 * 10 + 10, ("CNN", 1): 9 + 1 + 16 * 10 + 10}
    assert st.accuracy[("MLP", 2)].shape == (3,) and np.all(
        (0 <= st.accuracy[("CNN", 1)]) & (st.accuracy[("CNN", 1)] <= 1)
    )
    with pytest.raises(ValueError, match="must name models"):
        r.width_study(widths={"RNN": (2,)}, config=r.Config(seeds=(0, 1, 2), epochs=1), n_train=8)
