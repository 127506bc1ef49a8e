"""The built site as a whole: links, anchors, TOC, search index, offline, theme, sizes.

Every check reads the strict build of the ``site`` fixture (built once per session) and
walks whatever pages ``_toc.yml`` lists, so a new chapter is checked without editing this file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bookbuild import ROOT, toc_files
from bs4 import BeautifulSoup
from budgets import ANIMATION_BUDGET, PAGE_BUDGET, over_budget, page_weight

#: Pages Sphinx writes beside the chapters: the redirect, the search page, the index, the 404 page.
SPHINX_PAGES = {"index", "search", "genindex", "404"}
#: Tags that make the browser fetch something while the page loads (not <a> links a reader clicks).
RESOURCE_ATTRS = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "link": "href",
}


def all_pages(site) -> list[Path]:
    return sorted(p for p in site.html.rglob("*.html") if "_static" not in p.relative_to(site.html).parts)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _ids(soup: BeautifulSoup) -> set[str]:
    return {el["id"] for el in soup.find_all(id=True)} | {
        el["name"] for el in soup.find_all("a", attrs={"name": True})
    }


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "data":  # inline (a notebook output's image)
        return False
    return bool(parts.scheme or parts.netloc)


# ---------------------------------------------------------------- structure and links


def test_every_toc_page_is_built(site):
    for doc in toc_files():
        assert site.path(doc).is_file(), f"{doc} is in _toc.yml but {doc}.html was not built"


def test_every_page_is_in_the_toc(site):
    """No orphan: each HTML page is a TOC page or one of Sphinx's own (search, index)."""
    toc = set(toc_files())
    built = {p.relative_to(site.html).with_suffix("").as_posix() for p in all_pages(site)}
    orphans = sorted(built - toc - SPHINX_PAGES)
    assert not orphans, f"pages built but missing from _toc.yml: {orphans}"


def test_every_toc_page_is_in_the_sidebar(site):
    """The navigation of the home page links every chapter, in reading order."""
    nav = site.soup(toc_files()[0]).select_one("nav.bd-docs-nav")
    assert nav is not None, "the sidebar navigation is missing"
    linked = []
    for a in nav.find_all("a", href=True):
        target = urlsplit(a["href"]).path
        if target and not _is_external(a["href"]):
            doc = (site.path(toc_files()[0]).parent / target).resolve().relative_to(site.html.resolve())
            linked.append(doc.with_suffix("").as_posix())
    chapters = toc_files()[1:]
    assert [d for d in linked if d in chapters] == chapters


def test_internal_links_and_anchors_resolve(site):
    """Every local href/src points at an existing file, every #fragment at an existing id."""
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in all_pages(site):
        soup = _soup(page)
        ids.setdefault(page, _ids(soup))
        for tag in soup.find_all(["a", "link", "script", "img", "iframe", "source"]):
            url = tag.get("href") or tag.get("src")
            if not url or _is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(url)
            if parts.path.startswith("/"):  # the 404 page's links start at the site's root ("/")
                target = (site.html / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site.html)}: {url} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = _ids(_soup(target))
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{page.relative_to(site.html)}: {url} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


# ---------------------------------------------------------------- search


