"""Performance and size report of the site: build times, test time, page and asset sizes.

    python tools/report.py                 # cold strict build (per-page times), then sizes
    python tools/report.py --tests         # also time the whole test suite on that build (slow)
    python tools/report.py --site _build/html   # sizes of an existing build only (no timing)

Times are measured and printed, never asserted (they depend on the machine). Sizes are checked
against the budgets of the issue (one animation player <= 400 KB, one page <= 1.5 MB) and the
report says which are over; ``tests/test_site.py`` asserts the same budgets.

The cold build is the strict build of ``make book`` (``tools/bookbuild.strict_build``) into a
fresh temporary folder: every page executed, pages in parallel, then the Sphinx pass; the report
gives its time, the Sphinx pass's share and every page's execution time.
``benchmarks/bench_build.py`` compares these times with a bare book of the same configuration.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookbuild import ROOT, strict_build, toc_files

ANIMATION_BUDGET = 400 * 1024
PAGE_BUDGET = 1536 * 1024


def timed_build(out: Path):
    build = strict_build(out)
    if build.returncode != 0:
        sys.stderr.write(build.log[-6000:])
        raise SystemExit(f"report: the strict build failed (exit {build.returncode})")
    return build


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def page_sizes(html: Path, doc: str) -> dict[str, int]:
    """HTML bytes, of which inline data (data: URIs), own images, and animation players."""
    path = html / f"{doc}.html"
    text = path.read_text(encoding="utf-8")
    inline = sum(len(m) for m in re.findall(r"data:[a-z]+/[a-z+.-]+;base64,[A-Za-z0-9+/=]+", text))
    images, seen = 0, set()
    for src in re.findall(r'<img[^>]*?\ssrc="([^"]+)"', text):
        if src.startswith("data:") or urlsplit(src).scheme or "_static/" in src:
            continue
        target = (path.parent / unquote(urlsplit(src).path)).resolve()
        if target.is_file() and target not in seen:
            seen.add(target)
            images += target.stat().st_size
    players = [len(m.encode()) for m in _players(text)]
    return {"html": len(text.encode()), "inline": inline, "images": images, "players": players}


def _players(text: str) -> list[str]:
    """The markup of each to_jshtml player: from its div.animation to the end of its script."""
    out = []
    for m in re.finditer(r'<div class="animation">', text):
        end = text.find("</script>", text.find("new Animation(", m.start()))
        if end > 0:
            out.append(text[m.start() : end + len("</script>")])
    return out


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
        cold = timed_build(work)
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
            s = page_sizes(html, doc)
            total = s["html"] + s["images"]
            players = ", ".join(kb(p) for p in s["players"]) or "-"
            flag = "  OVER BUDGET" if total > PAGE_BUDGET else ""
            sizes = " ".join(f"{kb(n):>10}" for n in (s["html"], s["inline"], s["images"], total))
            lines.append(f"{doc:34} {sizes}  {players}{flag}")
            if total > PAGE_BUDGET:
                over.append(f"page {doc}: {kb(total)} > {kb(PAGE_BUDGET)}")
            over += [
                f"animation {i} on {doc}: {kb(p)} > {kb(ANIMATION_BUDGET)}"
                for i, p in enumerate(s["players"])
                if p > ANIMATION_BUDGET
            ]
        files = [p for p in html.rglob("*") if p.is_file()]
        total = sum(p.stat().st_size for p in files)
        static = sum(p.stat().st_size for p in files if "_static" in p.relative_to(html).parts)
        mathjax = sum(p.stat().st_size for p in (html / "_static" / "mathjax").rglob("*") if p.is_file())
        lines += [
            "",
            "## Whole site",
            "",
            f"{len(files)} files, {kb(total)} in all; theme and scripts (_static): {kb(static)}, "
            f"of which MathJax {kb(mathjax)}",
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
