"""Tests of the built site: every test in this folder is marked ``book`` (``make unit`` skips them).

Shared fixtures: the strictly built book, and page parsing helpers.

The ``site`` fixture builds the whole book once per test session into a
temporary folder with the same strict flags as ``make book``; every book test
reads that build. Set ``FCCONV_SITE=/path/to/_build/html`` to check an
existing build instead: its log is read from ``_build/build.log`` beside it
(``tools/bookbuild.py`` writes it). CI checks the first build of ``make repro``
this way (``.ci/run``), so that it builds the book cold twice, not three times.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bookbuild import JB_FLAGS, ROOT, strict_build, toc_files
from bs4 import BeautifulSoup

__all__ = ["JB_FLAGS", "ROOT", "Site", "toc_files"]


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


def pytest_collection_modifyitems(config, items):
    """Mark every test collected from this folder ``book``: it needs the built site."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.book)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    existing = os.environ.get("FCCONV_SITE")
    if existing:
        html = Path(existing)
        log = html.parent / "build.log"
        return Site(html, log.read_text(encoding="utf-8") if log.is_file() else "")
    build = strict_build(tmp_path_factory.mktemp("book"), timeout=1800)
    assert build.returncode == 0, f"strict book build failed (exit {build.returncode}):\n{build.log[-6000:]}"
    return Site(build.html, build.log)
