"""Build the book (``make book``, strict; ``make preview``) and read its TOC for the other tools.

Two passes at once. Execution: every TOC page with code runs in a fresh kernel in its folder, one
page per core plus one, slowest first (by ``_build/.execute/timings.json``), into a jupyter-cache.
Sphinx: ``jupyter-book build --all -W -n --keep-going`` with a generated copy of ``_config.yml`` that
reads the outputs from that cache; it starts once every page is handed to a worker and reads each
page when its outputs are cached (``fcconv_site``'s ``source-read`` hook, ``FCCONV_WAIT_DIR``).
The strict build empties the cache first; the preview keys it on :data:`PREVIEW_INPUTS` and the
Python version, so a page runs again only when its code or those changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import yaml
from fcconv_site import WAIT_ENV, marker

ROOT = Path(__file__).resolve().parents[1]
#: The strict Sphinx flags: every page read again, any warning fails (as ``make book``).
JB_FLAGS = ["--all", "-W", "-n", "--keep-going"]
#: Where a build keeps its executed notebooks and its generated config (under ``<out>/_build``).
EXEC_DIR = ".execute"
#: What a page's outputs depend on besides its own code cells (the preview cache key).
PREVIEW_INPUTS = ("lessons_code", "pyproject.toml", "constraints.txt")
#: Publish-time settings read from the environment (the publish workflow sets them on main).
REPOSITORY_ENV = "FCCONV_REPOSITORY_URL"


def myst_page(title: str, code: str | None = None) -> str:
    """A generated MyST notebook page (benchmarks/bench_build.py, the tests' tiny books): the
    description every page needs, a title, and one code cell when ``code`` is given."""
    front = (
        "---\n"
        f'myst:\n  html_meta:\n    description: "A generated page: {title}."\n'
        "jupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
        "---\n"
    )
    cell = f"\n```{{code-cell}} ipython3\n{code}\n```\n" if code is not None else ""
    return f"{front}\n# {title}\n\nOne tiny page.\n{cell}"


def toc_files(toc: Path | None = None) -> list[str]:
    """Every document named in ``_toc.yml`` (or ``toc``), in reading order (the root first)."""
    data = yaml.safe_load((toc or ROOT / "_toc.yml").read_text())
    files = [data["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in data.get("parts", []):
        walk(part.get("chapters"))
    walk(data.get("chapters"))
    return files


def page_source(doc: str, root: Path = ROOT) -> Path:
    """The source file of a TOC entry (``book/geometry`` -> ``book/geometry.md``)."""
    for suffix in ("", ".md", ".ipynb"):
        path = root / f"{doc}{suffix}"
        if path.is_file() and (suffix or path.suffix in (".md", ".ipynb")):
            return path
    raise FileNotFoundError(f"{doc} is in the table of contents but has no .md or .ipynb file in {root}")


def read_notebook(path: Path):
    """The page as myst-nb reads it (a NotebookNode), or None if it has no code cell to run."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), text)
    if reader is None:
        return None
    nb = reader.read(text)
    return nb if any(c.cell_type == "code" for c in nb.cells) else None


def load_config(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


class PageRun(NamedTuple):
    doc: str
    seconds: float  # wall time of its execution (kernel start included); 0.0 if reused
    error: str | None  # the traceback of the failing cell, or None
    reused: bool = False  # preview only: outputs matched in the cache, not executed


def _execute(path: str, timeout: int | None, allow_errors: bool) -> tuple[str, float, str | None]:
    """Worker: execute one page in a fresh kernel in its folder; the notebook as JSON text."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    start = time.perf_counter()
    for attempt in (1, 2, 3):
        nb = read_notebook(Path(path))
        try:
            result = single_nb_execution(
                nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=allow_errors
            )
            break
        except Exception:  # no kernel: it failed to start (kernels starting at once can race for
            # a port) or died. Start a fresh one, up to twice more; a cell error is not retried.
            if attempt == 3:
                return "", time.perf_counter() - start, traceback.format_exc()
            print(f"{path}: kernel failed, starting a new one:\n{traceback.format_exc()}", file=sys.stderr)
    if result.err is not None:
        return "", time.perf_counter() - start, result.exc_string
    for cell in result.nb.cells:
        cell["outputs"] = join_streams(cell.get("outputs", []))
    return nbformat.writes(result.nb), time.perf_counter() - start, None


def join_streams(outputs: list) -> list:
    """Consecutive outputs of one stream joined into one: where the kernel cut a stream depends on
    when it flushed, and myst-nb's ``nb_merge_streams`` strips each piece's end before joining
    them (a blank line in some builds, not in others)."""
    joined: list = []
    for output in outputs:
        last = joined[-1] if joined else {}
        if output.get("output_type") == last.get("output_type") == "stream" and output["name"] == last.get(
            "name"
        ):
            last["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def default_workers() -> int:
    """One page per core plus one (``FCCONV_BUILD_WORKERS`` overrides it): the extra page uses the
    time a kernel spends starting (2 cores: 3 workers built in 48-51 s, 2 in 63-72 s)."""
    return max(1, int(os.environ.get("FCCONV_BUILD_WORKERS") or (os.cpu_count() or 1) + 1))


def _kernel_threads(threads: int) -> None:
    """Worker initializer: each kernel gets ``threads`` BLAS threads (pages already run in parallel;
    OpenBLAS threads waiting for a busy core spin: one page took 7.7 s instead of 0.9 s)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))


