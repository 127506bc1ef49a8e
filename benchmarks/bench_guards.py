"""The size guards of lessons_code, measured: refusals of huge inputs, and estimates against peaks.

1. Huge inputs (a (1, 1, 20000, 20000) float32 array, an 8-byte array broadcast to that shape, and
   the appendix's huge calls of issue 26): each call must be refused within 1 s while allocating under
   200 MB (tracemalloc's peak during the call; the caller's input, made before, is not counted).
2. Every guarded function at two sizes near the limit (about 75 % and 95 % of
   ``lessons_code._checks.MAX_BYTES``): the largest estimate passed to ``require_size`` against
   tracemalloc's peak during the call; the ratio must lie within 0.9-1.1.

    .venv/bin/python benchmarks/bench_guards.py          # about a minute, up to ~1 GB of memory
    .venv/bin/python benchmarks/bench_guards.py --quick  # part 1 only

Exit status 1 if a refusal is slow, too hungry or missing, or a ratio is outside 0.9-1.1.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from functools import partial

import numpy as np

from lessons_code import _checks, backward_rules, conv1d, conv_layer, geometry, gradient_flow, matrix_view
from lessons_code.checks import claims, layer_rules
from lessons_code.pages import explorer

br, cl, mv = backward_rules, conv_layer, matrix_view

MODULES = [_checks, backward_rules, conv1d, conv_layer, geometry, gradient_flow, matrix_view, claims,
           layer_rules, explorer]  # fmt: skip
BIG32 = np.empty((1, 1, 20000, 20000), np.float32)  # 1.6 GB of address space, never touched
BIG8 = np.broadcast_to(np.float64(1.0), (1, 1, 20000, 20000))
ONE = np.ones((1, 1, 3, 3))
HUGE = {
    "conv_forward, float32 x": lambda: conv_layer.conv_forward(BIG32, ONE),
    "conv_forward, broadcast x": lambda: conv_layer.conv_forward(BIG8, ONE),
    "conv_forward_loop, broadcast x": lambda: conv_layer.conv_forward_loop(BIG8, ONE),
    "im2col, float32 x": lambda: conv_layer.im2col(BIG32, 3),
    "transposed_conv, float32 y": lambda: backward_rules.transposed_conv(BIG32, ONE),
    "transposed_conv, broadcast y": lambda: backward_rules.transposed_conv(BIG8, ONE),
    "transposed_conv, y 2000² w 64 ch": lambda: backward_rules.transposed_conv(
        np.broadcast_to(1.0, (1, 1, 2000, 2000)), np.ones((1, 64, 5, 5))),
    "input_grad_as_conv, broadcast dout": lambda: backward_rules.input_grad_as_conv(BIG8, ONE,
                                                                                    (1, 1, 20002, 20002)),
    "weight_grad_as_conv, float32 x": lambda: backward_rules.weight_grad_as_conv(BIG32, BIG32, (1, 1)),
    "conv1d_forward, float32 x": lambda: conv1d.conv1d_forward(BIG32[0], np.ones((1, 20000, 3))),
    "dilate, 2x2 by 10**6": lambda: backward_rules.dilate(np.ones((2, 2)), 10**6),
    "dilate, float32 a": lambda: backward_rules.dilate(BIG32, 1),
    "strided_backward_frames, 300² stride 1": lambda: backward_rules.strided_backward_frames(
        (300, 300), np.ones((3, 3)), np.ones((298, 298)), stride=1),
    "rms_ratio_draws, 10**9 draws": lambda: claims.rms_ratio_draws(10**9),
    "rms_ratio_dK_dW, broadcast x": lambda: claims.rms_ratio_dK_dW(BIG8[0, 0], BIG8[0, 0, 2:, 2:], 3),
    "compare_col2im, one 100² case": lambda: layer_rules.compare_col2im(
        cases=(((1, 1, 100, 100), (1, 1, 3, 3), {"stride": 1, "padding": 0, "dilation": 1}),)),
    "compare_relu_backward, 100²": lambda: layer_rules.compare_relu_backward(shape=(100, 100)),
    "cycled, 10**5 x 10**5": lambda: explorer.cycled([1.0], (10**5, 10**5)),
    "stack_forward, float32 x": lambda: geometry.stack_forward(BIG32[0, 0], [(3, 1, 1)]),
    "conv_matrix, 224² input": lambda: matrix_view.conv_matrix(np.ones((3, 3)), (224, 224)),
}  # fmt: skip


def measure(call) -> tuple[float, float, str]:
    """(seconds, tracemalloc peak in MB, outcome) of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        call()
        outcome = "NOT REFUSED"
    except ValueError as err:
        outcome = "refused" if "limit" in str(err) else f"ValueError: {err}"[:60]
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, outcome


class _Stop(Exception):
    pass


def estimate(call, stop: bool) -> float:
    """The largest estimate ``call`` passes to require_size (``stop``: raise at the first large one,
    before anything is allocated)."""
    seen, original = [0.0], _checks.require_size

    def record(what, n_bytes, limit=None):
        seen.append(n_bytes)
        if stop and n_bytes > _checks.MAX_BYTES / 8:
            raise _Stop
        original(what, n_bytes, limit)

    for m in MODULES:
        m.require_size = record
    try:
        call()
    except _Stop:
        pass
    finally:
        for m in MODULES:
            m.require_size = original
    return max(seen)


