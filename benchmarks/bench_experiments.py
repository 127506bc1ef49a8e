"""Time the computation of the experiments chapter (book/experiments.md) and print a table.

The chapter must execute in under 30 s on 2 cores. This script runs the same
computation as the page, phase by phase, with the page's settings, and reports
the wall-clock time of each phase, the total, and the budget verdict. It also
times the whole page as the book executes it (a fresh kernel, read by myst-nb and
run by nbclient) unless ``--no-page`` is given.

Run: ``.venv/bin/python benchmarks/bench_experiments.py``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from lessons_code.experiments import digits, gradient_study, runs
from lessons_code.experiments.runs import MODEL_SPECS
from lessons_code.tables import markdown_table

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 30.0


def time_phases() -> tuple[list[tuple[str, float]], runs.Experiments]:
    """The chapter's computation (``runs.chapter_results``, the call the page makes), phase by phase."""
    config = runs.Config()
    results = runs.chapter_results(config)
    ex = results.experiments
    n_models, n_seeds = len(MODEL_SPECS), len(config.seeds)
    n_twins, n_checkpoints = len(results.twins), len(results.checkpoints)
    phases = [
        (f"train {len(ex.runs)} networks ({n_models} models x {n_seeds} seeds x 2 pixel orders)",
         results.seconds["training"]),
        (f"permutation twins ({n_twins} models, 2 runs each)", results.seconds["twins"]),
        (f"the MLP on {len(runs.MORE_SEEDS)} more seeds x 2 pixel orders", results.seconds["more seeds"]),
        (f"gradient spread ({n_models} models x {n_checkpoints} checkpoints x 2 layers x seeds)",
         results.seconds["spreads"]),
    ]  # fmt: skip
    t = time.perf_counter()
    digits.shift_images(ex.digits.x_test, 0, 1)
    ex.accuracy_table(), ex.permutation_table(), ex.translation_table()
    gradient_study.spread_table(results.spreads, MODEL_SPECS, results.steps_per_epoch)
    phases.append(("tables", time.perf_counter() - t))
    return phases, ex


def per_model_table(ex: runs.Experiments) -> str:
    """Mean wall-clock training time of one run per model (the page shows multiply-adds instead)."""
    from lessons_code.experiments import nets

    rows = [
        (name, f"{ex.n_params(name):,}", f"{nets.forward_macs(spec):,}", f"{ex.seconds(name):.2f}")
        for name, spec in MODEL_SPECS.items()
    ]
    return markdown_table(
        ["Model", "Parameters", "Multiply-adds per image", "Seconds per training run"], rows, align="lrrr"
    )


def time_page() -> tuple[float, float]:
    """Wall-clock seconds of executing the page in a fresh kernel, and the kernel's CPU seconds
    (user + system, from ``getrusage(RUSAGE_CHILDREN)``: what it costs on an idle machine)."""
    import resource

    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient

    nb = read_myst_markdown_notebook((ROOT / "book" / "experiments.md").read_text(encoding="utf-8"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "book")}}
    ).execute()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-page", action="store_true", help="skip executing the page in a fresh kernel")
    args = parser.parse_args(argv)
    phases, ex = time_phases()
    total = sum(s for _, s in phases)
    rows = [(name, f"{s:.2f}") for name, s in phases]
    rows.append(("**computation total**", f"**{total:.2f}**"))
    if not args.no_page:
        page, cpu = time_page()
        rows.append(("whole page in a fresh kernel (as the book build runs it), wall clock", f"{page:.2f}"))
        rows.append(("... CPU time of that kernel (user + system)", f"{cpu:.2f}"))
        total = max(total, page)
    print(f"Experiments chapter timing (cores available: {os.cpu_count()}, numpy {np.__version__})\n")
    print(markdown_table(["Phase", "Seconds"], rows, align="lr"))
    print(f"\nTraining time per model ({ex.config.epochs} epochs, mean over {len(ex.config.seeds)} seeds)\n")
    print(per_model_table(ex))
    verdict = "within" if total < BUDGET_S else "OVER"
    load = os.getloadavg()[0]
    print(
        f"\n{verdict} the {BUDGET_S:.0f} s budget ({total:.1f} s wall clock; 1-min load average {load:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
