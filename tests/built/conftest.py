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

import functools
import http.server
import os
import shutil
import threading
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


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, once per session for every browser test of this folder."""
    from test_browser import CHROMIUM_ARGS, SHOTS, _chromium, _on_ci

    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        reason = "python package playwright is not installed (pip install -c constraints.txt -e '.[test]')"
    executable = _chromium()
    if reason is None and executable is None:
        where = os.environ.get("FCCONV_CHROMIUM") or "/usr/bin/chromium"
        reason = f"Chromium not found at {where} (install it: apt-get install chromium)"
    if reason is not None:
        if _on_ci():
            pytest.fail(f"CI=true: the browser tests must run, but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as err:  # pragma: no cover - depends on the machine
        pw.stop()
        if _on_ci():
            pytest.fail(f"CI=true: Chromium at {executable} did not start: {err}", pytrace=False)
        pytest.skip(f"browser tests skipped: Chromium at {executable} did not start: {err}")
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    yield chromium
    chromium.close()
    pw.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the test reports failures itself
        pass


@pytest.fixture(scope="session")
def server(browser, site):
    """The built site on http://127.0.0.1:<free port>/ for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site.html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
