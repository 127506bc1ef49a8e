"""The one pass over the written pages, through an HTML parser (BeautifulSoup, ``html.parser``):
what configuration and templates cannot do.

* Head: the ``_static`` stylesheets become one bundle; ``documentation_options.js`` is inlined,
  the other head scripts get ``defer``; the KaTeX fonts a page uses are preloaded.
* Folds: ``div.admonition.dropdown`` (the solutions) becomes ``<details>``, title as ``<summary>``.
* Images: width/height from the file, async decoding, lazy loading after the article's first;
  a figure's image links to itself at full size. Tables: the caption above the scrolling box.
* Names and landmarks: focusable display equations, a labelled sidebar, myst-nb's folded cells
  named by their text, no ARIA roles the bibliography may not have.

:func:`check`: what fails the build (a blocking script, a fold left, a KaTeX parse error).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, NavigableString
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter


class _Formatter(HTMLFormatter):
    def attributes(self, tag):
        return tag.attrs.items()  # in the order the page has them (BeautifulSoup sorts them)


#: How a page is written back: &, < and > escaped (BeautifulSoup's "minimal"), attributes in
#: their order, void elements closed as Sphinx writes them.
FORMATTER = _Formatter(EntitySubstitution.substitute_xml, void_element_close_prefix=" /")

#: What a folded title ends with ("Click to show/hide" and a chevron, drawn by fcconv.css).
FOLD_HINT = '<span class="fold-hint" aria-hidden="true"></span>'
#: Printing from the browser opens the closed folds, and closes them again afterwards.
FOLD_PRINT_JS = (
    'addEventListener("beforeprint",()=>document.querySelectorAll("details.fold:not([open])")'
    '.forEach(d=>{d.open=true;d.dataset.printOpen=""}));addEventListener("afterprint",()=>'
    'document.querySelectorAll("details.fold[data-print-open]").forEach(d=>{d.open=false;'
    "delete d.dataset.printOpen}))"
)
#: Scripts a page does without when no element has the class: file name -> class.
OPTIONAL_SCRIPTS = {"design-tabs.js": "sd-tab-set"}


def parse(page_html: str) -> BeautifulSoup:
    return BeautifulSoup(page_html, "html.parser")


def write(soup) -> str:
    return soup.decode(formatter=FORMATTER)


def _remove(el) -> None:
    """Remove an element and the line break or blanks after it."""
    after = el.next_sibling
    if isinstance(after, NavigableString) and not after.strip():
        after.extract()
    el.decompose()


def _static_path(url: str) -> tuple[str, str] | None:
    """(prefix up to ``_static/``, path inside it) of a link into the site's ``_static/``."""
    prefix, sep, rest = urlsplit(url).path.partition("_static/")
    if not sep or prefix.replace("../", "") not in ("", "/"):
        return None
    return prefix, rest


def bundle_stylesheets(soup: BeautifulSoup, bundle) -> tuple[str, str] | None:
    """Replace the head's ``_static`` stylesheet links by one link to ``bundle(paths) -> (name,
    text)``; return ``(name, text)``, or None when the page links no stylesheet of ours."""
    links = [(link, _static_path(link["href"])) for link in soup.head.select('link[rel~="stylesheet"][href]')]
    links = [(link, where) for link, where in links if where is not None]
    if not links:
        return None
    prefixes = {prefix for _, (prefix, _) in links}
    if len(prefixes) != 1:
        raise ValueError(f"stylesheets linked with different prefixes: {sorted(prefixes)}")
    name, text = bundle([path for _, (_, path) in links])
    links[0][0].attrs = {"rel": "stylesheet", "href": f"{prefixes.pop()}_static/{name}"}
    for link, _ in links[1:]:
        _remove(link)
    return name, text


def _blocks(script) -> bool:
    return not ({"defer", "async"} & set(script.attrs) or script.get("type") == "module")


def head_scripts(soup: BeautifulSoup, options_js: str) -> None:
    """Inline ``documentation_options.js``, ``defer`` the other external head scripts, drop the
    :data:`OPTIONAL_SCRIPTS` a page does not use."""
    for script in soup.head.find_all("script", src=True):
        name = posixpath.basename(urlsplit(script["src"]).path)
        needs = OPTIONAL_SCRIPTS.get(name)
        if name == "documentation_options.js":
            script.attrs = {}
            script.string = options_js.strip()
        elif needs is not None and soup.find(class_=needs) is None:
            _remove(script)
        elif _blocks(script):
            script.attrs = {"defer": "", **script.attrs}


