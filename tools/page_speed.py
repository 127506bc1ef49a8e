"""Sphinx extension: a page that paints early and stays still on a slow phone.

Measured on the built site (Lighthouse 12, mobile preset, and Chromium traces at 4x CPU
throttling), the theme cost more than the book's own content: fourteen stylesheets (one of them
``@import``-ing a fifteenth) and eight scripts in ``<head>`` that block the first paint, a
whole-document style recalculation when the theme's script first sets ``data-theme`` (the
inline head script leaves it at ``"auto"``, which no stylesheet matches), a layout per code
block when the theme looks for scrollable blocks, and text that moves when the KaTeX fonts
arrive after the first paint (a layout shift of 0.2 on the gradients page). Once Sphinx has
written every page, this extension rewrites them:

* **One stylesheet.** The stylesheets a page links from ``_static/`` become one file
  ``_static/styles-<hash>.css`` (their text in the same order, ``@import`` inlined, every
  ``url()`` rewritten to stay valid from the new place). Same bytes in, same name out.
* **No script blocks the first paint.** ``documentation_options.js`` (a few hundred bytes the
  inline scripts after it need) is written into the page; every other script in ``<head>``
  gets ``defer`` (they keep their order and all run before ``DOMContentLoaded``, which is
  when they start their work). ``design-tabs.js`` is dropped from pages with no tab set, and
  ``togglebutton.js`` from pages with nothing to toggle (the book no longer loads that
  extension; the entry guards Jupyter Book's default extension list, which includes it).
* **The colour theme is decided before the first style pass**: the theme's inline head script
  resolves ``"auto"`` to ``"light"`` or ``"dark"`` from ``prefers-color-scheme`` itself, so
  the theme's script later sets the same value and nothing is restyled.
* **Fonts arrive with the stylesheet.** Each page preloads the KaTeX fonts its equations use
  (:func:`fonts_used`, read off the page's classes and ``katex.min.css``): the text is laid
  out once, with the right fonts.
* **Scrollable blocks without layout thrashing.** The theme gives every scrollable code block
  and output a tab stop by reading each block's size right after writing the previous one's
  ``tabIndex`` (a forced layout per block). :func:`patch_theme_script` replaces that loop
  with a ``ResizeObserver``, which reports every block's size once layout is done.
  (``content-visibility: auto`` on the sections below the screen halved the remaining style
  and layout work, but axe-core, and so Lighthouse's accessibility score, then reports
  contrast errors it cannot measure on unrendered sections: not used.)
* **Folded solutions without a script.** sphinx-togglebutton folds an admonition with the
  class ``dropdown`` (the exercises' solutions) in the reader's browser: it adds a button to
  each and hides its content once the page is laid out, which restyles the whole page (the
  longest task on the exercises page, 120 ms at 4x throttling). :func:`native_folds` writes
  each as ``<details>`` with its title as ``<summary>`` instead: folded from the first paint,
  opened by click, Enter or Space, announced as expanded or collapsed by screen readers, and
  ``togglebutton.js`` is no longer loaded. ``fcconv.css`` draws the title and its chevron.

Every edit is a plain text edit of markup the theme and Sphinx generate; an edit that finds
nothing to change on a page where it should is a build warning (so a theme upgrade cannot
silently undo it). ``tests/tools/test_page_speed.py`` checks each on sample markup and
``tests/built/test_page_speed_site.py`` on the built site, in a browser.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where katex_static serves KaTeX's stylesheet, relative to ``_static/``.
KATEX_CSS = "katex/katex.min.css"

# ------------------------------------------------------------------------------- stylesheets
_STYLESHEET = re.compile(
    r'<link (?:href="(?P<a>[^"]+)" rel="stylesheet" ?/?'
    r'|rel="stylesheet" type="text/css" href="(?P<b>[^"]+)" ?/?)>\n?'
)
_URL = re.compile(r"""url\((['"]?)([^'")]+)\1\)""")
_IMPORT = re.compile(r"""@import\s+(?:url\()?(['"])([^'"]+)\1\)?\s*;""")


def rewrite_urls(css: str, css_path: str) -> str:
    """``url(...)`` in a stylesheet at ``_static/<css_path>``, made relative to ``_static/``."""
    folder = posixpath.dirname(css_path)

    def fix(m: re.Match) -> str:
        url = m.group(2)
        if url.startswith(("data:", "http:", "https:", "/", "#")):
            return m.group(0)
        return f"url({m.group(1)}{posixpath.normpath(posixpath.join(folder, url))}{m.group(1)})"

    return _URL.sub(fix, css)


def stylesheet_text(static: Path, css_path: str, _seen: tuple[str, ...] = ()) -> str:
    """The text of ``_static/<css_path>`` with its ``@import`` rules inlined and urls rewritten."""
    if css_path in _seen:
        raise ValueError(f"stylesheet import cycle: {' -> '.join((*_seen, css_path))}")
    file = static / css_path
    if not file.is_file():
        raise ValueError(f"stylesheet _static/{css_path} does not exist")
    # Each file's own urls are rewritten once, then the imported files (rewritten on their
    # own) go where their @import rules were.
    pieces = _IMPORT.split(file.read_text(encoding="utf-8"))  # text, quote, target, text, ...
    out = []
    for i, piece in enumerate(pieces):
        if i % 3 == 0:
            out.append(rewrite_urls(piece, css_path))
        elif i % 3 == 2:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(css_path), piece))
            out.append(stylesheet_text(static, target, (*_seen, css_path)))
    return "".join(out)


