"""Accessibility and weight of the built site in a real browser (Debian's Chromium).

The site is served on 127.0.0.1 with gzip (``benchmarks/site_audit.py``, as a static host serves it).
On every TOC page, the search page and the index:

* axe-core (pinned in ``package-lock.json``), rules tagged WCAG 2.0/2.1/2.2 A and AA plus
  best practice, finds **zero** violations in light and in dark mode, with no exception;
* the first visit transfers at most 400 KB (gzip) before animation frames: a deterministic
  number (same files, same compression, a fixed phone viewport), asserted here; Lighthouse's
  scores are measured by ``make audit``, never asserted;
* every icon the theme shows is drawn (``_static/icons.css`` replaced Font Awesome's script);
* every image has its width and height, every page a description.
"""

from __future__ import annotations

import pytest
import site_audit
from bookbuild import toc_files
from test_browser import _on_ci

PAGES = [f"{doc}.html" for doc in toc_files()] + ["search.html", "genindex.html"]


@pytest.fixture(scope="module")
def gzip_site(site):
    with site_audit.serve(site.html) as base:
        yield base


@pytest.fixture(scope="module")
def chromium(browser):
    """conftest's session browser (one Playwright per session: a second one inside it fails),
    once axe-core is known to be there."""
    if not site_audit.AXE_JS.is_file():
        reason = "node_modules/axe-core missing (npm ci)"
        if _on_ci():
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return browser


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation(chromium, gzip_site, path, mode):
    context, page, _ = site_audit.open_page(chromium, f"{gzip_site}/{path}", dark=mode == "dark")
    try:
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        violations = site_audit.run_axe(page)
    finally:
        context.close()
    report = [f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations]
    assert not violations, f"{path} [{mode}]:\n" + "\n".join(report)


@pytest.mark.parametrize("path", PAGES)
def test_visible_labels_are_in_the_accessible_names(chromium, gzip_site, path):
    """WCAG 2.5.3 (axe's experimental label-content-name-mismatch, run on its own): the search
    button and the "Show code cell source" toggles are named by what they show."""
    context, page, _ = site_audit.open_page(chromium, f"{gzip_site}/{path}")
    try:
        violations = site_audit.run_axe(page, rules=["label-content-name-mismatch"])
    finally:
        context.close()
    assert not violations, f"{path}: " + "\n".join(n for v in violations for n in v["nodes"])


@pytest.mark.parametrize("path", PAGES)
def test_first_visit_fits_400_kb(chromium, gzip_site, site, path):
    sizes = site_audit.transfer_bytes(chromium, gzip_site, path)
    frames = site_audit.animation_frame_bytes(site.html, path, sizes)  # the frames this visit loaded
    total = sum(sizes.values())
    assert all(b > 0 for b in sizes.values()), f"{path}: a response without a body: {sizes}"
    heaviest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    assert total - frames <= site_audit.TRANSFER_BUDGET, (
        f"{path}: {total / 1024:.0f} KB on a first visit, {frames / 1024:.0f} KB of it animation frames; "
        f"heaviest: {[(u.rsplit('/', 1)[-1], b) for u, b in heaviest]}"
    )
    fonts = [u for u in sizes if "fontawesome" in u or u.endswith("all.min.js")]
    assert not fonts, f"{path} still loads Font Awesome: {fonts}"