def blocking_scripts(soup: BeautifulSoup) -> list[str]:
    """The external head scripts that block rendering (no ``defer``, ``async`` or module)."""
    return [s["src"] for s in soup.head.find_all("script", src=True) if _blocks(s)]


def fonts_used(soup: BeautifulSoup, faces: dict, rules: list) -> list[str]:
    """The font files (urls of ``faces``) the page's KaTeX markup needs, sorted."""
    if soup.find(class_="katex") is None:
        return []
    elements = {frozenset(el["class"]) for el in soup.find_all(class_=True)}
    used = {("KaTeX_Main", "400", "normal")}
    used.update(face for classes, face in rules if any(classes <= el for el in elements))
    return sorted(faces[face] for face in used if face in faces)


def preload_fonts(soup: BeautifulSoup, urls: list[str]) -> None:
    """A ``<link rel="preload" as="font">`` per url, right after the page's stylesheet."""
    at = soup.head.find("link", rel="stylesheet")
    for url in reversed(urls):
        link = soup.new_tag("link")
        link.attrs = {"rel": "preload", "href": url, "as": "font", "type": "font/woff2", "crossorigin": ""}
        at.insert_after(link)
        at.insert_after("\n")


def native_folds(soup: BeautifulSoup) -> int:
    """Every ``div.admonition.dropdown`` becomes ``<details class="... fold">``, its title the
    ``<summary>`` (links in it unwrapped); returns how many, and adds the print script once."""
    folds = soup.select("div.admonition.dropdown")
    for div in folds:
        title = div.find("p", class_="admonition-title", recursive=False)
        if title is None:
            raise ValueError(f"a folded admonition ({' '.join(div['class'])}) has no title")
        div.name = "details"
        div["class"] = [c for c in div["class"] if c != "dropdown"] + ["fold"]
        title.name = "summary"
        for link in title.find_all("a"):
            link.unwrap()
        title.append(BeautifulSoup(FOLD_HINT, "html.parser"))
    if folds and soup.find("script", string=FOLD_PRINT_JS) is None:
        script = soup.new_tag("script")
        script.string = FOLD_PRINT_JS
        soup.body.append(script)
    return len(folds)


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG, GIF, JPEG or SVG file, or None if unknown."""
    import imagesize

    if not path.is_file():
        return None
    w, h = imagesize.get(str(path))
    if w > 0 and h > 0:
        return round(w), round(h)
    # an SVG without width and height (imagesize reads only those): its viewBox
    svg = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser").find("svg")
    box = (svg.get("viewbox", "") if svg else "").split()
    return (round(float(box[2])), round(float(box[3]))) if len(box) == 4 else None


def _local_file(src: str, page: Path, root: Path | None) -> Path:
    """The file an ``<img src>`` names: relative to the page, or for a root-absolute ``src`` (the
    404 page's ``/REPO/_static/...``) under the site root, the URL prefix dropped."""
    path = unquote(urlsplit(src).path)
    if not path.startswith("/") or root is None:
        return (page.parent / path).resolve()
    parts = path.strip("/").split("/")
    found = (root.joinpath(*parts[k:]) for k in range(len(parts)))
    return next((f for f in found if f.is_file()), root / parts[-1])


def size_images(soup: BeautifulSoup, page: Path, root: Path | None = None) -> None:
    """Local images get width/height (read from the file), decoding and lazy loading."""
    article = soup.find("article", class_="bd-article")
    in_article = set(map(id, article.find_all("img"))) if article else set()
    first = True
    for img in soup.find_all("img", src=True):
        src = urlsplit(img["src"])
        if img["src"].startswith("data:") or src.scheme or src.netloc:
            continue
        if img.get("width") is None and img.get("height") is None:
            size = image_size(_local_file(img["src"], page, root))
            if size:
                img["width"], img["height"] = map(str, size)
        img.attrs.setdefault("decoding", "async")
        if id(img) in in_article:
            if not first:
                img.attrs.setdefault("loading", "lazy")
            first = False


def tables_and_figures(soup: BeautifulSoup) -> None:
    """A table's caption moves above its sideways-scrolling box (and still names the table); a
    figure's image (not a player's frame) links to the image at full size, named by its alt text."""
    for n, box in enumerate(soup.select("div.pst-scrollable-table-container:has(> table > caption)")):
        caption = box.table.find("caption", recursive=False).extract()
        caption.name, caption["class"] = "div", ["table-caption"]
        caption["id"] = f"{box.table.get('id') or f'table-{n}'}-caption"
        box.table["aria-labelledby"] = caption["id"]
        box.insert_before(caption)
    for img in soup.select("article figure:not(.fcconv-player) img[alt]:not([alt='']):not(a img)"):
        img.wrap(soup.new_tag("a", href=img["src"], attrs={"class": "reference image-reference"}))


def glossary_definitions(soup: BeautifulSoup) -> dict[str, str]:
    """Term id -> its definition as the glossary page shows it (KaTeX's MathML removed from ``soup``)."""
    for el in soup.select(".katex-mathml"):
        el.decompose()
    return {dt["id"]: " ".join(dt.find_next_sibling("dd").get_text().replace("\u200b", "").split())
            for dt in soup.select("dl.glossary > dt[id]")}  # fmt: skip


def names_and_landmarks(soup: BeautifulSoup, definitions: dict | None = None) -> None:
    """Accessible names (WCAG 2.5.3, label in name), landmarks, keyboard access; a link to a glossary
    term has the definition as its title (shown on hover, as a citation's entry is)."""
    definitions = definitions or {}
    for a in soup.select('a[href*="#term-"]'):
        if a["href"].partition("#")[2] in definitions:
            a["title"] = definitions[a["href"].partition("#")[2]]
    for span in soup.select("span.katex-display"):  # scrolls sideways when wider than the column
        span["tabindex"] = "0"
    for div in soup.select("div.bd-sidebar-primary"):  # holds the logo link outside any landmark
        div.attrs.update(role="complementary", **{"aria-label": "Book navigation"})
    # myst-nb's folded cells show "Show code cell source" but were named "Toggle hidden content";
    # without the aria-label the name is the text (the search buttons: tools/templates)
    for el in soup.select('summary[aria-label="Toggle hidden content"]'):
        del el["aria-label"]
    # docutils' roles for the bibliography, which ARIA 1.2 deprecates or allows on list items only
    for el in soup.select('div.citation-list[role="list"], div.citation[role="doc-biblioentry"]'):
        del el["role"]


def polish(
    page_html, page: Path, root: Path, options_js: str, bundle, katex, site_url="", definitions=None
) -> tuple[str, tuple | None]:
    """Every edit of a written page; returns ``(html, (bundle name, text))``, or ``(page_html,
    None)`` for a page without a stylesheet of ours (the redirect page)."""
    soup = parse(page_html)
    if soup.head is None or soup.head.find("link", rel="stylesheet") is None:
        return page_html, None
    if not site_url:  # without a site URL sphinxext-opengraph writes a relative og:url: invalid
        for meta in soup.head.select('meta[property="og:url"]'):
            _remove(meta)
    native_folds(soup)
    size_images(soup, page, root)
    tables_and_figures(soup)
    names_and_landmarks(soup, definitions)
    found = bundle_stylesheets(soup, bundle)
    head_scripts(soup, options_js)
    if katex is not None and found is not None:
        prefix = _static_path(soup.head.find("link", rel="stylesheet")["href"])[0]
        folder = posixpath.dirname(katex[2])
        preload_fonts(soup, [f"{prefix}_static/{folder}/{u}" for u in fonts_used(soup, *katex[:2])])
    return write(soup), found


def check(page_html: str) -> list[str]:
    """What is wrong with a polished page (empty when nothing is)."""
    soup = parse(page_html)
    problems = [f"a script blocks rendering: {src}" for src in blocking_scripts(soup)]
    # KaTeX runs with throwOnError: false, and marks what it could not parse
    problems += [
        f"KaTeX could not render {e.get('title', '')!r}" for e in soup.find_all(class_="katex-error")
    ]
    problems += ["a dropdown admonition was not made a <details>"] * len(
        soup.select("div.admonition.dropdown")
    )
    return problems