def _static_path(href: str) -> tuple[str, str] | None:
    """(prefix up to ``_static/``, path inside it) of a link into the site's ``_static/``."""
    path = href.split("?", 1)[0].split("#", 1)[0]
    prefix, sep, rest = path.partition("_static/")
    if not sep or not re.fullmatch(r"(\.\./)*|/?", prefix):
        return None
    return prefix, rest


def bundle_stylesheets(page_html: str, static: Path) -> tuple[str, str | None, str | None]:
    """Replace the page's ``_static`` stylesheet links by one bundle.

    Returns ``(new_html, bundle_name, bundle_text)``; the bundle is named after its content
    (``styles-<12 hex>.css``); ``(page_html, None, None)`` when the page links none.
    """
    head_end = page_html.find("</head>")
    if head_end < 0:
        return page_html, None, None
    head = page_html[:head_end]
    links = [(m, _static_path(m.group("a") or m.group("b"))) for m in _STYLESHEET.finditer(head)]
    links = [(m, where) for m, where in links if where is not None]
    if not links:
        return page_html, None, None
    prefixes = {prefix for _, (prefix, _) in links}
    if len(prefixes) != 1:
        raise ValueError(f"stylesheets linked with different prefixes: {sorted(prefixes)}")
    prefix = prefixes.pop()
    text = "\n".join(f"/* {path} */\n{stylesheet_text(static, path)}" for _, (_, path) in links)
    name = f"styles-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.css"
    first, *rest = [m for m, _ in links]
    out = head[: first.start()] + f'<link rel="stylesheet" href="{prefix}_static/{name}" />\n'
    pos = first.end()
    for m in rest:
        out += head[pos : m.start()]
        pos = m.end()
    out += head[pos:]
    return out + page_html[head_end:], name, text


# ----------------------------------------------------------------------------------- scripts
_HEAD_SCRIPT = re.compile(r'<script src="(?P<src>[^"]+)"(?P<attrs>[^>]*)></script>')
_OPTIONS = re.compile(r'<script src="[^"]*_static/documentation_options\.js(?:\?[^"]*)?"></script>')
#: Scripts a page does without when it has nothing for them to do: (file name, markers).
OPTIONAL_SCRIPTS = {
    "design-tabs.js": ("sd-tab-set",),
    "togglebutton.js": (
        'class="toggle',
        " toggle ",
        ' toggle"',
        "dropdown admonition",
        "admonition dropdown",
    ),
}


