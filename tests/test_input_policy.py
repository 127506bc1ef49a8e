"""The input policy (lessons_code docstring, README): every public function x every kind of bad input.

Each case of ``tests/input_cases.py`` must end the way the table says: a ``TypeError`` or
``ValueError`` raised inside ``lessons_code`` whose message names the argument, the right value,
or (self-checks) a printed FAIL with the expected value and ``False``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import traceback
from pathlib import Path

import numpy as np
import pytest
from input_cases import KINDS, all_cases

import lessons_code
from lessons_code import _checks, conv_layer

PACKAGE = Path(lessons_code.__file__).parent
CASES = all_cases()


def _raised_inside_package(err: BaseException) -> bool:
    """The last frame of the traceback is lessons_code's own code (not numpy's, not Python's)."""
    frames = traceback.extract_tb(err.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(PACKAGE.resolve())


FUNCTIONS = sorted({c.function for c in CASES})


def _outcome_problem(case, capsys) -> str | None:
    """None when ``case`` ends as its table says, else what went wrong."""
    if case.outcome in ("TypeError", "ValueError"):
        try:
            case.call()
        except (TypeError, ValueError) as err:
            if type(err).__name__ != case.outcome:
                return f"{case.kind}: raised {type(err).__name__} ({err}), the table says {case.outcome}"
            if not _raised_inside_package(err):
                return f"{case.kind}: {err!r} raised outside lessons_code:\n" + "".join(
                    traceback.format_tb(err.__traceback__)
                )
            if case.arg not in str(err):
                return f"{case.kind}: the message does not name {case.arg!r}: {err}"
            return None
        return f"{case.kind} ({case.arg}): no error, the table says {case.outcome}"
    if case.outcome == "FAIL":
        capsys.readouterr()
        result = case.call()
        out = capsys.readouterr().out
        if result is not False or "FAIL" not in out or "expected" not in out:
            return f"{case.kind}: returned {result!r}, printed {out!r}; the table says FAIL with the expected value"
        return None
    return None if case.check(case.call()) else f"{case.kind} ({case.arg}): wrong value"


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_public_function_answers_bad_input_with_a_named_error_or_the_right_value(function, capsys):
    problems = [p for c in CASES if c.function == function if (p := _outcome_problem(c, capsys))]
    assert not problems, "\n".join(problems)


def public_names() -> set[str]:
    """``module.name`` of every function and class defined in a module of the package whose name does
    not start with ``_`` (counted once, at its home module): the ``*_unchecked`` cores, the drawing
    helpers and the training claims' checks included."""
    found = set()
    for info in pkgutil.walk_packages(lessons_code.__path__, "lessons_code."):
        short = info.name.rsplit(".", 1)[1]
        if short.startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
                if not name.startswith("_"):
                    found.add(f"{short}.{name}")
    return found


def test_the_case_table_has_a_row_for_every_public_function_and_class():
    assert {c.kind for c in CASES} == set(KINDS)
    names = public_names()
    assert {
        "conv_layer.conv_forward",
        "nets.NetSpec",
        "stats.t_quantile",
        "explorer.cycled",
        "fc.fc_forward_batch_unchecked",
        "drawing.vmax",
        "training_claims.check_norms_shrink",
    } <= names  # the walk works
    rows = {c.function.split(" ")[0] for c in CASES}
    assert names - rows == set(), "public names without a row in tests/input_cases.py"
    assert rows - names == set(), "rows for names that are not public (renamed or removed?)"


# --- the helpers themselves -----------------------------------------------------------------------


def test_float_arrays_are_new_float64_copies():
    x32 = np.arange(6, dtype=np.float32).reshape(2, 3)
    x64 = np.arange(6.0).reshape(2, 3)
    for given in (x32, x64, x64.tolist(), np.arange(6).reshape(2, 3)):
        out = _checks.as_float_array("x", given, 2)
        assert out.dtype == np.float64 and np.array_equal(out, x64)
        assert not np.shares_memory(out, given) if isinstance(given, np.ndarray) else True


def test_integers_beyond_2_to_53_are_refused_not_rounded():
    with pytest.raises(ValueError, match=r"2\*\*53"):
        _checks.as_float_array("x", np.array([2**53 + 1]), 1)
    assert _checks.as_float_array("x", np.array([2**53]), 1)[0] == 2.0**53


def test_longdouble_and_ragged_lists_are_refused():
    if np.dtype(np.longdouble).itemsize > 8:
        with pytest.raises(TypeError, match="at most 64 bits"):
            _checks.as_float_array("x", np.ones(2, dtype=np.longdouble), 1)
    with pytest.raises(TypeError, match="rectangular"):
        _checks.as_float_array("x", [[1.0, 2.0], [3.0]], 2)


def test_a_masked_array_with_nothing_masked_is_its_data():
    out = _checks.as_float_array("x", np.ma.masked_array([1.0, 2.0], mask=[False, False]), 1)
    assert type(out) is np.ndarray and np.array_equal(out, [1.0, 2.0])


def test_finite_false_and_allow_empty_are_the_documented_exceptions():
    assert np.isnan(_checks.as_float_array("x", [np.nan], 1, finite=False)[0])
    assert _checks.as_float_array("x", np.zeros((0, 3)), 2, allow_empty=True).shape == (0, 3)


def test_index_arrays_are_intp():
    out = _checks.as_index_array("i", np.array([3, 1], dtype=np.int64))
    assert out.dtype == np.intp
    with pytest.raises(TypeError, match="integers"):
        _checks.as_index_array("i", [1.0, 2.0])


def test_size_guard_message_gives_estimate_and_limit():
    with pytest.raises(ValueError, match=r"about 1\.0 GiB, more than the package's limit of 512\.0 MiB"):
        _checks.require_size("a thing", 2**30)
    _checks.require_size("a thing", _checks.MAX_BYTES)  # at the limit: allowed


def test_check_real_and_check_seed():
    assert _checks.require_real("h", np.float32(0.5), positive=True) == 0.5
    for bad, err in ((True, TypeError), ("1", TypeError), (float("inf"), ValueError), (0.0, ValueError)):
        with pytest.raises(err, match="h"):
            _checks.require_real("h", bad, positive=True)
    assert _checks.require_seed("seed", [1, 2]) == (1, 2)
    with pytest.raises(ValueError, match="seed"):
        _checks.require_seed("seed", [])


# --- the cache keeps copies ---------------------------------------------------------------------------


def test_changing_x_or_w_after_the_forward_pass_does_not_change_the_gradients():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    out, cache = conv_layer.conv_forward(x, w, stride=2, padding=1)
    dout = rng.standard_normal(out.shape)
    before = conv_layer.conv_backward(dout, cache)
    x += 1.0  # the caller reuses its buffers
    w *= -2.0
    after = conv_layer.conv_backward(dout, cache)
    for a, b in zip(before, after, strict=True):
        assert np.array_equal(a, b)


# --- the GIF command ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fps", "inf"], "--fps must be a number from 0.01 to 50.0, got inf"),  # wrote 0 ms frames before
        (["--fps", "1e-9"], "--fps must be a number from 0.01 to 50.0, got 1e-09"),  # ended in struct.error
        (["--fps", "nan"], "--fps must be a number"),
        (["--fps", "0"], "--fps must be a number"),
        (["--fps", "fast"], "invalid float value"),
        (["--dpi", "3.5"], "invalid int value"),
        (["--dpi", "4000"], "--dpi must be between 20 and 400"),
        (["nosuch"], "unknown animation nosuch"),
    ],
)
def test_gif_command_reports_bad_arguments_through_argparse_with_exit_2(tmp_path, capsys, args, message):
    from lessons_code.pictures import animations

    with pytest.raises(SystemExit) as info:
        animations.main(["--out", str(tmp_path), *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m lessons_code.pictures.animations") and message in err, err
    assert not list(tmp_path.iterdir())  # nothing written
