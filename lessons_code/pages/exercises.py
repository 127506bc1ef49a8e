"""Self-checks for the five exercises: call one on your own answer.

Each ``grade_exercise_N`` recomputes the expected answer with the lesson's code,
prints ``PASS`` or ``FAIL`` with the expected value (and, when it can tell, what
went wrong), and returns ``True`` or ``False``. A wrong-shaped or non-numeric
answer is a ``FAIL`` with a message, not an exception: these are for learners.

1. :func:`grade_exercise_1` -- parameter counts of an FC layer and a conv layer on a 224x224 RGB image.
2. :func:`grade_exercise_2` -- the per-layer weight-gradient norms of the MLP and the CNN at initialisation.
3. :func:`grade_exercise_3` -- an FC weight matrix rewritten as a conv kernel (1x1, or covering the image).
4. :func:`grade_exercise_4` -- a kernel's weight gradient ``dK = x ⋆ dy``.
5. :func:`grade_exercise_5` -- the conv output of a shifted image, predicted without recomputing it.

The real-layer chapter adds two more (named, not numbered):

* :func:`grade_exercise_conv1d` -- a stride-2 1-D convolution's ``dx`` and ``dK``, derived by hand;
* :func:`grade_exercise_find_the_bug` -- which of four conv-backward functions is right, and the
  classic mistake in each of the other three (:func:`find_the_bug_candidates`). The three broken
  functions are **deliberately wrong teaching material**: private, never part of the API.

The chapter "Locality or sharing?" adds two:

* :func:`grade_exercise_local_gradient` -- a locally connected layer's weight gradient, by hand;
* :func:`grade_exercise_which_property` -- which property (locality, sharing, both) produced each
  of four results (:data:`WHICH_PROPERTY`).

The cost chapter adds two more:

* :func:`grade_exercise_channels` -- a two-channel weight and input gradient, by hand;
* :func:`grade_exercise_cost` -- a layer's multiply-adds and the shape of its im2col matrix.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np

from .. import conv, conv1d, conv_layer, layer_costs
from .._checks import as_float_array, require_real, require_shape
from ..backward_rules import dilate
from ..checks.tolerances import ROUNDING_BOUND
from ..conv_layer import conv_forward
from ..experiments import nets
from ..experiments.digits import load_digits_split
from ..experiments.runs import MODEL_SPECS
from ..geometry import shift_determined, shift_image
from ..locally_connected import lc_backward_loop
from ..param_counts import conv_param_count, fc_param_count

#: Exercise 1's setting: a 224x224 RGB image, an FC layer to 1,000 units, a 3x3 conv to 64 channels.
EX1 = {"height": 224, "width": 224, "channels": 3, "fc_units": 1000, "kernel": 3, "conv_channels": 64}

#: Exercise 2's setting: the networks of the experiments chapter, initialised with
#: ``init_params(spec, np.random.default_rng(EX2_SEED))``, on the first EX2_BATCH training images
#: of ``load_digits_split(0)``.
EX2_SEED, EX2_BATCH = 0, 64
EX2_SPECS = {"mlp": MODEL_SPECS["MLP"], "cnn": MODEL_SPECS["CNN"]}


def _verdict(name: str, ok: bool, expected, detail: str = "") -> bool:
    status = "PASS" if ok else "FAIL"
    print(f"{name}: {status}")
    if detail:  # on lines of their own, so the output fits the page's column
        for part in detail.split("; "):
            for line in textwrap.wrap(part, 70):
                print(f"  {line}")
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


def grade_exercise_1(fc_count, conv_count) -> bool:
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


def grade_exercise_2(kind: str, norms: Mapping[str, float], rtol: float = 1e-6) -> bool:
    """Check the Frobenius norms of the weight gradients of the ``kind`` ("mlp" or "cnn") network
    at initialisation (seed 0) on the first 64 training images: a dict ``{layer name: norm}``,
    e.g. ``{"W1": ..., "W2": ...}`` for the MLP and ``{"K1": ..., "W2": ...}`` for the CNN."""
    rtol = require_real("rtol", rtol, positive=True)
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


def grade_exercise_3(W, b, kernel) -> bool:
    """Check a conv kernel that should compute exactly what the FC layer ``(W, b)`` computes.

    W: ``(n_out, n_in)``; b: ``(n_out,)``; kernel: ``(n_out, C, kh, kw)``. Two cases:

    * ``kh = kw = 1`` and ``C = n_in``: a 1x1 conv that applies the FC layer at every pixel,
      across the C channels;
    * ``C * kh * kw = n_in``: a conv whose kernel covers the whole ``C x kh x kw`` image, equal
      to the FC layer on the flattened image.

    The outputs are compared on random inputs and must agree to 1e-12.
    """
    W, b = as_float_array("W", W, 2), as_float_array("b", b, 1)  # the exercise's data, not the answer
    require_shape("b", b, (W.shape[0],))
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
        case = "flattened-image FC == image-sized conv"
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
        err <= ROUNDING_BOUND * max(1.0, float(np.abs(want).max())),
        how,
        f"{case}: max |difference| = {err:.1e}",
    )


def grade_exercise_4(image, dy, dK) -> bool:
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
    ok = err <= ROUNDING_BOUND * max(1.0, float(np.abs(expected).max()))
    detail = f"max |difference| = {err:.1e}"
    if not ok and np.allclose(dK, expected[::-1, ::-1]):
        detail += "; your dK is flipped: the weight gradient is a cross-correlation, no rotation"
    return _verdict("Exercise 4", ok, shown, detail)


def grade_exercise_5(image, kernel, predicted, rows: int = 0, cols: int = 1) -> bool:
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
    ok = mask.any() and err <= ROUNDING_BOUND * max(1.0, float(np.abs(actual).max()))
    expected = f"out_shifted[i, j] = out[i - {rows}, j - {cols}] on the {int(mask.sum())} determined entries"
    return _verdict(
        "Exercise 5",
        bool(ok),
        expected,
        f"compared {int(mask.sum())} of {mask.size} entries, max |difference| = {err:.1e}",
    )


# --- the real-layer chapter: a 1-D layer by hand ---------------------------------------------

#: The 1-D exercise: a 7-sample input, a 3-tap kernel, stride 2 (so 3 outputs), and an upstream
#: gradient. Small integers, so the reader can do every sum by hand.
EX_1D = {"x": (1, 2, 0, -1, 3, 1, 2), "k": (2, -1, 1), "dy": (1, -1, 2), "stride": 2}


def exercise_conv1d_answer() -> tuple[np.ndarray, np.ndarray]:
    """The expected ``(dx, dK)`` of the 1-D exercise (:data:`EX_1D`), from the package's 1-D layer."""
    x = np.array(EX_1D["x"], dtype=np.float64)[None, None]
    k = np.array(EX_1D["k"], dtype=np.float64)[None, None]
    dy = np.array(EX_1D["dy"], dtype=np.float64)[None, None]
    _, cache = conv1d.conv1d_forward(x, k, stride=EX_1D["stride"])
    dx, dk, _ = conv1d.conv1d_backward(dy, cache)
    return dx[0, 0], dk[0, 0]