def defer_head_scripts(page_html: str, options_js: str) -> str:
    """Inline ``documentation_options.js``; ``defer`` every other external script in ``<head>``.

    Scripts of :data:`OPTIONAL_SCRIPTS` are dropped from a page that has none of their markers.
    """
    head_end = page_html.find("</head>")
    if head_end < 0:
        return page_html
    head, body = page_html[:head_end], page_html[head_end:]
    head = _OPTIONS.sub(lambda m: f"<script>{options_js.strip()}</script>", head, count=1)

    def fix(m: re.Match) -> str:
        name = m.group("src").split("?", 1)[0].rsplit("/", 1)[-1]
        markers = OPTIONAL_SCRIPTS.get(name)
        if markers is not None and not any(marker in body for marker in markers):
            return ""
        attrs = m.group("attrs")
        if re.search(r"\b(defer|async)\b", attrs) or 'type="module"' in attrs:
            return m.group(0)
        return f'<script defer src="{m.group("src")}"{attrs}></script>'

    return _HEAD_SCRIPT.sub(fix, head) + body


def blocking_head_scripts(page_html: str) -> list[str]:
    """The external scripts in ``<head>`` that block rendering (no ``defer``/``async``/module)."""
    head = page_html[: max(page_html.find("</head>"), 0)]
    return [
        m.group("src")
        for m in _HEAD_SCRIPT.finditer(head)
        if not re.search(r"\b(defer|async)\b", m.group("attrs")) and 'type="module"' not in m.group("attrs")
    ]


# ---------------------------------------------------------------------------- colour theme
THEME_LINE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
EARLY_THEME_LINE = (
    "var mode = document.documentElement.dataset.mode;"
    ' document.documentElement.dataset.theme = mode === "light" || mode === "dark" ? mode'
    ' : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";'
)


def resolve_theme_early(page_html: str) -> str:
    """The theme's inline head script sets ``data-theme`` to ``light``/``dark``, never ``auto``."""
    return page_html.replace(THEME_LINE, EARLY_THEME_LINE, 1)


# ------------------------------------------------------------------------------------ fonts
_FONT_FACE = re.compile(r"@font-face\{([^}]*)\}")
_FONT_RULE = re.compile(r"([^{}@]+)\{([^}]*font-family:(KaTeX_\w+)[^}]*)\}")


def katex_fonts(css: str) -> tuple[dict, list]:
    """Read ``katex.min.css``: its font files and which classes select which face.

    Returns ``(faces, rules)``: ``faces[(family, weight, style)] = url`` (relative to the
    stylesheet), ``rules = [(classes, (family, weight, style)), ...]`` where ``classes`` are the
    classes an element needs (its own, from the selector's last compound with classes).
    """
    faces = {}
    for m in _FONT_FACE.finditer(css):
        decl = dict(re.findall(r"(font-family|font-style|font-weight):([^;]+)", m.group(1)))
        url = re.search(r"url\(([^)]+)\)", m.group(1))
        if url and "font-family" in decl:
            key = (decl["font-family"], decl.get("font-weight", "400"), decl.get("font-style", "normal"))
            faces[key] = url.group(1).strip("'\"")
    rules = []
    for m in _FONT_RULE.finditer(css):
        weight = re.search(r"font-weight:(\d+)", m.group(2))
        style = re.search(r"font-style:(\w+)", m.group(2))
        face = (m.group(3), weight.group(1) if weight else "400", style.group(1) if style else "normal")
        for selector in m.group(1).split(","):
            parts = [p for p in re.split(r"[\s>+~]+", selector.strip()) if p]
            classes: set[str] = set()
            while parts and not classes:
                classes = set(re.findall(r"\.([\w-]+)", parts.pop()))
            if classes and classes != {"katex"}:
                rules.append((frozenset(classes), face))
    if not faces or not rules:
        raise ValueError("no KaTeX @font-face or font-family rules found in the stylesheet")
    return faces, rules


def fonts_used(page_html: str, faces: dict, rules: list) -> list[str]:
    """The font files (urls of ``faces``) that the KaTeX markup of a page needs, sorted."""
    if 'class="katex"' not in page_html:
        return []
    elements = {frozenset(m.group(1).split()) for m in re.finditer(r'class="([^"]*)"', page_html)}
    used = {("KaTeX_Main", "400", "normal")}
    for classes, face in rules:
        if any(classes <= element for element in elements):
            used.add(face)
    return sorted(faces[face] for face in used if face in faces)


