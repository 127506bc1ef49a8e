"""Sphinx extension: what search engines, link previews, slow phones and screen readers need.

* **Description.** Each page of the table of contents states its own one-sentence summary in
  its front matter (``description: ...``); it becomes ``<meta name="description">`` and
  ``og:description`` (the other OpenGraph tags come from ``sphinxext-opengraph``, whose
  ``ogp_site_url`` defaults to ``html_baseurl``). A TOC page without one is a build warning.
* **Images.** Every ``<img>`` of our own gets its ``width`` and ``height`` (read from the file,
  so the browser reserves the space: no layout shift), ``decoding="async"``, and
  ``loading="lazy"`` unless it is the first image of the article (likely on the first screen).
* **Accessible names** (WCAG 2.5.3, label in name): the theme's search button and myst-nb's
  "Show code cell source" toggles are named by their visible text, not by a different
  ``aria-label``.
* **Landmarks and keyboard**: the primary sidebar (it holds the logo link) becomes a labelled
  complementary landmark; display equations, which scroll sideways when wider than the column,
  are focusable.

The image and label edits rewrite the written HTML files once the build is done (Sphinx has
written and copied everything by then); they are plain text edits of markup the theme and
myst-nb generate, each checked by ``tests/test_page_polish.py`` on sample markup and by
``tests/built/test_accessibility.py`` on the built site.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: A description longer than this is cut by search engines.
DESCRIPTION_MAX = 160
#: Pages Sphinx writes itself (no front matter).
SPECIAL_DESCRIPTIONS = {
    "search": "Search every page of the book {title}.",
    "genindex": "Index of the book {title}.",
    "404": "This page does not exist in the book {title}: its chapters, search and index are linked here.",
}
_IMG = re.compile(r"<img\b[^>]*>")
_ARTICLE = re.compile(r'<article class="bd-article"')


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\s{name}="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else None


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG, GIF, JPEG or SVG file, or None if unknown."""
    import imagesize

    if not path.is_file():
        return None
    if path.suffix.lower() == ".svg":
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        w, h = (
            re.search(r'\swidth="([\d.]+)(?:px|pt)?"', head),
            re.search(r'\sheight="([\d.]+)(?:px|pt)?"', head),
        )
        if w and h:
            return round(float(w.group(1))), round(float(h.group(1)))
        box = re.search(r'viewBox="[\d.\s-]+?\s([\d.]+)\s+([\d.]+)"', head)
        return (round(float(box.group(1))), round(float(box.group(2)))) if box else None
    w, h = imagesize.get(str(path))
    return (w, h) if w > 0 and h > 0 else None


def _local_file(src: str, page: Path, root: Path | None) -> Path:
    """The file an ``<img src>`` names: relative to the page, or for a root-absolute ``src`` (the
    404 page's ``/REPO/_static/...``) relative to the site root, with the URL prefix dropped."""
    path = unquote(urlsplit(src).path)
    if not path.startswith("/") or root is None:
        return (page.parent / path).resolve()
    parts = path.strip("/").split("/")
    for k in range(len(parts)):
        candidate = root.joinpath(*parts[k:])
        if candidate.is_file():
            return candidate
    return root / parts[-1]


def size_images(page_html: str, page: Path, root: Path | None = None) -> str:
    """``page_html`` with width/height, decoding and lazy loading set on its local images."""
    article = _ARTICLE.search(page_html)
    article_start = article.start() if article else len(page_html)
    first_in_article = True

    def fix(m: re.Match) -> str:
        nonlocal first_in_article
        tag = m.group(0)
        src = _attr(tag, "src")
        if not src or src.startswith("data:") or urlsplit(src).scheme or urlsplit(src).netloc:
            return tag
        extra = []
        if _attr(tag, "width") is None and _attr(tag, "height") is None:
            size = image_size(_local_file(src, page, root))
            if size:
                extra.append(f'width="{size[0]}" height="{size[1]}"')
        if _attr(tag, "decoding") is None:
            extra.append('decoding="async"')
        if m.start() > article_start:
            if not first_in_article and _attr(tag, "loading") is None:
                extra.append('loading="lazy"')
            first_in_article = False
        if not extra:
            return tag
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + " " + " ".join(extra) + (" />" if end == -2 else ">")

    return _IMG.sub(fix, page_html)


