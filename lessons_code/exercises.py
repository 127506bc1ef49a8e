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
from .conv_layer import conv_forward
from .experiments import nets
from .experiments.digits import load_digits_split
from .experiments.runs import MODEL_SPECS
from .geometry import shift_determined, shift_image
from .param_counts import conv_param_count, fc_param_count

#: Exercise 1's setting: a 224x224 RGB image, an FC layer to 1,000 units, a 3x3 conv to 64 channels.
EX1 = {"height": 224, "width": 224, "channels": 3, "fc_units": 1000, "kernel": 3, "conv_channels": 64}

#: Exercise 2's setting: the networks of the experiments chapter, initialised with
#: ``init_params(spec, np.random.default_rng(EX2_SEED))``, on the first EX2_BATCH training images
#: of ``load_digits_split(0)``.
EX2_SEED, EX2_BATCH = 0, 64
EX2_SPECS = {"mlp": MODEL_SPECS["MLP"], "cnn": MODEL_SPECS["CNN"]}

TOL = 1e-12


def _verdict(name: str, ok: bool, expected, detail: str = "") -> bool:
    status = "PASS" if ok else "FAIL"
    print(f"{name}: {status}" + (f" -- {detail}" if detail else ""))
    if not ok:
        print(f"  expected: {expected}")
    return ok


def _array(value) -> np.ndarray | None:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr


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
    ok_fc = isinstance(fc_count, (int, np.integer)) and int(fc_count) == fc_exp
    ok_conv = isinstance(conv_count, (int, np.integer)) and int(conv_count) == conv_exp
    hints = []
    if not ok_fc and fc_count == fc_exp - EX1["fc_units"]:
        hints.append("FC count is missing the 1,000 biases")
    if not ok_conv and conv_count == conv_exp - EX1["conv_channels"]:
        hints.append("conv count is missing the 64 biases")
    if not ok_conv and conv_count == EX1["kernel"] ** 2 * EX1["conv_channels"] + EX1["conv_channels"]:
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
        if _array(norms[k]) is None or not np.isclose(float(norms[k]), expected[k], rtol=rtol, atol=0)
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
    W, b, k = _array(W), _array(b), _array(kernel)
    if W is None or W.ndim != 2 or b is None or b.shape != (W.shape[0],):
        raise ValueError("W must be a 2-D (n_out, n_in) array and b a (n_out,) array")
    n_out, n_in = W.shape
    if k is None or k.ndim != 4 or k.shape[0] != n_out:
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
    image, dy, dK = _array(image), _array(dy), _array(dK)
    if image is None or dy is None or image.ndim != 2 or dy.ndim != 2:
        raise ValueError("image and dy must be 2-D arrays")
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
    image, kernel, p = _array(image), _array(kernel), _array(predicted)
    if image is None or kernel is None or image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D arrays")
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
