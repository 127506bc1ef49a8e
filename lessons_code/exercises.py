"""Self-checks for the five exercises: call one on your own answer.

Each ``check_exercise_N`` recomputes the expected answer with the lesson's code,
prints ``PASS`` or ``FAIL`` with the expected value (and, when it can tell, what
went wrong), and returns ``True`` or ``False``. A wrong-shaped or non-numeric
answer is a ``FAIL`` with a message, not an exception: these are for learners.

1. :func:`check_exercise_1` -- parameter counts of an FC layer and a conv layer on a 224x224 RGB image.
2. :func:`check_exercise_2` -- the per-layer weight-gradient norms of the MLP and the CNN at initialisation.
3. :func:`check_exercise_3` -- an FC weight matrix rewritten as a conv kernel (1x1, or covering the image).
4. :func:`check_exercise_4` -- a kernel's weight gradient ``dK = x ⋆ dy``.
5. :func:`check_exercise_5` -- the conv output of a shifted image, predicted without recomputing it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import conv
from ._checks import as_float_array, check_real, check_shape
from .conv_layer import conv_forward
from .experiments import nets
from .experiments.digits import load_digits_split
from .geometry import shift_determined, shift_image
from .param_counts import conv_param_count, fc_param_count

#: Exercise 1's setting: a 224x224 RGB image, an FC layer to 1,000 units, a 3x3 conv to 64 channels.
EX1 = {"height": 224, "width": 224, "channels": 3, "fc_units": 1000, "kernel": 3, "conv_channels": 64}

#: Exercise 2's setting: the networks of the experiments chapter, initialised with
#: ``init_params(spec, np.random.default_rng(EX2_SEED))``, on the first EX2_BATCH training images
#: of ``load_digits_split(0)``.
EX2_SEED, EX2_BATCH = 0, 64
EX2_SPECS = {"mlp": nets.NetSpec("mlp", 32), "cnn": nets.NetSpec("cnn", 8, 3)}

TOL = 1e-12


def _verdict(name: str, ok: bool, expected, detail: str = "") -> bool:
    status = "PASS" if ok else "FAIL"
    print(f"{name}: {status}" + (f" -- {detail}" if detail else ""))
    if not ok:
        print(f"  expected: {expected}")
    return ok


def _array(value) -> np.ndarray | None:
    """A learner's answer as a float64 array (NaN and inf kept: they make a FAIL), or None when it
    is not an array of real numbers at all (a string, None, a dict, a ragged list...)."""
    try:
        return as_float_array("answer", value, tuple(range(0, 33)), finite=False, allow_empty=True)
    except (TypeError, ValueError):
        return None


def _scalar(value) -> float | None:
    """A learner's number as a float, or None when it is not one real number."""
    arr = _array(value)
    return None if arr is None or arr.size != 1 else float(arr.reshape(()))


def _count(value) -> int | None:
    """A learner's count as an int: ints, and floats with an integer value (``1.5e8`` counts);
    None for anything else (fractions, NaN, strings, arrays of several numbers)."""
    v = _scalar(value)
    return int(v) if v is not None and np.isfinite(v) and v == int(v) else None


def exercise_1_answer() -> tuple[int, int]:
    """The expected ``(fc_count, conv_count)`` of exercise 1, with biases."""
    n_in = EX1["height"] * EX1["width"] * EX1["channels"]
    return (
        fc_param_count(n_in, EX1["fc_units"]),
        conv_param_count(EX1["kernel"], EX1["channels"], EX1["conv_channels"]),
    )


def check_exercise_1(fc_count, conv_count) -> bool:
    """Check the parameter counts (biases included) of exercise 1: an FC layer from a flattened
    224x224x3 image to 1,000 units, and a 3x3 conv layer from 3 to 64 channels."""
    fc_exp, conv_exp = exercise_1_answer()
    fc_n, conv_n = _count(fc_count), _count(conv_count)
    ok_fc, ok_conv = fc_n == fc_exp, conv_n == conv_exp
    hints = []
    if fc_n is None or conv_n is None:
        hints.append("give each count as a whole number, e.g. 12345 or 1.2345e4")
    if not ok_fc and fc_n == fc_exp - EX1["fc_units"]:
        hints.append("FC count is missing the 1,000 biases")
    if not ok_conv and conv_n == conv_exp - EX1["conv_channels"]:
        hints.append("conv count is missing the 64 biases")
    if not ok_conv and conv_n == EX1["kernel"] ** 2 * EX1["conv_channels"] + EX1["conv_channels"]:
        hints.append("each kernel spans all 3 input channels: 3 x 3 x 3 weights")
    verdicts = ("ok" if ok_fc else "wrong", "ok" if ok_conv else "wrong")
    detail = f"FC {fc_count!r} ({verdicts[0]}), conv {conv_count!r} ({verdicts[1]})"
    if hints:
        detail += "; " + "; ".join(hints)
    return _verdict("Exercise 1", ok_fc and ok_conv, f"FC {fc_exp:,}, conv {conv_exp:,}", detail)