def _backward(p):
    limit, _checks.MAX_BYTES = _checks.MAX_BYTES, 2**40  # the forward pass may be larger while searching
    try:
        out, cache = conv_layer.conv_forward(np.ones((p, 3, 64, 64)), W8, padding=1)
    finally:
        _checks.MAX_BYTES = limit
    return partial(conv_layer.conv_backward, np.ones(out.shape), cache)


W8, K3 = np.ones((8, 3, 3, 3)), np.ones((3, 3))
X, D = (lambda p: np.ones((p, 3, 64, 64))), (lambda p: np.ones((p, 8, 64, 64)))
#: name -> (build(p): a call of the guarded function at size parameter p (inputs made here), smallest p)
SCALED = {
    "as_float_array": (lambda p: partial(_checks.as_float_array, "x", np.ones((p, 1000), np.float32), 2), 1),
    "conv_forward": (lambda p: partial(cl.conv_forward, X(p), W8, padding=1), 1),
    "conv_forward_loop": (lambda p: partial(cl.conv_forward_loop, ONE[..., :1, :1], ONE[..., :1, :1],
                                            padding=p, stride=2 * p), 1),
    "conv_backward": (_backward, 1),
    "im2col": (lambda p: partial(cl.im2col, X(p), 3, padding=1), 1),
    "col2im": (lambda p: partial(cl.col2im, np.ones((27, p * 4096)), (p, 3, 64, 64), 3, padding=1), 1),
    "conv1d_forward": (lambda p: partial(conv1d.conv1d_forward, np.ones((p, 3, 4096)), W8[..., 0]), 1),
    "input_grad_as_conv": (lambda p: partial(br.input_grad_as_conv, D(p), W8, (p, 3, 64, 64), padding=1), 1),
    "weight_grad_as_conv": (lambda p: partial(br.weight_grad_as_conv, X(p), D(p), (3, 3), padding=1), 1),
    "input_grad_im2col": (lambda p: partial(br.input_grad_im2col, D(p), W8, (p, 3, 64, 64), padding=1), 1),
    "weight_grad_im2col": (lambda p: partial(br.weight_grad_im2col, X(p), D(p), (3, 3), padding=1), 1),
    "transposed_conv": (lambda p: partial(br.transposed_conv, D(p), W8, padding=1), 1),
    "dilate": (lambda p: partial(br.dilate, np.ones((p, 100, 100)), 3), 1),
    "strided_backward_frames": (lambda p: partial(br.strided_backward_frames, (p, p), K3, np.ones((2, 2)),
                                                  stride=p - 3), 8),
    "conv_matrix": (lambda p: partial(mv.conv_matrix, K3, (p, p)), 4),
    "conv_matrix_index": (lambda p: partial(mv.conv_matrix_index, (3, 3), (p, p)), 4),
    "tied_kernel_grad": (lambda p: partial(mv.tied_kernel_grad, np.ones((p, p)), np.ones((p - 2,) * 2),
                                           (3, 3)), 4),
    "coverage_count": (lambda p: partial(geometry.coverage_count, (p, p), (3, 3)), 4),
    "rms_ratio_draws": (lambda p: partial(claims.rms_ratio_draws, p), 10),
    "rms_ratio_dK_dW": (lambda p: partial(claims.rms_ratio_dK_dW, np.ones((p, p)), np.ones((p - 2,) * 2), 3),
                        4),
    "cycled": (lambda p: partial(explorer.cycled, [1.0, 2.0], (p, 1000)), 1),
    "example_problem": (lambda p: partial(gradient_flow.example_problem, (p, p)), 4),
}  # fmt: skip


def size_for(name: str, fraction: float) -> int:
    """The largest size parameter whose estimate stays below ``fraction`` of the limit (bisection)."""
    build, lo = SCALED[name]
    target, hi = fraction * _checks.MAX_BYTES, lo
    while estimate(build(hi), stop=True) < target:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if estimate(build(mid), stop=True) < target else (lo, mid)
    return lo


def main(argv: list[str]) -> int:
    bad = 0
    print("| huge input | refused | seconds | peak MB |\n| --- | --- | ---: | ---: |")
    for name, call in HUGE.items():
        seconds, peak, outcome = measure(call)
        bad += outcome != "refused" or seconds > 1.0 or peak > 200
        print(f"| {name} | {outcome} | {seconds:.3f} | {peak:.1f} |", flush=True)
    if "--quick" in argv:
        return 1 if bad else 0
    print("\n| guarded function | size | estimate MiB | peak MiB | estimate / peak |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in SCALED:
        for fraction in (0.75, 0.95):
            p = size_for(name, fraction)
            while True:  # the search saw the first large guard; a later one may refuse: 5 % smaller
                call = SCALED[name][0](p)
                tracemalloc.start()
                try:
                    est = estimate(call, stop=False)
                    peak = tracemalloc.get_traced_memory()[1]
                    break
                except ValueError:
                    p = int(p * 0.95)
                finally:
                    tracemalloc.stop()
            bad += not 0.9 <= est / peak <= 1.1
            print(f"| {name} | {p} | {est / 2**20:.0f} | {peak / 2**20:.0f} | {est / peak:.2f} |", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
