"""Every public function of lessons_code against every kind of bad input: the case table.

``tests/test_input_policy.py`` runs every case; ``tests/input_table.py`` prints the table
"function x kind of bad input -> outcome" from the same cases. Kinds (columns of the table):

* ``type``   -- wrong kind of value: None, strings, booleans, complex numbers, a non-int size
* ``shape``  -- wrong number of dimensions, or shapes that do not agree
* ``nonfinite`` -- NaN or inf in an array or a number
* ``empty``  -- an array with an axis of length 0
* ``range``  -- a number out of range: 0, negative, too big, a float where an int is meant
* ``size``   -- sizes whose result would not fit the size guard (``_checks.MAX_BYTES``)
* ``masked`` -- a masked array with masked entries, or a ragged nested list
* ``float32`` -- valid input given as float32 / int / list: the result equals the float64 result
* ``record`` -- a result type or a function without arguments: the package's call returns the right thing

An outcome is ``"TypeError"`` or ``"ValueError"`` (raised inside lessons_code, naming the argument),
``"value"`` (the right value, checked by the case), or ``"FAIL"`` (a self-check prints FAIL and
returns False).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from lessons_code import (
    backward_rules,
    conv,
    conv1d,
    conv_layer,
    fc,
    geometry,
    gradcheck,
    gradient_flow,
    layer_costs,
    locally_connected,
    matrix_view,
    param_counts,
    pooling,
    tables,
    upsampling,
)
from lessons_code.checks import claims, costs, gradients, layer_rules, locality_claims, stats
from lessons_code.checks import verdict as checks_verdict
from lessons_code.experiments import digits, gradient_study, linear_students, locality, nets, runs, separable
from lessons_code.pages import exercises, explorer, takeaways
from lessons_code.pictures import (
    animations,
    cost_figures,
    experiment_figures,
    figures,
    layer_figures,
    locality_figures,
    player,
)

KINDS = ("type", "shape", "nonfinite", "empty", "range", "size", "masked", "float32", "record")


class Case(NamedTuple):
    function: str  # module.function
    kind: str  # one of KINDS
    call: Callable[[], object]
    outcome: str  # "TypeError", "ValueError", "value" or "FAIL"
    arg: str = ""  # the argument the message must name ("" for value cases)
    check: Callable[[object], bool] | None = None  # for "value": is the result right?


def rng_arrays(seed=0):
    return np.random.default_rng(seed)


R = np.random.default_rng(0)
X1, W2, B1, DY1 = R.standard_normal(5), R.standard_normal((3, 5)), R.standard_normal(3), R.standard_normal(3)
XB, DYB = R.standard_normal((4, 5)), R.standard_normal((4, 3))
IMG, K, DYC = R.standard_normal((6, 6)), R.standard_normal((3, 3)), R.standard_normal((4, 4))
X4, W4, B4 = R.standard_normal((2, 2, 6, 5)), R.standard_normal((3, 2, 3, 2)), R.standard_normal(3)
GEO = dict(stride=2, padding=1, dilation=1)
OUT4, CACHE = conv_layer.conv_forward(X4, W4, B4, **GEO)
DOUT4 = R.standard_normal(OUT4.shape)
COLS = conv_layer.im2col(X4, (3, 2), **GEO)
DCOLS = R.standard_normal(COLS.shape)
WFC = R.standard_normal((16, 36))
INDEX = matrix_view.conv_matrix_index((3, 3), (6, 6))
DM = R.standard_normal(INDEX.shape)
IMGS = R.random((3, 1, 8, 8))
LABELS = np.array([0, 3, 9])
SPEC_MLP, SPEC_CNN = nets.NetSpec("mlp", 4), nets.NetSpec("cnn", 2, 3)
P_MLP = nets.init_params(SPEC_MLP, np.random.default_rng(0))
P_CNN = nets.init_params(SPEC_CNN, np.random.default_rng(0))
Z = R.standard_normal((3, 4))
SCORES = R.standard_normal((3, 10))
TEACH = linear_students.teacher_data(30, (5, 5), K, 0.5, np.random.default_rng(1))
X3, W3 = R.standard_normal((2, 2, 7)), R.standard_normal((3, 2, 3))
OUT3, CACHE3 = conv1d.conv1d_forward(X3, W3, **GEO)
DOUT3 = R.standard_normal(OUT3.shape)
OP4 = backward_rules.output_padding_for(X4.shape, (3, 2), **GEO)
POOL_X = R.standard_normal((2, 2, 4, 4))

# --- array arguments: the bad-input kinds are generated from one good call ---------------------------


@dataclasses.dataclass
class ArrayCall:
    """A good call ``fn(*args, **kwargs)`` whose arguments named in ``arrays`` are arrays."""

    function: str
    fn: Callable
    args: dict  # argument name -> value, passed by keyword unless ``positional``
    arrays: tuple[str, ...]
    positional: bool = True
    kinds: tuple[str, ...] = ("type", "shape", "nonfinite", "empty", "masked", "float32")
    optional: tuple[str, ...] = ("b",)  # None is a valid value of these (no bias)
    skip: tuple[tuple[str, str], ...] = ()  # (argument, kind) pairs that are not bad here (see MANUAL)

    def run(self, **replace):
        values = {**self.args, **replace}
        if self.positional:
            return self.fn(*values.values())
        return self.fn(**values)


def _same(a, b) -> bool:
    """Recursive exact equality of results (arrays, tuples, dataclasses, dicts, numbers)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and _same(dataclasses.astuple(a), dataclasses.astuple(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _bad_versions(value: np.ndarray):
    """kind -> (bad value, expected error) for one array argument."""
    arr = np.asarray(value, dtype=np.float64)
    nan = arr.copy()
    nan.flat[0] = np.nan
    inf = arr.copy()
    inf.flat[-1] = -np.inf
    mask = np.zeros(arr.shape, dtype=bool)
    mask.flat[0] = True
    empty = np.zeros((0, *arr.shape[1:]))
    return {
        "type": [(arr.astype(str), "TypeError"), (arr.astype(complex), "TypeError"), (arr > 0, "TypeError"),
                 (None, "TypeError")],
        "shape": [(arr[..., None], "ValueError")],
        "nonfinite": [(nan, "ValueError"), (inf, "ValueError")],
        "empty": [(empty, "ValueError")],
        "masked": [(np.ma.masked_array(arr, mask=mask), "TypeError")],
    }  # fmt: skip


ARRAY_CALLS = [
    # the real-layer chapter's modules (issue 12): the same policy through lessons_code._checks
    ArrayCall("conv1d.conv1d_forward", lambda x, w, b: conv1d.conv1d_forward(x, w, b, **GEO),
              dict(x=X3, w=W3, b=B4), ("x", "w", "b")),
    ArrayCall("conv1d.conv1d_backward", lambda dout: conv1d.conv1d_backward(dout, CACHE3), dict(dout=DOUT3), ("dout",)),
    ArrayCall("conv1d.conv1d_backward_loop", lambda dout, x, w: conv1d.conv1d_backward_loop(dout, x, w, **GEO),
              dict(dout=DOUT3, x=X3, w=W3), ("dout", "x", "w")),
    ArrayCall("backward_rules.input_grad_as_conv",
              lambda dout, w: backward_rules.input_grad_as_conv(dout, w, X4.shape, **GEO), dict(dout=DOUT4, w=W4), ("dout", "w")),
    ArrayCall("backward_rules.weight_grad_as_conv",
              lambda x, dout: backward_rules.weight_grad_as_conv(x, dout, (3, 2), **GEO), dict(x=X4, dout=DOUT4), ("x", "dout")),
    ArrayCall("backward_rules.bias_grad", backward_rules.bias_grad, dict(dout=DOUT4), ("dout",)),
    ArrayCall("backward_rules.transposed_conv",
              lambda y, w: backward_rules.transposed_conv(y, w, output_padding=OP4, **GEO), dict(y=DOUT4, w=W4), ("y", "w")),
    ArrayCall("backward_rules.transposed_conv_loop",
              lambda y, w: backward_rules.transposed_conv_loop(y, w, output_padding=OP4, **GEO), dict(y=DOUT4, w=W4), ("y", "w")),
    # z of any shape is valid: a z with an extra axis is refused as a dout of the wrong shape
    ArrayCall("pooling.relu_backward", pooling.relu_backward, dict(dout=Z, z=Z), ("dout", "z"), skip=(("z", "shape"),)),
    ArrayCall("pooling.maxpool2_forward", pooling.maxpool2_forward, dict(x=POOL_X), ("x",)),
    ArrayCall("fc.fc_forward", fc.fc_forward, dict(x=X1, W=W2, b=B1), ("x", "W", "b")),
    ArrayCall("fc.fc_backward", fc.fc_backward, dict(x=X1, W=W2, dy=DY1), ("x", "W", "dy")),
    ArrayCall("fc.fc_bias_grad", fc.fc_bias_grad, dict(dy=DY1), ("dy",), skip=(("dy", "shape"),)),  # (3, 1): a batch
    ArrayCall("fc.fc_forward_batch", fc.fc_forward_batch, dict(X=XB, W=W2, b=B1), ("X", "W", "b")),
    ArrayCall("fc.fc_backward_batch", fc.fc_backward_batch, dict(X=XB, W=W2, dY=DYB), ("X", "W", "dY")),
    ArrayCall("conv.cross_correlate", conv.cross_correlate, dict(a=IMG, k=K), ("a", "k")),
    ArrayCall("conv.conv2d", conv.conv2d, dict(img=IMG, kernel=K), ("img", "kernel")),
    ArrayCall("conv.conv2d_loop", conv.conv2d_loop, dict(img=IMG, kernel=K), ("img", "kernel")),
    ArrayCall("conv.conv_weight_grad", conv.conv_weight_grad, dict(img=IMG, kernel=K, dy=DYC), ("img", "kernel", "dy")),
    ArrayCall("conv.conv_weight_grad_loop", conv.conv_weight_grad_loop, dict(img=IMG, kernel=K, dy=DYC), ("img", "kernel", "dy")),
    ArrayCall("conv.conv_input_grad", conv.conv_input_grad, dict(img=IMG, kernel=K, dy=DYC), ("img", "kernel", "dy")),
    ArrayCall("conv.conv_input_grad_loop", conv.conv_input_grad_loop, dict(img=IMG, kernel=K, dy=DYC), ("img", "kernel", "dy")),
    ArrayCall("conv.conv_bias_grad", conv.conv_bias_grad, dict(dy=DYC), ("dy",)),
    ArrayCall("conv_layer.conv_forward", lambda x, w, b: conv_layer.conv_forward(x, w, b, **GEO),
              dict(x=X4, w=W4, b=B4), ("x", "w", "b")),
    ArrayCall("conv_layer.conv_forward_loop", lambda x, w, b: conv_layer.conv_forward_loop(x, w, b, **GEO),
              dict(x=X4, w=W4, b=B4), ("x", "w", "b")),
    ArrayCall("conv_layer.conv_backward", lambda dout: conv_layer.conv_backward(dout, CACHE), dict(dout=DOUT4), ("dout",)),
    ArrayCall("conv_layer.conv_backward_loop", lambda dout, x, w: conv_layer.conv_backward_loop(dout, x, w, **GEO),
              dict(dout=DOUT4, x=X4, w=W4), ("dout", "x", "w")),
    ArrayCall("conv_layer.im2col", lambda x: conv_layer.im2col(x, (3, 2), **GEO), dict(x=X4), ("x",)),
    ArrayCall("conv_layer.col2im", lambda dcols: conv_layer.col2im(dcols, X4.shape, (3, 2), **GEO),
              dict(dcols=DCOLS), ("dcols",)),
    ArrayCall("gradcheck.numerical_gradient", lambda theta: gradcheck.numerical_gradient(lambda t: np.sum(t**3), theta),
              dict(theta=X1), ("theta",), kinds=("type", "nonfinite", "empty", "masked", "float32")),
    ArrayCall("gradcheck.rel_error", gradcheck.rel_error, dict(analytic=X1, numeric=X1 + 1e-3), ("analytic", "numeric")),
    ArrayCall("geometry.shift_image", lambda img: geometry.shift_image(img, 1, -2), dict(img=IMG), ("img",)),
    ArrayCall("geometry.fc_receptive_field", lambda W: geometry.fc_receptive_field(W, 3, (6, 6)), dict(W=WFC), ("W",)),
    ArrayCall("geometry.conv_receptive_field", lambda kernel: geometry.conv_receptive_field(kernel, (1, 2), (6, 6)),
              dict(kernel=K), ("kernel",)),
    ArrayCall("geometry.shift_test", geometry.shift_test, dict(img=IMG, kernel=K, W=WFC), ("img", "kernel", "W")),
    ArrayCall("gradient_flow.GradientFlowProblem", gradient_flow.GradientFlowProblem,
              dict(x=IMG, W=WFC, kernel=K, dy=DYC), ("x", "W", "kernel", "dy")),
    ArrayCall("matrix_view.conv_matrix", lambda kernel: matrix_view.conv_matrix(kernel, (6, 6)), dict(kernel=K), ("kernel",)),
    ArrayCall("matrix_view.tie_sum", lambda dM: matrix_view.tie_sum(dM, INDEX, (3, 3)), dict(dM=DM), ("dM",)),
    ArrayCall("matrix_view.tie_sum_loop", lambda dM: matrix_view.tie_sum_loop(dM, INDEX, (3, 3)), dict(dM=DM), ("dM",)),
    ArrayCall("matrix_view.tied_kernel_grad", lambda x, dy: matrix_view.tied_kernel_grad(x, dy, (3, 3)),
              dict(x=IMG, dy=DYC), ("x", "dy"), skip=(("x", "shape"),)),  # (6, 6, 1): 6 channels, see MANUAL
    ArrayCall("digits.permute_pixels", lambda images: digits.permute_pixels(images, np.arange(64)[::-1]),
              dict(images=IMGS), ("images",)),
    ArrayCall("digits.shift_images", digits.shift_images, dict(images=IMGS), ("images",)),
    ArrayCall("pooling.relu_forward", pooling.relu_forward, dict(z=Z), ("z",), skip=(("z", "shape"),)),  # any shape
    ArrayCall("pooling.maxpool2_backward", lambda dout: pooling.maxpool2_backward(dout, pooling.maxpool2_forward(IMGS)[1]),
              dict(dout=IMGS[:, :, :4, :4]), ("dout",)),
    ArrayCall("nets.softmax_cross_entropy", lambda scores: nets.softmax_cross_entropy(scores, LABELS),
              dict(scores=SCORES), ("scores",)),
    ArrayCall("nets.forward", lambda x: nets.forward(SPEC_CNN, P_CNN, x), dict(x=IMGS), ("x",)),
    ArrayCall("nets.predict", lambda x: nets.predict(SPEC_MLP, P_MLP, x), dict(x=IMGS), ("x",)),
    ArrayCall("nets.accuracy", lambda x: nets.accuracy(SPEC_MLP, P_MLP, x, LABELS), dict(x=IMGS), ("x",)),
    ArrayCall("nets.loss_and_grads", lambda x: nets.loss_and_grads(SPEC_CNN, P_CNN, x, LABELS), dict(x=IMGS), ("x",)),
    ArrayCall("nets.train", lambda x: nets.train(SPEC_MLP, x, LABELS, epochs=1, batch_size=2).params,
              dict(x=IMGS), ("x",)),
    ArrayCall("linear_students.fc_features", linear_students.fc_features, dict(x=TEACH.x), ("x",)),
    ArrayCall("linear_students.conv_features", lambda x: linear_students.conv_features(x, (3, 3)), dict(x=TEACH.x), ("x",)),
    ArrayCall("linear_students.teacher_data",
              lambda kernel_true: linear_students.teacher_data(4, (5, 5), kernel_true, 0.5, np.random.default_rng(2)),
              dict(kernel_true=K), ("kernel_true",)),
    ArrayCall("exercises.grade_exercise_3 (W, b)", lambda W, b: exercises.grade_exercise_3(W, b, W2[:, :, None, None]),
              dict(W=W2, b=B1), ("W", "b")),
    ArrayCall("exercises.grade_exercise_4 (image, dy)",
              lambda image, dy: exercises.grade_exercise_4(image, dy, np.zeros((3, 3))),
              dict(image=IMG, dy=DYC), ("image", "dy")),
    ArrayCall("exercises.grade_exercise_5 (image, kernel)",
              lambda image, kernel: exercises.grade_exercise_5(image, kernel, np.zeros((4, 4))),
              dict(image=IMG, kernel=K), ("image", "kernel")),
]  # fmt: skip


def _array_cases() -> list[Case]:
    cases, rotate = [], 0
    for call in ARRAY_CALLS:
        for name in call.arrays:
            bad = _bad_versions(call.args[name])
            for kind in call.kinds:
                if (name, kind) in call.skip:
                    continue
                rotate += 1
                if kind == "float32":
                    value32 = np.asarray(call.args[name], dtype=np.float32)
                    want = call.run(**{name: value32.astype(np.float64)})
                    cases.append(Case(call.function, kind, lambda c=call, n=name, v=value32: c.run(**{n: v}),
                                      "value", name, lambda got, w=want: _same(got, w)))  # fmt: skip
                    if rotate % 2:
                        continue
                    as_list = np.asarray(call.args[name]).tolist()
                    want_list = call.run(**{name: np.asarray(call.args[name])})
                    cases.append(Case(call.function, kind, lambda c=call, n=name, v=as_list: c.run(**{n: v}),
                                      "value", name, lambda got, w=want_list: _same(got, w)))  # fmt: skip
                    continue
                # one variant of each kind per argument, taking turns (str, complex, bool, None...),
                # so every variant is met across the table without multiplying the cases
                variants = [(v, o) for v, o in bad[kind] if not (v is None and name in call.optional)]
                for value, outcome in variants[rotate % len(variants) :][:1]:
                    cases.append(
                        Case(
                            call.function,
                            kind,
                            lambda c=call, n=name, v=value: c.run(**{n: v}),
                            outcome,
                            name,
                        )
                    )
    return cases


# --- everything else: numbers, sizes, seeds, shapes given as tuples, answers --------------------------

BIG = (224, 224)


def _small_anim():
    """A tiny animation for the argument checks of save_gif and animation_player (refused before any
    frame is drawn; marked as started so matplotlib does not warn that it was never rendered)."""
    anim = animations.anim_coverage((3, 3), (2, 2))
    anim._draw_was_started = True
    return anim


def _conv_out_sizes(got) -> bool:
    return got == 4


MANUAL = [
    # conv sizes
    Case("conv.output_shape", "range", lambda: conv.output_shape((2, 2), (5, 5)), "ValueError", "kernel"),
    Case("conv.output_shape", "range", lambda: conv.output_shape((6, 6), (0, 3)), "ValueError", "kernel_shape"),
    Case("conv.output_shape", "type", lambda: conv.output_shape((6.0, 6), (3, 3)), "TypeError", "img_shape"),
    Case("conv.output_shape", "shape", lambda: conv.output_shape((6, 6, 1), (3, 3)), "ValueError", "img_shape"),
    Case("conv.output_shape", "float32", lambda: conv.output_shape((np.int64(6), 5), 3), "value", "",
         lambda got: got == (4, 3)),
    Case("conv.conv2d", "range", lambda: conv.conv2d(np.ones((6, 2)), np.ones((3, 3))), "ValueError", "kernel"),
    Case("conv.conv2d_loop", "range", lambda: conv.conv2d_loop(np.ones((6, 2)), np.ones((3, 3))), "ValueError", "kernel"),
    Case("conv_layer.output_size", "range", lambda: conv_layer.output_size(5, 0), "ValueError", "k"),
    Case("conv_layer.output_size", "range", lambda: conv_layer.output_size(5, 3, dilation=0), "ValueError", "dilation"),
    Case("conv_layer.output_size", "range", lambda: conv_layer.output_size(5, 3, stride=-1), "ValueError", "stride"),
    Case("conv_layer.output_size", "range", lambda: conv_layer.output_size(5, 3, stride=0), "ValueError", "stride"),
    Case("conv_layer.output_size", "range", lambda: conv_layer.output_size(5, 3, padding=-1), "ValueError", "padding"),
    Case("conv_layer.output_size", "range", lambda: conv_layer.output_size(2, 5), "ValueError", "kernel spans"),
    Case("conv_layer.output_size", "type", lambda: conv_layer.output_size(5.5, 3), "TypeError", "n"),
    Case("conv_layer.output_size", "type", lambda: conv_layer.output_size(5, 3, stride=True), "TypeError", "stride"),
    Case("conv_layer.output_size", "nonfinite", lambda: conv_layer.output_size(float("inf"), 3), "TypeError", "n"),
    Case("conv_layer.output_size", "float32", lambda: conv_layer.output_size(np.int32(6), np.int64(3)), "value", "",
         _conv_out_sizes),
    Case("conv_layer.output_size", "size", lambda: conv_layer.output_size(10**30, 3), "value", "",
         lambda got: got == 10**30 - 2),
    Case("conv_layer.conv_forward", "range", lambda: conv_layer.conv_forward(X4, W4, stride=0), "ValueError", "stride"),
    Case("conv_layer.conv_forward", "type", lambda: conv_layer.conv_forward(X4, W4, padding=1.0), "TypeError", "padding"),
    Case("conv_layer.conv_forward", "shape", lambda: conv_layer.conv_forward(X4, W4[:, :1]), "ValueError", "C_in"),
    Case("conv_layer.conv_forward", "size",
         lambda: conv_layer.conv_forward(np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1)), padding=20000), "ValueError", "limit"),
    Case("conv_layer.conv_forward_loop", "size",
         lambda: conv_layer.conv_forward_loop(np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1)), padding=20000), "ValueError", "limit"),
    Case("conv_layer.conv_backward", "type", lambda: conv_layer.conv_backward(DOUT4, (X4, W4)), "TypeError", "cache"),
    Case("conv_layer.conv_backward", "nonfinite",
         lambda: conv_layer.conv_backward(DOUT4, CACHE._replace(x=np.full(X4.shape, np.nan))), "ValueError", "x"),
    Case("conv_layer.conv_backward", "range", lambda: conv_layer.conv_backward(DOUT4, CACHE._replace(stride=(0, 1))),
         "ValueError", "stride"),
    Case("conv_layer.conv_backward_loop", "range",
         lambda: conv_layer.conv_backward_loop(DOUT4, X4, W4, stride=2, padding=-1), "ValueError", "padding"),
    Case("conv_layer.im2col", "range", lambda: conv_layer.im2col(X4, (0, 2)), "ValueError", "kernel_shape"),
    Case("conv_layer.im2col", "size", lambda: conv_layer.im2col(np.ones((1, 1, 1, 1)), 1, padding=20000), "ValueError", "limit"),
    Case("conv_layer.col2im", "type", lambda: conv_layer.col2im(DCOLS, (2, 2, 6.0, 5), (3, 2), **GEO), "TypeError", "x_shape"),
    Case("conv_layer.col2im", "shape", lambda: conv_layer.col2im(DCOLS, (2, 6, 5), (3, 2), **GEO), "ValueError", "x_shape"),
    Case("conv_layer.col2im", "range", lambda: conv_layer.col2im(DCOLS, (2, 0, 6, 5), (3, 2), **GEO), "ValueError", "x_shape"),
    Case("conv_layer.col2im", "size", lambda: conv_layer.col2im(np.ones((1, 1)), (1, 1, 1, 1), 1, padding=20000),
         "ValueError", "limit"),
    Case("conv.conv_weight_grad", "range", lambda: conv.conv_weight_grad(np.ones((6, 2)), np.ones((3, 3)), np.ones((1, 1))),
         "ValueError", "kernel"),
    Case("conv.conv_weight_grad_loop", "range",
         lambda: conv.conv_weight_grad_loop(np.ones((2, 6)), np.ones((3, 3)), np.ones((1, 1))), "ValueError", "kernel"),
    Case("conv.conv_input_grad", "range", lambda: conv.conv_input_grad(np.ones((6, 2)), np.ones((3, 3)), np.ones((1, 1))),
         "ValueError", "kernel"),
    Case("conv.conv_input_grad_loop", "range",
         lambda: conv.conv_input_grad_loop(np.ones((2, 6)), np.ones((3, 3)), np.ones((1, 1))), "ValueError", "kernel"),
    Case("conv.cross_correlate", "range", lambda: conv.cross_correlate(np.ones((2, 6)), np.ones((3, 3))), "ValueError", "k"),
    Case("conv_layer.conv_forward_loop", "range", lambda: conv_layer.conv_forward_loop(X4, W4, dilation=0), "ValueError",
         "dilation"),
    Case("conv_layer.conv_backward_loop", "size",
         lambda: conv_layer.conv_backward_loop(np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1)),
                                               padding=20000), "ValueError", "limit"),
    Case("conv_layer.conv_backward", "size",
         lambda: conv_layer.conv_backward(np.ones((1, 1, 1, 1)), CACHE._replace(x=np.ones((1, 1, 1, 1)),
                                          w=np.ones((1, 1, 1, 1)), padding=(20000, 20000), stride=(40001, 40001))),
         "ValueError", "limit"),
    # gradient checks
    Case("gradcheck.numerical_gradient", "type", lambda: gradcheck.numerical_gradient(None, X1), "TypeError", "f"),
    Case("gradcheck.numerical_gradient", "type", lambda: gradcheck.numerical_gradient(lambda t: t, X1), "TypeError", "f"),
    Case("gradcheck.numerical_gradient", "range", lambda: gradcheck.numerical_gradient(np.sum, X1, h=0.0), "ValueError", "h"),
    Case("gradcheck.numerical_gradient", "nonfinite", lambda: gradcheck.numerical_gradient(np.sum, X1, h=np.nan),
         "ValueError", "h"),
    Case("gradcheck.numerical_gradient", "nonfinite",
         lambda: gradcheck.numerical_gradient(lambda t: np.inf if t[0] < 0.5 else 0.0, np.array([0.5])), "ValueError", "f"),
    Case("gradcheck.rel_error", "shape", lambda: gradcheck.rel_error(X1, X1[:2]), "ValueError", "same shape"),
    Case("gradients.fc_gradient_rows", "range", lambda: gradients.fc_gradient_rows(seed=-1), "ValueError", "seed"),
    Case("gradients.fc_gradient_rows", "type", lambda: gradients.fc_gradient_rows(n_in=2.5), "TypeError", "n_in"),
    Case("gradients.fc_gradient_rows", "empty", lambda: gradients.fc_gradient_rows(n_out=0), "ValueError", "n_out"),
    Case("gradients.conv_gradient_rows", "range", lambda: gradients.conv_gradient_rows(img_shape=(2, 2)), "ValueError", "kernel"),
    Case("gradients.conv_gradient_rows", "type", lambda: gradients.conv_gradient_rows(seed=1.5), "TypeError", "seed"),
    Case("gradients.conv_layer_gradient_rows", "shape", lambda: gradients.conv_layer_gradient_rows(x_shape=(2, 3, 7)), "ValueError", "x_shape"),
    Case("gradients.conv_layer_gradient_rows", "range", lambda: gradients.conv_layer_gradient_rows(stride=0), "ValueError", "stride"),
    Case("gradients.conv_layer_gradient_rows", "empty", lambda: gradients.conv_layer_gradient_rows(x_shape=(0, 3, 7, 6)), "ValueError", "x_shape"),
    Case("gradients.gradient_rows", "type", lambda: gradients.gradient_rows(seed="0"), "TypeError", "seed"),
    Case("gradients.report_table", "type", lambda: gradients.report_table([("FC", "dW")]), "TypeError", "checks"),
    Case("gradients.conv_layer_gradient_rows", "type", lambda: gradients.conv_layer_gradient_rows(x_shape=(2, 3, 7.0, 6)), "TypeError", "x_shape"),
    Case("gradients.conv_layer_gradient_rows", "size", lambda: gradients.conv_layer_gradient_rows(x_shape=(1, 1, 1, 1), w_shape=(1, 1, 1, 1),
                                                                                  padding=20000, dilation=1), "ValueError", "limit"),
    # geometry
    Case("geometry.shift_image", "range", lambda: geometry.shift_image(IMG, 6, 0), "ValueError", "rows"),
    Case("geometry.shift_image", "type", lambda: geometry.shift_image(IMG, 0, 1.0), "TypeError", "cols"),
    Case("geometry.require_shift", "range", lambda: geometry.require_shift(0, -6, (6, 6)), "ValueError", "cols"),
    Case("geometry.require_shift", "type", lambda: geometry.require_shift("1", 0, (6, 6)), "TypeError", "rows"),
    Case("geometry.fc_receptive_field", "range", lambda: geometry.fc_receptive_field(WFC, 16, (6, 6)), "ValueError", "unit"),
    Case("geometry.fc_receptive_field", "shape", lambda: geometry.fc_receptive_field(WFC, 0, (4, 9)), "value", "",
         lambda got: got.shape == (4, 9) and got.all()),
    Case("geometry.fc_receptive_field", "shape", lambda: geometry.fc_receptive_field(WFC, 0, (5, 6)), "ValueError", "W"),
    Case("geometry.conv_receptive_field", "range", lambda: geometry.conv_receptive_field(K, (4, 0), (6, 6)), "ValueError", "unit"),
    Case("geometry.conv_receptive_field", "range", lambda: geometry.conv_receptive_field(K, (1, 1), (2, 6)), "ValueError", "kernel"),
    Case("geometry.shift_determined", "range", lambda: geometry.shift_determined((0, 4), 0, 1), "ValueError", "shape"),
    Case("geometry.shift_determined", "type", lambda: geometry.shift_determined((4, 4), 0.5, 1), "TypeError", "rows"),
    Case("geometry.shift_determined", "range", lambda: geometry.shift_determined((4, 4), 0, 9), "value", "",
         lambda got: got.shape == (4, 4) and not got.any()),
    Case("geometry.shift_test", "range", lambda: geometry.shift_test(IMG, K, WFC, rows=-6), "ValueError", "rows"),
    Case("geometry.coverage_count", "size", lambda: geometry.coverage_count(BIG, (3, 3)), "ValueError", "limit"),
    Case("geometry.coverage_count", "range", lambda: geometry.coverage_count((2, 2), (3, 3)), "ValueError", "kernel_shape"),
    Case("geometry.coverage_count", "type", lambda: geometry.coverage_count((6, 6), "3"), "TypeError", "kernel_shape"),
    Case("geometry.coverage_count_loop", "range", lambda: geometry.coverage_count_loop((2, 2), (3, 3)), "ValueError", "kernel_shape"),
    Case("geometry.coverage_count_loop", "type", lambda: geometry.coverage_count_loop((6, None), (3, 3)), "TypeError", "input_shape"),
    # gradient flow
    Case("gradient_flow.example_problem", "range", lambda: gradient_flow.example_problem((3, 3), (4, 4)), "ValueError", "kernel_shape"),
    Case("gradient_flow.example_problem", "type", lambda: gradient_flow.example_problem(seed=1.5), "TypeError", "seed"),
    Case("gradient_flow.example_problem", "range", lambda: gradient_flow.example_problem(seed=-1), "ValueError", "seed"),
    Case("gradient_flow.example_problem", "size", lambda: gradient_flow.example_problem((200, 200)), "ValueError", "limit"),
    Case("gradient_flow.gradient_flow_frames", "type", lambda: gradient_flow.gradient_flow_frames(None), "TypeError", "problem"),
    Case("gradient_flow.gradient_flow_frames", "size",
         lambda: gradient_flow.gradient_flow_frames(gradient_flow.example_problem((20, 20))), "ValueError", "limit"),
    Case("gradient_flow.frames_bytes", "range", lambda: gradient_flow.frames_bytes((2, 2), (3, 3)), "ValueError", "kernel"),
    Case("gradient_flow.GradientFlowProblem", "shape",
         lambda: gradient_flow.GradientFlowProblem(IMG, WFC[:, :30], K, DYC), "ValueError", "W"),
    # matrix view
    Case("matrix_view.conv_geometry", "range", lambda: matrix_view.conv_geometry((3, 1), (2, 5)), "ValueError", "larger"),
    Case("matrix_view.conv_geometry", "range", lambda: matrix_view.conv_geometry((1, 3), (5, 2)), "ValueError", "larger"),
    Case("matrix_view.conv_geometry", "shape", lambda: matrix_view.conv_geometry((2, 3, 3, 3), (2, 6, 6)), "ValueError", "C_in"),
    Case("matrix_view.conv_geometry", "type", lambda: matrix_view.conv_geometry((2, 3, 3.0, 3), (3, 6, 6)), "TypeError", "kernel_shape"),
    Case("matrix_view.conv_geometry", "empty", lambda: matrix_view.conv_geometry((0, 3, 3, 3), (3, 6, 6)), "ValueError", "kernel_shape"),
    Case("matrix_view.conv_matrix_index", "size", lambda: matrix_view.conv_matrix_index((3, 3), BIG), "ValueError", "limit"),
    Case("matrix_view.conv_matrix_index_loop", "size", lambda: matrix_view.conv_matrix_index_loop((3, 3), BIG), "ValueError", "limit"),
    Case("matrix_view.conv_matrix", "size", lambda: matrix_view.conv_matrix(K, BIG), "ValueError", "limit"),
    Case("matrix_view.conv_matrix", "range", lambda: matrix_view.conv_matrix(K, (6, 6), stride=0), "ValueError", "stride"),
    Case("matrix_view.tie_counts", "type", lambda: matrix_view.tie_counts(np.ones((2, 2))), "TypeError", "index"),
    Case("matrix_view.tie_counts", "range", lambda: matrix_view.tie_counts(np.full((2, 2), -5)), "ValueError", "index"),
    Case("matrix_view.tie_counts", "empty", lambda: matrix_view.tie_counts(np.zeros((0, 3), dtype=int)), "ValueError", "index"),
    Case("matrix_view.tie_counts", "float32", lambda: matrix_view.tie_counts(INDEX.astype(np.int32)), "value", "",
         lambda got: got.dtype == np.intp and np.array_equal(got, matrix_view.tie_counts(INDEX))),
    Case("matrix_view.tie_sum", "range", lambda: matrix_view.tie_sum(DM, INDEX, (2, 2)), "ValueError", "kernel_shape"),
    Case("matrix_view.tie_sum", "type", lambda: matrix_view.tie_sum(DM, INDEX, 9), "TypeError", "kernel_shape"),
    Case("matrix_view.tie_sum", "shape", lambda: matrix_view.tie_sum(DM[:3], INDEX, (3, 3)), "ValueError", "dM"),
    Case("matrix_view.tie_sum_loop", "range", lambda: matrix_view.tie_sum_loop(DM, INDEX, (2, 2)), "ValueError", "kernel_shape"),
    Case("matrix_view.tied_kernel_grad", "size",
         lambda: matrix_view.tied_kernel_grad(np.ones(BIG), np.ones((222, 222)), (3, 3)), "ValueError", "limit"),
    Case("matrix_view.tied_kernel_grad", "shape", lambda: matrix_view.tied_kernel_grad(IMG, DYC[:3], (3, 3)), "ValueError", "dy"),
    Case("matrix_view.conv_matrix_counts", "size", lambda: matrix_view.conv_matrix_counts((6, 6), (3, 3), padding=10**9),
         "ValueError", "limit"),
    Case("matrix_view.conv_matrix_counts", "range", lambda: matrix_view.conv_matrix_counts((2, 2), (3, 3)), "ValueError", "kernel"),
    Case("matrix_view.conv_matrix_counts", "type", lambda: matrix_view.conv_matrix_counts((6, 6), (3, 3), dilation="2"),
         "TypeError", "dilation"),
    Case("matrix_view.products_per_weight", "size", lambda: matrix_view.products_per_weight((6, 6), (3, 3), padding=10**9),
         "ValueError", "limit"),
    Case("matrix_view.products_per_weight", "range", lambda: matrix_view.products_per_weight((6, 6), (3, 3), stride=-2),
         "ValueError", "stride"),
    Case("matrix_view.conv_matrix_counts_built", "size", lambda: matrix_view.conv_matrix_counts_built(BIG, (3, 3)),
         "ValueError", "limit"),
    Case("matrix_view.conv_matrix_index", "type", lambda: matrix_view.conv_matrix_index((3, 3), (6, "6")), "TypeError",
         "input_shape"),
    Case("matrix_view.conv_matrix_index", "range", lambda: matrix_view.conv_matrix_index((3, 3), (6, 6), padding=-1),
         "ValueError", "padding"),
    Case("matrix_view.conv_matrix_index_loop", "range", lambda: matrix_view.conv_matrix_index_loop((7, 3), (6, 6)),
         "ValueError", "larger"),
    Case("matrix_view.conv_matrix_counts_built", "range", lambda: matrix_view.conv_matrix_counts_built((6, 6), (3, 3), stride=0),
         "ValueError", "stride"),
    # parameter counts and tables
    Case("param_counts.fc_param_count", "range", lambda: param_counts.fc_param_count(0, 3), "ValueError", "n_in"),
    Case("param_counts.fc_param_count", "type", lambda: param_counts.fc_param_count(3.0, 3), "TypeError", "n_in"),
    Case("param_counts.fc_param_count", "type", lambda: param_counts.fc_param_count(3, 3, bias=1), "TypeError", "bias"),
    Case("param_counts.fc_param_count", "float32", lambda: param_counts.fc_param_count(np.int64(3), np.int32(2)), "value", "",
         lambda got: got == 8 and type(got) is int),
    Case("param_counts.conv_param_count", "range", lambda: param_counts.conv_param_count((3, 0), 3, 64), "ValueError", "k"),
    Case("param_counts.conv_param_count", "type", lambda: param_counts.conv_param_count(3, 3, "64"), "TypeError", "c_out"),
    Case("param_counts.unshared_param_count", "range", lambda: param_counts.unshared_param_count(3, 1, 1, (0, 4)),
         "ValueError", "out_shape"),
    Case("param_counts.unshared_param_count", "shape", lambda: param_counts.unshared_param_count(3, 1, 1, (2, 3, 4)),
         "ValueError", "out_shape"),
    Case("param_counts.sharing_counts", "type", lambda: param_counts.sharing_counts(3, 1, None, 4), "TypeError", "c_out"),
    Case("param_counts.param_comparison", "shape", lambda: param_counts.param_comparison((224, 224)), "ValueError", "input_shape"),
    Case("param_counts.param_comparison", "type", lambda: param_counts.param_comparison(fc_units=1000), "TypeError", "fc_units"),
    Case("param_counts.param_comparison", "range", lambda: param_counts.param_comparison(conv_kernels=(3, 0)), "ValueError",
         "conv_kernels"),
    Case("param_counts.param_table", "empty", lambda: param_counts.param_table([]), "ValueError", "rows"),
    Case("param_counts.param_table", "type", lambda: param_counts.param_table([(1, 2)]), "TypeError", "rows"),
    Case("param_counts.param_table", "range", lambda: param_counts.param_table(param_counts.param_comparison(), reference=9),
         "ValueError", "reference"),
    Case("tables.markdown_table", "empty", lambda: tables.markdown_table([], []), "ValueError", "headers"),
    Case("tables.markdown_table", "shape", lambda: tables.markdown_table(["a", "b"], [(1,)]), "ValueError", "row 0"),
    Case("tables.markdown_table", "type", lambda: tables.markdown_table("ab", [(1, 2)]), "TypeError", "headers"),
    Case("tables.markdown_table", "type", lambda: tables.markdown_table(["a"], [5]), "TypeError", "row 0"),
    Case("tables.markdown_table", "range", lambda: tables.markdown_table(["a"], [(1,)], align="x"), "ValueError", "align"),
    Case("tables.format_sci", "nonfinite", lambda: tables.format_sci(float("nan")), "ValueError", "value"),
    Case("tables.format_sci", "nonfinite", lambda: tables.format_sci(-np.inf), "ValueError", "value"),
    Case("tables.format_sci", "type", lambda: tables.format_sci("1e5"), "TypeError", "value"),
    Case("tables.format_sci", "range", lambda: tables.format_sci(5, digits=-1), "ValueError", "digits"),
    Case("tables.format_sci", "float32", lambda: tables.format_sci(np.int64(86_188_800)), "value", "",
         lambda got: got == "8.6 × 10⁷"),
    Case("tables.format_sci", "size", lambda: tables.format_sci(10**400), "value", "", lambda got: got == "1.0 × 10⁴⁰⁰"),
    # experiments: digits
    Case("digits.load_digits_split", "range", lambda: digits.load_digits_split(test_fraction=1.0), "ValueError", "test_fraction"),
    Case("digits.load_digits_split", "nonfinite", lambda: digits.load_digits_split(test_fraction=float("nan")), "ValueError",
         "test_fraction"),
    Case("digits.load_digits_split", "range", lambda: digits.load_digits_split(seed=-1), "ValueError", "seed"),
    Case("digits.pixel_permutation", "type", lambda: digits.pixel_permutation(64, seed="0"), "TypeError", "seed"),
    Case("digits.pixel_permutation", "empty", lambda: digits.pixel_permutation(0), "ValueError", "n_pixels"),
    Case("digits.permute_pixels", "type", lambda: digits.permute_pixels(IMGS, np.arange(64.0)), "TypeError", "perm"),
    Case("digits.permute_pixels", "shape", lambda: digits.permute_pixels(IMGS, np.arange(63)), "ValueError", "perm"),
    Case("digits.shift_images", "range", lambda: digits.shift_images(IMGS, 8, 0), "ValueError", "rows"),
    Case("digits.load_digits_split", "type", lambda: digits.load_digits_split(seed="0"), "TypeError", "seed"),
    Case("digits.load_digits_split", "type", lambda: digits.load_digits_split(test_fraction="0.25"), "TypeError",
         "test_fraction"),
    Case("digits.load_digits_split", "float32", lambda: digits.load_digits_split(test_fraction=np.float32(0.25)), "value", "",
         lambda got: len(got.y_test) == 450 and got.x_train.dtype == np.float64),
    Case("digits.stratified_split", "type", lambda: digits.stratified_split(np.arange(20.0), 0.5, 0), "TypeError", "labels"),
    Case("digits.stratified_split", "range", lambda: digits.stratified_split(np.arange(20) % 2, 0.5, -1), "ValueError", "seed"),
    Case("digits.stratified_split", "nonfinite", lambda: digits.stratified_split(np.arange(20) % 2, float("nan"), 0),
         "ValueError", "test_fraction"),
    Case("digits.stratified_split", "shape", lambda: digits.stratified_split(np.zeros((4, 5), int), 0.5, 0), "ValueError",
         "labels"),
    # experiments: nets
    Case("nets.NetSpec", "range", lambda: nets.NetSpec("rnn", 4), "ValueError", "kind"),
    Case("nets.NetSpec", "type", lambda: nets.NetSpec("mlp", 4, image_shape=8.0), "TypeError", "image_shape"),
    Case("nets.NetSpec", "range", lambda: nets.NetSpec("cnn", 4, kernel=2), "ValueError", "kernel"),
    Case("nets.NetSpec", "shape", lambda: nets.NetSpec("mlp", 4, image_shape=(8, 8, 1)), "ValueError", "image_shape"),
    Case("pooling.relu_backward", "shape", lambda: pooling.relu_backward(Z[:, :1], Z), "ValueError", "dout"),
    Case("pooling.relu_backward", "shape", lambda: pooling.relu_backward(Z, Z[None]), "ValueError", "dout"),
    Case("pooling.relu_forward", "shape", lambda: pooling.relu_forward(np.float64(2.0)), "ValueError", "z"),
    Case("matrix_view.tied_kernel_grad", "shape", lambda: matrix_view.tied_kernel_grad(IMG[..., None], DYC, (3, 3)),
         "ValueError", "input_shape"),
    Case("pooling.maxpool2_forward", "shape", lambda: pooling.maxpool2_forward(np.ones((1, 1, 5, 4))), "ValueError", "even"),
    Case("pooling.maxpool2_backward", "range", lambda: pooling.maxpool2_backward(np.ones((1, 1, 2, 2)), np.full((1, 1, 2, 2), 4)),
         "ValueError", "arg"),
    Case("pooling.maxpool2_backward", "type", lambda: pooling.maxpool2_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2))),
         "TypeError", "arg"),
    Case("nets.softmax_cross_entropy", "shape", lambda: nets.softmax_cross_entropy(SCORES, LABELS[:, None]), "ValueError", "y"),
    Case("nets.softmax_cross_entropy", "range", lambda: nets.softmax_cross_entropy(SCORES, [0, 1, 10]), "ValueError", "y"),
    Case("nets.softmax_cross_entropy", "type", lambda: nets.softmax_cross_entropy(SCORES, [0.0, 1.0, 2.0]), "TypeError", "y"),
    Case("nets.accuracy", "shape", lambda: nets.accuracy(SPEC_MLP, P_MLP, IMGS, LABELS[:, None]), "ValueError", "y"),
    Case("nets.accuracy", "masked", lambda: nets.accuracy(SPEC_MLP, P_MLP, IMGS, np.ma.masked_array(LABELS, [1, 0, 0])),
         "TypeError", "y"),
    Case("nets.init_params", "type", lambda: nets.init_params(SPEC_MLP, 0), "TypeError", "rng"),
    Case("nets.init_params", "type", lambda: nets.init_params("mlp", np.random.default_rng(0)), "TypeError", "spec"),
    Case("nets.forward", "shape", lambda: nets.forward(SPEC_MLP, {**P_MLP, "W1": P_MLP["W1"][:, :60]}, IMGS), "ValueError", "W1"),
    Case("nets.forward", "range", lambda: nets.forward(SPEC_MLP, {"W1": P_MLP["W1"]}, IMGS), "ValueError", "keys"),
    Case("nets.forward", "nonfinite", lambda: nets.forward(SPEC_MLP, {**P_MLP, "b2": np.full(10, np.nan)}, IMGS),
         "ValueError", "b2"),
    Case("nets.forward", "type", lambda: nets.forward(SPEC_MLP, [P_MLP], IMGS), "TypeError", "params"),
    Case("nets.backward", "shape",
         lambda: nets.backward(SPEC_MLP, P_MLP, SCORES[:2], nets.forward(SPEC_MLP, P_MLP, IMGS)[1]), "ValueError", "dscores"),
    Case("nets.backward", "type", lambda: nets.backward(SPEC_MLP, P_MLP, SCORES, None), "TypeError", "cache"),
    Case("nets.forward_macs", "type", lambda: nets.forward_macs("mlp"), "TypeError", "spec"),
    Case("nets.n_params", "type", lambda: nets.n_params([1, 2]), "TypeError", "params"),
    Case("nets.n_params", "empty", lambda: nets.n_params({}), "TypeError", "params"),
    Case("nets.adam_step", "range", lambda: nets.adam_step({k: v.copy() for k, v in P_MLP.items()}, P_MLP, {}, lr=0.0),
         "ValueError", "lr"),
    Case("nets.adam_step", "range", lambda: nets.adam_step({k: v.copy() for k, v in P_MLP.items()}, P_MLP, {}, beta1=1.0),
         "ValueError", "beta1"),
    Case("nets.adam_step", "nonfinite",
         lambda: nets.adam_step({k: v.copy() for k, v in P_MLP.items()}, {"b1": np.full(4, np.inf)}, {}), "ValueError", "grads"),
    Case("nets.adam_step", "shape", lambda: nets.adam_step({k: v.copy() for k, v in P_MLP.items()}, {"b1": np.ones(3)}, {}),
         "ValueError", "grads"),
    Case("nets.batch_order", "range", lambda: nets.batch_order(10, 1, 4, seed=-1), "ValueError", "seed"),
    Case("nets.batch_order", "type", lambda: nets.batch_order(10, 1, 4.0, seed=0), "TypeError", "batch_size"),
    Case("nets.batch_order", "empty", lambda: nets.batch_order(0, 1, 4, seed=0), "ValueError", "n"),
    Case("nets.train", "range", lambda: nets.train(SPEC_MLP, IMGS, LABELS, lr=-1.0), "ValueError", "lr"),
    Case("nets.train", "range", lambda: nets.train(SPEC_MLP, IMGS, LABELS, seed=-3), "ValueError", "seed"),
    Case("nets.train", "shape", lambda: nets.train(SPEC_MLP, IMGS, LABELS[:2]), "ValueError", "y"),
    Case("nets.train", "type", lambda: nets.train(SPEC_MLP, IMGS, LABELS, checkpoint_steps=5), "TypeError", "checkpoint_steps"),
    Case("nets.train", "empty", lambda: nets.train(SPEC_MLP, IMGS[:0], LABELS[:0]), "ValueError", "x"),
    Case("nets.adam_step", "type", lambda: nets.adam_step([P_MLP], P_MLP, {}), "TypeError", "params"),
    Case("nets.backward", "nonfinite",
         lambda: nets.backward(SPEC_MLP, P_MLP, SCORES * np.nan, nets.forward(SPEC_MLP, P_MLP, IMGS)[1]), "ValueError", "dscores"),
    Case("nets.forward_macs", "float32", lambda: nets.forward_macs(SPEC_MLP), "value", "", lambda got: got == 64 * 4 + 4 * 10),
    Case("nets.init_params", "float32", lambda: nets.init_params(SPEC_MLP, np.random.default_rng(0)), "value", "",
         lambda got: all(v.dtype == np.float64 for v in got.values()) and got["W1"].shape == (4, 64)),
    # experiments: runs
    Case("runs.Config", "range", lambda: runs.Config(seeds=(0, 0, 1)), "ValueError", "seeds"),
    Case("runs.Config", "range", lambda: runs.Config(seeds=(0, 1)), "ValueError", "seeds"),
    Case("runs.Config", "type", lambda: runs.Config(seeds=(0, 1, 2.0)), "TypeError", "seed"),
    Case("runs.Config", "type", lambda: runs.Config(seeds=5), "TypeError", "seeds"),
    Case("runs.Config", "nonfinite", lambda: runs.Config(lr=float("nan")), "ValueError", "lr"),
    Case("runs.Config", "range", lambda: runs.Config(epochs=0), "ValueError", "epochs"),
    Case("runs.run_experiments", "type", lambda: runs.run_experiments(config={"epochs": 1}), "TypeError", "config"),
    Case("runs.permute_params", "shape", lambda: runs.permute_params(SPEC_MLP, P_MLP, np.arange(10)), "ValueError", "perm"),
    Case("runs.permute_params", "type", lambda: runs.permute_params(SPEC_MLP, P_MLP, np.arange(64.0)), "TypeError", "perm"),
    Case("runs.permute_params", "range", lambda: runs.permute_params(SPEC_CNN, P_CNN, np.arange(64)), "ValueError", "cnn"),
    Case("runs.permutation_twin", "type", lambda: runs.permutation_twin(SPEC_MLP, (IMGS, LABELS), np.arange(64)),
         "TypeError", "digits"),
    Case("gradient_study.layer_spreads", "range",
         lambda: gradient_study.layer_spreads(SPEC_MLP, P_MLP, IMGS, LABELS, ("W1",), batch_size=5), "ValueError", "batch_size"),
    Case("gradient_study.layer_spreads", "range",
         lambda: gradient_study.layer_spreads(SPEC_MLP, P_MLP, IMGS, LABELS, ("K1",)), "ValueError", "layer"),
    Case("gradient_study.layer_spreads", "type",
         lambda: gradient_study.layer_spreads(SPEC_MLP, P_MLP, IMGS, LABELS, ("W1",), batch_size=2, seed=0.5), "TypeError", "seed"),
    Case("gradient_study.layer_spreads", "type",
         lambda: gradient_study.layer_spreads(SPEC_MLP, {"W1": 1.0}, IMGS, LABELS, ("W1",)), "ValueError", "params"),
    Case("runs.permutation_twin", "range",
         lambda: runs.permutation_twin(SPEC_MLP, digits.Digits(IMGS, LABELS, IMGS, LABELS), np.arange(64), seed=-1),
         "ValueError", "seed"),
    Case("runs.permutation_twin", "shape",
         lambda: runs.permutation_twin(SPEC_MLP, digits.Digits(IMGS, LABELS, IMGS, LABELS), np.arange(60)), "ValueError", "perm"),
    Case("param_counts.sharing_counts", "range", lambda: param_counts.sharing_counts(3, 0, 2, 4), "ValueError", "c_in"),
    Case("param_counts.unshared_param_count", "type", lambda: param_counts.unshared_param_count(3, 1, 1, 2.5), "TypeError",
         "out_shape"),
    # experiments: linear students
    Case("linear_students.teacher_data", "type", lambda: linear_students.teacher_data(4, (5, 5), K, 0.5, 0), "TypeError", "rng"),
    Case("linear_students.teacher_data", "range",
         lambda: linear_students.teacher_data(4, (5, 5), K, -1.0, np.random.default_rng(0)), "ValueError", "noise"),
    Case("linear_students.teacher_data", "nonfinite",
         lambda: linear_students.teacher_data(4, (5, 5), K, np.inf, np.random.default_rng(0)), "ValueError", "noise"),
    Case("linear_students.teacher_data", "range",
         lambda: linear_students.teacher_data(4, (2, 2), K, 0.5, np.random.default_rng(0)), "ValueError", "kernel"),
    Case("linear_students.fit_students", "type", lambda: linear_students.fit_students((TEACH.x, TEACH.y), TEACH), "TypeError",
         "train"),
    Case("linear_students.fit_students", "shape",
         lambda: linear_students.fit_students(linear_students.Data(TEACH.x, TEACH.y[:5]), TEACH), "ValueError", "train.y"),
    Case("linear_students.fit_students", "nonfinite",
         lambda: linear_students.fit_students(linear_students.Data(TEACH.x, TEACH.y * np.nan), TEACH), "ValueError", "train.y"),
    Case("linear_students.gradient_noise", "range", lambda: linear_students.gradient_noise(TEACH, batch=20), "ValueError", "data"),
    Case("linear_students.gradient_noise", "type", lambda: linear_students.gradient_noise(TEACH.x), "TypeError", "data"),
    Case("linear_students.overfit_study", "range", lambda: linear_students.overfit_study(n_trains=(50, 0)),
         "ValueError", "n_trains"),
    Case("linear_students.chapter_experiments", "type", lambda: linear_students.chapter_experiments(seeds=None), "TypeError", "seeds"),
    Case("linear_students.chapter_experiments", "empty", lambda: linear_students.chapter_experiments(seeds=()), "ValueError", "seeds"),
    Case("linear_students.noise_study", "range", lambda: linear_students.noise_study(seeds=(-1,)), "ValueError", "seeds"),
    # exercises: a wrong answer of any kind is a FAIL, never an exception
    Case("exercises.grade_exercise_1", "type", lambda: exercises.grade_exercise_1(None, "3"), "FAIL"),
    Case("exercises.grade_exercise_1", "nonfinite", lambda: exercises.grade_exercise_1(np.nan, np.inf), "FAIL"),
    Case("exercises.grade_exercise_1", "shape", lambda: exercises.grade_exercise_1(np.arange(2), [1, 2]), "FAIL"),
    Case("exercises.grade_exercise_1", "range", lambda: exercises.grade_exercise_1(150_529_000.5, 1792), "FAIL"),
    Case("exercises.grade_exercise_1", "float32", lambda: exercises.grade_exercise_1(150_529_000.0, np.float64(1792)), "value",
         "", lambda got: got is True),
    Case("exercises.grade_exercise_2", "type", lambda: exercises.grade_exercise_2("mlp", {"W1": None, "W2": [1.0, 2.0]}), "FAIL"),
    Case("exercises.grade_exercise_2", "nonfinite", lambda: exercises.grade_exercise_2("mlp", {"W1": np.nan, "W2": np.inf}), "FAIL"),
    Case("exercises.grade_exercise_2", "empty", lambda: exercises.grade_exercise_2("cnn", {}), "FAIL"),
    Case("exercises.grade_exercise_2", "range", lambda: exercises.grade_exercise_2("rnn", {}), "ValueError", "kind"),
    Case("exercises.grade_exercise_3", "type", lambda: exercises.grade_exercise_3(W2, B1, "kernel"), "FAIL"),
    Case("exercises.grade_exercise_3", "nonfinite", lambda: exercises.grade_exercise_3(W2, B1, np.full((3, 5, 1, 1), np.nan)),
         "FAIL"),
    Case("exercises.grade_exercise_3", "shape", lambda: exercises.grade_exercise_3(W2, B1, W2), "FAIL"),
    Case("exercises.grade_exercise_3", "empty", lambda: exercises.grade_exercise_3(W2, B1, np.zeros((3, 0, 1, 1))), "FAIL"),
    Case("exercises.grade_exercise_4", "type", lambda: exercises.grade_exercise_4(IMG, DYC, None), "FAIL"),
    Case("exercises.grade_exercise_4", "nonfinite", lambda: exercises.grade_exercise_4(IMG, DYC, np.full((3, 3), np.nan)), "FAIL"),
    Case("exercises.grade_exercise_4", "shape", lambda: exercises.grade_exercise_4(IMG, DYC, np.zeros((3, 4))), "FAIL"),
    Case("exercises.grade_exercise_4", "range", lambda: exercises.grade_exercise_4(IMG[:3], DYC, np.zeros((3, 3))), "ValueError",
         "dy"),
    Case("exercises.grade_exercise_5", "type", lambda: exercises.grade_exercise_5(IMG, K, {"a": 1}), "FAIL"),
    Case("exercises.grade_exercise_5", "nonfinite", lambda: exercises.grade_exercise_5(IMG, K, np.full((4, 4), np.inf)), "FAIL"),
    Case("exercises.grade_exercise_5", "shape", lambda: exercises.grade_exercise_5(IMG, K, np.zeros((4, 3))), "FAIL"),
    Case("exercises.grade_exercise_5", "range", lambda: exercises.grade_exercise_5(IMG, K, np.zeros((4, 4)), rows=7), "ValueError",
         "rows"),
    Case("takeaways.compute_evidence", "range", lambda: takeaways.compute_evidence(seed=-1), "ValueError", "seed"),
    Case("takeaways.compute_evidence", "type", lambda: takeaways.compute_evidence(seed=1.5), "TypeError", "seed"),
    Case("figures.plot_layer_matrices", "range", lambda: figures.plot_layer_matrices((6, 6), (3, 3), 16, seed=-1),
         "ValueError", "seed"),
    Case("figures.plot_receptive_fields", "type", lambda: figures.plot_receptive_fields(np.ones((6, 6)), np.ones((6, 6), bool), 7, (1, 2)),
         "TypeError", "fc_mask"),
    Case("figures.plot_receptive_fields", "type", lambda: figures.plot_receptive_fields(np.ones((6, 6), bool), None, 7, (1, 2)),
         "TypeError", "conv_mask"),
    Case("figures.plot_coverage", "size", lambda: figures.plot_coverage(BIG), "ValueError", "limit"),
    Case("figures.plot_layer_matrices", "nonfinite", lambda: figures.plot_layer_matrices((6, 6), (3, 3), 16, W=np.full((16, 36), np.nan)),
         "ValueError", "W"),
    Case("figures.plot_gradient_magnitudes", "type", lambda: figures.plot_gradient_magnitudes("x"), "TypeError", "problem"),
    Case("figures.plot_gradient_flow_small_multiples", "empty", lambda: figures.plot_gradient_flow_small_multiples([]),
         "TypeError", "frames"),
    Case("figures.plot_param_counts", "type", lambda: figures.plot_param_counts([1, 2]), "TypeError", "rows"),
    Case("experiment_figures.plot_digit_views", "nonfinite",
         lambda: experiment_figures.plot_digit_views({"a": np.full((2, 8, 8), np.nan)}, [1, 2]), "ValueError", "views"),
    Case("experiment_figures.plot_kernel_gradients", "type", lambda: experiment_figures.plot_kernel_gradients({3: None}),
         "TypeError", "grads[3]"),
    Case("experiment_figures.plot_kernel_gradients", "shape",
         lambda: experiment_figures.plot_kernel_gradients({3: np.ones((4, 1, 5, 5))}), "ValueError", "grads[3]"),
    Case("experiment_figures.plot_shift_comparison", "type",
         lambda: experiment_figures.plot_shift_comparison(None, None, None, None), "TypeError", "image"),
    # pictures: the GIF writer and the player (the command line is tested in tests/pictures/test_animations.py)
    Case("animations.save_gif", "type", lambda: animations.save_gif(None, "/tmp/x.gif"), "TypeError", "anim"),
    Case("animations.anim_coverage", "size", lambda: animations.anim_coverage(BIG), "ValueError", "limit"),
    Case("animations.anim_coverage", "range", lambda: animations.anim_coverage((6, 6), (3, 3), dpi=5), "ValueError", "dpi"),
    Case("animations.anim_fc_vs_conv", "size",
         lambda: animations.anim_fc_vs_conv(gradient_flow.example_problem((20, 20))), "ValueError", "limit"),
    Case("animations.anim_fc_vs_conv", "type", lambda: animations.anim_fc_vs_conv(dpi=90.0), "TypeError", "dpi"),
    Case("animations.save_gif", "nonfinite",
         lambda: animations.save_gif(_small_anim(), "/tmp/never-written.gif", fps=np.inf),
         "ValueError", "fps"),
    Case("animations.save_gif", "range",
         lambda: animations.save_gif(_small_anim(), "/tmp/never-written.gif", fps=1e-9),
         "ValueError", "fps"),
    Case("player.animation_player", "range",
         lambda: player.animation_player(_small_anim(), "1bad name", "x" * 30), "ValueError", "name"),
    Case("player.animation_player", "type", lambda: player.animation_player(None, "a", "x" * 30), "TypeError", "anim"),
    Case("player.render_frames", "type", lambda: player.render_frames("anim"), "TypeError", "anim"),
    Case("player.render_frames", "range", lambda: player.render_frames(_small_anim(), colors=1), "ValueError", "colors"),
    # the checks, the explorer's twin and the real-layer figures: the same policy
    Case("stats.ratio_interval", "range", lambda: stats.ratio_interval([1.0, -2.0]), "ValueError", "values"),
    Case("stats.ratio_interval", "nonfinite", lambda: stats.ratio_interval([1.0, np.nan]), "ValueError", "values"),
    Case("stats.geometric_mean", "range", lambda: stats.geometric_mean([1.0, 0.0]), "ValueError", "values"),
    Case("stats.geometric_mean", "type", lambda: stats.geometric_mean("abc"), "TypeError", "values"),
    Case("stats.bootstrap_interval", "range", lambda: stats.bootstrap_interval([1.0, 1.0, 1.0]), "ValueError", "values"),
    Case("stats.paired_change", "shape", lambda: stats.paired_change([1.0, 2.0], [1.0, 2.0, 3.0]), "ValueError", "before"),
    Case("stats.is_real_change", "type", lambda: stats.is_real_change((0.1, 0.0, 0.2)), "TypeError", "change"),
    Case("gradient_study.kernel_smoothness", "shape", lambda: gradient_study.kernel_smoothness(np.ones((2, 3, 3))), "ValueError", "K"),
    Case("gradient_study.smoothness_study", "shape", lambda: gradient_study.smoothness_study(np.ones((2, 3, 3)), [0, 1]), "ValueError", "x"),
    Case("gradient_study.learned_kernels", "type", lambda: gradient_study.learned_kernels({}), "TypeError", "kept"),
    Case("linear_students.step_efficiency", "shape",
         lambda: linear_students.step_efficiency(np.ones((4, 3)), np.ones(5)), "ValueError", "targets"),
    Case("linear_students.step_efficiency", "range",
         lambda: linear_students.step_efficiency(np.ones((4, 3)), np.zeros(4)), "ValueError", "gradient"),
    Case("runs.width_study", "type", lambda: runs.width_study(widths="mlp"), "TypeError", "widths"),
    Case("runs.width_study", "range", lambda: runs.width_study(widths={"transformer": (4,)}), "ValueError", "widths"),
    Case("runs.permutation_pairs", "type",
         lambda: runs.permutation_pairs(SPEC_MLP, (IMGS, LABELS), runs.Config(), (0,)), "TypeError", "digits"),
    Case("runs.permutation_pairs", "range",
         lambda: runs.permutation_pairs(SPEC_MLP, digits.Digits(IMGS, LABELS, IMGS, LABELS), runs.Config(), (-1,)),
         "ValueError", "seed"),
    Case("stats.binomial_standard_error", "range", lambda: stats.binomial_standard_error(1.2, 450), "ValueError", "accuracy"),
    Case("stats.binomial_standard_error", "type", lambda: stats.binomial_standard_error("0.97", 450), "TypeError", "accuracy"),
    Case("stats.binomial_standard_error", "shape", lambda: stats.binomial_standard_error(0.97, 0), "ValueError", "n"),
    Case("experiment_figures.plot_parameter_curve", "shape",
         lambda: experiment_figures.plot_parameter_curve({"MLP": ([10, 20], [[0.9]])}, {"MLP": "fc"}), "ValueError", "MLP"),
    Case("experiment_figures.plot_learned_kernels", "shape",
         lambda: experiment_figures.plot_learned_kernels(np.ones((2, 1, 3, 3)), np.ones((2, 1, 3, 3)), np.ones((3, 1, 3, 3)),
                                                         {"ordered": [0.1], "shuffled": [0.0]}), "ValueError", "shape"),
    Case("stats.mean_interval", "shape", lambda: stats.mean_interval([1.0]), "ValueError", "values"),
    Case("stats.mean_interval", "nonfinite", lambda: stats.mean_interval([1.0, np.nan]), "ValueError", "values"),
    Case("stats.t_quantile", "range", lambda: stats.t_quantile(0.975, 0), "ValueError", "df"),
    # issue 26's appendix, on the SciPy versions of issue 22
    Case("stats.t_quantile", "type", lambda: stats.t_quantile("0.975", 3), "TypeError", "p"),
    Case("stats.t_quantile", "record", lambda: stats.t_quantile(0.999999, 1), "value", "",
         lambda got: abs(got - 1 / np.tan(np.pi * 1e-6)) < 1e-6 * got),  # Cauchy tail: 318309.886...
    Case("stats.mean_interval", "type", lambda: stats.mean_interval([1.0, 2.0, 3.0], level="0.95"), "TypeError", "level"),
    Case("linear_students.gradient_noise", "range",
         lambda: linear_students.gradient_noise(TEACH._replace(y=np.zeros_like(TEACH.y))), "ValueError", "all zero"),
    Case("gradient_study.neighbour_correlation", "range",
         lambda: gradient_study.neighbour_correlation(np.ones((2, 1, 3, 3))), "ValueError", "constant"),
    Case("gradient_study.neighbour_correlation", "nonfinite",
         lambda: gradient_study.neighbour_correlation(np.full((2, 1, 3, 3), np.nan)), "ValueError", "finite"),
    Case("gradient_study.neighbour_correlation", "type",
         lambda: gradient_study.neighbour_correlation("abc"), "TypeError", "dK"),
    Case("claims.check_rank_one", "shape", lambda: claims.check_rank_one(np.ones(3)), "ValueError", "dW"),
    Case("layer_rules.cases_with", "range", lambda: layer_rules.cases_with("strides"), "ValueError", "feature"),
    Case("explorer.layer_map", "type", lambda: explorer.layer_map((5, 3, 1, 0, 1, 1, "conv")), "TypeError", "setting"),
    Case("explorer.layer_map", "range", lambda: explorer.layer_map(explorer.Setting(3, 3, 1, 0, 1, 1, "conv")),
         "ValueError", "size"),
    Case("layer_figures.plot_receptive_growth", "range",
         lambda: layer_figures.plot_receptive_growth([((3, 1, 1),)], input_size=0), "ValueError", "input_size"),
    Case("layer_figures.anim_strided_backward", "range",
         lambda: layer_figures.anim_strided_backward((8, 8), np.ones((3, 3)), np.ones((3, 3)), dpi=5), "ValueError", "dpi"),
    Case("layer_figures.plot_stride_as_full_conv", "nonfinite",
         lambda: layer_figures.plot_stride_as_full_conv((8, 8), np.full((3, 3), np.nan), np.ones((3, 3))), "ValueError", "kernel"),
    Case("player.shrink_png", "range", lambda: player.shrink_png(b"", colors=1), "ValueError", "colors"),
    Case("player.shrink_png", "shape", lambda: player.shrink_png(b"GIF89a not a png"), "ValueError", "PNG"),
    Case("player.shrink_png", "type", lambda: player.shrink_png("a string"), "TypeError", "data"),
    Case("player.smallest_label_px", "type", lambda: player.smallest_label_px(None), "TypeError", "anim"),
    Case("player.player_markup", "type", lambda: player.player_markup([], [], None, lazy=True), "TypeError", "spec"),
    Case("player.player_markup", "shape",
         lambda: player.player_markup({"name": "a", "steps": ["s"], "description": "d", "wide": {}, "narrow": None},
                                      [], None, lazy=True), "ValueError", "wide frames"),
]  # fmt: skip


