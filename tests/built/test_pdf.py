"""``make pdf``: the book printed by Chromium from the strict build, one PDF in TOC order.

``make pdf`` is ``make book`` followed by ``tools/make_pdf.py``; this test runs the second half on
the session's strict build (the first half is the ``site`` fixture itself), twice, to check the
chapters, the unfolded solutions, the animation frame grids, the bookmarks and stable bytes.
About a minute; it runs in ``make test`` (marker ``book``), not in ``make unit``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from bookbuild import ROOT, toc_files

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def printed(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    paths = [out / "a.pdf", out / "b.pdf"]
    for path in paths:
        run = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "make_pdf.py"),
                "--html",
                str(site.html),
                "--out",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    return paths


def test_the_pdf_has_every_chapter_in_order_with_a_bookmark(printed, site):
    reader = pypdf.PdfReader(printed[0])
    titles = [site.soup(doc).find("h1").get_text(" ", strip=True).rstrip("#").strip() for doc in toc_files()]
    outline = [item.title for item in reader.outline]
    assert len(outline) == len(titles) == len(toc_files())
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert starts == sorted(starts) and starts[0] == 0
    text = "\n".join(page.extract_text() for page in reader.pages)
    squash = " ".join(text.split())
    positions = [squash.find(" ".join(t.split(". ", 1)[-1].split())) for t in titles]
    assert all(p >= 0 for p in positions), list(zip(titles, positions, strict=True))
    assert positions == sorted(positions), list(zip(titles, positions, strict=True))
    assert 40 <= len(reader.pages) <= 200


def test_solutions_are_unfolded_and_animations_are_frame_grids(printed):
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(printed[0]).pages).split())
    assert (
        text.count("Solution to Exercise") == 11
    )  # the exercises page's 7, the cost and locality chapters' 2 each
    assert "Exercise 1: PASS" in text  # the output of the first solution is printed too
    # every animation prints as a grid of its frames (player.css), each labelled with its step
    assert text.count("Step 16 of 16") == 2 and text.count("Step 9 of 9") == 1
    assert text.count("Step 1 of 16") == 2 and text.count("Step 8 of 16") == 2
    assert "(1)" in text or "(2.1)" in text  # equation numbers come through


def test_same_bytes_on_a_rebuild(printed):
    first, second = (p.read_bytes() for p in printed)
    assert first == second
    assert first.startswith(b"%PDF") and b"/CreationDate" not in first
