"""Sphinx extension: the theme's icons as one small stylesheet instead of Font Awesome's script.

pydata-sphinx-theme loads Font Awesome 6 as a 1.45 MB render-blocking script (``all.min.js``,
which swaps every ``<i class="fa-...">`` for an inline SVG), plus its stylesheet and three
preloaded webfonts (300 KB), on every page. The site shows a dozen icons. This extension:

* overrides the theme's ``css`` block (``templates/layout.html`` beside this file) so that none
  of Font Awesome's files is linked or preloaded;
* writes ``_static/icons.css``: for each icon in :data:`ICONS` (every icon the theme, the
  book theme's buttons and matplotlib's animation player can show), a CSS mask whose SVG path
  is read from the theme's own copy of Font Awesome at build time, so the glyphs are exactly
  Font Awesome's (Font Awesome Free, icons under CC BY 4.0) and follow the text colour
  (light and dark mode).

Markup is untouched: ``<i class="fa-solid fa-sun">``, ``<i class="fas fa-download">`` and
matplotlib's Font Awesome 4 names (``<i class="fa fa-step-forward">``) all keep working.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CSS_NAME = "icons.css"
#: The Font Awesome files the override stops linking (checked by the tests).
FONT_AWESOME_DIR = "_static/vendor/fontawesome"

#: Icon name -> Font Awesome pack (``fas`` solid, ``fab`` brands). Aliases of a name (Font
#: Awesome 4 and 5 names such as ``fast-forward`` or ``pencil-alt``) get the same glyph.
ICONS = {
    # pydata-sphinx-theme: header, sidebars, search, theme switch, back to top, prev/next.
    "magnifying-glass": "fas",
    "bars": "fas",
    "list": "fas",
    "sun": "fas",
    "moon": "fas",
    "circle-half-stroke": "fas",
    "arrow-up": "fas",
    "angle-left": "fas",
    "angle-right": "fas",
    "chevron-down": "fas",
    "xmark": "fas",
    "up-right-from-square": "fas",
    # sphinx-book-theme's article buttons: full screen, download (.md/.ipynb/PDF), repository,
    # edit, issue, launch (Binder/Colab/JupyterHub use their own images).
    "expand": "fas",
    "download": "fas",
    "file": "fas",
    "file-pdf": "fas",
    "code": "fas",
    "pencil": "fas",
    "lightbulb": "fas",
    # admonition titles (see ADMONITION_ICONS)
    "bell": "fas",
    "rocket": "fas",
    "github": "fab",
    "gitlab": "fab",
    "bitbucket": "fab",
    # matplotlib's to_jshtml animation player (Font Awesome 4 names, found through aliases).
    "minus": "fas",
    "plus": "fas",
    "play": "fas",
    "pause": "fas",
    "backward-fast": "fas",
    "backward-step": "fas",
    "forward-step": "fas",
    "forward-fast": "fas",
}

#: Admonition titles: the theme (and sphinx-exercise, with its own glyph) draw an icon in the
#: title's ``::after`` with Font Awesome's webfont, which the site does not serve (a box would
#: show); a mask of the same glyph instead. Selector -> icon name (solid pack).
ADMONITION_ICONS = {
    ".admonition>.admonition-title::after,div.admonition>.admonition-title::after": "bell",
    "div.exercise p.admonition-title::after": "pencil",
}

_PACK_END = re.compile(r'd\("(fas|far|fab)",p\)')
_ENTRY = re.compile(r'(?:"([^"]+)"|([A-Za-z0-9_$]+)):\[(\d+),(\d+),\[([^\]]*)\],"[^"]*","([^"]+)"\]')


def font_awesome_script(app) -> Path:
    """The theme's ``all.min.js`` (read at build time, never served)."""
    import pydata_sphinx_theme

    found = sorted(
        (Path(pydata_sphinx_theme.__file__).parent / "theme").glob(
            "pydata_sphinx_theme/static/vendor/fontawesome/*/js/all.min.js"
        )
    )
    if not found:
        raise RuntimeError("pydata-sphinx-theme ships no fontawesome/*/js/all.min.js: theme changed?")
    return found[-1]