def search_index(site) -> dict:
    text = (site.html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def _stem(word: str) -> str:
    from sphinx.search.en import SearchEnglish

    return SearchEnglish({}).stem(word.lower())


def prose(site, doc: str) -> str:
    """The running text of a page's article: code cells, their outputs and math left out."""
    article = BeautifulSoup(str(site.soup(doc).find("article")), "html.parser")
    for el in article.select("div.cell_input, div.cell_output, pre, code, .math, script, style"):
        el.decompose()
    return article.get_text(" ")


def distinctive_words(site) -> dict[str, str]:
    """For each TOC page, the most frequent word of its article found on no other TOC page.

    Computed from the page text, independently of the search index, so that checking the
    index for it is a real check of what a reader's search would find.
    """
    words = {}
    for doc in toc_files():
        tokens = re.findall(r"\w+", prose(site, doc).lower())  # \w+ as Sphinx splits words
        words[doc] = Counter(w for w in tokens if len(w) >= 6 and w.isalpha() and w.isascii())
    chosen = {}
    for doc, counts in words.items():
        others = set().union(*(set(c) for d, c in words.items() if d != doc))
        other_stems = {_stem(w) for w in others}
        candidates = [w for w, _ in counts.most_common() if w not in others and _stem(w) not in other_stems]
        assert candidates, f"{doc}: no word of its own to search for"
        chosen[doc] = candidates[0]
    return chosen


def test_search_index_lists_every_page(site):
    assert sorted(search_index(site)["docnames"]) == sorted(toc_files())


def test_search_finds_a_distinctive_word_of_each_page(site):
    index = search_index(site)
    missing = []
    for doc, word in distinctive_words(site).items():
        hits = []
        for table in ("terms", "titleterms"):  # body words and heading words are indexed apart
            found = index[table].get(_stem(word), [])
            hits += [found] if isinstance(found, int) else found
        if index["docnames"].index(doc) not in hits:
            missing.append(f"{doc}: '{word}'")
    assert not missing, f"search would not find these pages by their own words: {missing}"


# ---------------------------------------------------------------- self-contained


def test_no_resource_is_loaded_from_another_origin(site):
    """Scripts, styles, images, fonts: all served by the site itself (works offline, tells nobody)."""
    external = []
    for page in all_pages(site):
        soup = _soup(page)
        for name, attr in RESOURCE_ATTRS.items():
            for tag in soup.find_all(name):
                url = tag.get(attr, "")
                if name == "link" and not set(tag.get("rel", [])) & {
                    "stylesheet",
                    "icon",
                    "preload",
                    "prefetch",
                }:
                    continue
                if _is_external(url):
                    external.append(f"{page.relative_to(site.html)}: <{name} {attr}={url}>")
    assert not external, "resources from other origins:\n" + "\n".join(external)


def test_math_is_rendered_at_build_time_with_local_katex_assets(site):
    """KaTeX ran during the build: every math element holds KaTeX's HTML, no maths script is
    loaded, the stylesheet and every font it names are served by the site."""
    katex_css = site.html / "_static" / "katex" / "katex.min.css"
    n_display = 0
    for doc in toc_files():
        soup = site.soup(doc)
        scripts = [s.get("src", "").lower() for s in soup.find_all("script")]
        assert not [s for s in scripts if "mathjax" in s or "katex" in s], (doc, scripts)
        for el in soup.select("span.math, div.math"):
            assert el.select_one(".katex") is not None, f"{doc}: math not rendered: {el.get_text()[:80]}"
        assert not soup.select(".katex-error"), f"{doc}: KaTeX could not parse {soup.select('.katex-error')}"
        n_display += len(soup.select("div.math .katex-display"))
        styles = [urlsplit(link["href"]).path for link in soup.find_all("link", rel="stylesheet")]
        if soup.select(".katex"):  # KaTeX stylesheet, linked or in the bundle (tools/fcconv_site)
            texts = [(site.path(doc).parent / s).read_text(encoding="utf-8") for s in styles]
            assert any(
                "/* katex/katex.min.css */" in t or s.endswith("katex/katex.min.css")
                for s, t in zip(styles, texts, strict=True)
            ), (
                doc,
                styles,
            )
    assert n_display >= 10
    fonts = re.findall(r"url\((fonts/[^)]+)\)", katex_css.read_text(encoding="utf-8"))
    assert fonts and all(f.endswith(".woff2") for f in fonts)
    missing = [f for f in fonts if not (katex_css.parent / f).is_file()]
    assert not missing, f"fonts named by katex.min.css but not served: {missing}"


def test_numbered_equations_carry_their_number_and_are_referenced(site):
    """Each labelled equation shows '(chapter.n)' and each {eq} reference prints that number."""
    checked = 0
    for doc in toc_files():
        soup = site.soup(doc)
        numbers = {}
        for div in soup.select("div.math[id^=equation-]"):
            eqno = div.select_one("span.eqno")
            number = "".join(eqno.find_all(string=True, recursive=False)).strip() if eqno else ""
            assert re.fullmatch(r"\(\d+\.\d+\)", number), (doc, div["id"], number)
            numbers[div["id"]] = number
        for a in soup.select('a.reference.internal[href*="#equation-"]'):
            target = a["href"].split("#", 1)[1]
            if target in numbers:
                shown = a.get_text().strip()
                assert f"({shown.strip('()')})" == numbers[target], (doc, target, shown)
                checked += 1
    assert checked >= 5


def test_font_awesome_is_not_loaded_and_icons_css_covers_every_icon(site):
    css = (site.html / "_static" / "icons.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"\.(fa-[a-z0-9-]+)", css))
    for doc in [*toc_files(), "search", "genindex"]:
        soup = BeautifulSoup((site.html / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        linked = [t.get("href") or t.get("src") for t in soup.find_all(["link", "script"])]
        assert not [u for u in linked if u and "fontawesome" in u], doc
        used = {
            c
            for el in soup.select('[class*="fa-"]')
            for c in el.get("class", [])
            if c.startswith("fa-") and c not in {"fa-solid", "fa-brands", "fa-regular"}
        }
        assert used <= defined, f"{doc}: icons without a glyph in icons.css: {sorted(used - defined)}"
    assert not (site.html / "_static" / "vendor" / "fontawesome").exists()


def test_animation_players_have_no_font_awesome_cdn_link(site):
    for doc in toc_files():
        html = site.path(doc).read_text(encoding="utf-8")
        assert "font-awesome" not in html and "bootstrapcdn" not in html, doc


def test_theme_mode_has_a_default(site):
    """Without it pydata-sphinx-theme logs 'invalid theme mode' on a reader's first visit."""
    for doc in toc_files():
        body = site.soup(doc).find("body")
        assert body.get("data-default-mode") in {"auto", "light", "dark"}, doc


# ---------------------------------------------------------------- theme features


def test_favicon_and_logo_are_our_own(site):
    soup = site.soup(toc_files()[0])
    icon = soup.find("link", rel="icon")
    assert icon is not None and icon["href"].endswith("_static/favicon.svg")
    logos = soup.select("img.logo__image")
    assert logos and all(img["src"].endswith("_static/logo.svg") for img in logos)
    for name in ("favicon.svg", "logo.svg"):
        ours = (ROOT / "book" / "_static" / name).read_bytes()
        assert (site.html / "_static" / name).read_bytes() == ours
        assert ours.lstrip().startswith(b"<svg") and b"<title" in ours


def test_download_source_and_copy_buttons(site):
    for doc in toc_files():
        soup = site.soup(doc)
        downloads = [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")]
        assert any(
            h.endswith(f"_sources/{doc}.md") or h.endswith(f"{Path(doc).name}.md") for h in downloads
        ), (
            doc,
            downloads,
        )
        assert (site.html / "_sources" / f"{doc}.md").is_file()
        scripts = [urlsplit(s.get("src", "")).path for s in soup.find_all("script")]
        assert any(s.endswith("_static/copybutton.js") for s in scripts), doc


def test_repository_button_follows_the_configured_url():
    """No URL committed -> no button; with a URL (tools/set_repository.py, as the publish workflow
    sets it), Jupyter Book turns on the repository button pointing at it."""
    from jupyter_book.config import get_final_config
    from set_repository import repository_settings

    committed = yaml.safe_load((ROOT / "_config.yml").read_text())
    cli = {"latex_individualpages": False}  # what `jupyter-book build` passes
    conf, _ = get_final_config(user_yaml=committed, cli_config=dict(cli), sourcedir=ROOT)
    assert not conf["html_theme_options"].get("use_repository_button")
    url = "https://github.com/example-owner/fc-vs-conv"
    conf, _ = get_final_config(
        user_yaml=repository_settings(committed, url, "main"), cli_config=dict(cli), sourcedir=ROOT
    )
    options = conf["html_theme_options"]
    assert options["use_repository_button"] is True
    assert options["repository_url"] == url
    assert options["repository_branch"] == "main"


# ---------------------------------------------------------------- sizes


def test_pages_fit_the_budget(site):
    """tools/budgets.py: a page (HTML + its own images) <= PAGE_BUDGET."""
    weights = {doc: page_weight(site.path(doc)) for doc in toc_files()}
    assert all(w.total >= w.html > 0 for w in weights.values())
    over = [line for doc, w in weights.items() for line in over_budget(doc, w) if line.startswith("page")]
    assert not over, f"pages over {PAGE_BUDGET // 1024} KB: {over}"


def test_animations_fit_the_budget(site):
    """tools/budgets.py: one animation player (markup and frames) <= ANIMATION_BUDGET."""
    weights = {doc: page_weight(site.path(doc)) for doc in toc_files()}
    assert sum(len(w.players) for w in weights.values()) >= 2  # the gradient-flow page's two players
    over = [
        line for doc, w in weights.items() for line in over_budget(doc, w) if line.startswith("animation")
    ]
    assert not over, f"animations over {ANIMATION_BUDGET // 1024} KB: {over}"