def plan_pages(docs: list[str], cache_dir: Path, *, root: Path = ROOT, reuse: bool = False):
    """``(todo, reused)``: ``todo`` the ``(doc, source)`` to execute, slowest first by the last
    build's :func:`page_timings` (untimed pages first, then largest source first); pages without
    code or matching ``execute.exclude_patterns`` are left out; with ``reuse``, a page whose code
    cells match a cached notebook is listed in ``reused`` instead."""
    from jupyter_cache import get_cache

    excluded = (load_config(root).get("execute") or {}).get("exclude_patterns") or []
    cache = get_cache(str(cache_dir))
    todo, reused = [], []
    for doc in docs:
        path = page_source(doc, root)
        nb = read_notebook(path)
        if nb is None or any(PurePosixPath(path.as_posix()).match(pattern) for pattern in excluded):
            continue
        try:
            if reuse:
                cache.match_cache_notebook(nb)  # KeyError: not in the cache
                reused.append(PageRun(doc, 0.0, None, reused=True))
                continue
        except KeyError:
            pass
        todo.append((doc, path))
    timed = page_timings(root)
    todo.sort(key=lambda item: (-timed.get(item[0], float("inf")), -item[1].stat().st_size))
    return todo, reused


def timings_file(root: Path = ROOT) -> Path:
    return root / "_build" / EXEC_DIR / "timings.json"