def grade_exercise_conv1d(dx, dk) -> bool:
    """Check a hand-derived backward pass of the 1-D exercise: ``y[i] = sum_p x[2i + p] k[p]`` on
    ``x`` of 7 samples, ``k`` of 3 taps (:data:`EX_1D`). dx: 7 numbers; dk: 3 numbers."""
    want_dx, want_dk = exercise_conv1d_answer()
    shown = f"dx = {want_dx.astype(int).tolist()}, dK = {want_dk.astype(int).tolist()}"
    got_dx, got_dk = _array(dx), _array(dk)
    if got_dx is None or got_dk is None or got_dx.shape != (7,) or got_dk.shape != (3,):
        return _verdict("Exercise (1-D, stride 2)", False, shown, "dx must hold 7 numbers and dK 3")
    ok_dx = bool(np.allclose(got_dx, want_dx, rtol=0, atol=1e-9))
    ok_dk = bool(np.allclose(got_dk, want_dk, rtol=0, atol=1e-9))
    hints = []
    x, k, dy = (np.array(EX_1D[name], dtype=np.float64) for name in ("x", "k", "dy"))
    if not ok_dk and np.allclose(got_dk, want_dk[::-1]):
        hints.append("dK is flipped: the weight gradient is a cross-correlation, no rotation")
    if not ok_dk and np.allclose(got_dk, np.correlate(x, dy, "valid")[:3]):
        hints.append("dK used the stride-1 windows: output i reads x[2i + p], not x[i + p]")
    no_stride = np.convolve(dy, k, "full")  # dx as if the stride were 1 (dy not dilated)
    if not ok_dx and np.allclose(got_dx[: no_stride.size], no_stride):
        hints.append(
            "dx ignores the stride: insert a zero between the entries of dy before the full convolution"
        )
    if not ok_dx and np.allclose(
        got_dx, np.correlate(np.pad(dilate(dy[None], (1, 2))[0], 2), k, "valid")[:7]
    ):
        hints.append("dx is not flipped: the full convolution uses the kernel reversed")
    detail = f"dx {'ok' if ok_dx else 'wrong'}, dK {'ok' if ok_dk else 'wrong'}"
    if hints:
        detail += "; " + "; ".join(hints)
    return _verdict("Exercise (1-D, stride 2)", ok_dx and ok_dk, shown, detail)