def read_icons(script: str) -> dict[tuple[str, str], tuple[int, int, str]]:
    """``{(pack, name or alias): (width, height, svg path)}`` from Font Awesome's ``all.min.js``."""
    icons = {}
    start = 0
    for end in _PACK_END.finditer(script):
        pack = end.group(1)
        body = script[script.rindex("var p={", start, end.start()) : end.start()]
        for m in _ENTRY.finditer(body):
            name = m.group(1) or m.group(2)
            glyph = (int(m.group(3)), int(m.group(4)), m.group(6))
            aliases = [a.strip('"') for a in m.group(5).split(",") if a.startswith('"')]
            for key in (name, *aliases):
                icons.setdefault((pack, key), glyph)
        start = end.end()
    return icons


def icon_css(icons: dict[tuple[str, str], tuple[int, int, str]]) -> str:
    """The stylesheet: shared box rules, then one mask per icon name and alias in :data:`ICONS`."""
    glyph_names: dict[tuple[int, int, str], list[str]] = {}
    for name, pack in ICONS.items():
        if (pack, name) not in icons:
            raise KeyError(f"Font Awesome has no {pack} icon named {name!r}")
        glyph = icons[(pack, name)]
        names = sorted(k for (p, k), g in icons.items() if p == pack and g == glyph)
        glyph_names[glyph] = names
    lines = [
        "/* Generated by tools/icon_subset.py from the theme's Font Awesome 6 (Font Awesome Free,",
        " * icons CC BY 4.0, https://fontawesome.com/license/free). Do not edit. */",
        ":where(.fa,.fas,.fa-solid,.fab,.fa-brands,.far,.fa-regular){display:inline-block;"
        "width:1.25em;height:1em;vertical-align:-.125em;background-color:currentColor;"
        "-webkit-mask:var(--fc-icon) center/contain no-repeat;mask:var(--fc-icon) center/contain no-repeat}",
        ".fa-lg{font-size:1.25em;line-height:.05em;vertical-align:-.075em}",
        ".fa-flip-horizontal{transform:scaleX(-1)}",
    ]
    for (width, height, path), names in glyph_names.items():
        selector = ",".join(f".fa-{n}" for n in names)
        lines.append(f"{selector}{{--fc-icon:{_svg_url(width, height, path)}}}")
    for selector, name in ADMONITION_ICONS.items():
        mask = "var(--fc-icon) center/contain no-repeat"
        if ("fas", name) not in icons:
            raise KeyError(f"Font Awesome has no fas icon named {name!r} (for {selector})")
        url = _svg_url(*icons[("fas", name)])
        lines.append(
            f'{selector}{{content:"";background-color:currentColor;--fc-icon:{url};-webkit-mask:{mask};mask:{mask}}}'
        )
    return "\n".join(lines) + "\n"


def _svg_url(width: int, height: int, path: str) -> str:
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
    data = quote(svg, safe=" =/:.,-'")
    return f'url("data:image/svg+xml,{data}")'


def _builder_inited(app) -> None:
    app.add_css_file(CSS_NAME)


def _copy(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    icons = read_icons(font_awesome_script(app).read_text(encoding="utf-8"))
    out = Path(app.outdir) / "_static" / CSS_NAME
    out.write_text(icon_css(icons), encoding="utf-8")
    # The theme copies Font Awesome (3 MB) into every build; no page links it any more.
    shutil.rmtree(Path(app.outdir) / FONT_AWESOME_DIR, ignore_errors=True)


def _config_inited(app, config) -> None:
    templates = str(HERE / "templates")
    if templates not in config.templates_path:
        config.templates_path.insert(0, templates)


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