def page_timings(root: Path = ROOT) -> dict[str, float]:
    """``{doc: seconds}`` measured by the last builds of ``root`` (empty if none or unreadable)."""
    try:
        data = json.loads(timings_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_timings(runs: list[PageRun], root: Path = ROOT) -> None:
    timed = page_timings(root) | {r.doc: round(r.seconds, 2) for r in runs if not r.error and not r.reused}
    try:
        timings_file(root).parent.mkdir(parents=True, exist_ok=True)
        timings_file(root).write_text(json.dumps(timed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError:  # a read-only checkout: the next build orders the pages by size
        pass


def run_pages(todo, cache_dir: Path, *, root=ROOT, workers=None, say=print, submitted=None, ready=None):
    """Execute ``todo`` into the jupyter-cache at ``cache_dir``; ``submitted()`` once every page is
    handed to a worker, ``ready(doc)`` once a page's outputs are cached."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    execute = load_config(root).get("execute") or {}
    timeout, allow_errors = execute.get("timeout", 30), bool(execute.get("allow_errors", False))
    cache, runs = get_cache(str(cache_dir)), []
    n = max(1, min(workers or default_workers(), len(todo)))
    if todo:
        say(f"executing {len(todo)} pages, {n} at a time")
    with ProcessPoolExecutor(
        n, initializer=_kernel_threads, initargs=(max(1, (os.cpu_count() or 1) // n),)
    ) as pool:
        futures = {pool.submit(_execute, str(path), timeout, allow_errors): (doc, path) for doc, path in todo}
        (submitted or (lambda: None))()
        for future in as_completed(futures):
            (doc, path), (text, seconds, error) = futures[future], future.result()
            runs.append(PageRun(doc, seconds, error))
            if error:
                say(f"{doc}: Executing notebook failed after {seconds:.2f} s\n{error}")
                continue
            say(f"executed {doc} in {seconds:.2f} s")
            nb = nbformat.reads(text, nbformat.NO_CONVERT)
            bundle = CacheBundleIn(nb, str(path), data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            (ready or (lambda doc: None))(doc)
    return runs


def execute_pages(docs, cache_dir: Path, *, root=ROOT, workers=None, reuse=False, say=print) -> list[PageRun]:
    """:func:`plan_pages` then :func:`run_pages`: the runs of ``docs``, in their order."""
    todo, reused = plan_pages(docs, cache_dir, root=root, reuse=reuse)
    runs = reused + run_pages(todo, cache_dir, root=root, workers=workers, say=say)
    return sorted(runs, key=lambda r: docs.index(r.doc))


def build_config(cache_dir: Path, dest: Path, root: Path = ROOT) -> Path:
    """Write ``_config.yml`` with the pages' outputs taken from ``cache_dir``, absolute
    ``local_extensions`` and, with ``FCCONV_REPOSITORY_URL`` set, the settings of
    ``tools/set_repository.py``; return its path."""
    config = load_config(root)
    config.setdefault("execute", {}).update(execute_notebooks="cache", cache=str(cache_dir.resolve()))
    sphinx = config.setdefault("sphinx", {})
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {name: str((root / folder).resolve()) for name, folder in local.items()}
    if os.environ.get(REPOSITORY_ENV):
        from set_repository import repository_settings

        branch = os.environ.get("FCCONV_REPOSITORY_BRANCH", "main")
        repository_settings(config, os.environ[REPOSITORY_ENV], branch, os.environ.get("FCCONV_BASEURL"))
    dest.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    dest.write_text("# Generated by tools/bookbuild.py from _config.yml: do not edit.\n" + text, "utf-8")
    return dest


def preview_key(root: Path = ROOT) -> str:
    """A hash of everything a page's outputs depend on besides its code cells."""
    digest = hashlib.sha256(sys.version.encode())
    for name in PREVIEW_INPUTS:
        base = root / name
        for path in sorted(base.rglob("*")) if base.is_dir() else [base]:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class Build(NamedTuple):
    html: Path  # the built site
    seconds: float  # wall-clock time of the build (both passes)
    returncode: int
    log: str  # the execution report, then the output of jupyter-book
    pages: tuple[PageRun, ...] = ()  # per-page execution times, in TOC order
    sphinx_seconds: float = 0.0  # how long the Sphinx pass ran on after the last page was executed


def _build(out: Path, cache_dir: Path, *, root, toc, timeout, workers, reuse, echo) -> Build:
    """Both passes at once: Sphinx starts as soon as the pages are handed to the workers."""
    out, start, report = out.resolve(), time.perf_counter(), []

    def say(msg: str) -> None:
        report.append(msg)
        if echo:
            print(msg, flush=True)

    docs = toc_files(toc or root / "_toc.yml")
    todo, reused = plan_pages(docs, cache_dir, root=root, reuse=reuse)
    for run in reused:
        say(f"reused {run.doc} (its code and lessons_code unchanged)")
    signals = out / "_build" / EXEC_DIR / "signals"
    shutil.rmtree(signals, ignore_errors=True)
    signals.mkdir(parents=True)
    (signals / "pending.txt").write_text("".join(f"{doc}\n" for doc, _ in todo), encoding="utf-8")
    config = build_config(cache_dir, out / "_build" / EXEC_DIR / "_config.yml", root)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(root), "--path-output", str(out), *JB_FLAGS, "--config", str(config)]
    cmd += ["--toc", str(toc)] if toc else []
    lines, procs = [], []

    def read(proc) -> None:
        for line in proc.stdout:
            lines.append(line)
            if echo:
                print(line, end="", flush=True)

    def sphinx() -> None:  # jupyter-book in the background, its output collected (and echoed)
        env = dict(os.environ, **{WAIT_ENV: str(signals)})
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        procs.extend([proc, threading.Thread(target=read, args=(proc,), daemon=True)])
        procs[1].start()

    try:
        runs = run_pages(todo, cache_dir, root=root, workers=workers, say=say, submitted=sphinx,
                         ready=lambda doc: marker(signals, doc).touch())  # fmt: skip
    except BaseException:
        (signals / "FAILED").write_text("interrupted\n")
        if procs:
            procs[0].kill()
        raise
    executed = time.perf_counter()
    save_timings(runs, root)
    failed = [r.doc for r in runs if r.error]
    if failed:
        (signals / "FAILED").write_text("".join(f"{doc}\n" for doc in failed))
        say(f"cell errors in {', '.join(failed)}: the build fails (tracebacks above)")
    try:
        code = procs[0].wait(timeout)
    except subprocess.TimeoutExpired:
        procs[0].kill()
        code = procs[0].wait()
        lines.append(f"\nbookbuild: the Sphinx pass was stopped after {timeout} s\n")
    procs[1].join()
    end = time.perf_counter()
    pages = tuple(sorted(reused + runs, key=lambda r: docs.index(r.doc)))
    log = "\n".join(report) + "\n" + "".join(lines)
    (out / "_build" / "build.log").write_text(log, encoding="utf-8")
    return Build(out / "_build" / "html", end - start, 1 if failed else code, log, pages, end - executed)


def strict_build(out: Path, toc=None, timeout=None, *, workers=None, echo=False, root: Path = ROOT) -> Build:
    """The strict build into ``out`` (HTML in ``out/_build/html``, log in ``out/_build/build.log``):
    the execution cache emptied first, every page executed afresh, then :data:`JB_FLAGS`."""
    cache_dir = out.resolve() / "_build" / EXEC_DIR / "strict"
    shutil.rmtree(cache_dir, ignore_errors=True)
    return _build(
        out, cache_dir, root=root, toc=toc, timeout=timeout, workers=workers, reuse=False, echo=echo
    )


def built(out: Path, toc: Path | None = None) -> Build:
    """:func:`strict_build`, or exit with the end of its log when it failed (report, repro)."""
    build = strict_build(out, toc)
    if build.returncode != 0:
        sys.stderr.write(build.log[-6000:])
        raise SystemExit(f"the strict build into {out} failed (exit {build.returncode})")
    return build


def preview_build(out: Path = ROOT, *, workers=None, echo=False, root: Path = ROOT) -> Build:
    """The authors' loop: a page runs only if its code or :data:`PREVIEW_INPUTS` changed."""
    exec_dir = out.resolve() / "_build" / EXEC_DIR
    cache_dir = exec_dir / f"preview-{preview_key(root)}"
    for old in exec_dir.glob("preview-*"):
        if old != cache_dir:
            shutil.rmtree(old, ignore_errors=True)
    return _build(out, cache_dir, root=root, toc=None, timeout=None, workers=workers, reuse=True, echo=echo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the book (two passes: execution, then Sphinx).")
    parser.add_argument("--preview", action="store_true", help="re-execute only pages whose code changed")
    parser.add_argument("--out", type=Path, default=ROOT, help="output folder (site: OUT/_build/html)")
    parser.add_argument("--toc", type=Path, help="another table of contents (default: _toc.yml)")
    args = parser.parse_args(argv)
    build = (
        preview_build(args.out, echo=True) if args.preview else strict_build(args.out, args.toc, echo=True)
    )
    print("\n".join(f"  {p.doc:34} {'reused' if p.reused else f'{p.seconds:6.2f} s'}" for p in build.pages))
    verdict = "ok" if build.returncode == 0 else f"FAILED (exit {build.returncode})"
    print(
        f"{'preview' if args.preview else 'strict'} build {verdict} in {build.seconds:.1f} s "
        f"(Sphinx ran on {build.sphinx_seconds:.1f} s after the last page): {build.html / 'index.html'}"
    )
    return build.returncode


if __name__ == "__main__":
    sys.exit(main())