def all_cases() -> list[Case]:
    return _array_cases() + MANUAL + NEW + CORES_DRAWING_CLAIMS + LOCAL + _local_array_cases() + COSTS


# --- issue 26: the modules added since, the appendix's cases, and a row for every result type ---------

_ARR = np.broadcast_to(np.float32(1.0), (1, 1, 20000, 20000))  # 1.6 GB as float32, 8 bytes in memory
_S = explorer.Setting(5, 3, 1, 0, 1, 1, "conv")
_FRAMES = backward_rules.strided_backward_frames((5, 5), np.ones((3, 3)), np.ones((2, 2)))
_FLOW = gradient_flow.gradient_flow_frames(gradient_flow.example_problem())
_LM = explorer.layer_map(_S)


def _record(cls, producer) -> Case:
    """A result type: the package's function that builds it returns one (its fields are checked there)."""
    name = f"{cls.__module__.rsplit('.', 1)[1]}.{cls.__name__}"
    return Case(name, "record", producer, "value", "", lambda got, c=cls: isinstance(got, c))


def _exit_code(main, argv) -> int:
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            return main(argv)
        except SystemExit as exit_:
            return exit_.code


def _from_fields(cls):
    names = cls._fields if hasattr(cls, "_fields") else [f.name for f in dataclasses.fields(cls)]
    return cls(**{name: None for name in names})


