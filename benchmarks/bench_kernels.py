"""Time the conv layer of ``lessons_code`` on named shapes and print a Markdown table.

For every shape and every pass (forward, weight gradient, input gradient, full backward) the
table shows the time of the vectorised layer (``conv_forward`` / ``conv_backward``, default
method ``auto``: blocked im2col on the flat phase layout, see ``lessons_code/_fastconv.py``),
its GFLOP/s, its peak memory as a multiple of the input size, and
as ratios: the copy-free per-tap method (``taps``), the plain-loop reference (small shapes only)
and PyTorch's CPU conv in float64 (when ``torch`` is importable; it is never a dependency).

Every measurement runs in its own process with one BLAS/OpenMP thread
(``OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1``, ``torch.set_num_threads(1)``):
``timeit`` picks a number of calls lasting at least ``--min-time`` seconds, repeats that
``--repeat`` times, and the table reports the median per call. Peak memory is measured
separately with ``tracemalloc`` (numpy reports its allocations to it).

Run: ``.venv/bin/python benchmarks/bench_kernels.py`` (``make bench``; ``make bench-torch``
installs the CPU build of torch into ``.venv`` first). ``--quick`` for a fast smoke run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import timeit
import tracemalloc

import numpy as np

#: name -> (N, C_in, C_out, H=W, k, stride, padding); ``loop`` marks shapes small enough for
#: the plain-loop reference (a few seconds at most).
SHAPES = {
    "seed 6×6, 3×3, N=1, C 1→1": dict(n=1, c_in=1, c_out=1, hw=6, k=3, stride=1, padding=0, loop=True),
    "small 16×16, 3×3, N=2, C 4→8, pad 1": dict(
        n=2, c_in=4, c_out=8, hw=16, k=3, stride=1, padding=1, loop=True
    ),
    "32×32, 3×3, N=8, C 16→32, pad 1, stride 1": dict(
        n=8, c_in=16, c_out=32, hw=32, k=3, stride=1, padding=1, loop=False
    ),
    "32×32, 3×3, N=8, C 16→32, pad 1, stride 2": dict(
        n=8, c_in=16, c_out=32, hw=32, k=3, stride=2, padding=1, loop=False
    ),
    "first layer 224×224, 7×7, N=1, C 3→64, pad 3, stride 2": dict(
        n=1, c_in=3, c_out=64, hw=224, k=7, stride=2, padding=3, loop=False
    ),
}
PASSES = ("forward", "weight grad", "input grad", "backward")
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def make_data(shape: dict):
    rng = np.random.default_rng(0)
    n, c_in, c_out, hw, k = (shape[key] for key in ("n", "c_in", "c_out", "hw", "k"))
    x = rng.standard_normal((n, c_in, hw, hw))
    w = rng.standard_normal((c_out, c_in, k, k))
    b = rng.standard_normal(c_out)
    from lessons_code.conv_layer import output_size

    oh = output_size(hw, k, shape["stride"], shape["padding"])
    dout = rng.standard_normal((n, c_out, oh, oh))
    return x, w, b, dout


def flops(shape: dict, pass_: str) -> float:
    """Multiply-adds x 2 of one pass (the backward does both gradients)."""
    from lessons_code.conv_layer import output_size

    oh = output_size(shape["hw"], shape["k"], shape["stride"], shape["padding"])
    one = 2.0 * shape["n"] * shape["c_out"] * oh * oh * shape["c_in"] * shape["k"] ** 2
    return 2 * one if pass_ == "backward" else one


def numpy_call(shape: dict, pass_: str, impl: str):
    """The callable timed for ``impl`` in ("auto", "taps", "loop")."""
    from lessons_code import _fastconv, conv_layer

    x, w, b, dout = make_data(shape)
    kw = dict(stride=shape["stride"], padding=shape["padding"])
    if impl == "loop":
        if pass_ == "forward":
            return x, lambda: conv_layer.conv_forward_loop(x, w, b, **kw)
        if pass_ == "backward":
            return x, lambda: conv_layer.conv_backward_loop(dout, x, w, **kw)
        raise ValueError("the loop reference computes both gradients together")
    _fastconv.DEFAULT_METHOD = impl
    _, cache = conv_layer.conv_forward(x, w, b, **kw)
    plan = _fastconv.make_plan(x.shape, w.shape, cache.stride, cache.padding, cache.dilation, dout.shape[2:])
    if pass_ == "forward":
        return x, lambda: conv_layer.conv_forward(x, w, b, **kw)
    if pass_ == "weight grad":
        return x, lambda: _fastconv.weight_grad(plan, x, dout)
    if pass_ == "input grad":
        return x, lambda: _fastconv.input_grad(plan, w, dout)
    return x, lambda: conv_layer.conv_backward(dout, cache)


def torch_call(shape: dict, pass_: str):
    import torch

    torch.set_num_threads(1)
    x, w, b, dout = (torch.from_numpy(a) for a in make_data(shape))
    s, p = shape["stride"], shape["padding"]
    if pass_ == "forward":
        return lambda: torch.nn.functional.conv2d(x, w, b, stride=s, padding=p)
    mask = {"weight grad": (False, True, False), "input grad": (True, False, False)}.get(
        pass_, (True, True, True)
    )

    def backward():
        return torch.ops.aten.convolution_backward(
            dout, x, w, [w.shape[0]], (s, s), (p, p), (1, 1), False, (0, 0), 1, mask
        )

    return backward


def check_against_torch(shape: dict) -> float:
    """Largest relative difference between our forward/backward and torch's (float64)."""
    import torch

    from lessons_code import conv_layer

    x, w, b, dout = make_data(shape)
    out, cache = conv_layer.conv_forward(x, w, b, stride=shape["stride"], padding=shape["padding"])
    ours = (out, *conv_layer.conv_backward(dout, cache))
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ot = torch.nn.functional.conv2d(xt, wt, bt, stride=shape["stride"], padding=shape["padding"])
    ot.backward(torch.from_numpy(dout))
    theirs = (ot.detach(), xt.grad, wt.grad, bt.grad)
    return max(
        float(np.abs(a - t.numpy()).max() / max(np.abs(t.numpy()).max(), 1e-300))
        for a, t in zip(ours, theirs, strict=True)
    )


