"""Time the im2col conv layer of ``lessons_code`` against its loop twins and PyTorch.

For every shape and every pass (forward, backward, forward + backward) the table shows the time
of ``conv_layer.conv_forward`` / ``conv_backward``, its GFLOP/s, its peak memory as a multiple of
the input ``x``, and as ratios the plain-loop twins (``conv_forward_loop`` /
``conv_backward_loop``, the seed shape only) and PyTorch's CPU ``conv2d`` in float64 (when
``torch`` is importable; it is never a dependency: ``make bench-torch`` installs it).

How it measures:

* every measurement runs in its own process, with one BLAS/OpenMP thread
  (``OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1``, ``torch.set_num_threads(1)``) and
  without ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` (set on some machines: they make OpenBLAS
  pick slower kernels); the header prints the kernel OpenBLAS uses (threadpoolctl);
* inside a process, ``timeit`` picks a number of calls lasting at least ``--min-time`` seconds
  and times ``--repeat`` such runs; the process reports the median per call;
* the processes of one shape and pass (layer, torch, loop) run one after the other, ``--rounds``
  times, and the table shows the median over the rounds: a burst of load from other jobs then
  hits both sides of a ratio alike;
* the clock is the process CPU time (``--clock cpu``, the default; ``--clock wall`` for wall
  time): on a shared machine it leaves out the time the process waits for a core;
* every worker, numpy and torch alike, runs with ``MALLOC_MMAP_THRESHOLD_`` and
  ``MALLOC_TRIM_THRESHOLD_`` set (see ``MALLOC``; ``--default-malloc`` leaves glibc's adaptive
  defaults): with the defaults, whether a call faults its temporaries in again depends on the
  order of earlier allocations, and it moved single timings by up to 1.8x for both libraries;
* peak memory is tracemalloc's peak during one call (numpy reports its allocations to it), the
  result included, divided by ``x.nbytes``; for ``backward`` the cache (which holds ``cols``)
  exists before the call and is not counted.

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
import time
import timeit
import tracemalloc

import numpy as np

#: name -> shape; ``loop`` marks the shapes small enough for the plain-loop twins.
SHAPES = {
    "seed 6×6, 3×3, N=1, C 1→1": dict(n=1, c_in=1, c_out=1, hw=6, k=3, stride=1, padding=0, loop=True),
    "32×32, 3×3, N=8, C 16→32, pad 1, stride 1": dict(
        n=8, c_in=16, c_out=32, hw=32, k=3, stride=1, padding=1, loop=False
    ),
    "32×32, 3×3, N=8, C 16→32, pad 1, stride 2": dict(
        n=8, c_in=16, c_out=32, hw=32, k=3, stride=2, padding=1, loop=False
    ),
    "224×224, 7×7, N=1, C 3→64, pad 3, stride 2": dict(
        n=1, c_in=3, c_out=64, hw=224, k=7, stride=2, padding=3, loop=False
    ),
}
PASSES = ("forward", "backward", "forward+backward")
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: Environment variables that make OpenBLAS choose slower kernels; unset for every measurement.
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
#: glibc malloc settings for every worker (numpy and torch alike; ``--default-malloc`` drops them):
#: keep freed blocks up to 32 MB in the heap and do not hand the heap's top back to the system.
#: With glibc's adaptive defaults, whether a call re-faults its temporaries (about 2 µs per 4 KB page
#: on the README's machine) depends on the order of earlier allocations, not on the computation.
MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(256 * 2**20)}


def make_data(shape: dict):
    from lessons_code.conv_layer import output_size

    rng = np.random.default_rng(0)
    n, c_in, c_out, hw, k = (shape[key] for key in ("n", "c_in", "c_out", "hw", "k"))
    x = rng.standard_normal((n, c_in, hw, hw))
    w = rng.standard_normal((c_out, c_in, k, k))
    b = rng.standard_normal(c_out)
    oh = output_size(hw, k, shape["stride"], shape["padding"])
    dout = rng.standard_normal((n, c_out, oh, oh))
    return x, w, b, dout


def flops(shape: dict, pass_: str) -> float:
    """2 x the multiply-adds of one pass (the backward computes two products: dw and dcols)."""
    from lessons_code.conv_layer import output_size

    oh = output_size(shape["hw"], shape["k"], shape["stride"], shape["padding"])
    one = 2.0 * shape["n"] * shape["c_out"] * oh * oh * shape["c_in"] * shape["k"] ** 2
    return {"forward": 1, "backward": 2, "forward+backward": 3}[pass_] * one


def layer_call(shape: dict, pass_: str, impl: str):
    """The callable timed for ``impl`` in ("layer", "memory", "loop"); "memory" is the layer."""
    from lessons_code import conv_layer

    x, w, b, dout = make_data(shape)
    kw = dict(stride=shape["stride"], padding=shape["padding"])
    if impl == "loop":
        forward = lambda: conv_layer.conv_forward_loop(x, w, b, **kw)  # noqa: E731
        backward = lambda: conv_layer.conv_backward_loop(dout, x, w, **kw)  # noqa: E731
    else:
        _, cache = conv_layer.conv_forward(x, w, b, **kw)
        forward = lambda: conv_layer.conv_forward(x, w, b, **kw)  # noqa: E731
        backward = lambda: conv_layer.conv_backward(dout, cache)  # noqa: E731
    both = lambda: (forward(), backward())  # noqa: E731
    if impl != "loop":  # the cache of this very forward pass, as in training
        both = lambda: conv_layer.conv_backward(dout, conv_layer.conv_forward(x, w, b, **kw)[1])  # noqa: E731
    return x, {"forward": forward, "backward": backward, "forward+backward": both}[pass_]


def torch_call(shape: dict, pass_: str):
    import torch

    torch.set_num_threads(1)
    x, w, b, dout = (torch.from_numpy(a) for a in make_data(shape))
    s, p = shape["stride"], shape["padding"]

    def forward():
        return torch.nn.functional.conv2d(x, w, b, stride=s, padding=p)

    def backward():  # dx, dw, db: what autograd calls for conv2d, without the autograd bookkeeping
        return torch.ops.aten.convolution_backward(
            dout, x, w, [w.shape[0]], (s, s), (p, p), (1, 1), False, (0, 0), 1, (True, True, True)
        )

    return {"forward": forward, "backward": backward, "forward+backward": lambda: (forward(), backward())}[
        pass_
    ]


def check_against_torch(shape: dict) -> float:
    """Largest relative difference between the layer's out, dx, dw, db and torch's (float64)."""
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


def measure(fn, repeat: int, min_time: float, clock: str) -> float:
    """Median seconds per call: ``number`` calls per run lasting >= min_time, ``repeat`` runs."""
    fn()  # warm up (imports, first touch of buffers)
    timer = timeit.Timer(fn, timer=time.process_time if clock == "cpu" else time.perf_counter)
    number = 1
    elapsed = timer.timeit(number)
    while elapsed < min_time:
        number = max(2 * number, int(1.2 * number * min_time / max(elapsed, 1e-9)))
        elapsed = timer.timeit(number)
    runs = [elapsed / number] + [t / number for t in timer.repeat(repeat - 1, number)]
    return statistics.median(runs)


def peak_memory(fn) -> int:
    """Peak bytes numpy allocates during one call, as traced by tracemalloc."""
    fn()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def worker(spec: dict) -> dict:
    if spec["impl"] == "info":
        return machine_info()
    shape = SHAPES[spec["shape"]]
    if spec["impl"] == "check":
        return {"max_rel_diff": check_against_torch(shape)}
    if spec["impl"] == "torch":
        fn = torch_call(shape, spec["pass"])
        return {"seconds": measure(fn, spec["repeat"], spec["min_time"], spec["clock"])}
    x, fn = layer_call(shape, spec["pass"], spec["impl"])
    if spec["impl"] == "memory":
        return {"peak_x": peak_memory(fn) / x.nbytes}
    return {"seconds": measure(fn, spec["repeat"], spec["min_time"], spec["clock"])}


def machine_info() -> dict:
    """What the worker processes run on (called inside one, so it sees their environment)."""
    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "unset": {name: os.environ.get(name) for name in UNSET},
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
            f"{p.get('internal_api')} {p.get('version')}, {p.get('architecture')} kernels, "
            f"{p.get('num_threads')} thread{'s' if p.get('num_threads') != 1 else ''}"
            for p in threadpool_info()
            if p.get("user_api") == "blas"
        ]
    except ImportError:
        info["blas"] = ["threadpoolctl not installed (it comes with scikit-learn): BLAS not identified"]
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    return info


def worker_env(default_malloc: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    return {**env, **ONE_THREAD, **({} if default_malloc else MALLOC)}


def run_in_subprocess(spec: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        env=worker_env(spec.get("default_malloc", False)),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["unknown error"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median_of_rounds(results: list[dict]) -> dict:
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        return {"error": errors[0]}
    return {"seconds": statistics.median(r["seconds"] for r in results)}


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    ms = seconds * 1e3
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b:
        return "–"
    if "seconds" not in a or "seconds" not in b:
        return "error"
    r = a["seconds"] / b["seconds"]
    return f"{r:.0f}" if r >= 100 else f"{r:.2f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per process (median)")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per timed run")
    parser.add_argument("--rounds", type=int, default=3, help="processes per measurement (median)")
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="process CPU time or wall time"
    )
    parser.add_argument("--quick", action="store_true", help="1 round of 3 runs of >= 0.02 s: a smoke test")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if importable")
    parser.add_argument(
        "--default-malloc", action="store_true", help="leave glibc's malloc settings as they are (see MALLOC)"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    if args.quick:
        args.repeat, args.min_time, args.rounds = 3, 0.02, 1

    info = run_in_subprocess({"impl": "info"})
    if "error" in info:
        print(f"the worker process failed: {info['error']}", file=sys.stderr)
        return 1
    tv = None if args.no_torch else info.get("torch")
    print("# Conv layer: im2col vs loops vs PyTorch (float64, one thread)\n")
    print(f"- date: {datetime.date.today().isoformat()}")
    print(f"- machine: `uname -m` {info['machine']}, {info['cpu']}, {info['cores']} cores")
    print(f"- Python {info['python']}, numpy {info['numpy']}; BLAS (threadpoolctl, in a worker): "
          f"{'; '.join(info['blas'])}")  # fmt: skip
    parent = ", ".join(f"{k}={os.environ[k]}" for k in UNSET if k in os.environ) or "neither was set"
    print(f"- unset for every measurement: {', '.join(UNSET)} (here: {parent})")
    malloc = "glibc defaults" if args.default_malloc else " ".join(f"{k}={v}" for k, v in MALLOC.items())
    print(f"- malloc, for numpy and torch alike: {malloc}")
    if tv:
        print(f"- PyTorch {tv} (CPU, float64, torch.set_num_threads(1))")
    else:
        print("- PyTorch: NOT importable here (or --no-torch): the torch columns are empty; "
              "`make bench-torch` installs the CPU build into .venv and runs this benchmark")  # fmt: skip
    print(f"- timing: {args.clock} clock, median of {args.rounds} process(es) per measurement, "
          f"each the median of {args.repeat} runs of >= {args.min_time} s; "
          "OPENBLAS/OMP/MKL_NUM_THREADS=1\n")  # fmt: skip

    rows, summary, agreement = [], [], {}
    for name, shape in SHAPES.items():
        if tv:
            agreement[name] = run_in_subprocess({"shape": name, "impl": "check"})
        per_pass = {}
        for pass_ in PASSES:
            spec = {"shape": name, "pass": pass_, "repeat": args.repeat, "min_time": args.min_time}
            spec.update(clock=args.clock, default_malloc=args.default_malloc)
            impls = ["layer"] + (["torch"] if tv else []) + (["loop"] if shape["loop"] else [])
            runs = {impl: [] for impl in impls}
            for _ in range(args.rounds):
                for impl in impls:
                    one = {**spec, "impl": impl}
                    if impl == "loop":
                        one.update(repeat=3, min_time=0.0)
                    runs[impl].append(run_in_subprocess(one))
            res = {impl: median_of_rounds(r) for impl, r in runs.items()}
            mem = run_in_subprocess({**spec, "impl": "memory"})
            layer = res["layer"]
            if "error" in layer:
                print(f"error in {name} / {pass_}: {layer['error']}", file=sys.stderr)
            per_pass[pass_] = ratio(layer, res.get("torch"))
            rows.append(
                [
                    name,
                    pass_,
                    fmt_ms(layer.get("seconds")),
                    f"{flops(shape, pass_) / layer['seconds'] / 1e9:.1f}" if "seconds" in layer else "–",
                    f"{mem['peak_x']:.1f}" if "peak_x" in mem else "–",
                    ratio(res.get("loop"), layer),
                    fmt_ms(res.get("torch", {}).get("seconds")),
                    per_pass[pass_],
                ]
            )
            print(f"  measured {name} / {pass_}", file=sys.stderr, flush=True)
        summary.append([name, *(per_pass[p] for p in PASSES)])

    header = [
        "shape",
        "pass",
        "layer ms",
        "GFLOP/s",
        "peak mem ÷ x",
        "loop ÷ layer",
        "torch ms",
        "layer ÷ torch",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " if i < 2 else " ---: " for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print("Columns: *layer* is `conv_forward` / `conv_backward` (im2col, one matrix product per "
          "product of the FC view); *forward+backward* is one call of each, as in training; *peak mem "
          "÷ x* is tracemalloc's peak during one call over the size of x; *loop* is "
          "`conv_forward_loop` / `conv_backward_loop` (seed shape only); *layer ÷ torch* ≤ 1 means "
          "the numpy layer is at least as fast as PyTorch.\n")  # fmt: skip
    if tv:
        print("| shape | forward ÷ torch | backward ÷ torch | forward+backward ÷ torch |")
        print("| --- | ---: | ---: | ---: |")
        for row in summary:
            print("| " + " | ".join(row) + " |")
        worst = max((a.get("max_rel_diff", float("nan")) for a in agreement.values()), default=0.0)
        print(f"\nAgreement with torch (out, dx, dw, db), largest relative difference: {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