def _bad_rule(*args, **kwargs):
    return 1 / 0  # a learner's rule that crashes: it fails every way, it is not an error of the check


NEW = [
    # backward rules (appendix: x_shape of a float, a str, a bool, None, 3 entries; dilate 10**6; huge y)
    Case("backward_rules.dilate", "size", lambda: backward_rules.dilate(np.ones((2, 2)), 10**6), "ValueError", "limit"),
    Case("backward_rules.dilate", "size", lambda: backward_rules.dilate(_ARR, 1), "ValueError", "limit"),
    Case("backward_rules.dilate", "range", lambda: backward_rules.dilate(np.ones((2, 2)), 0), "ValueError", "factor"),
    Case("backward_rules.dilate", "type", lambda: backward_rules.dilate(np.ones((2, 2)), 2.0), "TypeError", "factor"),
    Case("backward_rules.dilate", "shape", lambda: backward_rules.dilate(np.ones(3), 2), "ValueError", "a"),
    Case("backward_rules.dilate", "float32", lambda: backward_rules.dilate(np.ones((2, 2), np.float32), (1, 2)), "value", "",
         lambda got: got.dtype == np.float64 and np.array_equal(got, [[1, 0, 1], [1, 0, 1]])),
    Case("backward_rules.dilate_loop", "size", lambda: backward_rules.dilate_loop(np.ones((2, 2)), 10**6), "ValueError", "limit"),
    Case("backward_rules.dilate_loop", "shape", lambda: backward_rules.dilate_loop(np.ones((1, 2, 2)), 2), "ValueError", "a"),
    Case("backward_rules.dilate_loop", "float32", lambda: backward_rules.dilate_loop([[1, 2]], 2), "value", "",
         lambda got: np.array_equal(got, [[1, 0, 2]])),
    Case("backward_rules.input_grad_as_conv", "type", lambda: backward_rules.input_grad_as_conv(DOUT4, W4, (2, 2, 6.9, 5), **GEO),
         "TypeError", "x_shape"),
    Case("backward_rules.input_grad_as_conv", "type", lambda: backward_rules.input_grad_as_conv(DOUT4, W4, (2, 2, "6", 5), **GEO),
         "TypeError", "x_shape"),
    Case("backward_rules.input_grad_as_conv", "type", lambda: backward_rules.input_grad_as_conv(DOUT4[:1], W4, (True, 2, 6, 5), **GEO),
         "TypeError", "x_shape"),
    Case("backward_rules.input_grad_as_conv", "type", lambda: backward_rules.input_grad_as_conv(DOUT4, W4, None, **GEO),
         "TypeError", "x_shape"),
    Case("backward_rules.input_grad_as_conv", "shape", lambda: backward_rules.input_grad_as_conv(DOUT4, W4, (2, 6, 5), **GEO),
         "ValueError", "x_shape"),
    Case("backward_rules.input_grad_as_conv", "size",
         lambda: backward_rules.input_grad_as_conv(np.broadcast_to(1.0, (1, 64, 2000, 2000)), np.ones((64, 1, 5, 5)),
                                                   (1, 1, 2004, 2004)), "ValueError", "limit"),
    Case("backward_rules.transposed_conv", "size",
         lambda: backward_rules.transposed_conv(np.broadcast_to(1.0, (1, 1, 2000, 2000)), np.ones((1, 64, 5, 5))),
         "ValueError", "limit"),
    Case("backward_rules.transposed_conv", "size", lambda: backward_rules.transposed_conv(_ARR, np.ones((1, 1, 1, 1))),
         "ValueError", "limit"),
    Case("backward_rules.transposed_conv_loop", "size",
         lambda: backward_rules.transposed_conv_loop(np.broadcast_to(1.0, (1, 1, 2000, 2000)), np.ones((1, 64, 5, 5))),
         "ValueError", "limit"),
    Case("backward_rules.transposed_output_size", "range", lambda: backward_rules.transposed_output_size(3, 3, 2, output_padding=2),
         "ValueError", "output_padding"),
    Case("backward_rules.transposed_output_size", "type", lambda: backward_rules.transposed_output_size(3.0, 3), "TypeError", "n"),
    Case("backward_rules.transposed_output_size", "range", lambda: backward_rules.transposed_output_size(1, 1, padding=1),
         "ValueError", "padding"),
    Case("backward_rules.transposed_output_size", "float32", lambda: backward_rules.transposed_output_size(np.int64(3), 3, 2),
         "value", "", lambda got: got == 7),
    Case("backward_rules.output_padding_for", "shape", lambda: backward_rules.output_padding_for((6,), (3, 3)), "TypeError", "x_shape"),
    Case("backward_rules.output_padding_for", "type", lambda: backward_rules.output_padding_for(np.ones((6, 5)), (3, 3)),
         "TypeError", "x_shape"),
    Case("backward_rules.output_padding_for", "type", lambda: backward_rules.output_padding_for((6.5, 5), (3, 3)), "TypeError",
         "x_shape"),
    Case("backward_rules.output_padding_for", "float32", lambda: backward_rules.output_padding_for((7, 6), (3, 3), stride=2),
         "value", "", lambda got: got == (0, 1)),
    Case("backward_rules.strided_backward_frames", "size",
         lambda: backward_rules.strided_backward_frames((300, 300), np.ones((3, 3)), np.ones((298, 298)), stride=1),
         "ValueError", "limit"),
    Case("backward_rules.strided_backward_frames", "shape",
         lambda: backward_rules.strided_backward_frames((5, 5), np.ones((3, 3)), np.ones((3, 3))), "ValueError", "dy"),
    Case("backward_rules.strided_backward_frames", "range",
         lambda: backward_rules.strided_backward_frames((5, 5), np.ones((3, 3)), np.ones((2, 2)), stride=0), "ValueError", "stride"),
    Case("backward_rules.strided_backward_frames", "nonfinite",
         lambda: backward_rules.strided_backward_frames((5, 5), np.full((3, 3), np.nan), np.ones((2, 2))), "ValueError", "kernel"),
    Case("backward_rules.weight_grad_im2col", "shape", lambda: backward_rules.weight_grad_im2col(X4, DOUT4[:, :, :2], (3, 2), **GEO),
         "ValueError", "dout"),
    Case("backward_rules.weight_grad_im2col", "type", lambda: backward_rules.weight_grad_im2col(X4.astype(str), DOUT4, (3, 2), **GEO),
         "TypeError", "x"),
    Case("backward_rules.weight_grad_im2col", "float32",
         lambda: backward_rules.weight_grad_im2col(X4.astype(np.float32), DOUT4, (3, 2), **GEO), "value", "",
         lambda got: np.allclose(got, conv_layer.conv_backward(DOUT4, conv_layer.conv_forward(X4.astype(np.float32), W4, **GEO)[1])[1])),
    Case("backward_rules.input_grad_im2col", "type", lambda: backward_rules.input_grad_im2col(DOUT4, W4, [2, 2, 6, 5.0], **GEO),
         "TypeError", "x_shape"),
    Case("backward_rules.input_grad_im2col", "nonfinite", lambda: backward_rules.input_grad_im2col(DOUT4 * np.inf, W4, X4.shape, **GEO),
         "ValueError", "dout"),
    Case("backward_rules.input_grad_im2col", "size",
         lambda: backward_rules.input_grad_im2col(np.broadcast_to(1.0, (1, 64, 2000, 2000)), np.ones((64, 1, 5, 5)),
                                                  (1, 1, 2004, 2004)), "ValueError", "limit"),
    # the conv layer: a huge array is refused from its shape, before any copy
    Case("conv_layer.conv_forward", "size", lambda: conv_layer.conv_forward(_ARR, np.ones((1, 1, 3, 3))), "ValueError", "limit"),
    Case("conv_layer.conv_forward", "size",
         lambda: conv_layer.conv_forward(np.broadcast_to(1.0, (64, 64, 1024, 1024)), np.ones((1, 64, 1, 1))), "ValueError", "limit"),
    Case("conv_layer.im2col", "size", lambda: conv_layer.im2col(_ARR, 3), "ValueError", "limit"),
    Case("conv_layer.require_cache", "type", lambda: conv_layer.require_cache((X4, W4)), "TypeError", "cache"),
    Case("conv_layer.require_cache", "float32", lambda: conv_layer.require_cache(CACHE), "value", "",
         lambda got: np.array_equal(got.x, X4)),
    Case("conv1d.conv1d_forward_loop", "shape", lambda: conv1d.conv1d_forward_loop(X3, W3, B4[:2], **GEO), "ValueError", "b"),
    Case("conv1d.conv1d_forward_loop", "type", lambda: conv1d.conv1d_forward_loop(X3, W3.astype(complex), **GEO), "TypeError", "w"),
    Case("conv1d.conv1d_forward_loop", "float32", lambda: conv1d.conv1d_forward_loop(X3.astype(np.float32), W3, **GEO), "value", "",
         lambda got: np.allclose(got, conv1d.conv1d_forward(X3.astype(np.float32), W3, **GEO)[0], rtol=1e-12, atol=1e-12)),
    Case("conv1d.conv1d_backward", "shape", lambda: conv1d.conv1d_backward(DOUT3[..., :-1], CACHE3), "ValueError", "dout"),
    Case("conv1d.conv1d_backward", "type", lambda: conv1d.conv1d_backward(DOUT4, CACHE), "TypeError", "cache"),
    # the guards that are not the largest of their call, just over the limit (a guard 4x too lax runs)
    Case("backward_rules.input_grad_as_conv", "size",
         lambda: backward_rules.input_grad_as_conv(np.ones((1, 64, 20, 20)), np.ones((64, 1, 3, 3)), (1, 1, 364, 364),
                                                   stride=19), "ValueError", "limit"),
    Case("layer_rules.compare_col2im", "size",
         lambda: layer_rules.compare_col2im(cases=(((1, 1, 46, 46), (1, 1, 3, 3), {"stride": 1, "padding": 0, "dilation": 1}),)),
         "ValueError", "limit"),
    Case("matrix_view.conv_matrix_counts", "size", lambda: matrix_view.conv_matrix_counts((6, 6), (3, 3), padding=3_300_000),
         "ValueError", "limit"),
    Case("gradient_flow.example_problem", "size", lambda: gradient_flow.example_problem((78, 78)), "ValueError", "limit"),
    # checks: claims
    Case("claims.check_kernel_grad_is_window_sum", "shape",
         lambda: claims.check_kernel_grad_is_window_sum(np.ones((2, 2)), np.ones((3, 3)), np.ones((1, 1))), "ValueError", "dy"),
    Case("claims.check_kernel_grad_is_window_sum", "shape",
         lambda: claims.check_kernel_grad_is_window_sum(IMG, DYC, np.ones((2, 2))), "ValueError", "dK"),
    Case("claims.check_kernel_grad_is_window_sum", "nonfinite",
         lambda: claims.check_kernel_grad_is_window_sum(IMG, DYC * np.nan, K), "ValueError", "dy"),
    Case("claims.check_kernel_grad_is_window_sum", "float32",
         lambda: claims.check_kernel_grad_is_window_sum(IMG, DYC, conv.conv_weight_grad(IMG, K, DYC).tolist()),
         "value", "", lambda got: got < 1e-12),
    Case("claims.check_no_flip", "shape", lambda: claims.check_no_flip(K, K[:2]), "ValueError", "same shape"),
    Case("claims.check_no_flip", "type", lambda: claims.check_no_flip(None, K), "TypeError", "dK"),
    Case("claims.check_no_flip", "empty", lambda: claims.check_no_flip(np.zeros((0, 3)), K), "ValueError", "dK"),
    _record(claims.FlipErrors, lambda: claims.check_no_flip(K, K)),
    _record(linear_students.StepEfficiency, lambda: linear_students.step_efficiency(TEACH.x.reshape(30, -1), TEACH.y)),
    _record(gradient_study.LearnedKernels, lambda: gradient_study.learned_kernels(
        {0: ({"K1": np.ones((2, 1, 3, 3))}, {"K1": 2 * np.eye(3)[None, None].repeat(2, 0)},
             {"K1": np.ones((2, 1, 3, 3)) + np.arange(9.0).reshape(3, 3)})})),
    _record(runs.WidthStudy, lambda: runs.WidthStudy((0,), {"MLP": (4,)}, {}, {})),
    _record(player.Player, lambda: player.animation_player(_small_anim(), "a", "x" * 30)),
    _record(player.Frames, lambda: player.animation_player(_small_anim(), "a", "x" * 30).wide),
    Case("claims.check_receptive_fields", "shape",
         lambda: claims.check_receptive_fields(np.ones((6, 6), bool), np.ones((6, 6), bool), (1, 2, 3)), "ValueError", "window"),
    Case("claims.check_receptive_fields", "type",
         lambda: claims.check_receptive_fields(None, np.ones((6, 6), bool), (1, 2, 3, 3)), "TypeError", "fc_mask"),
    Case("claims.check_receptive_fields", "type",
         lambda: claims.check_receptive_fields(np.ones((6, 6), bool), np.ones((6, 6)), (1, 2, 3, 3)), "TypeError", "conv_mask"),
    Case("claims.check_receptive_fields", "range",
         lambda: claims.check_receptive_fields(np.ones((6, 6), bool), np.ones((6, 6), bool), (1, -2, 3, 3)), "ValueError", "window"),
    Case("claims.check_receptive_fields", "float32",
         lambda: claims.check_receptive_fields(np.ones((6, 6), bool), geometry.conv_receptive_field(K, (1, 2), (6, 6)),
                                               (np.int64(1), 2, 3, 3)), "value", "", lambda got: got == (36, 9)),
    Case("claims.check_equivariance", "type", lambda: claims.check_equivariance((0.0, 0.0, 2.0)), "TypeError", "report"),
    Case("claims.check_equivariance", "float32", lambda: claims.check_equivariance(geometry.shift_test(IMG, K, WFC)), "value", "",
         lambda got: got[0] == 0.0 and got[1] > 1),
    Case("claims.rms_ratio_dK_dW", "size", lambda: claims.rms_ratio_dK_dW(np.ones((100, 100)), np.ones((98, 98)), 3), "ValueError",
         "limit"),
    Case("claims.rms_ratio_dK_dW", "type", lambda: claims.rms_ratio_dK_dW(IMG, DYC, 3.0), "TypeError", "kernel_shape"),
    Case("claims.rms_ratio_dK_dW", "range", lambda: claims.rms_ratio_dK_dW(IMG, DYC, (3, 0)), "ValueError", "kernel_shape"),
    Case("claims.rms_ratio_dK_dW", "float32", lambda: claims.rms_ratio_dK_dW(IMG.astype(np.float32), DYC, 3), "value", "",
         lambda got: got == claims.rms_ratio_dK_dW(IMG.astype(np.float32).astype(float), DYC, 3)),
    Case("claims.rms_ratio_draws", "range", lambda: claims.rms_ratio_draws(10, seed=-1), "ValueError", "seed"),
    Case("claims.rms_ratio_draws", "type", lambda: claims.rms_ratio_draws(10, seed=1.5), "TypeError", "seed"),
    Case("claims.rms_ratio_draws", "type", lambda: claims.rms_ratio_draws(10, kernel_shape="3"), "TypeError", "kernel_shape"),
    Case("claims.rms_ratio_draws", "float32", lambda: claims.rms_ratio_draws(10, kernel_shape=3), "value", "",
         lambda got: np.array_equal(got, claims.rms_ratio_draws(10))),
    Case("claims.rms_ratio_draws", "size", lambda: claims.rms_ratio_draws(10**9), "ValueError", "limit"),
    Case("claims.check_random_walk_growth", "range", lambda: claims.check_random_walk_growth(np.ones(5), 9), "ValueError", "ratios"),
    Case("claims.check_random_walk_growth", "type", lambda: claims.check_random_walk_growth(np.full(20, 3.0), 9.0), "TypeError",
         "n_terms"),
    Case("claims.check_random_walk_growth", "nonfinite", lambda: claims.check_random_walk_growth(np.full(20, np.nan), 9),
         "ValueError", "ratios"),
    Case("claims.check_random_walk_growth", "float32", lambda: claims.check_random_walk_growth(np.full(20, 3, np.float32), 9),
         "value", "", lambda got: got == 3.0),
    Case("claims.check_frames_add_up", "empty", lambda: claims.check_frames_add_up([], K, WFC), "ValueError", "frames"),
    Case("claims.check_frames_add_up", "type", lambda: claims.check_frames_add_up(None, K, WFC), "ValueError", "frames"),
    # checks: the three-way comparisons (a crashing rule fails every way; the arguments are named)
    _record(layer_rules.RuleReport, lambda: layer_rules.compare_output_size()),
    Case("layer_rules.compare_output_size", "type", lambda: layer_rules.compare_output_size("output_size"), "TypeError", "rule"),
    Case("layer_rules.compare_output_size", "empty", lambda: layer_rules.compare_output_size(cases=()), "ValueError", "cases"),
    Case("layer_rules.compare_output_size", "range", lambda: layer_rules.compare_output_size(_bad_rule), "value", "",
         lambda got: not got.passed),
    Case("layer_rules.compare_weight_grad", "range", lambda: layer_rules.compare_weight_grad(_bad_rule, layer_rules.CASES[1:2]),
         "value", "", lambda got: not got.passed and all(v.error == np.inf for v in got.verdicts)),
    Case("layer_rules.compare_weight_grad", "empty", lambda: layer_rules.compare_weight_grad(cases=()), "ValueError", "cases"),
    Case("layer_rules.compare_weight_grad", "type", lambda: layer_rules.compare_weight_grad(seed=-1), "ValueError", "seed"),
    Case("layer_rules.compare_input_grad", "type", lambda: layer_rules.compare_input_grad(seed=0.5), "TypeError", "seed"),
    Case("layer_rules.compare_input_grad", "range", lambda: layer_rules.compare_input_grad(_bad_rule, layer_rules.CASES[1:2]),
         "value", "", lambda got: not got.passed),
    Case("layer_rules.compare_bias_grad", "empty", lambda: layer_rules.compare_bias_grad(cases=[]), "ValueError", "cases"),
    Case("layer_rules.compare_bias_grad", "type", lambda: layer_rules.compare_bias_grad(None), "TypeError", "rule"),
    Case("layer_rules.compare_transposed_conv", "empty", lambda: layer_rules.compare_transposed_conv(cases=()), "ValueError", "cases"),
    Case("layer_rules.compare_transposed_conv", "range", lambda: layer_rules.compare_transposed_conv(seed=-2), "ValueError", "seed"),
    Case("layer_rules.forward_im2col", "float32", lambda: layer_rules.forward_im2col(X4.tolist(), W4, **GEO), "value", "",
         lambda got: np.allclose(got, OUT4 - B4[None, :, None, None])),
    Case("layer_rules.forward_im2col", "type", lambda: layer_rules.forward_im2col(None, W4), "TypeError", "x"),
    Case("layer_rules.forward_im2col", "shape", lambda: layer_rules.forward_im2col(X4[0], W4), "ValueError", "x"),
    Case("layer_rules.compare_im2col_forward", "empty", lambda: layer_rules.compare_im2col_forward(cases=()), "ValueError", "cases"),
    Case("layer_rules.compare_col2im", "size",
         lambda: layer_rules.compare_col2im(cases=(((1, 1, 100, 100), (1, 1, 3, 3), {"stride": 1, "padding": 0, "dilation": 1}),)),
         "ValueError", "limit"),
    Case("layer_rules.compare_col2im", "range", lambda: layer_rules.compare_col2im(seed=-1), "ValueError", "seed"),
    Case("layer_rules.compare_maxpool_backward", "empty", lambda: layer_rules.compare_maxpool_backward(shapes=()), "ValueError",
         "cases"),
    Case("layer_rules.compare_maxpool_backward", "type", lambda: layer_rules.compare_maxpool_backward("max"), "TypeError", "rule"),
    Case("layer_rules.compare_relu_backward", "empty", lambda: layer_rules.compare_relu_backward(shape=(0,)), "ValueError", "shape"),
    Case("layer_rules.compare_relu_backward", "type", lambda: layer_rules.compare_relu_backward(shape=(2.5,)), "TypeError", "shape"),
    Case("layer_rules.compare_relu_backward", "size", lambda: layer_rules.compare_relu_backward(shape=(100, 100)), "ValueError",
         "limit"),
    Case("layer_rules.compare_receptive_field", "type", lambda: layer_rules.compare_receptive_field(3), "TypeError", "rule"),
    Case("layer_rules.compare_receptive_field", "empty", lambda: layer_rules.compare_receptive_field(stacks=()), "ValueError",
         "cases"),
    Case("layer_rules.compare_conv1d_backward", "empty", lambda: layer_rules.compare_conv1d_backward(cases=()), "ValueError", "cases"),
    Case("layer_rules.compare_conv1d_backward", "range", lambda: layer_rules.compare_conv1d_backward(seed=-1), "ValueError", "seed"),
    Case("layer_rules.comparisons_table", "type", lambda: layer_rules.comparisons_table("checks"), "TypeError", "checks"),
    Case("layer_rules.comparisons_table", "shape",
         lambda: layer_rules.comparisons_table([layer_rules.compare_output_size()], ["a", "b"]), "ValueError", "where"),
    Case("layer_rules.all_comparisons", "record", lambda: layer_rules.all_comparisons, "value", "", callable),
    _record(stats.Interval, lambda: stats.mean_interval([1.0, 2.0, 4.0])),
    _record(gradients.GradientRow, lambda: gradients.fc_gradient_rows()[0]),
    # verdict
    _record(checks_verdict.Verdict, lambda: checks_verdict.Verdict("loop", 0.0, 1e-12)),
    Case("verdict.ClaimError", "record", lambda: checks_verdict.ClaimError("a claim"), "value", "",
         lambda got: isinstance(got, AssertionError)),
    Case("verdict.require", "float32", lambda: checks_verdict.require(np.bool_(True), "claim", "detail"), "value", "",
         lambda got: got is None),
    # geometry (appendix: stack_forward, footprint_extent)
    _record(geometry.ShiftReport, lambda: geometry.shift_test(IMG, K, WFC)),
    Case("geometry.receptive_field_size", "type", lambda: geometry.receptive_field_size([(3, 1)]), "ValueError", "layer"),
    Case("geometry.receptive_field_size", "range", lambda: geometry.receptive_field_size([(3, 0, 1)]), "ValueError", "s"),
    Case("geometry.receptive_field_size", "float32", lambda: geometry.receptive_field_size([(3, 2, 1), (np.int64(3), 1, 1)]),
         "value", "", lambda got: got == 7),
    Case("geometry.stack_shapes", "range", lambda: geometry.stack_shapes(2, [(3, 1, 1)]), "ValueError", "kernel"),
    Case("geometry.stack_shapes", "type", lambda: geometry.stack_shapes(7.0, [(3, 1, 1)]), "TypeError", "input_size"),
    Case("geometry.stack_forward", "range", lambda: geometry.stack_forward(np.ones((2, 2)), [(3, 1, 1)]), "ValueError", "kernel"),
    Case("geometry.stack_forward", "shape", lambda: geometry.stack_forward(np.ones((3, 3, 3)), [(3, 1, 1)]), "ValueError", "x"),
    Case("geometry.stack_forward", "nonfinite", lambda: geometry.stack_forward(np.full((4, 4), np.nan), [(3, 1, 1)]), "ValueError", "x"),
    Case("geometry.stack_forward", "type", lambda: geometry.stack_forward("abc", [(3, 1, 1)]), "TypeError", "x"),
    Case("geometry.stack_forward", "float32", lambda: geometry.stack_forward(np.ones((6, 4), np.float32), [(3, 1, 1)]), "value", "",
         lambda got: got.shape == (4, 2) and (got == 9).all()),
    Case("geometry.backward_footprint", "range", lambda: geometry.backward_footprint(7, [(3, 1, 1)], unit=(5, 0)), "ValueError", "unit"),
    Case("geometry.backward_footprint", "size", lambda: geometry.backward_footprint(20000, [(3, 1, 1)]), "ValueError", "limit"),
    Case("geometry.backward_footprint", "float32", lambda: geometry.backward_footprint(np.int64(5), [(3, 1, 1)]), "value", "",
         lambda got: got.sum() == 9),
    Case("geometry.footprint_extent", "shape", lambda: geometry.footprint_extent(np.ones((2, 2, 2))), "ValueError", "footprint"),
    Case("geometry.footprint_extent", "type", lambda: geometry.footprint_extent(None), "TypeError", "footprint"),
    Case("geometry.footprint_extent", "float32", lambda: geometry.footprint_extent(np.eye(3, dtype=np.float32)), "value", "",
         lambda got: got == (3, 3)),
    # explorer (appendix: cycled, disabled_reason)
    _record(explorer.Setting, lambda: explorer.allowed_settings()[0]),
    _record(explorer.LayerMap, lambda: _LM),
    Case("explorer.cycled", "range", lambda: explorer.cycled([1.0], (2, -1)), "ValueError", "shape"),
    Case("explorer.cycled", "type", lambda: explorer.cycled(["a", "b"], (2,)), "TypeError", "values"),
    Case("explorer.cycled", "nonfinite", lambda: explorer.cycled([1.0, np.nan], (2,)), "ValueError", "values"),
    Case("explorer.cycled", "type", lambda: explorer.cycled([1.0], (2.5, 2)), "TypeError", "shape"),
    Case("explorer.cycled", "size", lambda: explorer.cycled([1.0], (10**5, 10**5)), "ValueError", "limit"),
    Case("explorer.cycled", "float32", lambda: explorer.cycled(np.arange(3, dtype=np.float32), (2, 2)), "value", "",
         lambda got: np.array_equal(got, [[0, 1], [2, 0]])),
    Case("explorer.disabled_reason", "type", lambda: explorer.disabled_reason(_S._replace(size=5.0)), "TypeError", "size"),
    Case("explorer.disabled_reason", "range", lambda: explorer.disabled_reason(_S._replace(mode="rnn")), "ValueError", "mode"),
    Case("explorer.layer_sizes", "type", lambda: explorer.layer_sizes(tuple(_S)), "TypeError", "setting"),
    Case("explorer.layer_sizes", "range", lambda: explorer.layer_sizes(_S._replace(kernel=True)), "TypeError", "kernel"),
    Case("explorer.allowed_settings", "record", lambda: explorer.allowed_settings(), "value", "",
         lambda got: _S in got and all(explorer.disabled_reason(s) is None for s in got[:50])),
    Case("explorer.check_layer_map", "type", lambda: explorer.check_layer_map(tuple(_LM)), "TypeError", "lm"),
    Case("explorer.receptive_paths", "type", lambda: explorer.receptive_paths("conv"), "TypeError", "setting"),
    # gradient study, linear students, nets, runs, digits
    Case("gradient_study.spread_table", "range", lambda: gradient_study.spread_table(None, None, 0), "ValueError", "steps_per_epoch"),
    Case("gradient_study.spread_table", "range", lambda: gradient_study.spread_table(None, None, -5), "ValueError", "steps_per_epoch"),
    Case("gradient_study.spread_table", "type", lambda: gradient_study.spread_table(None, None, 2.5), "TypeError", "steps_per_epoch"),
    Case("gradient_study.spread_study", "type", lambda: gradient_study.spread_study({}, {}, IMGS, LABELS, {}, seed=-1), "TypeError",
         "runs_by_model"),
    Case("gradient_study.kernel_gradient_smoothness", "range",
         lambda: gradient_study.kernel_gradient_smoothness(IMGS, LABELS, seed=-1), "ValueError", "seed"),
    Case("gradient_study.kernel_gradient_smoothness", "type",
         lambda: gradient_study.kernel_gradient_smoothness(IMGS, LABELS, kernel=3.0), "TypeError", "kernel"),
    _record(gradient_study.SpreadStudy, lambda: gradient_study.SpreadStudy((0,), (1,), {}, {})),
    Case("linear_students.conv_features_loop", "shape", lambda: linear_students.conv_features_loop(TEACH.x[0], (3, 3)), "ValueError",
         "x"),
    Case("linear_students.conv_features_loop", "float32",
         lambda: linear_students.conv_features_loop(TEACH.x[:3].astype(np.float32), (3, 3)), "value", "",
         lambda got: np.allclose(got, linear_students.conv_features(TEACH.x[:3].astype(np.float32), (3, 3)))),
    Case("linear_students.teacher_fc_weights", "range", lambda: linear_students.teacher_fc_weights(K, (2, 2)), "ValueError", "kernel"),
    Case("linear_students.teacher_fc_weights", "nonfinite", lambda: linear_students.teacher_fc_weights(K * np.nan, (5, 5)),
         "ValueError", "kernel"),
    Case("linear_students.overfit_table", "type", lambda: linear_students.overfit_table(None), "TypeError", "study"),
    Case("linear_students.noise_table", "type", lambda: linear_students.noise_table({}), "TypeError", "study"),
    _record(linear_students.Data, lambda: TEACH),
    _record(linear_students.FitReport, lambda: linear_students.fit_students(TEACH, TEACH)[0]),
    Case("nets.require_labels", "range", lambda: nets.require_labels([0, 12], 2, 10), "ValueError", "y"),
    Case("nets.require_labels", "float32", lambda: nets.require_labels(np.array([0, 3], np.int32), 2, 10), "value", "",
         lambda got: got.dtype == np.intp and list(got) == [0, 3]),
    Case("nets.param_shapes", "type", lambda: nets.param_shapes("mlp"), "TypeError", "spec"),
    Case("nets.require_params", "range", lambda: nets.require_params(SPEC_MLP, {"W1": P_MLP["W1"]}), "ValueError", "keys"),
    Case("nets.require_images", "shape", lambda: nets.require_images(IMGS[:, :, :4], SPEC_MLP), "ValueError", "x"),
    Case("nets.require_images", "size", lambda: nets.require_images(np.broadcast_to(1.0, (10**7, 1, 8, 8)), SPEC_MLP), "ValueError",
         "limit"),
    Case("runs.chapter_results", "type", lambda: runs.chapter_results({"epochs": 1}), "TypeError", "config"),
    Case("digits.bundled_digits", "record", lambda: digits.bundled_digits(), "value", "",
         lambda got: got[0].shape == (1797, 8, 8) and got[0].dtype == np.float64),
    _record(digits.Digits, lambda: digits.Digits(IMGS, LABELS, IMGS, LABELS)),
    # pages
    Case("exercises.exercise_2_answer", "range", lambda: exercises.exercise_2_answer("rnn"), "ValueError", "kind"),
    Case("exercises.exercise_1_answer", "record", lambda: exercises.exercise_1_answer(), "value", "",
         lambda got: got == (150_529_000, 1792)),
    Case("exercises.exercise_conv1d_answer", "record", lambda: exercises.exercise_conv1d_answer(), "value", "",
         lambda got: len(got) == 2 and all(isinstance(a, np.ndarray) for a in got)),
    Case("exercises.grade_exercise_conv1d", "type", lambda: exercises.grade_exercise_conv1d(None, "dk"), "FAIL"),
    Case("exercises.grade_exercise_conv1d", "nonfinite", lambda: exercises.grade_exercise_conv1d([np.nan], [np.inf]), "FAIL"),
    Case("exercises.find_the_bug_candidates", "record", lambda: exercises.find_the_bug_candidates(), "value", "",
         lambda got: isinstance(got, dict) and len(got) > 1),
    Case("exercises.grade_exercise_find_the_bug", "type", lambda: exercises.grade_exercise_find_the_bug(["a"]), "FAIL"),
    Case("exercises.grade_exercise_find_the_bug", "empty", lambda: exercises.grade_exercise_find_the_bug({}), "FAIL"),
    _record(takeaways.Takeaway, lambda: takeaways.Takeaway("a", "b", "{ref}`x`")),
    Case("takeaways.takeaway_rows", "type", lambda: takeaways.takeaway_rows(None), "TypeError", "ev"),
    Case("takeaways.takeaways_table", "range", lambda: takeaways.takeaways_table([takeaways.Takeaway("a", "b", "c")]), "ValueError",
         "evidence"),
    # lesson modules
    _record(matrix_view.ConvGeometry, lambda: matrix_view.conv_geometry((3, 3), (6, 6))),
    _record(matrix_view.MatrixCounts, lambda: matrix_view.conv_matrix_counts((6, 6), (3, 3))),
    _record(param_counts.SharingCounts, lambda: param_counts.alexnet_conv1_counts()),
    Case("param_counts.alexnet_conv1_counts", "record", lambda: param_counts.alexnet_conv1_counts(), "value", "",
         lambda got: got.shared == 34_944),
    _record(param_counts.ParamRow, lambda: param_counts.param_comparison()[0]),
    _record(gradient_flow.GradientFlowFrame, lambda: _FLOW[0]),
    _record(backward_rules.StrideFrame, lambda: _FRAMES[0]),
    _record(conv_layer.ConvCache, lambda: CACHE),
    _record(nets.TrainResult, lambda: nets.train(SPEC_MLP, IMGS, LABELS, epochs=1, batch_size=3)),
    # result types of the long computations (built by the chapters' runs): built from their fields here
    *(_record(cls, lambda c=cls: _from_fields(c)) for cls in (
        linear_students.NoiseReport, linear_students.OverfitStudy, linear_students.NoiseStudy, linear_students.ChapterResults,
        runs.Run, runs.Experiments, runs.TwinReport, runs.ChapterResults)),
    _record(pooling.BackwardSparsity, lambda: pooling.pool_relu_sparsity(0, n_images=2, channels=2)),
    Case("pooling.pool_relu_sparsity", "range", lambda: pooling.pool_relu_sparsity(-1), "ValueError", "seed"),
    Case("pooling.pool_relu_sparsity", "type", lambda: pooling.pool_relu_sparsity(0, size=5.0), "TypeError", "size"),
    Case("pooling.maxpool2_backward_loop", "shape", lambda: pooling.maxpool2_backward_loop(np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 5))),
         "ValueError", "even"),
    Case("pooling.maxpool2_backward_loop", "shape", lambda: pooling.maxpool2_backward_loop(np.ones((1, 1, 2, 2)), np.ones((1, 1, 5, 4))),
         "ValueError", "even"),
    Case("pooling.maxpool2_backward_loop", "type", lambda: pooling.maxpool2_backward_loop(None, POOL_X), "TypeError", "dout"),
    Case("pooling.maxpool2_forward", "shape", lambda: pooling.maxpool2_forward(np.ones((1, 1, 4, 5))), "ValueError", "even"),
    Case("tables.format_about", "nonfinite", lambda: tables.format_about(float("nan")), "ValueError", "value"),
    Case("tables.format_about", "nonfinite", lambda: tables.format_about(np.inf), "ValueError", "value"),
    Case("tables.format_about", "float32", lambda: tables.format_about(np.int64(84000)), "value", "", lambda got: got == "84,000"),
    Case("tables.format_about", "type", lambda: tables.format_about("84000"), "TypeError", "value"),
    # pictures
    Case("animations.main", "range", lambda: _exit_code(animations.main, ["--out", "/tmp/never", "--fps", "0"]), "value", "",
         lambda got: got == 2),  # argparse's usage error (tests/test_input_policy.py checks its message)
    Case("experiment_figures.plot_accuracies", "type", lambda: experiment_figures.plot_accuracies(None, {}), "TypeError", "points"),
    Case("experiment_figures.plot_gradient_norms", "range",
         lambda: experiment_figures.plot_gradient_norms({"MLP": {"first": np.ones(4), "last": np.ones(4)}}, {"MLP": "mlp"},
                                                        steps_per_epoch=0), "ValueError", "steps_per_epoch"),
    Case("experiment_figures.plot_gradient_norms", "empty",
         lambda: experiment_figures.plot_gradient_norms({}, {"MLP": "mlp"}, steps_per_epoch=2), "TypeError", "norms"),
    Case("experiment_figures.plot_gradient_spread", "type", lambda: experiment_figures.plot_gradient_spread(None, {}, [1.0]),
         "TypeError", "spreads"),
    Case("gradient_study.neighbour_correlation", "float32",
         lambda: gradient_study.neighbour_correlation(rng_arrays(3).standard_normal((2, 1, 3, 3)).astype(np.float32)),
         "value", "",
         lambda got: -1.0 <= got <= 1.0),
]  # fmt: skip