def exercise_2_answer(kind: str) -> dict[str, float]:
    """Exercise 2's expected weight-gradient norms ``{layer: ||dW||}`` for ``kind`` "mlp" or "cnn"."""
    if kind not in EX2_SPECS:
        raise ValueError(f"kind must be one of {list(EX2_SPECS)}, got {kind!r}")
    spec = EX2_SPECS[kind]
    digits = load_digits_split(0)
    params = nets.init_params(spec, np.random.default_rng(EX2_SEED))
    x, y = digits.x_train[:EX2_BATCH], digits.y_train[:EX2_BATCH]
    grads = nets.loss_and_grads(spec, params, x, y)[1]
    return {k: float(np.linalg.norm(g)) for k, g in grads.items() if k[0] in "WK"}


def check_exercise_2(kind: str, norms: Mapping[str, float], rtol: float = 1e-6) -> bool:
    """Check the Frobenius norms of the weight gradients of the ``kind`` ("mlp" or "cnn") network
    at initialisation (seed 0) on the first 64 training images: a dict ``{layer name: norm}``,
    e.g. ``{"W1": ..., "W2": ...}`` for the MLP and ``{"K1": ..., "W2": ...}`` for the CNN."""
    rtol = check_real("rtol", rtol, positive=True)
    expected = exercise_2_answer(kind)
    shown = {k: round(v, 6) for k, v in expected.items()}
    if not isinstance(norms, Mapping) or set(norms) != set(expected):
        got = sorted(norms) if isinstance(norms, Mapping) else type(norms).__name__
        return _verdict(
            f"Exercise 2 ({kind})", False, shown, f"expected the layers {sorted(expected)}, got {got}"
        )
    wrong = [
        k
        for k in expected
        if _scalar(norms[k]) is None or not np.isclose(_scalar(norms[k]), expected[k], rtol=rtol, atol=0)
    ]
    detail = "all layer norms match" if not wrong else f"wrong norm for {wrong}"
    return _verdict(f"Exercise 2 ({kind})", not wrong, shown, detail)


def check_exercise_3(W, b, kernel) -> bool:
    """Check a conv kernel that should compute exactly what the FC layer ``(W, b)`` computes.

    W: ``(n_out, n_in)``; b: ``(n_out,)``; kernel: ``(n_out, C, kh, kw)``. Two cases:

    * ``kh = kw = 1`` and ``C = n_in``: a 1x1 conv that applies the FC layer at every pixel,
      across the C channels;
    * ``C * kh * kw = n_in``: a conv whose kernel covers the whole ``C x kh x kw`` image, equal
      to the FC layer on the flattened image.

    The outputs are compared on random inputs and must agree to 1e-12.
    """
    W, b = as_float_array("W", W, 2), as_float_array("b", b, 1)  # the exercise's data, not the answer
    check_shape("b", b, (W.shape[0],))
    k = _array(kernel)
    n_out, n_in = W.shape
    if k is not None and not np.isfinite(k).all():
        return _verdict("Exercise 3", False, "a kernel of finite numbers", "the kernel holds NaN or inf")
    if k is None or k.ndim != 4 or k.shape[0] != n_out or k.size == 0:
        return _verdict(
            "Exercise 3",
            False,
            f"a 4-D kernel (n_out={n_out}, C, kh, kw)",
            f"got {None if k is None else k.shape}",
        )
    _, c, kh, kw = k.shape
    rng = np.random.default_rng(3)
    if (kh, kw) == (1, 1) and c == n_in:
        x = rng.standard_normal((2, c, 5, 4))
        want = np.einsum("oc,nchw->nohw", W, x) + b[None, :, None, None]
        how = "W[:, :, None, None]  (shape (n_out, n_in, 1, 1))"
        case = "per-pixel FC == 1x1 conv"
    elif c * kh * kw == n_in:
        x = rng.standard_normal((2, c, kh, kw))
        want = (x.reshape(2, -1) @ W.T + b)[:, :, None, None]
        how = f"W.reshape({n_out}, {c}, {kh}, {kw})  (row-major, like the flattening of the image)"
        case = "FC on the flattened image == conv covering the image"
    else:
        return _verdict(
            "Exercise 3",
            False,
            f"(n_out, n_in, 1, 1) = {(n_out, n_in, 1, 1)} or (n_out, C, kh, kw) with C*kh*kw = {n_in}",
            f"got kernel shape {k.shape}",
        )
    got = conv_forward(x, k, b)[0]
    err = float(np.max(np.abs(got - want)))
    return _verdict(
        "Exercise 3",
        err <= TOL * max(1.0, float(np.abs(want).max())),
        how,
        f"{case}: max |difference| = {err:.1e}",
    )