# --- the real-layer chapter: find the bug -----------------------------------------------------
#
# Four conv-backward functions with the same signature, ``(dout, x, w, *, stride, padding) ->
# (dx, dw)`` for x ``(N, C_in, H, W)``, w ``(C_out, C_in, kh, kw)``, dilation 1. ONE is correct;
# the other three are DELIBERATELY WRONG TEACHING MATERIAL, each with one classic mistake. They
# are private: use them only through find_the_bug_candidates(), in the exercise.

#: The mistakes the reader names, and the one correct answer.
MISTAKES = ("correct", "flipped dK", "missing crop", "stride without dilating dy")


def _weight_grad(x, dout, kernel_shape, stride, padding) -> np.ndarray:
    """``dw[o, c] = sum_n xp[n, c] ⋆ dilate(dout[n, o], s)``, the first kh x kw taps."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    corr = conv_forward(xp.transpose(1, 0, 2, 3), dout.transpose(1, 0, 2, 3), dilation=stride)[0]
    return corr[:, :, : kernel_shape[0], : kernel_shape[1]].transpose(1, 0, 2, 3)


def _input_grad_padded(dout, w, x_shape, stride, padding, *, dilate_dy: bool = True) -> np.ndarray:
    """The gradient of the *padded* input: full convolution of (dilated) dout with the kernel."""
    n, c_in, h, wd = x_shape
    kh, kw = w.shape[2:]
    d = dilate(dout, stride) if dilate_dy else dout
    full = conv_forward(d, w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3), padding=(kh - 1, kw - 1))[0]
    dxp = np.zeros((n, c_in, h + 2 * padding, wd + 2 * padding))
    rows, cols = min(full.shape[2], dxp.shape[2]), min(full.shape[3], dxp.shape[3])
    dxp[:, :, :rows, :cols] = full[:, :, :rows, :cols]
    return dxp


def _backward_a(dout, x, w, *, stride=1, padding=0):
    """Candidate A (deliberately wrong teaching material: the kernel gradient is flipped)."""
    h, wd = x.shape[2:]
    dxp = _input_grad_padded(dout, w, x.shape, stride, padding)
    dw = _weight_grad(x, dout, w.shape[2:], stride, padding)[:, :, ::-1, ::-1]
    return dxp[:, :, padding : padding + h, padding : padding + wd], dw


def _backward_b(dout, x, w, *, stride=1, padding=0):
    """Candidate B (deliberately wrong teaching material: dy is not dilated by the stride)."""
    h, wd = x.shape[2:]
    dxp = _input_grad_padded(dout, w, x.shape, stride, padding, dilate_dy=False)
    dw = _weight_grad(x, dout, w.shape[2:], stride, padding)
    return dxp[:, :, padding : padding + h, padding : padding + wd], dw


def _backward_c(dout, x, w, *, stride=1, padding=0):
    """Candidate C: the correct backward pass."""
    h, wd = x.shape[2:]
    dxp = _input_grad_padded(dout, w, x.shape, stride, padding)
    dw = _weight_grad(x, dout, w.shape[2:], stride, padding)
    return dxp[:, :, padding : padding + h, padding : padding + wd], dw


def _backward_d(dout, x, w, *, stride=1, padding=0):
    """Candidate D (deliberately wrong teaching material: the padding is not cropped from dx,
    the top-left corner of the padded gradient is returned instead)."""
    h, wd = x.shape[2:]
    dxp = _input_grad_padded(dout, w, x.shape, stride, padding)
    dw = _weight_grad(x, dout, w.shape[2:], stride, padding)
    return dxp[:, :, :h, :wd], dw


_CANDIDATES = {"A": _backward_a, "B": _backward_b, "C": _backward_c, "D": _backward_d}
_TRUTH = {"A": "flipped dK", "B": "stride without dilating dy", "C": "correct", "D": "missing crop"}


def find_the_bug_candidates() -> dict:
    """The four candidate conv-backward functions of the find-the-bug exercise, by letter.

    Each is ``f(dout, x, w, *, stride=1, padding=0) -> (dx, dw)``. Three of them are deliberately
    wrong (teaching material): find the correct one with gradient checking.
    """
    return dict(_CANDIDATES)


def grade_exercise_find_the_bug(answers: Mapping[str, str]) -> bool:
    """Check ``{letter: mistake}`` for the four candidates; each mistake is one of :data:`MISTAKES`."""
    if not isinstance(answers, Mapping) or set(answers) != set(_TRUTH):
        got = sorted(answers) if isinstance(answers, Mapping) else type(answers).__name__
        return _verdict("Exercise (find the bug)", False, "a dict with the keys A, B, C, D",
                        f"got {got}")  # fmt: skip
    unknown = sorted(v for v in answers.values() if v not in MISTAKES)
    if unknown:
        return _verdict("Exercise (find the bug)", False, f"each value one of {MISTAKES}", f"got {unknown}")
    wrong = sorted(k for k in _TRUTH if answers[k] != _TRUTH[k])
    detail = "every candidate named" if not wrong else f"{len(wrong)} of 4 wrong: {', '.join(wrong)}"
    return _verdict("Exercise (find the bug)", not wrong, _TRUTH, detail)


# --- the chapter "Locality or sharing?" -----------------------------------------------------------


def grade_exercise_local_gradient(image, dy, dW) -> bool:
    """Check a single-channel locally connected layer's weight gradient (valid, stride 1).

    image: ``(H, W)``; dy: ``(H_out, W_out)``, the upstream gradient of a layer with ``k x k`` kernels
    (``k = H - H_out + 1``, the same on both axes); dW: your ``(H_out, W_out, k, k)`` answer, one
    kernel gradient per output position: ``dW[i, j, p, q] = dy[i, j] * image[i + p, j + q]``.
    """
    image, dy = as_float_array("image", image, 2), as_float_array("dy", dy, 2)  # the exercise's data
    kh, kw = image.shape[0] - dy.shape[0] + 1, image.shape[1] - dy.shape[1] + 1
    if kh < 1 or kw < 1:
        raise ValueError(f"dy of shape {dy.shape} must not be larger than image of shape {image.shape}")
    w_shape = (*dy.shape, 1, 1, kh, kw)
    expected = lc_backward_loop(dy[None, None], image[None, None], np.zeros(w_shape))[1][:, :, 0, 0]
    shown = f"an array of shape {expected.shape}; dW[0, 0] = {np.array2string(expected[0, 0], precision=4)}"
    answer = _array(dW)
    if answer is None or answer.shape != expected.shape:
        got = None if answer is None else answer.shape
        return _verdict(
            "Exercise (local gradient)", False, shown, f"dW must have shape {expected.shape}, got {got}"
        )
    err = float(np.max(np.abs(answer - expected)))
    ok = err <= ROUNDING_BOUND * max(1.0, float(np.abs(expected).max()))
    detail = f"max |difference| = {err:.1e}"
    summed = expected.sum(axis=(0, 1))
    if not ok and answer.shape[:2] == expected.shape[:2] and np.allclose(answer, summed):
        detail += "; every position holds the sum over positions: that is the shared kernel's gradient"
    return _verdict("Exercise (local gradient)", ok, shown, detail)


#: The results of the which-property exercise and the property that produces each.
WHICH_PROPERTY = {
    "parameters x 3,025": "sharing",
    "multiply-adds / 426": "locality",
    "shifted output = output shifted": "sharing",
    "shuffle costs the CNN": "both",
}

#: The answers the exercise accepts.
PROPERTIES = ("locality", "sharing", "both")


def grade_exercise_which_property(answers: Mapping[str, str]) -> bool:
    """Check ``{result: property}`` for the four results of :data:`WHICH_PROPERTY`; each property is
    one of :data:`PROPERTIES`."""
    if not isinstance(answers, Mapping) or set(answers) != set(WHICH_PROPERTY):
        got = sorted(answers) if isinstance(answers, Mapping) else type(answers).__name__
        return _verdict("Exercise (which property)", False, f"a dict with the keys {list(WHICH_PROPERTY)}",
                        f"got {got}")  # fmt: skip
    unknown = sorted(str(v) for v in answers.values() if v not in PROPERTIES)
    if unknown:
        return _verdict(
            "Exercise (which property)", False, f"each value one of {PROPERTIES}", f"got {unknown}"
        )
    wrong = [k for k in WHICH_PROPERTY if answers[k] != WHICH_PROPERTY[k]]
    detail = "every result placed" if not wrong else f"{len(wrong)} of 4 wrong: {'; '.join(wrong)}"
    return _verdict("Exercise (which property)", not wrong, WHICH_PROPERTY, detail)


# --- the cost chapter: two channels by hand, and a layer's cost ------------------------------

#: The two-channel example of the cost chapter: one 2-channel 3x3 image ``x``, 2x2 kernels ``w``
#: for 2 -> 2 channels, and ``dy`` (two 2x2 maps). Stride 1, no padding.
EX_CHANNELS = {
    "x": [[[[1, 2, 0], [0, 1, 3], [2, 1, 1]], [[0, 1, 1], [2, 0, 1], [1, 3, 0]]]],
    "w": [[[[1, 0], [2, 1]], [[0, 1], [1, 0]]], [[[1, 1], [0, 1]], [[2, 0], [0, 1]]]],
    "dy": [[[[1, 0], [2, -1]], [[0, 1], [-1, 1]]]],
}


def exercise_channels_answer() -> tuple[np.ndarray, np.ndarray]:
    """``(dw[0, 1], dx[0, 0])`` of :data:`EX_CHANNELS`, from the layer's backward pass."""
    x, w, dy = (np.array(EX_CHANNELS[k], dtype=np.float64) for k in ("x", "w", "dy"))
    dx, dw, _ = conv_layer.conv_backward(dy, conv_forward(x, w)[1])
    return dw[0, 1], dx[0, 0]


