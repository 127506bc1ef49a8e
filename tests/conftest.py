"""Shared fixtures: the strictly built book, and page parsing helpers.

The ``site`` fixture builds the whole book once per test session into a
temporary folder with the same strict flags as ``make book``; every book test
reads that build. Set ``FCCONV_SITE=/path/to/_build/html`` to check an
existing build instead (quick iteration only: CI always builds).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
JB_FLAGS = ["--all", "-W", "-n", "--keep-going"]


def toc_files() -> list[str]:
    """Every document named in ``_toc.yml``, in reading order (``book/intro`` first)."""
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


class Site:
    """A built site: its folder and the pages of the TOC as parsed HTML."""

    def __init__(self, html: Path, log: str = ""):
        self.html = html
        self.log = log
        self._cache: dict[str, BeautifulSoup] = {}

    def path(self, doc: str) -> Path:
        return self.html / f"{doc}.html"

    def soup(self, doc: str) -> BeautifulSoup:
        if doc not in self._cache:
            self._cache[doc] = BeautifulSoup(self.path(doc).read_text(encoding="utf-8"), "html.parser")
        return self._cache[doc]

    def text(self, doc: str) -> str:
        """The readable text of a page's article (navigation and sidebars left out)."""
        soup = self.soup(doc)
        article = soup.find("article") or soup
        return article.get_text(" ")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    existing = os.environ.get("FCCONV_SITE")
    if existing:
        return Site(Path(existing))
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), *JB_FLAGS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"strict book build failed (exit {proc.returncode}):\n{log[-6000:]}"
    return Site(out / "_build" / "html", log)