@pytest.mark.parametrize("path", [f"{doc}.html" for doc in toc_files()])
def test_every_icon_is_drawn(chromium, gzip_site, path):
    """Every Font Awesome-style icon element that is displayed has a box and a mask image."""
    context, page, _ = site_audit.open_page(chromium, f"{gzip_site}/{path}")
    try:
        icons = page.evaluate(
            """() => [...document.querySelectorAll('[class*="fa-"]')]
                .filter(e => [...e.classList].some(c => /^(fa|fas|fab|far|fa-solid|fa-brands|fa-regular)$/.test(c)))
                .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length)
                .map(e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
                    return {cls: e.className, w: r.width, h: r.height,
                            mask: s.maskImage || s.webkitMaskImage}; })"""
        )
        titles = page.evaluate(
            """() => [...document.querySelectorAll('.admonition > .admonition-title')].map(e => {
                const s = getComputedStyle(e, '::after');
                return {content: s.content, w: parseFloat(s.width) || 0, h: parseFloat(s.height) || 0,
                        mask: s.maskImage || s.webkitMaskImage}; })"""
        )
    finally:
        context.close()
    if path == "book/exercises.html":
        assert sum(t["content"] not in ("none", "normal") for t in titles) == 7, titles
    assert len(icons) >= 5, f"{path}: only {len(icons)} icons shown"
    # admonition titles draw theirs in ::after: a mask, never a glyph of the unserved webfont
    icons += [
        {"cls": "admonition-title::after", **t} for t in titles if t["content"] not in ("none", "normal")
    ]
    blank = [
        i for i in icons if not (i["w"] >= 8 and i["h"] >= 8 and i["mask"].startswith('url("data:image/svg'))
    ]
    assert not blank, f"{path}: icons not drawn: {blank}"


def test_every_image_has_a_size_and_every_page_a_description(site):
    for doc in toc_files():
        soup = site.soup(doc)
        unsized = [
            img.get("src", "")[:60]
            for img in soup.find_all("img")
            if img.get("src", "").startswith(("../", "_")) and not (img.get("width") and img.get("height"))
        ]
        assert not unsized, f"{doc}: images without width/height: {unsized}"
        description = soup.find("meta", attrs={"name": "description"})
        assert description and 50 <= len(description["content"]) <= 160, doc
        og = soup.find("meta", attrs={"property": "og:description"})
        assert og and og["content"] == description["content"], doc


@pytest.mark.parametrize("doc", ["search", "genindex", "404"])
def test_pages_sphinx_writes_have_a_description(site, doc):
    """Search, index and 404 have no front matter: _config.yml's html_context names them (fcconv_descriptions)."""
    description = site.soup(doc).find("meta", attrs={"name": "description"})
    assert description and 20 <= len(description["content"]) <= 160, doc


#: Every heading of the article and the text of its last paragraph of plain prose, in Chromium's accessibility tree
#: at load (what a screen reader reads). A section Chromium skips (``content-visibility: auto``,
#: tried for the long pages' blocking time on 2026-12-06) leaves the tree until it is laid out.
AX_HEADINGS_JS = """() => {
  const art = document.querySelector('article.bd-article');
  // textContent, not innerText: a section that is not laid out has no rendered text
  const text = el => el.textContent.replace(/#\\s*$/, '').replace(/\\s+/g, ' ').trim();
  const heads = [...art.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => !h.closest('details:not([open])')).map(text);
  // prose without a formula or an image: its text is the same in the tree
  const paras = [...art.querySelectorAll('p')].filter(p => !p.closest('details:not([open]), figure, table')
    && !p.querySelector('.katex, img') && text(p).length >= 30);
  // its longest run of text outside inline elements: one text node of the tree
  const runs = [...paras[paras.length - 1].childNodes].filter(n => n.nodeType === 3)
    .map(n => n.textContent.replace(/\\s+/g, ' ').trim()).sort((a, b) => b.length - a.length);
  return {heads, last: runs[0]};
}"""


@pytest.mark.parametrize("path", [f"{doc}.html" for doc in toc_files()])
def test_screen_readers_get_every_heading_and_the_last_paragraph_at_load(chromium, gzip_site, path):
    context, page, _ = site_audit.open_page(chromium, f"{gzip_site}/{path}")
    try:
        want = page.evaluate(AX_HEADINGS_JS)
        cdp = context.new_cdp_session(page)
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        context.close()

    def names(role):
        return [
            " ".join(n.get("name", {}).get("value", "").split())
            for n in nodes
            if n.get("role", {}).get("value") == role and not n.get("ignored")
        ]

    headings = names("heading")
    missing = [h for h in want["heads"] if not any(name.startswith(h) for name in headings)]
    assert want["heads"] and not missing, f"{path}: headings not in the accessibility tree: {missing}"
    assert len(want["last"]) >= 10 and any(want["last"] in name for name in names("StaticText")), (
        f"{path}: the last paragraph is not in the accessibility tree: {want['last']!r}"
    )
