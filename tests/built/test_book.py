"""The strictly built book, checked page by page (the build itself is the `site` fixture)."""

import re

import numpy as np
from bookbuild import toc_files

from lessons_code.checks.tolerances import REL_ERROR_BOUND


def test_every_toc_page_was_built(site):
    docs = toc_files()
    assert docs[:3] == ["book/intro", "book/geometry", "book/gradients"]
    for doc in docs:
        assert site.path(doc).is_file(), f"{doc} is in _toc.yml but was not built"
        assert site.soup(doc).find("h1") is not None, f"{doc} has no title"
    assert (site.html / "index.html").is_file()


def test_no_cell_printed_an_error(site):
    for doc in toc_files():
        soup = site.soup(doc)
        assert not soup.select(".output.traceback, .output.error"), f"{doc} shows a cell error"
        for out in soup.select(".cell_output"):
            text = out.get_text(" ")
            assert "Traceback (most recent call last)" not in text, doc
            assert not re.search(r"\b\w+(Error|Exception):", text), f"{doc} printed an error: {text[:200]}"
        assert not soup.select(".output.stderr"), f"{doc} wrote to stderr"


def test_seed_lines_are_printed(site):
    outputs = [o.get_text() for o in site.soup("book/gradients").select(".cell_output")]
    fc_line = [o for o in outputs if "FC dW shape:" in o]
    assert fc_line and "FC dW shape: (3, 5) dx shape: (5,)" in fc_line[0]
    conv = re.search(r"Conv dW:\s*\n\s*(\[\[.*?\]\])", fc_line[0], re.S)
    assert conv, "the 'Conv dW:' line and its array are missing"
    rows = re.findall(r"\[([^\[\]]+)\]", conv.group(1))
    values = np.array([[float(v) for v in r.split()] for r in rows])
    assert values.shape == (3, 3)


def test_gradient_check_table_is_there_and_below_the_bound(site):
    soup = site.soup("book/gradients")
    table = next(t for t in soup.find_all("table") if "Relative error" in t.get_text())
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == 9
    cells = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in rows]
    assert [c[1] for c in cells[:6]] == ["dW", "dx", "db", "dK", "dx", "db"]
    errors = [float(c[4]) for c in cells]
    assert all(0 <= e < REL_ERROR_BOUND for e in errors), errors
    assert all(c[5] == "pass" for c in cells)


def test_math_is_rendered_as_math(site):
    for doc in ["book/geometry", "book/gradients"]:
        soup = site.soup(doc)
        blocks = soup.select("div.math")
        assert blocks, f"{doc} has no display math"
        assert all(b.select_one(".katex-display .katex-html") for b in blocks)  # rendered at build time
        assert soup.select("span.math"), f"{doc} has no inline math"
        assert "$$" not in site.text(doc), f"{doc} has unrendered $$ math"
    numbered = site.soup("book/gradients").select("div.math span.eqno")
    assert len(numbered) >= 8
    # every {eq} reference resolved to a number, not to a label
    refs = site.soup("book/gradients").select("a.reference.internal span.eqno, a.reference.internal")
    assert not [a for a in refs if a.get_text().startswith("eq-")]


def test_figures_have_captions_and_alt_text(site):
    soup = site.soup("book/geometry")
    fig = soup.find(id="fig-receptive-fields")
    assert fig is not None and fig.name == "figure"
    img = fig.find("img")
    assert len(img["alt"]) > 40 and not img["alt"].startswith("<Figure")
    assert fig.find("figcaption").get_text().strip().startswith("Fig. 1.1")


def test_glued_numbers_reached_the_text(site):
    text = " ".join(site.text("book/geometry").split())
    assert "Here that is 576 weights against 9" in text


def test_build_log_is_clean(site):
    if site.log:  # empty when FCCONV_SITE points at an existing build
        assert "WARNING" not in site.log.replace("[IPKernelApp] WARNING", "")
        assert "build succeeded" in site.log