def check_exercise_4(image, dy, dK) -> bool:
    """Check a single-channel kernel gradient ``dK = image ⋆ dy`` (valid cross-correlation).

    image: ``(H, W)``; dy: ``(H - k + 1, W - k + 1)`` the upstream gradient of a valid conv with a
    ``k x k`` kernel; dK: your ``(k, k)`` answer.
    """
    image, dy = as_float_array("image", image, 2), as_float_array("dy", dy, 2)  # the exercise's data
    dK = _array(dK)
    if dy.shape[0] > image.shape[0] or dy.shape[1] > image.shape[1]:
        raise ValueError(f"dy of shape {dy.shape} must not be larger than image of shape {image.shape}")
    kh, kw = image.shape[0] - dy.shape[0] + 1, image.shape[1] - dy.shape[1] + 1
    expected = conv.conv_weight_grad(image, np.zeros((kh, kw)), dy)
    shown = np.array2string(expected, precision=4)
    if dK is None or dK.shape != expected.shape:
        return _verdict(
            "Exercise 4",
            False,
            shown,
            f"dK must have shape {expected.shape}, got {None if dK is None else dK.shape}",
        )
    err = float(np.max(np.abs(dK - expected)))
    ok = err <= TOL * max(1.0, float(np.abs(expected).max()))
    detail = f"max |difference| = {err:.1e}"
    if not ok and np.allclose(dK, expected[::-1, ::-1]):
        detail += "; your dK is flipped: the weight gradient is a cross-correlation, no rotation"
    return _verdict("Exercise 4", ok, shown, detail)


def check_exercise_5(image, kernel, predicted, rows: int = 0, cols: int = 1) -> bool:
    """Check a prediction of ``conv2d(shift_image(image, rows, cols), kernel)`` made from
    ``conv2d(image, kernel)`` alone (translation equivariance).

    image: ``(H, W)``; kernel: ``(k, k)``; predicted: ``(H - k + 1, W - k + 1)``. Only the entries
    the shift determines are compared: those whose window lies inside the shifted copy of the
    image, where ``out_shifted[i, j] = out[i - rows, j - cols]``; the rest may hold anything.
    """
    image, kernel = as_float_array("image", image, 2), as_float_array("kernel", kernel, 2)  # the data
    p = _array(predicted)
    actual = conv.conv2d(shift_image(image, rows, cols), kernel)
    if p is None or p.shape != actual.shape:
        return _verdict(
            "Exercise 5", False, f"an array of shape {actual.shape}", f"got {None if p is None else p.shape}"
        )
    mask = shift_determined(actual.shape, rows, cols)
    err = float(np.max(np.abs(p[mask] - actual[mask]))) if mask.any() else 0.0
    ok = mask.any() and err <= TOL * max(1.0, float(np.abs(actual).max()))
    expected = f"out_shifted[i, j] = out[i - {rows}, j - {cols}] on the {int(mask.sum())} determined entries"
    return _verdict(
        "Exercise 5",
        bool(ok),
        expected,
        f"compared {int(mask.sum())} of {mask.size} entries, max |difference| = {err:.1e}",
    )
