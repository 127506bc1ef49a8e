"""Sphinx extension: render every equation at build time with KaTeX, served by the site itself.

``sphinxcontrib-katex`` (pinned in ``constraints.txt``) with ``katex_prerender`` turns each
equation into HTML during the build by calling Node; the reader's browser runs no maths
JavaScript and only fetches KaTeX's stylesheet and the few fonts a page uses. This extension:

* points the renderer at the npm ``katex`` pinned by ``package-lock.json`` (installed by
  ``make`` with ``npm ci`` into ``node_modules/``), so the HTML and the stylesheet come from
  the same KaTeX version, and fails the build with a clear message when Node or the package is
  missing (the extension's default would link the stylesheet from a CDN);
* copies ``katex.min.css`` and its ``.woff2`` fonts into ``_static/katex/`` (the stylesheet's
  ``.woff``/``.ttf`` fallbacks are dropped: every browser that runs the theme reads woff2);
* warns (so the strict build fails) when KaTeX could not parse an equation: the renderer is
  called with ``throwOnError: false`` and would otherwise print the TeX in red.

Enabled from ``_config.yml`` (``sphinx: local_extensions``) after ``sphinxcontrib.katex``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
#: Where the site serves the stylesheet and fonts, relative to ``_static/``.
CSS_PATH = "katex/katex.min.css"
#: KaTeX's own marker for an equation it could not parse (``throwOnError: false``).
ERROR_MARK = 'class="katex-error"'
_FALLBACKS = re.compile(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)')


def pinned_version() -> str:
    """The KaTeX version ``package.json`` pins (exactly)."""
    pins = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    version = {**pins.get("devDependencies", {}), **pins.get("dependencies", {})}.get("katex", "")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise RuntimeError(f"package.json must pin katex to an exact version, found {version!r}")
    return version


def check_install() -> Path:
    """``node_modules/katex/dist`` of the pinned version, or a RuntimeError saying what to run."""
    wanted = pinned_version()
    if shutil.which("node") is None:
        raise RuntimeError(
            "KaTeX renders the equations with Node: install nodejs (apt-get install nodejs npm)"
        )
    meta = KATEX_DIST.parent / "package.json"
    if not meta.is_file():
        raise RuntimeError(f"{KATEX_DIST.parent} is missing: run `make book` or `npm ci` in {ROOT}")
    found = json.loads(meta.read_text(encoding="utf-8"))["version"]
    if found != wanted:
        raise RuntimeError(f"node_modules has katex {found}, package.json pins {wanted}: run `npm ci`")
    return KATEX_DIST


def woff2_only(css: str) -> str:
    """KaTeX's stylesheet with the ``.woff``/``.ttf`` fallbacks of each ``@font-face`` removed."""
    out = _FALLBACKS.sub("", css)
    if re.search(r"url\(fonts/[^)]+\.(?:woff|ttf)\)", out):
        raise ValueError("katex.min.css has font URLs in a form this extension does not know")
    return out


def _start_server_process(cls, rundir, timeout):
    """``KaTeXServer.start_server_process`` that waits for the server to *listen*, not only for
    its socket file: Node creates the file a moment before it accepts connections, and on a
    busy machine the extension's single connect then fails with ConnectionRefusedError."""
    import socket
    import time
    from subprocess import PIPE, Popen

    socket_path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + max(timeout, 30.0)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the KaTeX render server exited with code {process.returncode}")
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(socket_path))
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        if time.monotonic() > deadline:
            process.kill()
            raise cls.timeout_error(timeout)
        time.sleep(0.01)


def _config_inited(app, config) -> None:
    dist = check_install()
    config.katex_prerender = True
    config.katex_js_path = str(dist / "katex.min.js")
    config.katex_css_path = CSS_PATH


def _page_context(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    count = body.count(ERROR_MARK)
    if count:
        first = re.search(r'class="katex-error"[^>]*title="([^"]*)"', body)
        reason = first.group(1) if first else "see the page"
        logger.warning(f"{pagename}: KaTeX could not render {count} equation(s): {reason}", location=pagename)


def _copy(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static" / "katex"
    (dest / "fonts").mkdir(parents=True, exist_ok=True)
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    (dest / "katex.min.css").write_text(woff2_only(css), encoding="utf-8")
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        shutil.copyfile(font, dest / "fonts" / font.name)


def setup(app):
    app.setup_extension("sphinxcontrib.katex")
    from sphinxcontrib.katex import KaTeXServer

    KaTeXServer.start_server_process = classmethod(_start_server_process)
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