# --- the cores behind the doors, the drawing helpers, the training claims: a row for every name --------

from lessons_code.checks import training_claims  # noqa: E402
from lessons_code.pictures import drawing  # noqa: E402

_CORE = " (a core: runs on what its door checked; the same value as the door on valid input)"
_POOLED = pooling.maxpool2_forward(POOL_X)


def _core(name, core, door, same=None) -> Case:
    """A value row: the core's result equals its checked door's on the same valid input."""
    return Case(name + _CORE, "float32", core, "value", "", lambda got: (same or _same)(got, door()))


def _equal_all(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _equal_loss(a, b) -> bool:
    return a[0] == b[0] and a[1].keys() == b[1].keys() and all(np.array_equal(a[1][k], b[1][k]) for k in a[1])


def _axes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    plt.close(fig)
    return ax


_GEO_CACHE = (CACHE.stride, CACHE.padding, CACHE.dilation, OUT4.shape[2:])
_ACC = {"MLP": np.array([0.970, 0.972, 0.968, 0.975, 0.971])}
_ACC = {**_ACC, "CNN": _ACC["MLP"] - 0.003, "1×1-conv MLP": _ACC["MLP"] - 0.002}
_NORMS = np.outer(np.ones(5), np.geomspace(1.0, 0.01, 100))

CORES_DRAWING_CLAIMS = [
    _core("matrix_view.window_index_unchecked",
          lambda: matrix_view.window_index_unchecked(
              matrix_view.conv_geometry((2, 3), (6, 5), stride=2, padding=1),
              lambda o, c, p, q, i, j: p * 3 + q),
          lambda: matrix_view.conv_matrix_index((2, 3), (6, 5), stride=2, padding=1), np.array_equal),
    _core("fc.fc_forward_batch_unchecked", lambda: fc.fc_forward_batch_unchecked(XB, W2, B1),
          lambda: fc.fc_forward_batch(XB, W2, B1)),
    _core("fc.fc_backward_batch_unchecked", lambda: fc.fc_backward_batch_unchecked(XB, W2, DYB),
          lambda: fc.fc_backward_batch(XB, W2, DYB), _equal_all),
    _core("geometry.shift_image_unchecked", lambda: geometry.shift_image_unchecked(IMG, 1, -2),
          lambda: geometry.shift_image(IMG, 1, -2)),
    _core("pooling.relu_forward_unchecked", lambda: pooling.relu_forward_unchecked(POOL_X),
          lambda: pooling.relu_forward(POOL_X)),
    _core("pooling.relu_backward_unchecked", lambda: pooling.relu_backward_unchecked(POOL_X, POOL_X - 0.1),
          lambda: pooling.relu_backward(POOL_X, POOL_X - 0.1)),
    _core("pooling.maxpool2_forward_unchecked", lambda: pooling.maxpool2_forward_unchecked(POOL_X),
          lambda: pooling.maxpool2_forward(POOL_X), _equal_all),
    _core("pooling.maxpool2_backward_unchecked",
          lambda: pooling.maxpool2_backward_unchecked(_POOLED[0] + 1.0, _POOLED[1]),
          lambda: pooling.maxpool2_backward(_POOLED[0] + 1.0, _POOLED[1])),
    _core("conv_layer.pad_unchecked", lambda: conv_layer.pad_unchecked(X4, (1, 2)),
          lambda: np.pad(X4, ((0, 0), (0, 0), (1, 1), (2, 2)))),  # no door of its own: numpy's pad
    _core("conv_layer.im2col_unchecked", lambda: conv_layer.im2col_unchecked(X4, (3, 2), *_GEO_CACHE),
          lambda: conv_layer.im2col(X4, (3, 2), **GEO)),
    _core("conv_layer.col2im_unchecked", lambda: conv_layer.col2im_unchecked(DCOLS, X4.shape, (3, 2), *_GEO_CACHE),
          lambda: conv_layer.col2im(DCOLS, X4.shape, (3, 2), **GEO)),
    _core("conv_layer.conv_forward_unchecked", lambda: conv_layer.conv_forward_unchecked(X4, W4, B4, *_GEO_CACHE[:3])[0],
          lambda: OUT4),
    _core("conv_layer.conv_backward_unchecked", lambda: conv_layer.conv_backward_unchecked(DOUT4, CACHE),
          lambda: conv_layer.conv_backward(DOUT4, CACHE), _equal_all),
    _core("backward_rules.dilate_unchecked", lambda: backward_rules.dilate_unchecked(IMG, (2, 3)),
          lambda: backward_rules.dilate(IMG, (2, 3))),
    _core("nets.loss_and_grads_unchecked",
          lambda: nets.loss_and_grads_unchecked(SPEC_CNN, P_CNN, IMGS, LABELS.astype(np.intp)),
          lambda: nets.loss_and_grads(SPEC_CNN, P_CNN, IMGS, LABELS), _equal_loss),
    # drawing: the helpers the figures share (they draw on an Axes; a wrong grid is named)
    Case("drawing.mask_grid", "shape", lambda: drawing.mask_grid(_axes(), np.ones(4, bool), "t", "red"), "ValueError", "mask"),
    Case("drawing.mask_grid", "float32", lambda: drawing.mask_grid(_axes(), [[True, False]], "t", "red"), "value", "",
         lambda got: got is None),
    Case("drawing.ink_on", "shape", lambda: drawing.ink_on((0.5, 0.5)), "ValueError", "rgba"),
    Case("drawing.ink_on", "float32", lambda: drawing.ink_on(np.float32([1, 1, 1, 1])), "value", "", lambda got: got != "white"),
    Case("drawing.matrix_axes", "range", lambda: drawing.matrix_axes(_axes(), 4, 8, 0), "ValueError", "row_width"),
    Case("drawing.matrix_axes", "type", lambda: drawing.matrix_axes(_axes(), 4.0, 8, 2), "TypeError", "n_rows"),
    Case("drawing.strip_negative_zero", "type", lambda: drawing.strip_negative_zero(-0.0), "TypeError", "text"),
    Case("drawing.strip_negative_zero", "range", lambda: drawing.strip_negative_zero("-0.00"), "value", "",
         lambda got: got == "0.00"),
    Case("drawing.annotated_grid", "shape",
         lambda: drawing.annotated_grid(_axes(), np.arange(3), drawing.signed_cmap(), None), "ValueError", "values"),
    Case("drawing.signed_cmap", "record", lambda: drawing.signed_cmap(), "value", "", lambda got: got.name is not None),
    Case("drawing.clean_axes", "shape", lambda: drawing.clean_axes(_axes(), (3,)), "ValueError", "gridlines"),
    Case("drawing.clean_axes", "type", lambda: drawing.clean_axes(_axes(), (3.0, 2)), "TypeError", "gridlines"),
    Case("drawing.vmax", "empty", lambda: drawing.vmax(), "ValueError", "arrays"),
    Case("drawing.vmax", "float32", lambda: drawing.vmax(np.float32([-3, 1]), [0, 2]), "value", "", lambda got: got == 3.0),
    Case("drawing.ink_for", "float32", lambda: drawing.ink_for(drawing.signed_cmap(), lambda v: 0.5, np.float32(0)),
         "value", "", lambda got: got in ("white", drawing.palette.INK)),
    # training claims: a study without the fields a check reads, a wrong size, or the numbers of a true claim
    Case("training_claims.on_every_seed", "float32", lambda: training_claims.on_every_seed([1, 2], np.float32([2, 3])),
         "value", "", lambda got: got is True),
    Case("training_claims.check_underdetermination", "type", lambda: training_claims.check_underdetermination(None),
         "TypeError", "study"),
    Case("training_claims.check_steps_steadier", "type", lambda: training_claims.check_steps_steadier((1, 2)),
         "TypeError", "study"),
    Case("training_claims.check_spread_claims", "type", lambda: training_claims.check_spread_claims(None, {}),
         "TypeError", "study"),
    Case("training_claims.check_smooth_kernel_gradient", "type",
         lambda: training_claims.check_smooth_kernel_gradient([0.5, 0.6], [0.0, 0.1], threshold="0.3"), "TypeError", "threshold"),
    Case("training_claims.check_smooth_kernel_gradient", "shape",
         lambda: training_claims.check_smooth_kernel_gradient(np.ones((2, 2)), [0.0, 0.1]), "ValueError", "ordered"),
    Case("training_claims.check_kernels_learned", "type", lambda: training_claims.check_kernels_learned({}), "TypeError", "study"),
    Case("training_claims.check_accuracy_claims", "type", lambda: training_claims.check_accuracy_claims({"MLP": [0.9]}, {}),
         "TypeError", "acc"),
    Case("training_claims.check_accuracy_claims", "float32",
         lambda: training_claims.check_accuracy_claims({k: v.astype(np.float32) for k, v in _ACC.items()},
                                                       {"MLP": 2410, "CNN": 1370, "1×1-conv MLP": 2578}),
         "value", "", lambda got: abs(got["CNN"].mean - _ACC["CNN"].mean()) < 1e-6),
    Case("training_claims.check_parameter_curve", "type", lambda: training_claims.check_parameter_curve(None), "TypeError", "study"),
    Case("training_claims.check_permutation_claims", "type",
         lambda: training_claims.check_permutation_claims(_ACC, {"MLP": _ACC["MLP"]}), "TypeError", "permuted"),
    Case("training_claims.check_shift_claims", "type", lambda: training_claims.check_shift_claims(_ACC, {}), "TypeError", "shifted"),
    Case("training_claims.check_shift_claims", "shape",
         lambda: training_claims.check_shift_claims(_ACC, {k: np.ones((2, 5)) for k in _ACC}), "ValueError", "shifted"),
    Case("training_claims.check_norms_shrink", "range", lambda: training_claims.check_norms_shrink(_NORMS, 0), "ValueError",
         "steps_per_epoch"),
    Case("training_claims.check_norms_shrink", "range", lambda: training_claims.check_norms_shrink(_NORMS, 101), "ValueError",
         "steps_per_epoch"),
    Case("training_claims.check_norms_shrink", "shape", lambda: training_claims.check_norms_shrink(_NORMS[0], 10), "ValueError",
         "norms_by_seed"),
    Case("training_claims.check_norms_shrink", "float32",
         lambda: training_claims.check_norms_shrink(_NORMS.astype(np.float32), 10), "value", "",
         lambda got: np.allclose(got, training_claims.check_norms_shrink(_NORMS, 10), rtol=1e-5)),
]  # fmt: skip


# --- issue 23: the locally connected layer ---------------------------------------------------------

_LW = R.standard_normal((3, 3, 3, 2, 3, 2))  # (H_out, W_out, C_out, C_in, kh, kw) for X4 under GEO
_LB = R.standard_normal((3, 3, 3))
_LOUT, _LCACHE = locally_connected.lc_forward(X4, _LW, _LB, **GEO)
_LDOUT = R.standard_normal(_LOUT.shape)
_LGEO = (_LCACHE.stride, _LCACHE.padding, _LCACHE.dilation)
_ONE = np.ones((1, 1, 1, 1))

LOCAL_ARRAY_CALLS = [
    ArrayCall("locally_connected.lc_forward", lambda x, w, b: locally_connected.lc_forward(x, w, b, **GEO),
              dict(x=X4, w=_LW, b=_LB), ("x", "w", "b")),
    ArrayCall("locally_connected.lc_forward_loop", lambda x, w, b: locally_connected.lc_forward_loop(x, w, b, **GEO),
              dict(x=X4, w=_LW, b=_LB), ("x", "w", "b")),
    ArrayCall("locally_connected.lc_backward", lambda dout: locally_connected.lc_backward(dout, _LCACHE),
              dict(dout=_LDOUT), ("dout",)),
    ArrayCall("locally_connected.lc_backward_loop",
              lambda dout, x, w: locally_connected.lc_backward_loop(dout, x, w, **GEO),
              dict(dout=_LDOUT, x=X4, w=_LW), ("dout", "x", "w")),
    ArrayCall("locally_connected.tied_weights", lambda kernel, bias: locally_connected.tied_weights(kernel, bias, (3, 3)),
              dict(kernel=W4, bias=B4), ("kernel", "bias")),
    ArrayCall("locally_connected.local_matrix", lambda w: locally_connected.local_matrix(w, X4.shape[1:], **GEO),
              dict(w=_LW), ("w",)),
]  # fmt: skip


def _local_array_cases() -> list[Case]:
    saved = ARRAY_CALLS[:]
    try:
        ARRAY_CALLS[:] = LOCAL_ARRAY_CALLS
        return _array_cases()
    finally:
        ARRAY_CALLS[:] = saved


LOCAL = [
    Case("locally_connected.lc_forward", "range", lambda: locally_connected.lc_forward(X4, _LW, stride=0), "ValueError", "stride"),
    Case("locally_connected.lc_forward", "type", lambda: locally_connected.lc_forward(X4, _LW, padding=1.0), "TypeError", "padding"),
    Case("locally_connected.lc_forward", "shape", lambda: locally_connected.lc_forward(X4, _LW[..., :1, :, :]), "ValueError", "C_in"),
    Case("locally_connected.lc_forward", "shape", lambda: locally_connected.lc_forward(X4, _LW, **GEO | {"stride": 1}),
         "ValueError", "H_out, W_out"),
    Case("locally_connected.lc_forward", "size",
         lambda: locally_connected.lc_forward(_ONE, np.broadcast_to(1.0, (40001, 40001, 1, 1, 1, 1)), padding=20000),
         "ValueError", "limit"),
    Case("locally_connected.lc_forward_loop", "size",
         lambda: locally_connected.lc_forward_loop(_ONE, np.broadcast_to(1.0, (40001, 40001, 1, 1, 1, 1)), padding=20000),
         "ValueError", "limit"),
    Case("locally_connected.lc_backward", "type", lambda: locally_connected.lc_backward(_LDOUT, (X4, _LW)), "TypeError", "cache"),
    Case("locally_connected.lc_backward", "shape", lambda: locally_connected.lc_backward(_LDOUT[:, :2], _LCACHE),
         "ValueError", "dout"),
    Case("locally_connected.lc_backward", "nonfinite",
         lambda: locally_connected.lc_backward(_LDOUT, _LCACHE._replace(x=np.full(X4.shape, np.nan))), "ValueError", "x"),
    Case("locally_connected.lc_backward_loop", "range",
         lambda: locally_connected.lc_backward_loop(_LDOUT, X4, _LW, dilation=0), "ValueError", "dilation"),
    Case("locally_connected.tied_weights", "range", lambda: locally_connected.tied_weights(W4, B4, (0, 4)), "ValueError", "out_hw"),
    Case("locally_connected.tied_weights", "shape", lambda: locally_connected.tied_weights(W4, B4[:2], (3, 3)), "ValueError", "bias"),
    Case("locally_connected.tied_weights", "size", lambda: locally_connected.tied_weights(W4, B4, (10**5, 10**5)),
         "ValueError", "limit"),
    Case("locally_connected.local_matrix_index", "shape",
         lambda: locally_connected.local_matrix_index((3, 3, 3, 2, 3), X4.shape[1:], **GEO), "ValueError", "w_shape"),
    Case("locally_connected.local_matrix_index", "shape",
         lambda: locally_connected.local_matrix_index((4, 4, 3, 2, 3, 2), X4.shape[1:], **GEO), "ValueError", "w_shape"),
    Case("locally_connected.local_matrix_index", "type",
         lambda: locally_connected.local_matrix_index((3, 3, 3, 2, 3, 2.0), X4.shape[1:], **GEO), "TypeError", "kernel_shape"),
    Case("locally_connected.local_matrix_index", "size",
         lambda: locally_connected.local_matrix_index((222, 222, 1, 1, 3, 3), (1, *BIG)), "ValueError", "limit"),
    Case("locally_connected.local_matrix_index", "float32",
         lambda: locally_connected.local_matrix_index((np.int32(3), 3, 3, 2, 3, 2), X4.shape[1:], **GEO), "value", "",
         lambda got: got.dtype == np.intp and np.array_equal(
             got >= 0, matrix_view.conv_matrix_index(W4.shape, X4.shape[1:], **GEO) >= 0)),
    Case("locally_connected.local_matrix", "size",
         lambda: locally_connected.local_matrix(np.broadcast_to(1.0, (222, 222, 1, 1, 3, 3)), (1, *BIG)), "ValueError", "limit"),
    Case("locally_connected.local_products_per_weight", "range",
         lambda: locally_connected.local_products_per_weight(_LW.shape, X4.shape[1:], stride=-1), "ValueError", "stride"),
    Case("locally_connected.local_products_per_weight", "size",
         lambda: locally_connected.local_products_per_weight((99998, 99998, 1, 1, 3, 3), (1, 10**5, 10**5)),
         "ValueError", "limit"),
    Case("locally_connected.local_products_per_weight", "float32",
         lambda: locally_connected.local_products_per_weight(_LW.shape, X4.shape[1:], **GEO), "value", "",
         lambda got: np.array_equal(got.sum(axis=(0, 1)), matrix_view.products_per_weight(X4.shape[2:], (3, 2), **GEO))),
    _record(locally_connected.LocalCache, lambda: _LCACHE),
    _core("locally_connected.lc_forward_unchecked",
          lambda: locally_connected.lc_forward_unchecked(X4, _LW, _LB, *_LGEO)[0], lambda: _LOUT),
    _record(locality.LayerCost, lambda: locality.alexnet_costs()[0]),
    _record(locality.EquivarianceRow, lambda: locality.equivariance_rows()[0]),
    _record(locality.DigitsStudy, lambda: locality.digits_study(locality.LocalityConfig(seeds=(0, 1), epochs=1))),
    _record(locality.LocalityConfig, lambda: locality.LocalityConfig()),
    Case("locality.LocalityConfig", "range", lambda: locality.LocalityConfig(seeds=(0, 0)), "ValueError", "seeds"),
    Case("locality.LocalityConfig", "type", lambda: locality.LocalityConfig(epochs=1.5), "TypeError", "epochs"),
    Case("locality.alexnet_costs", "record", locality.alexnet_costs, "value", "", lambda got: got[1].params == 105_705_600),
    Case("locality.digits_costs", "record", locality.digits_costs, "value", "", lambda got: len(got) == 3),
    Case("locality.cost_table", "type", lambda: locality.cost_table([None]), "TypeError", "rows"),
    Case("locality.equivariance_table", "type", lambda: locality.equivariance_table([]), "TypeError", "rows"),
    Case("locality.equivariance_rows", "range", lambda: locality.equivariance_rows(side=4), "ValueError", "side"),
    Case("locality.equivariance_rows", "type", lambda: locality.equivariance_rows(seed=0.5), "TypeError", "seed"),
    Case("locality.digits_study", "type", lambda: locality.digits_study({"seeds": (0, 1)}), "TypeError", "config"),
    Case("locality.local_features", "shape", lambda: locality.local_features(IMG, (3, 3)), "ValueError", "x"),
    Case("locality.local_features", "nonfinite", lambda: locality.local_features(np.full((2, 4, 4), np.nan), 3),
         "ValueError", "x"),
    Case("locality.local_features", "float32", lambda: locality.local_features(IMGS[:, 0].astype(np.float32), 3),
         "value", "", lambda got: np.allclose(got, locality.local_features(IMGS[:, 0].astype(np.float32).astype(float), 3))),
    Case("locality.efficiency_study", "range", lambda: locality.efficiency_study(teachers=1), "ValueError", "teachers"),
    Case("locality.efficiency_study", "type", lambda: locality.efficiency_study(side="8"), "TypeError", "side"),
    Case("locality_claims.check_costs", "type", lambda: locality_claims.check_costs([1, 2, 3]), "TypeError", "rows"),
    Case("locality_claims.check_equivariance", "type", lambda: locality_claims.check_equivariance(None), "TypeError", "rows"),
    Case("locality_claims.check_digits_claims", "type", lambda: locality_claims.check_digits_claims({}), "TypeError", "study"),
    Case("locality_claims.check_efficiency", "type", lambda: locality_claims.check_efficiency([]), "TypeError", "eff"),
    Case("locality.digits_table", "type", lambda: locality.digits_table({}), "TypeError", "study"),
    Case("locality_figures.plot_three_matrices", "range", lambda: locality_figures.plot_three_matrices((6, 6), 7),
         "ValueError", "kernel"),
    Case("locality_figures.plot_three_matrices", "type", lambda: locality_figures.plot_three_matrices((6, 6), 3, seed=1.0),
         "TypeError", "seed"),
    Case("exercises.grade_exercise_local_gradient", "type",
         lambda: exercises.grade_exercise_local_gradient(IMG, DYC[:3, :3], None), "FAIL"),
    Case("exercises.grade_exercise_local_gradient", "nonfinite",
         lambda: exercises.grade_exercise_local_gradient(IMG, DYC[:3, :3], np.full((3, 3, 4, 4), np.nan)), "FAIL"),
    Case("exercises.grade_exercise_local_gradient", "shape",
         lambda: exercises.grade_exercise_local_gradient(IMG, IMG[None], np.ones(3)), "ValueError", "dy"),
    Case("exercises.grade_exercise_which_property", "type", lambda: exercises.grade_exercise_which_property(None), "FAIL"),
    Case("exercises.grade_exercise_which_property", "empty", lambda: exercises.grade_exercise_which_property({}), "FAIL"),
    _core("locally_connected.lc_backward_unchecked", lambda: locally_connected.lc_backward_unchecked(_LDOUT, _LCACHE),
          lambda: locally_connected.lc_backward(_LDOUT, _LCACHE), _equal_all),
]  # fmt: skip


# --- issue 24: the cost chapter (layer_costs, checks.costs, its exercises) ----------------------------

_X4, _W4 = (1, 2, 5, 5), (3, 2, 3, 3)
_HAND = [np.array(exercises.EX_CHANNELS[k], dtype=float) for k in ("x", "w", "dy")]
_HAND_DW, _HAND_DX = exercises.exercise_channels_answer()

COSTS = [
    Case("layer_costs.conv_pass_macs", "type", lambda: layer_costs.conv_pass_macs((1, 2, 5.0, 5), _W4), "TypeError", "x_shape"),
    Case("layer_costs.conv_pass_macs", "shape", lambda: layer_costs.conv_pass_macs((2, 5, 5), _W4), "ValueError", "x_shape"),
    Case("layer_costs.conv_pass_macs", "shape", lambda: layer_costs.conv_pass_macs(_X4, (3, 1, 3, 3)), "ValueError", "w_shape"),
    Case("layer_costs.conv_pass_macs", "range", lambda: layer_costs.conv_pass_macs(_X4, (3, 2, 7, 7)), "ValueError", "kernel"),
    Case("layer_costs.conv_pass_macs", "range", lambda: layer_costs.conv_pass_macs(_X4, _W4, groups=2), "ValueError", "groups"),
    Case("layer_costs.conv_pass_macs", "type", lambda: layer_costs.conv_pass_macs(_X4, _W4, stride=1.5), "TypeError", "stride"),
    Case("layer_costs.conv_pass_macs", "float32", lambda: layer_costs.conv_pass_macs(np.array(_X4).tolist(), _W4),
         "value", "", lambda got: got.forward == 9 * 3 * 2 * 9),
    Case("layer_costs.PassCosts", "record", lambda: layer_costs.fc_pass_macs(2, 3, 4), "value", "",
         lambda got: isinstance(got, layer_costs.PassCosts) and got.backward == 48),
    Case("layer_costs.fc_pass_macs", "range", lambda: layer_costs.fc_pass_macs(0, 3, 4), "ValueError", "n_batch"),
    Case("layer_costs.fc_pass_macs", "type", lambda: layer_costs.fc_pass_macs(1, "3", 4), "TypeError", "n_in"),
    Case("layer_costs.im2col_shape", "type", lambda: layer_costs.im2col_shape(None, 3), "TypeError", "x_shape"),
    Case("layer_costs.im2col_shape", "range", lambda: layer_costs.im2col_shape(_X4, 0), "ValueError", "kernel_shape"),
    Case("layer_costs.im2col_shape", "float32", lambda: layer_costs.im2col_shape((np.int32(1), 3, 224, 224), 3, padding=1),
         "value", "", lambda got: got == (27, 50_176)),
    Case("layer_costs.fan_in", "shape", lambda: layer_costs.fan_in((3, 2, 3)), "ValueError", "w_shape"),
    Case("layer_costs.fan_in", "type", lambda: layer_costs.fan_in((3, 2, 3, "3")), "TypeError", "w_shape"),
    Case("layer_costs.fan_in", "range", lambda: layer_costs.fan_in((3, 2, 3, 3), groups=2), "ValueError", "groups"),
    Case("layer_costs.he_normal", "type", lambda: layer_costs.he_normal((3, 2, 3, 3), 0), "TypeError", "rng"),
    Case("layer_costs.he_normal", "range", lambda: layer_costs.he_normal((3, 0, 3, 3), np.random.default_rng(0)),
         "ValueError", "w_shape"),
    Case("layer_costs.he_normal", "size", lambda: layer_costs.he_normal((4096, 4096, 3, 3), np.random.default_rng(0)),
         "ValueError", "limit"),
    Case("layer_costs.activation_scales", "range", lambda: layer_costs.activation_scales(0, 4, 5, 2.0, 0), "ValueError", "depth"),
    Case("layer_costs.activation_scales", "nonfinite", lambda: layer_costs.activation_scales(2, 4, 5, np.nan, 0),
         "ValueError", "gain"),
    Case("layer_costs.activation_scales", "type", lambda: layer_costs.activation_scales(2, 4, 5, 2.0, "0"), "TypeError", "seed"),
    Case("layer_costs.activation_scales", "size", lambda: layer_costs.activation_scales(2, 4096, 4096, 2.0, 0),
         "ValueError", "limit"),
    Case("costs.count_pass_macs", "shape", lambda: costs.count_pass_macs((1, 2, 5), _W4), "ValueError", "x_shape"),
    Case("costs.check_pass_macs", "type", lambda: costs.check_pass_macs(cases=[((1, 2, 5, 5), (3, 2, 3, "3"), {})]),
         "TypeError", "w_shape"),
    Case("costs.check_im2col_shapes", "type", lambda: costs.check_im2col_shapes(layers={"a": (None, 3, 1)}),
         "TypeError", "x_shape"),
    Case("costs.StackCounts", "record", lambda: costs.check_stack_vs_single([(3, 1, 1)] * 2, 5, 4), "value", "",
         lambda got: isinstance(got, costs.StackCounts) and got.ratio == 18 / 25),
    Case("costs.check_stack_vs_single", "type", lambda: costs.check_stack_vs_single([(3, 1, 1)], 3, 4.0), "TypeError", "channels"),
    Case("costs.check_uses_per_weight", "type", lambda: costs.check_uses_per_weight({"a": ("72", 4608, 64)}), "TypeError", "a"),
    Case("costs.check_channels_by_hand", "shape",
         lambda: costs.check_channels_by_hand(*_HAND, np.zeros((2, 2, 2, 2)), np.zeros((1, 2, 2, 2))), "ValueError", "dx_hand"),
    Case("costs.check_channels_by_hand", "nonfinite",
         lambda: costs.check_channels_by_hand(_HAND[0] * np.nan, *_HAND[1:], np.zeros((2, 2, 2, 2)), np.zeros((1, 2, 3, 3))),
         "ValueError", "x"),
    Case("costs.check_he_keeps_scale", "nonfinite", lambda: costs.check_he_keeps_scale([0.9, np.nan]), "ValueError", "factors"),
    Case("costs.check_he_keeps_scale", "range", lambda: costs.check_he_keeps_scale([0.9, -1.0]), "ValueError", "values"),
    Case("costs.check_init_is_he", "shape", lambda: costs.check_init_is_he(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))),
         "ValueError", "he_draw"),
    Case("costs.layer_factors", "range", lambda: costs.layer_factors([1.0]), "ValueError", "scales"),
    Case("costs.layer_factors", "range", lambda: costs.layer_factors([1.0, 0.0]), "ValueError", "scales"),
    Case("exercises.exercise_channels_answer", "record", exercises.exercise_channels_answer, "value", "",
         lambda got: got[0].shape == (2, 2) and got[1].shape == (3, 3)),
    Case("exercises.grade_exercise_channels", "type", lambda: exercises.grade_exercise_channels(None, "x"), "FAIL"),
    Case("exercises.grade_exercise_channels", "shape", lambda: exercises.grade_exercise_channels(np.ones(4), np.ones(9)), "FAIL"),
    Case("exercises.grade_exercise_channels", "nonfinite",
         lambda: exercises.grade_exercise_channels(np.full((2, 2), np.nan), _HAND_DX), "FAIL"),
    Case("exercises.grade_exercise_channels", "float32",
         lambda: exercises.grade_exercise_channels(_HAND_DW.astype(np.float32), _HAND_DX.tolist()), "value", "",
         lambda got: got is True),
    Case("exercises.grade_exercise_cost", "type", lambda: exercises.grade_exercise_cost("1", None, "a"), "FAIL"),
    Case("exercises.grade_exercise_cost", "nonfinite", lambda: exercises.grade_exercise_cost(np.inf, np.nan, (1, 2)), "FAIL"),
    Case("exercises.grade_exercise_cost", "shape", lambda: exercises.grade_exercise_cost([1, 2], 3, (1, 2, 3)), "FAIL"),
    Case("upsampling.transposed_overlap", "range", lambda: upsampling.transposed_overlap(4, 0, 2), "ValueError", "k"),
    Case("upsampling.transposed_overlap", "type", lambda: upsampling.transposed_overlap(4, 3, 2.0), "TypeError", "stride"),
    Case("upsampling.transposed_overlap", "size", lambda: upsampling.transposed_overlap(100_000, 3, 2), "ValueError", "limit"),
    Case("upsampling.transposed_overlap", "float32", lambda: upsampling.transposed_overlap(np.int32(2), 3, 2), "value", "",
         lambda got: got.tolist() == [[1, 1, 2, 1, 1]] * 2 + [[2, 2, 4, 2, 2]] + [[1, 1, 2, 1, 1]] * 2),
    Case("upsampling.resize_conv_overlap", "range", lambda: upsampling.resize_conv_overlap(4, 4, 2), "ValueError", "k"),
    Case("upsampling.resize_conv_overlap", "type", lambda: upsampling.resize_conv_overlap("4", 3, 2), "TypeError", "n_in"),
    Case("upsampling.resize_conv_overlap", "size", lambda: upsampling.resize_conv_overlap(50_000, 3, 2), "ValueError", "limit"),
    Case("costs.check_checkerboard", "range", lambda: costs.check_checkerboard(np.ones((4, 4)), 2), "ValueError", "margin"),
    Case("costs.check_checkerboard", "nonfinite", lambda: costs.check_checkerboard(np.full((4, 4), np.nan), 1),
         "ValueError", "counts"),
    Case("costs.check_even_overlap", "type", lambda: costs.check_even_overlap(np.ones((4, 4)), 1.0), "TypeError", "margin"),
    Case("costs.check_even_overlap", "shape", lambda: costs.check_even_overlap(np.ones(4), 1), "ValueError", "counts"),
    Case("cost_figures.plot_overlap_counts", "type", lambda: cost_figures.plot_overlap_counts([np.ones((2, 2))]),
         "TypeError", "panels"),
    Case("cost_figures.plot_overlap_counts", "nonfinite", lambda: cost_figures.plot_overlap_counts({"a": np.full((2, 2), np.inf)}),
         "ValueError", "panels"),
    Case("conv_layer.require_groups", "range", lambda: conv_layer.require_groups(3, 4, 6), "ValueError", "groups"),
    Case("conv_layer.require_groups", "type", lambda: conv_layer.require_groups(2.0, 4, 6), "TypeError", "groups"),
    Case("conv_layer.require_groups", "float32", lambda: conv_layer.require_groups(np.int64(2), 4, 6), "value", "",
         lambda got: got == 2 and type(got) is int),
    Case("conv_layer.ungroup_weights", "range", lambda: conv_layer.ungroup_weights(np.ones((3, 1, 2, 2)), 2), "ValueError",
         "groups"),
    Case("conv_layer.ungroup_weights", "nonfinite", lambda: conv_layer.ungroup_weights(np.full((2, 1, 2, 2), np.nan), 2),
         "ValueError", "w"),
    Case("conv_layer.ungroup_weights", "shape", lambda: conv_layer.ungroup_weights(np.ones((2, 2, 2)), 2), "ValueError", "w"),
    Case("conv_layer.ungroup_weights", "float32",
         lambda: conv_layer.ungroup_weights(np.ones((2, 1, 1, 1), dtype=np.float32), 2), "value", "",
         lambda got: got[:, :, 0, 0].tolist() == [[1.0, 0.0], [0.0, 1.0]] and got.dtype == np.float64),
    Case("conv_layer.ungroup_weights", "size", lambda: conv_layer.ungroup_weights(np.broadcast_to(np.float32(1), (1000, 1000, 10, 10)), 1), "ValueError", "limit"),
    Case("conv_layer.conv_forward", "range", lambda: conv_layer.conv_forward(np.ones((1, 4, 3, 3)), np.ones((3, 2, 2, 2)), groups=2),
         "ValueError", "groups"),
    Case("conv_layer.conv_forward", "shape", lambda: conv_layer.conv_forward(np.ones((1, 4, 3, 3)), np.ones((4, 4, 2, 2)), groups=2),
         "ValueError", "C_in / groups"),
    Case("conv_layer.conv_forward", "type", lambda: conv_layer.conv_forward(np.ones((1, 4, 3, 3)), np.ones((4, 2, 2, 2)), groups="2"),
         "TypeError", "groups"),
    Case("conv_layer.conv_forward_loop", "range",
         lambda: conv_layer.conv_forward_loop(np.ones((1, 4, 3, 3)), np.ones((4, 4, 2, 2)), groups=0), "ValueError", "groups"),
    Case("conv_layer.conv_backward_loop", "shape",
         lambda: conv_layer.conv_backward_loop(np.ones((1, 4, 2, 2)), np.ones((1, 4, 3, 3)), np.ones((4, 1, 2, 2)), groups=2),
         "ValueError", "C_in / groups"),
    Case("costs.compare_grouped_layer", "type", lambda: costs.compare_grouped_layer("f"), "TypeError", "fn"),
    Case("costs.compare_grouped_layer", "range", lambda: costs.compare_grouped_layer(None, ()), "ValueError", "cases"),
    Case("costs.check_grouped_layer", "range", lambda: costs.check_grouped_layer(None, []), "ValueError", "cases"),
    Case("costs.check_block_diagonal", "shape", lambda: costs.check_block_diagonal(np.ones((4, 4)), 2, 3, 2), "ValueError", "M"),
    Case("costs.check_block_diagonal", "type", lambda: costs.check_block_diagonal(np.ones((4, 4)), 2.0, 2, 2), "TypeError", "groups"),
    Case("costs.check_grouped_macs", "range",
         lambda: costs.check_grouped_macs(cases=[((1, 4, 5, 5), (3, 2, 3, 3), {}, 2)]), "ValueError", "groups"),
    Case("costs.check_separable_counts", "shape", lambda: costs.check_separable_counts((4, 1, 3), (4, 4, 1, 1), (4, 4, 3, 3)),
         "ValueError", "depthwise_shape"),
    Case("costs.check_separable_counts", "type",
         lambda: costs.check_separable_counts((4, 1, 3, 3), (4, 4, 1, 1.0), (4, 4, 3, 3)), "TypeError", "pointwise_shape"),
    Case("costs.SeparableCounts", "record",
         lambda: costs.check_separable_counts((4, 1, 3, 3), (8, 4, 1, 1), (8, 4, 3, 3)), "value", "",
         lambda got: isinstance(got, costs.SeparableCounts) and got.ratio == (36 + 32) / 288),
    _record(separable.SeparableStudy, lambda: separable.separable_study(seeds=(0, 1), epochs=1)),
    Case("separable.separable_study", "range", lambda: separable.separable_study(seeds=(0, 0)), "ValueError", "seeds"),
    Case("separable.separable_study", "type", lambda: separable.separable_study(seeds=(0, 1.0)), "TypeError", "seed"),
    Case("separable.separable_study", "type", lambda: separable.separable_study(epochs=1.5), "TypeError", "epochs"),
    Case("separable.separable_study", "range", lambda: separable.separable_study(epochs=0), "ValueError", "epochs"),
    Case("separable.separable_table", "type", lambda: separable.separable_table({}), "TypeError", "study"),
    Case("costs.check_separable_digits", "type", lambda: costs.check_separable_digits({}), "TypeError", "study.accuracy"),
    Case("costs.check_separable_digits", "shape",
         lambda: costs.check_separable_digits(separable.SeparableStudy(
             (0, 1), 1, {"a": np.ones((2, 2)), "b": np.ones(2)}, {"a": 2, "b": 1}, {"a": 2, "b": 1})),
         "ValueError", "study.accuracy[full]"),
    Case("cost_figures.plot_matrix_blocks", "type", lambda: cost_figures.plot_matrix_blocks(None), "TypeError", "matrices"),
    Case("cost_figures.plot_matrix_blocks", "shape", lambda: cost_figures.plot_matrix_blocks({"a": np.ones(3)}),
         "ValueError", "matrices"),
]  # fmt: skip