def preload_fonts(page_html: str, urls: list[str]) -> str:
    """``<link rel="preload" as="font">`` for each url, right after the page's stylesheet."""
    if not urls:
        return page_html
    links = "".join(
        f'<link rel="preload" href="{url}" as="font" type="font/woff2" crossorigin />\n' for url in urls
    )
    m = re.search(r'<link rel="stylesheet" href="[^"]*" />\n', page_html)
    at = m.end() if m else page_html.find("</head>")
    return page_html[:at] + links + page_html[at:]


# ------------------------------------------------------------------------------ folded solutions
_FOLD_START = re.compile(
    r'<div class="(?P<cls>[^"]*)"(?P<attrs>[^>]*)>\s*<p class="admonition-title">(?P<title>.*?)</p>',
    re.S,
)
_DIV_TAG = re.compile(r"<div\b|</div>")
_LINK_TAG = re.compile(r"</?a\b[^>]*>")
#: What a folded title ends with: the hint ("Show"/"Hide" and a chevron, drawn by fcconv.css).
FOLD_HINT = '<span class="fold-hint" aria-hidden="true"></span>'
#: Printing from the browser unfolds the folds (as sphinx-togglebutton did), and folds them back.
FOLD_PRINT_JS = (
    '<script>addEventListener("beforeprint",()=>document.querySelectorAll("details.fold:not([open])")'
    '.forEach(d=>{d.open=true;d.dataset.printOpen=""}));addEventListener("afterprint",()=>'
    'document.querySelectorAll("details.fold[data-print-open]").forEach(d=>{d.open=false;'
    "delete d.dataset.printOpen}))</script>"
)


def _is_dropdown(cls: str) -> bool:
    names = cls.split()
    return "dropdown" in names and "admonition" in names


def native_folds(page_html: str) -> tuple[str, int]:
    """Every admonition with the class ``dropdown`` becomes ``<details class="... fold">``.

    Its title (``<p class="admonition-title">``) becomes the ``<summary>`` (links in it become
    plain text: a click on the title opens the fold), followed by :data:`FOLD_HINT`; the class
    ``dropdown`` is dropped (it is what sphinx-togglebutton looks for). A page with folds gets
    :data:`FOLD_PRINT_JS` before ``</body>``. Returns the page and the number of folds made.
    Raises ``ValueError`` if a fold's ``</div>`` is missing.
    """
    out, pos, count = [], 0, 0
    for m in _FOLD_START.finditer(page_html):
        if m.start() < pos or not _is_dropdown(m.group("cls")):
            continue
        depth, end = 1, None
        for tag in _DIV_TAG.finditer(page_html, m.end()):
            depth += 1 if tag.group(0) == "<div" else -1
            if depth == 0:
                end = tag
                break
        if end is None:
            raise ValueError(f"a folded admonition ({m.group('cls')!r}) has no closing </div>")
        cls = " ".join([c for c in m.group("cls").split() if c != "dropdown"] + ["fold"])
        title = _LINK_TAG.sub("", m.group("title"))
        out += [
            page_html[pos : m.start()],
            f'<details class="{cls}"{m.group("attrs")}>',
            f'<summary class="admonition-title">{title}{FOLD_HINT}</summary>',
            page_html[m.end() : end.start()],
            "</details>",
        ]
        pos, count = end.end(), count + 1
    out.append(page_html[pos:])
    page_html = "".join(out)
    if count and FOLD_PRINT_JS not in page_html:
        at = page_html.rfind("</body>")
        at = len(page_html) if at < 0 else at
        page_html = page_html[:at] + FOLD_PRINT_JS + page_html[at:]
    return page_html, count


def unfolded_dropdowns(page_html: str) -> int:
    """How many dropdown admonitions are still ``<div>``s (0 after :func:`native_folds`)."""
    return sum(_is_dropdown(m.group("cls")) for m in _FOLD_START.finditer(page_html))