def measure(fn, repeat: int, min_time: float) -> float:
    """Median seconds per call: ``number`` calls per run lasting >= min_time, ``repeat`` runs."""
    fn()  # warm up (imports, first touch of buffers)
    timer = timeit.Timer(fn)
    number = 1
    elapsed = timer.timeit(number)
    while elapsed < min_time:
        number = max(2 * number, int(1.2 * number * min_time / max(elapsed, 1e-9)))
        elapsed = timer.timeit(number)
    runs = [elapsed / number] + [t / number for t in timer.repeat(repeat - 1, number)]
    return statistics.median(runs)


def peak_memory(fn) -> int:
    """Peak bytes numpy allocates during one call (traced by tracemalloc), counting the
    layer's scratch buffers (kept between calls, so dropped first to be allocated again)."""
    from lessons_code import _fastconv

    fn()
    _fastconv.clear_workspace()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def worker(spec: dict) -> dict:
    shape = SHAPES[spec["shape"]]
    if spec["impl"] == "info":
        return machine_info()
    if spec["impl"] == "check":
        return {"max_rel_diff": check_against_torch(shape)}
    if spec["impl"] == "torch":
        return {"seconds": measure(torch_call(shape, spec["pass"]), spec["repeat"], spec["min_time"])}
    x, fn = numpy_call(shape, spec["pass"], spec["impl"])
    repeat = 3 if spec["impl"] == "loop" else spec["repeat"]
    result = {"seconds": measure(fn, repeat, 0.0 if spec["impl"] == "loop" else spec["min_time"])}
    if spec["impl"] != "loop":
        result["peak_x"] = peak_memory(fn) / x.nbytes
    return result


def machine_info() -> dict:
    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(not set)"),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        info["cpu"] = names[0] if names else platform.processor()
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [
            f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')} kernels, "
            f"{p.get('num_threads')} thread{'s' if p.get('num_threads') != 1 else ''})"
            for p in threadpool_info()
            if p.get("user_api") == "blas"
        ]
    except ImportError:
        info["blas"] = ["threadpoolctl not installed: BLAS not identified"]
    return info


def run_in_subprocess(spec: dict) -> dict:
    env = {**os.environ, **ONE_THREAD}
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["unknown error"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_version() -> str | None:
    proc = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.__version__)"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **ONE_THREAD},
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    ms = seconds * 1e3
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def fmt_rate(gflops: float) -> str:
    return f"{gflops:.1f}" if gflops >= 1 else f"{gflops:.2f}"


def ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or "seconds" not in a or "seconds" not in b:
        return "–" if not (a and "error" in a) else "error"
    r = a["seconds"] / b["seconds"]
    return f"{r:.0f}" if r >= 100 else f"{r:.2f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measurement (median)")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per timed run")
    parser.add_argument("--quick", action="store_true", help="3 runs of >= 0.02 s: a smoke test")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if importable")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    if args.quick:
        args.repeat, args.min_time = 3, 0.02

    first = next(iter(SHAPES))
    info = run_in_subprocess({"shape": first, "impl": "info"})
    tv = None if args.no_torch else torch_version()
    print("# Conv layer kernels: vectorised vs per-tap vs loop vs PyTorch (float64, one thread)\n")
    print(f"- date: {datetime.date.today().isoformat()}")
    print(f"- machine: {info.get('cores')} cores, {info.get('machine')}, {info.get('cpu')}")
    blas = "; ".join(info.get("blas", []))
    print(f"- Python {info.get('python')}, numpy {info.get('numpy')}; BLAS (threadpoolctl, in a "
          f"worker): {blas}; OPENBLAS_CORETYPE={info.get('openblas_coretype')}")  # fmt: skip
    if tv:
        print(f"- PyTorch {tv} (CPU, float64, torch.set_num_threads(1))")
    else:
        print("- PyTorch: NOT importable here (or --no-torch) — the torch column is empty; "
              "`make bench-torch` installs the CPU build into .venv and runs this benchmark")  # fmt: skip
    print(f"- timing: median of {args.repeat} runs, each >= {args.min_time} s, one process per "
          "measurement, OPENBLAS/OMP/MKL_NUM_THREADS=1\n")  # fmt: skip

    rows = []
    agreement = {}
    for name, shape in SHAPES.items():
        if tv:
            agreement[name] = run_in_subprocess({"shape": name, "impl": "check"})
        for pass_ in PASSES:
            spec = {"shape": name, "pass": pass_, "repeat": args.repeat, "min_time": args.min_time}
            res = {impl: run_in_subprocess({**spec, "impl": impl}) for impl in ("auto", "taps")}
            if shape["loop"] and pass_ in ("forward", "backward"):
                res["loop"] = run_in_subprocess({**spec, "impl": "loop"})
            if tv:
                res["torch"] = run_in_subprocess({**spec, "impl": "torch"})
            vec = res["auto"]
            if "error" in vec:
                print(f"error in {name} / {pass_}: {vec['error']}", file=sys.stderr)
            rows.append(
                [
                    name,
                    pass_,
                    fmt_ms(vec.get("seconds")),
                    fmt_rate(flops(shape, pass_) / vec["seconds"] / 1e9) if "seconds" in vec else "–",
                    f"{vec['peak_x']:.1f}" if "peak_x" in vec else "–",
                    f"{res['taps']['peak_x']:.1f}" if "peak_x" in res["taps"] else "–",
                    ratio(res["taps"], vec),
                    ratio(res.get("loop"), vec),
                    ratio(vec, res.get("torch")),
                ]
            )
            print(f"  measured {name} / {pass_}", file=sys.stderr, flush=True)

    header = [
        "shape",
        "pass",
        "vectorised ms",
        "GFLOP/s",
        "peak mem ÷ x",
        "taps: peak mem ÷ x",
        "taps ÷ vectorised",
        "loop ÷ vectorised",
        "vectorised ÷ torch",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " if i < 2 else " ---: " for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print("Columns: *vectorised* is `conv_forward` / `conv_backward` (default method: blocked "
          "im2col, one block of windows copied at a time); *weight grad* and *input grad* time one "
          "gradient alone (`_fastconv.weight_grad` / `input_grad`, layout copies included); *peak "
          "mem ÷ x* is the peak numpy memory of one call (scratch buffers and result included) "
          "divided by the size of the input x; *taps* is the "
          "copy-free method (one GEMM per kernel tap); *loop* is `conv_forward_loop` / "
          "`conv_backward_loop` (both gradients at once, so only forward and backward are shown; "
          "small shapes only); *vectorised ÷ torch* ≤ 1 means the numpy layer is at least as "
          "fast.")  # fmt: skip
    if agreement:
        worst = max((a.get("max_rel_diff", float("nan")) for a in agreement.values()), default=0.0)
        print(f"\nAgreement with torch (out, dx, dw, db), largest relative difference: {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