def grade_exercise_channels(dw_01, dx_0) -> bool:
    """Check the two-channel exercise: ``dw_01`` the 2x2 weight gradient of output channel 0 and
    input channel 1, ``dx_0`` the 3x3 input gradient of channel 0 (:data:`EX_CHANNELS`)."""
    want_dw, want_dx = exercise_channels_answer()
    shown = f"dw[0, 1] = {want_dw.astype(int).tolist()}, dx[0] = {want_dx.astype(int).tolist()}"
    got_dw, got_dx = _array(dw_01), _array(dx_0)
    if got_dw is None or got_dx is None or got_dw.shape != (2, 2) or got_dx.shape != (3, 3):
        return _verdict("Exercise (two channels)", False, shown, "dw_01 must be 2x2 and dx_0 3x3")
    ok_dw = bool(np.allclose(got_dw, want_dw, rtol=0, atol=1e-9))
    ok_dx = bool(np.allclose(got_dx, want_dx, rtol=0, atol=1e-9))
    x, w, dy = (np.array(EX_CHANNELS[k], dtype=np.float64) for k in ("x", "w", "dy"))
    hints = []
    if not ok_dw and np.allclose(got_dw, conv.conv_weight_grad(x[0, 0], w[0, 1], dy[0, 0])):
        hints.append("dw[0, 1] used input channel 0: kernel w[o, c] reads input channel c")
    if not ok_dw and np.allclose(got_dw, conv.conv_weight_grad(x[0, 1], w[0, 1], dy[0, 1])):
        hints.append("dw[0, 1] used dy of output channel 1: kernel w[o, c] feeds output channel o")
    if not ok_dx and np.allclose(got_dx, conv.conv_input_grad(x[0, 0], w[0, 0], dy[0, 0])):
        hints.append("dx[0] has output channel 0 only: sum over every output channel o")
    detail = f"dw[0, 1] {'ok' if ok_dw else 'wrong'}, dx[0] {'ok' if ok_dx else 'wrong'}"
    if hints:
        detail += "; " + "; ".join(hints)
    return _verdict("Exercise (two channels)", ok_dw and ok_dx, shown, detail)


