"""Build speed: the book against a bare book of the same configuration and page count.

    python benchmarks/bench_build.py              # 3 interleaved rounds (several minutes)
    python benchmarks/bench_build.py --rounds 1 --no-serial

Every round builds, in an order that alternates from round to round:

- **bare**: a copy of the repository whose TOC pages are replaced by a title and one tiny code
  cell each (same ``_config.yml``, same ``_toc.yml``, same number of pages), built with the plain
  strict command ``jupyter-book build --all -W -n --keep-going`` into a fresh folder;
- **strict**: ``tools/bookbuild.strict_build`` (what ``make book`` runs) into a fresh folder:
  every page executed afresh, pages in parallel, the strict Sphinx pass reading each page as soon
  as its outputs are ready;
- **preview**: ``tools/bookbuild.preview_build`` (``make preview``) after a prose-only edit of one
  page, on a preview cache filled once before the first round;
- **serial** (unless ``--no-serial``): the plain strict command on the real book, as a reader
  who builds "with their own environment" would (pages executed one after the other).

It prints each round's times, the medians, the ratios to the bare book (targets: strict <= 2.0,
preview <= 1.5), the CPU time each build used (all its processes: kernels, workers, Sphinx), and
the median execution time of every page in the strict builds. Times are printed, never asserted:
they depend on the machine and on what else runs on it. On a machine busy with other work the
parallel execution gains little (the other work takes the second core), so the load average is
printed too; the CPU times show the work itself.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from bookbuild import JB_FLAGS, ROOT, myst_page, page_source, preview_build, strict_build, toc_files

SKIP = {".git", ".venv", "_build", "node_modules", ".jupyter_cache", "__pycache__", ".pytest_cache",
        ".hypothesis", ".ruff_cache"}  # fmt: skip


def copy_repo(dest: Path) -> Path:
    """A copy of the repository without its environments and builds (node_modules is linked)."""
    shutil.copytree(ROOT, dest, ignore=lambda _d, names: [n for n in names if n in SKIP], symlinks=True)
    if (ROOT / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def make_bare(dest: Path) -> Path:
    """The repository with every TOC page replaced by a title and one tiny code cell."""
    copy_repo(dest)
    for i, doc in enumerate(toc_files(dest / "_toc.yml")):
        page = page_source(doc, dest)
        page.with_suffix(".md").write_text(myst_page(f"Page {i}", f"1 + {i}"), encoding="utf-8")
        if page.suffix != ".md":
            page.unlink()
    return dest


def plain_build(src: Path, out: Path) -> float:
    """``jupyter-book build --all -W -n --keep-going`` of ``src`` into ``out``; the wall time."""
    jb = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    proc = subprocess.run(
        [str(jb), "build", str(src), "--path-output", str(out), *JB_FLAGS],
        cwd=src,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write((proc.stdout + proc.stderr)[-4000:])
        raise SystemExit(f"bench_build: the plain build of {src} failed (exit {proc.returncode})")
    return took


def prose_edit(src: Path, n: int) -> None:
    """Append one sentence to the last paragraph of the first notebook page: no code changes."""
    page = page_source(toc_files(src / "_toc.yml")[1], src)
    page.write_text(page.read_text(encoding="utf-8") + f"\nA sentence added by edit {n}.\n", encoding="utf-8")


def cpu_seconds() -> float:
    """User + system time of this process and of every finished child (kernels, Sphinx, ...)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--no-serial", action="store_true", help="skip the plain serial build of the real book"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="fcconv-bench-build-"))
    try:
        bare, book = make_bare(work / "bare"), copy_repo(work / "book")
        preview_out = work / "preview"
        warm = preview_build(preview_out, root=book)
        if warm.returncode != 0:
            sys.stderr.write(warm.log[-4000:])
            raise SystemExit("bench_build: the first preview build failed")
        load = os.getloadavg()[0]
        print(f"{len(toc_files())} pages; {os.cpu_count()} cores; load average at start {load:.1f}")
        kinds = ["bare", "strict", "preview"] + ([] if args.no_serial else ["serial"])
        times: dict[str, list[float]] = {k: [] for k in kinds}
        cpu: dict[str, list[float]] = {k: [] for k in kinds}
        sphinx, pages = [], {}
        for r in range(args.rounds):
            order = kinds if r % 2 == 0 else kinds[::-1]
            for kind in order:
                out = work / f"{kind}-{r}"
                cpu_start = cpu_seconds()
                if kind == "bare":
                    times[kind].append(plain_build(bare, out))
                elif kind == "serial":
                    times[kind].append(plain_build(book, out))
                elif kind == "strict":
                    b = strict_build(out, root=book)
                    if b.returncode != 0:
                        sys.stderr.write(b.log[-4000:])
                        raise SystemExit("bench_build: the strict build failed")
                    times[kind].append(b.seconds)
                    sphinx.append(b.sphinx_seconds)
                    for p in b.pages:
                        pages.setdefault(p.doc, []).append(p.seconds)
                else:
                    prose_edit(book, r)
                    b = preview_build(preview_out, root=book)
                    executed = [p.doc for p in b.pages if not p.reused]
                    if b.returncode != 0 or executed:
                        raise SystemExit(f"bench_build: preview failed or re-executed {executed}")
                    times[kind].append(b.seconds)
                cpu[kind].append(cpu_seconds() - cpu_start)
                shutil.rmtree(out, ignore_errors=True)
            summary = ", ".join(f"{k} {times[k][-1]:.1f} s" for k in kinds)
            print(f"round {r + 1} (load {os.getloadavg()[0]:.1f}): {summary}", flush=True)

        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"\nload average at end {os.getloadavg()[0]:.1f}\n")
        cmed = {k: statistics.median(v) for k, v in cpu.items()}
        print("| build | median s | runs s | ÷ bare | target | CPU s (median) | CPU ÷ bare |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        target = {"strict": "≤ 2.0", "preview": "≤ 1.5"}
        for k in kinds:
            runs = " ".join(f"{t:.1f}" for t in times[k])
            print(
                f"| {k} | {med[k]:.1f} | {runs} | {med[k] / med['bare']:.2f} | {target.get(k, '')} "
                f"| {cmed[k]:.1f} | {cmed[k] / cmed['bare']:.2f} |"
            )
        tail = statistics.median(sphinx)
        print(f"\nstrict: the Sphinx pass ran on {tail:.1f} s (median) after the last page was executed\n")
        print("| page (strict builds) | median execution s |")
        print("| --- | ---: |")
        for doc, secs in pages.items():
            print(f"| {doc} | {statistics.median(secs):.2f} |")
        print(f"| all pages, one after the other | {sum(statistics.median(s) for s in pages.values()):.2f} |")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
