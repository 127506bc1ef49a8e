"""Readers in search, on a phone and in a notebook (issue 25, points 4 to 8).

* search: the magnifier beside the query, not over it (search page and the Ctrl+K dialog);
  result snippets that read as text (one copy of each equation, no download menu); "backprop"
  finds the backward-pass pages; the highlight stays on the page opened from the results;
* phone (360 px): inline code inside its box; table captions outside the sideways-scrolling
  table box; static figures open full size on tap; the takeaways table fits, its Evidence links
  on screen;
* notebooks (run without myst_nb): Markdown that code prints has no MyST role left; the
  explorer's notebook links to the web explorer; published with outputs;
* no visible cell imports myst_nb or calls ``glue(..., display=False)``; glossary links carry
  the term's definition (shown on hover, as the citations' entries are).
"""

from __future__ import annotations

import ast
import json
import re
from urllib.parse import urlsplit

import pytest
from test_browser import PAGES, PHONE, Visit

LESSONS = [d for d in PAGES if d.startswith("book/") and d.split("/")[-1] not in {"glossary", "references", "whats_new", "intro"}]  # fmt: skip
ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)?\}`")


@pytest.fixture
def reader(browser, server):
    """Opens pages as ``test_browser``'s first visits do (each one its own browser context)."""
    opened: list[Visit] = []

    def open_page(doc, **kwargs):
        opened.append(Visit(browser, server, doc, **kwargs))
        return opened[-1]

    yield open_page
    for v in opened:
        v.close()


# ------------------------------------------------------------------------ 4. search
@pytest.mark.parametrize("where", ["search.html?q=kernel", "book/geometry.html"])
def test_search_icon_does_not_cover_the_query(reader, where):
    v = reader(where.split(".html")[0], path=where)
    if where.startswith("book/"):  # the Ctrl+K dialog
        v.page.keyboard.press("Control+k")
        v.page.wait_for_selector(".search-button__search-container form.bd-search input", state="visible")
    gap = v.page.evaluate(
        """() => [...document.querySelectorAll('form.bd-search')].filter(f => f.offsetParent).map(f => {
            const i = f.querySelector('.fa-magnifying-glass').getBoundingClientRect();
            const input = f.querySelector('input'), r = input.getBoundingClientRect();
            return r.left + parseFloat(getComputedStyle(input).paddingLeft) - i.right; })"""
    )
    assert gap and min(gap) >= 2, f"{where}: the query text starts {gap} px after the magnifier's right edge"


def _results(v, query: str) -> list[dict]:
    v.page.goto(f"{v.base}/search.html?q={query}", wait_until="networkidle")
    v.page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
    v.page.wait_for_timeout(1500)  # the summaries are fetched after the links
    return v.page.evaluate(
        """() => [...document.querySelectorAll('#search-results ul.search li')].map(li => ({
            href: li.querySelector('a').href, text: (li.querySelector('.context') || {}).textContent || ''}))"""
    )


def test_search_snippets_read_as_text(reader):
    """ "kernel" is in equations (KaTeX's HTML, MathML and TeX annotation); "intuition" in a title,
    near the top of a page, where the download menu is."""
    v = reader("search", path="search.html")
    found = _results(v, "kernel") + _results(v, "intuition")
    snippets = " ".join(r["text"] for r in found)
    assert len([r for r in found if r["text"]]) >= 5, found
    tex = sorted(set(re.findall(r"\\[A-Za-z]+", snippets)))
    menu = [w for w in (".ipynb", ".pdf") if w in snippets]
    assert not tex and not menu, f"snippets hold TeX source {tex[:8]} or the download menu {menu}"


def test_backprop_finds_the_backward_pass_pages(reader):
    v = reader("search", path="search.html")
    pages = {urlsplit(r["href"]).path.rsplit("/", 1)[-1] for r in _results(v, "backprop")}
    wanted = {"gradients.html", "conv_layer_backward.html", "gradient_flow.html"}
    assert wanted <= pages, f'"backprop" finds {sorted(pages)}, not {sorted(wanted - pages)}'


def test_search_highlight_stays_on_the_page_opened_from_the_results(reader):
    v = reader("search", path="search.html")
    first = _results(v, "stride")[0]["href"]
    v.page.click("#search-results ul.search li a")
    v.page.wait_for_load_state("networkidle")
    v.page.wait_for_timeout(300)
    assert v.page.evaluate("document.querySelectorAll('span.highlighted').length") > 0, first
    v.page.locator("a.right-next").first.click()
    v.page.wait_for_load_state("networkidle")
    v.page.wait_for_timeout(300)
    left = v.page.evaluate("document.querySelectorAll('span.highlighted, .highlight-link').length")
    assert left == 0, f"{v.page.url}: {left} highlights or 'Hide Search Matches' followed from {first}"
    # a search the reader left without opening a result highlights nothing either
    _results(v, "padding")
    v.page.goto(f"{v.base}/book/parameters.html", wait_until="networkidle")
    v.page.wait_for_timeout(300)
    assert v.page.evaluate("document.querySelectorAll('span.highlighted').length") == 0


# ------------------------------------------------------------------------ 5. phone
@pytest.mark.parametrize("doc", ["book/exercises", "book/parameters"])
def test_inline_code_stays_in_its_box_on_a_phone(reader, doc):
    v = reader(doc, viewport=PHONE)
    v.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    cut = v.page.evaluate(
        """() => [...document.querySelectorAll('article code.literal')].filter(c => c.getClientRects().length)
            .map(c => { const box = c.closest('.admonition, p, li, td, dd') || c.parentElement;
                        const r = c.getBoundingClientRect(), b = box.getBoundingClientRect();
                        return [c.textContent, Math.round(r.right - Math.min(b.right, innerWidth))]; })
            .filter(([, over]) => over > 1)"""
    )
    assert not cut, f"{doc}: inline code past its box at 360 px (text, px): {cut[:6]}"


def test_table_captions_sit_outside_the_scrolling_box(reader, site):
    soup = site.soup("book/experiments")
    inside = soup.select(".pst-scrollable-table-container caption")
    assert not inside, f"{len(inside)} captions scroll with their table"
    v = reader("book/experiments", viewport=PHONE)
    wide = v.page.evaluate(
        """() => [...document.querySelectorAll('article table')].map(t => {
            const name = t.getAttribute('aria-labelledby'), cap = name && document.getElementById(name);
            return cap ? Math.round(cap.getBoundingClientRect().right) : -1; }).filter(r => r !== -1)"""
    )
    assert len(wide) >= 4 and all(0 < r <= PHONE["width"] for r in wide), f"caption right edges: {wide}"


def test_static_figures_open_full_size(site):
    missing = []
    for doc in LESSONS:
        for img in site.soup(doc).select("article figure img"):
            if img.find_parent("figure", class_="fcconv-player"):
                continue
            link = img.find_parent("a")
            if link is None or link.get("href") != img["src"] or not img.get("alt"):
                missing.append(f"{doc}: {img['src'][-30:]}")
    assert not missing, f"{len(missing)} figures without a link to their full-size image: {missing[:5]}"


def test_takeaways_table_fits_a_phone(reader):
    v = reader("book/takeaways", viewport=PHONE, dark=True)
    table = v.page.locator("article table").first
    box = table.bounding_box()
    links = v.page.evaluate(
        """() => [...document.querySelector('article table').querySelectorAll('a')]
            .map(a => Math.round(a.getBoundingClientRect().right)).filter(r => r > innerWidth - 8)"""
    )
    assert box["width"] <= PHONE["width"] and not links, (
        f"takeaways table {box['width']:.0f} px wide; Evidence links cut at {links[:5]}"
    )


# ------------------------------------------------------------------------ 6. notebooks
def _cells(site, doc):
    return json.loads((site.html / "_sources" / f"{doc}.ipynb").read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _standin(cells) -> dict:
    standin = next(c for c in cells if "fcconv-standins" in c["metadata"].get("tags", []))
    namespace: dict = {}
    exec(compile(_source(standin), "standin", "exec"), namespace)
    return namespace


def test_markdown_printed_by_code_has_no_role_in_a_notebook(site):
    """As a reader runs them, in plain Python without myst_nb: the takeaways notebook's stand-in
    cell, then its table cell; the backward-pass notebook's stand-in on the references its table
    cell passes. The book's numbers are shown, no role; the shipped outputs hold none either."""
    cells = _cells(site, "book/takeaways")
    namespace = _standin(cells)
    table = next(c for c in cells if "takeaways_table(" in _source(c))
    tree = ast.parse(_source(table))
    last = tree.body.pop()
    exec(compile(tree, "cell", "exec"), namespace)
    shown = [eval(compile(ast.Expression(last.value), "cell", "eval"), namespace).data]
    backward = _cells(site, "book/conv_layer_backward")
    where = [m.group(0) for c in backward for m in re.finditer(ROLE.pattern + "[^`]*`", _source(c))]
    shown += [_standin(backward)["Markdown"](" | ".join(where)).data]
    shipped = ["".join(o["data"]["text/markdown"]) for c in cells + backward for o in c.get("outputs", [])
               if "text/markdown" in o.get("data", {})]  # fmt: skip
    left = [m for text in shown + shipped for m in ROLE.findall(text)]
    assert not left, f"{len(left)} MyST roles printed in a notebook, e.g. {left[:3]}"
    assert len(where) >= 10 and shipped, (where, shipped)
    assert "Fig." in shown[0] and "(5." in shown[1], shown


def test_explorer_notebook_links_to_the_web_explorer(site):
    text = "\n".join(_source(c) for c in _cells(site, "book/explorer") if c["cell_type"] == "markdown")
    assert "Raw html" not in text and "explorer.html" in text, "no link to the web explorer"


def test_notebooks_ship_with_outputs(site):
    with_outputs = {
        doc: sum(bool(c.get("outputs")) for c in _cells(site, doc) if c["cell_type"] == "code")
        for doc in LESSONS
        if (site.html / "_sources" / f"{doc}.ipynb").is_file()
    }
    assert sum(1 for n in with_outputs.values() if n) >= 6, f"code cells with outputs: {with_outputs}"


# ------------------------------------------------------------------------ 7. plumbing, 8. glossary
def test_no_visible_cell_is_build_plumbing(site):
    shown = []
    for doc in LESSONS:
        for cell in site.soup(doc).select("div.cell"):
            classes = set(cell.get("class", []))
            source = cell.select_one(".cell_input")
            if source is None or {"tag_hide-input", "tag_remove-input"} & classes:
                continue
            text = source.get_text()
            if "myst_nb" in text or "display=False" in text:
                shown.append(f"{doc}: {text.strip().splitlines()[0][:60]}")
    assert not shown, f"{len(shown)} visible cells of build plumbing: {shown[:6]}"


def test_glossary_links_carry_the_definition(site):
    bare = []
    for doc in LESSONS:
        for a in site.soup(doc).select('a[href*="glossary.html#term-"]'):
            if len(a.get("title", "")) < 20:
                bare.append(f"{doc}: {a.get_text()}")
    assert not bare, f"{len(bare)} glossary links without a definition: {bare[:5]}"