# --------------------------------------------------------------------------- theme script
#: pydata-sphinx-theme 0.15.4 (minified): the tab stops of scrollable blocks.
TAB_STOPS_OLD = (
    'document.querySelectorAll("pre, .nboutput > .output_area, .cell_output > .output, '
    '.jp-RenderedHTMLCommon").forEach((e=>{e.tabIndex=e.scrollWidth>e.clientWidth||'
    "e.scrollHeight>e.clientHeight?0:-1}))"
)
TAB_STOPS_NEW = (
    "(window.fcconvTabStops=window.fcconvTabStops||new ResizeObserver((t=>{for(const n of t){"
    "const e=n.target,s=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1;"
    "e.tabIndex!==s&&(e.tabIndex=s)}})),"
    'document.querySelectorAll("pre, .nboutput > .output_area, .cell_output > .output, '
    '.jp-RenderedHTMLCommon").forEach((e=>window.fcconvTabStops.observe(e))))'
)


def patch_theme_script(js: str) -> str:
    """The theme's tab-stop loop (a forced layout per block) becomes a ``ResizeObserver``.

    The observer reports each block once it is laid out (and again when its size changes);
    observing a block twice (the theme re-runs the loop on resize and on DOM changes) is a
    no-op. Raises ``ValueError`` if the theme's code is not there (a changed theme version).
    """
    if TAB_STOPS_NEW in js:
        return js
    if js.count(TAB_STOPS_OLD) != 1:
        raise ValueError("pydata-sphinx-theme.js: the tab-stop loop to replace was not found once")
    return js.replace(TAB_STOPS_OLD, TAB_STOPS_NEW)


# ----------------------------------------------------------------------------------- driver
def speed_up(page_html: str, static: Path, options_js: str, katex: tuple[dict, list] | None):
    """All page edits; returns ``(html, bundles)`` with ``bundles = {name: text}``."""
    page_html = resolve_theme_early(page_html)
    page_html, _ = native_folds(page_html)
    page_html, name, text = bundle_stylesheets(page_html, static)
    bundles = {name: text} if name else {}
    page_html = defer_head_scripts(page_html, options_js)
    if katex is not None and name:
        prefix = re.search(r'<link rel="stylesheet" href="([^"]*)_static/', page_html).group(1)
        folder = posixpath.dirname(KATEX_CSS)
        urls = [f"{prefix}_static/{posixpath.join(folder, u)}" for u in fonts_used(page_html, *katex)]
        page_html = preload_fonts(page_html, urls)
    return page_html, bundles


def _post_process(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    theme_js = static / "scripts" / "pydata-sphinx-theme.js"
    try:
        theme_js.write_text(patch_theme_script(theme_js.read_text(encoding="utf-8")), encoding="utf-8")
    except (OSError, ValueError) as err:
        logger.warning(f"page_speed: {err}")
    options_js = (static / "documentation_options.js").read_text(encoding="utf-8")
    katex_css = static / KATEX_CSS
    katex = katex_fonts(katex_css.read_text(encoding="utf-8")) if katex_css.is_file() else None
    bundles: dict[str, str] = {}
    for page in sorted(out.rglob("*.html")):
        if {"_static", "_sources", "_images"} & set(page.relative_to(out).parts):
            continue
        text = page.read_text(encoding="utf-8")
        if "</head>" not in text or "<link" not in text:
            continue  # the redirect page
        if THEME_LINE not in text:
            logger.warning(f"page_speed: {page.name}: the theme's colour-mode script was not found")
        try:
            new, found = speed_up(text, static, options_js, katex)
        except ValueError as err:
            logger.warning(f"page_speed: {page.name}: {err}")
            continue
        bundles.update(found)
        if unfolded_dropdowns(new):
            logger.warning(f"page_speed: {page.name}: a dropdown admonition was not made a <details>")
        if blocking_head_scripts(new):
            logger.warning(
                f"page_speed: {page.name}: scripts still block rendering: {blocking_head_scripts(new)}"
            )
        if new != text:
            page.write_text(new, encoding="utf-8")
    for name, text in bundles.items():
        (static / name).write_text(text, encoding="utf-8")
    for old in static.glob("styles-*.css"):  # bundles of an earlier build into the same folder
        if old.name not in bundles:
            old.unlink()


def setup(app):
    # After the extensions that copy stylesheets and fonts into _static at build-finished
    # (katex_static, icon_subset: default priority 500), so the bundle holds their final text.
    app.connect("build-finished", _post_process, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