#: The layer of the cost exercise: a batch of 32 images 64 x 56 x 56, a 3x3 conv to 128 channels,
#: stride 2, padding 1.
EX_COST = {"x_shape": (32, 64, 56, 56), "w_shape": (128, 64, 3, 3), "stride": 2, "padding": 1}


def grade_exercise_cost(forward, backward, cols_shape) -> bool:
    """Check the cost exercise (:data:`EX_COST`): the forward pass's multiply-adds, the backward
    pass's (dx and dw together), and the shape of the im2col matrix ``(rows, columns)``."""
    geometry = {"stride": EX_COST["stride"], "padding": EX_COST["padding"]}
    want = layer_costs.conv_pass_macs(EX_COST["x_shape"], EX_COST["w_shape"], **geometry)
    want_cols = layer_costs.im2col_shape(EX_COST["x_shape"], EX_COST["w_shape"][2:], **geometry)
    shown = f"forward {want.forward:,}, backward {want.backward:,}, cols {want_cols}"
    got_f, got_b, got_c = _scalar(forward), _scalar(backward), _array(cols_shape)
    ok_f = got_f is not None and got_f == want.forward
    ok_b = got_b is not None and got_b == want.backward
    ok_c = got_c is not None and got_c.shape == (2,) and tuple(got_c.tolist()) == want_cols
    hints = []
    if not ok_f and got_f is not None and got_f == 4 * want.forward:
        hints.append("the forward count is 4 times too large: stride 2 leaves 28x28 positions, not 56x56")
    if not ok_b and got_b is not None and got_b == want.forward:
        hints.append("the backward pass has two products: dx and dw, each one forward pass")
    detail = ", ".join(f"{n} {'ok' if ok else 'wrong'}" for n, ok in
                       (("forward", ok_f), ("backward", ok_b), ("cols", ok_c)))  # fmt: skip
    if hints:
        detail += "; " + "; ".join(hints)
    return _verdict("Exercise (the cost of a layer)", ok_f and ok_b and ok_c, shown, detail)