#: (what the theme writes, what it becomes): exact strings, each must be found on every page
#: that has the control (the tests check the result in the browser).
LABEL_FIXES = (
    # A display equation wider than the column scrolls inside its .katex-display box (see
    # fcconv.css): focusable, so the keyboard can scroll it (axe scrollable-region-focusable),
    # as MathJax's containers were. KaTeX writes this exact opening tag.
    ('<span class="katex-display">', '<span class="katex-display" tabindex="0">'),
    # The primary sidebar holds the logo link outside any landmark (axe `region`): a labelled
    # complementary landmark around it (its <nav aria-label="Main"> stays inside).
    (
        '<div class="bd-sidebar-primary bd-sidebar">',
        '<div class="bd-sidebar-primary bd-sidebar" role="complementary" aria-label="Book navigation">',
    ),
    # WCAG 2.5.3 (label in name): the search button shows "Search Ctrl+K" and the folded cells
    # "Show code cell source", but their aria-labels said "Search" and "Toggle hidden content".
    # Without the aria-label the name is the visible text (the title stays as a tooltip).
    (
        'title="Search" aria-label="Search" data-bs-placement="bottom"',
        'title="Search" data-bs-placement="bottom"',
    ),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
)


#: docutils marks the bibliography ``<div role="list" class="citation-list">`` and each entry
#: ``<div class="citation" role="doc-biblioentry">``; ARIA 1.2 deprecates that role and allows it
#: on list items only (axe: aria-allowed-role, aria-required-children). The entries stay plain
#: divs with their ids (the citations link to them), each with its visible label.
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry">')
_CITATION_LIST = '<div role="list" class="citation-list">'


def fix_labels(page_html: str) -> str:
    for old, new in LABEL_FIXES:
        page_html = page_html.replace(old, new)
    page_html = page_html.replace(_CITATION_LIST, '<div class="citation-list">')
    return _BIBLIOENTRY.sub(r"\1>", page_html)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    """Front matter ``description`` -> meta description and og:description (before opengraph)."""
    if doctree is None:
        if pagename in SPECIAL_DESCRIPTIONS:
            text = SPECIAL_DESCRIPTIONS[pagename].format(title=app.config.html_title)
            tag = f'<meta name="description" content="{html.escape(text, quote=True)}" />'
            context["metatags"] = context.get("metatags", "") + "\n" + tag
        return
    meta = context.get("meta") or {}
    description = " ".join(str(meta.get("description", "")).split())
    if not description:
        logger.warning(f"{pagename}: no `description:` in the front matter", location=pagename)
        return
    if len(description) > DESCRIPTION_MAX:
        logger.warning(
            f"{pagename}: description is {len(description)} characters, keep it <= {DESCRIPTION_MAX}",
            location=pagename,
        )
    meta["og:description"] = description
    context["metatags"] += f'\n<meta name="description" content="{html.escape(description, quote=True)}" />'


def _config_inited(app, config) -> None:
    if not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl.rstrip("/") + "/"
    if config.ogp_site_name is None:
        config.ogp_site_name = config.html_title


def _drop_relative_og_url(app, pagename, templatename, context, doctree) -> None:
    """Without a site URL sphinxext-opengraph writes a relative og:url, which is invalid."""
    if not app.config.ogp_site_url and "metatags" in context:
        context["metatags"] = re.sub(
            r'<meta property="og:url" content="[^"]*" />\n?', "", context["metatags"]
        )


def _post_process(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in sorted(out.rglob("*.html")):
        if "_static" in page.relative_to(out).parts:
            continue
        text = page.read_text(encoding="utf-8")
        new = fix_labels(size_images(text, page, out))
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app):
    app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", _config_inited)
    # Before sphinxext-opengraph (priority 500) reads the page's fields.
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("html-page-context", _drop_relative_og_url, priority=600)
    app.connect("build-finished", _post_process)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
