"""The one place that knows how to build the book strictly and what its TOC lists.

Used by the tests (``tests/conftest.py``; pytest puts ``tools/`` on ``sys.path``), by
``tools/report.py`` and by ``tools/repro.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: The strict build: every page re-executed, any warning or cell error fails (as ``make book``).
JB_FLAGS = ["--all", "-W", "-n", "--keep-going"]


def toc_files() -> list[str]:
    """Every document named in ``_toc.yml``, in reading order (the root first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


class Build(NamedTuple):
    html: Path  # the built site
    seconds: float  # wall-clock time of the build
    returncode: int
    log: str  # stdout and stderr of jupyter-book


def strict_build(out: Path, toc: Path | None = None, timeout: float | None = None) -> Build:
    """Build the book with :data:`JB_FLAGS` into ``out`` (HTML in ``out/_build/html``)."""
    jb = Path(sys.executable).with_name("jupyter-book")
    extra = ["--toc", str(toc)] if toc else []
    start = time.perf_counter()
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), *JB_FLAGS, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Build(
        out / "_build" / "html", time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr
    )
