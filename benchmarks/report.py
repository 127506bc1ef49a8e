"""Performance and size report of the site: build times, test time, page and asset sizes.

    python benchmarks/report.py                 # cold strict build (per-page times), then sizes
    python benchmarks/report.py --tests         # also time the whole test suite on that build (slow)
    python benchmarks/report.py --site _build/html   # sizes of an existing build only (no timing)

Times are printed, never asserted; sizes are checked against ``tools/budgets.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from bookbuild import ROOT, built, toc_files
from budgets import ANIMATION_BUDGET, PAGE_BUDGET, over_budget, page_weight


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="report the sizes of this existing build (no timing)")
    parser.add_argument("--tests", action="store_true", help="also time the test suite on the build (slow)")
    parser.add_argument("--top", type=int, default=12, help="how many of the heaviest assets to list")
    args = parser.parse_args(argv)

    work = None
    lines = ["# Site report", ""]
    if args.site:
        html = args.site.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="fcconv-report-"))
        cold = built(work)
        html = work / "_build" / "html"
        lines += [f"cold strict build (fresh folder, every page executed): {cold.seconds:7.1f} s"]
        lines += [f"  of which the Sphinx pass:                           {cold.sphinx_seconds:7.1f} s"]
        lines += [f"  execution of {p.doc:38} {p.seconds:7.1f} s" for p in cold.pages]
    try:
        if args.tests:
            start = time.perf_counter()
            env = dict(os.environ, FCCONV_SITE=str(html))
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env
            )
            took = time.perf_counter() - start
            lines += [f"test suite on that build (pytest, exit {proc.returncode}): {took:7.1f} s"]
        lines += ["", "## Pages (HTML includes its inline data; images are the page's own figures)", ""]
        lines += [f"{'page':34} {'HTML':>10} {'inline':>10} {'images':>10} {'total':>10}  players"]
        over = []
        for doc in toc_files():
            w = page_weight(html / f"{doc}.html")
            players = ", ".join(kb(p) for p in w.players) or "-"
            flag = "  OVER BUDGET" if w.total > PAGE_BUDGET else ""
            sizes = " ".join(f"{kb(n):>10}" for n in (w.html, w.inline, w.images, w.total))
            lines.append(f"{doc:34} {sizes}  {players}{flag}")
            over += over_budget(doc, w)
        files = [p for p in html.rglob("*") if p.is_file()]
        total = sum(p.stat().st_size for p in files)
        static = sum(p.stat().st_size for p in files if "_static" in p.relative_to(html).parts)
        katex = sum(p.stat().st_size for p in (html / "_static" / "katex").rglob("*") if p.is_file())
        lines += [
            "",
            "## Whole site",
            "",
            f"{len(files)} files, {kb(total)} in all; theme and scripts (_static): {kb(static)}, "
            f"of which KaTeX CSS and fonts {kb(katex)}",
            "",
            f"## Heaviest {args.top} files",
            "",
        ]
        for p in sorted(files, key=lambda p: p.stat().st_size, reverse=True)[: args.top]:
            lines.append(f"{kb(p.stat().st_size):>10}  {p.relative_to(html).as_posix()}")
        lines += ["", f"## Budgets (page <= {kb(PAGE_BUDGET)}, animation <= {kb(ANIMATION_BUDGET)})", ""]
        lines += over or ["all pages and animations within budget"]
        print("\n".join(lines))
        return 1 if over else 0
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
