"""The book's Sphinx extension (``extensions: [fcconv_site]`` in ``_config.yml``).

* ``assets``: KaTeX at build time with the pinned npm ``katex``, the stylesheet bundle, the
  patches of the theme's and Sphinx's search scripts;
* ``pages``: the one pass over the written pages, through an HTML parser;
* ``extras``: book version, runnable notebooks (``nbexport``), launch links, the PDF link, the
  bibliography style, glossary definitions on the links to the glossary.

Descriptions come from each page's front matter (``myst: html_meta: description``) and, for the
pages Sphinx writes itself, from ``html_context`` through ``tools/templates/layout.html``, which
also decides the colour theme before the first style pass. The 404 body is in ``_config.yml``.

Each patch of a third-party file or method names the version it was written for
(:data:`PATCHED`); another installed version, or patched text not found, fails the build.
"""

from __future__ import annotations

import os
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

from fcconv_site import assets, extras, pages

logger = logging.getLogger(__name__)

#: Third-party packages whose files or methods we patch -> the version each patch was written for.
PATCHED = {
    "pydata-sphinx-theme": "0.15.4",  # its minified script (assets.PATCHES), Font Awesome (icons.css)
    "sphinxcontrib-katex": "0.9.11",  # KaTeXServer.start_server_process, NODEJS_BINARY (assets)
    "sphinx": "7.4.7",  # its searchtools.js (assets.PATCHES)
}
#: A description longer than this is cut by search engines.
DESCRIPTION_MAX = 160
#: ``tools/bookbuild.py``'s Sphinx pass reads a page only once its outputs are cached: the folder
#: this variable names holds ``pending.txt``, a ``<doc>.done`` marker per page, ``FAILED``.
WAIT_ENV = "FCCONV_WAIT_DIR"


def require(package: str, version: str) -> None:
    """Raise ExtensionError unless ``package`` is installed at exactly ``version``."""
    found = metadata.version(package)
    if found != version:
        raise ExtensionError(
            f"fcconv_site patches {package} {version}, {found} is installed: check the patch "
            f"against the new release and update fcconv_site.PATCHED"
        )


def marker(folder: Path, doc: str) -> Path:
    """The file that says ``doc``'s outputs are in the execution cache."""
    return folder / f"{quote(doc, safe='')}.done"


def _wait_for_page(app, docname: str, source: list[str]) -> None:
    if not os.environ.get(WAIT_ENV):
        return
    folder = Path(os.environ[WAIT_ENV])
    if docname not in (folder / "pending.txt").read_text(encoding="utf-8").split():
        return
    while not marker(folder, docname).exists():
        if (folder / "FAILED").exists():
            raise ExtensionError(f"{docname}: not read, the execution pass failed (see its report above)")
        time.sleep(0.05)


def _config_inited(app, config) -> None:
    dist = assets.katex_dist()
    import sphinxcontrib.katex

    sphinxcontrib.katex.NODEJS_BINARY = assets.node_binary()  # a module constant of 0.9.11 (PATCHED)
    config.katex_prerender = True
    config.katex_js_path = str(dist / "katex.min.js")
    config.katex_css_path = assets.KATEX_CSS
    if not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl.rstrip("/") + "/"
    if config.ogp_site_name is None:
        config.ogp_site_name = config.html_title
    extras.config_inited(app, config)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    """Before sphinxext-opengraph (priority 500): og:description is the page's own description."""
    if doctree is None:
        return
    found = [n["content"] for n in doctree.findall(nodes.meta) if n.get("name") == "description"]
    if not found:
        logger.warning(
            f"{pagename}: no `myst: html_meta: description` in the front matter", location=pagename
        )
    elif len(found[0]) > DESCRIPTION_MAX:
        logger.warning(f"{pagename}: description over {DESCRIPTION_MAX} characters", location=pagename)
    else:
        context["meta"] = {**(context.get("meta") or {}), "og:description": found[0]}


def _finish(app, exc) -> None:
    """Write the assets, then the one pass over the written pages.

    Priority 900: after every handler that writes pages or copies files into ``_static`` at
    build-finished (default priority 500: sphinx-notfound-page, the players' frames), so the
    pass sees the final markup and the bundle holds the final text of every stylesheet."""
    if exc is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    extras.finish(app)
    assets.write_assets(static)
    options_js = (static / "documentation_options.js").read_text(encoding="utf-8")
    katex = (*assets.katex_fonts((static / assets.KATEX_CSS).read_text(encoding="utf-8")), assets.KATEX_CSS)
    bundles, problems, definitions = {}, [], {}
    for doc in {doc for (kind, _), (doc, _) in app.env.get_domain("std").objects.items() if kind == "term"}:
        glossary = (out / app.builder.get_target_uri(doc)).read_text(encoding="utf-8")
        definitions.update(pages.glossary_definitions(pages.parse(glossary)))
    for page in sorted(out.rglob("*.html")):
        where = page.relative_to(out)
        if {"_static", "_sources", "_images"} & set(where.parts):
            continue
        try:
            new, found = pages.polish(
                page.read_text(encoding="utf-8"), page, out, options_js,
                lambda paths: assets.bundle(static, paths), katex, app.config.ogp_site_url, definitions,
            )  # fmt: skip
        except ValueError as err:
            raise ExtensionError(f"{where}: {err}") from err
        if found is not None:  # None: the redirect page, no head of ours
            bundles.setdefault(*found)
            problems += [f"{where}: {p}" for p in pages.check(new)]
            page.write_text(new, encoding="utf-8")
    if problems:
        raise ExtensionError("the pass over the written pages left:\n" + "\n".join(problems))
    for old in static.glob("styles-*.css"):  # bundles of an earlier build into the same folder
        old.unlink()
    for name, text in bundles.items():
        (static / name).write_text(text, encoding="utf-8")


def setup(app):
    for package, version in PATCHED.items():
        require(package, version)
    app.setup_extension("sphinxcontrib.katex")
    app.setup_extension("sphinxext.opengraph")
    from sphinxcontrib.katex import KaTeXServer

    KaTeXServer.start_server_process = classmethod(assets.start_server_process)
    extras.setup(app)
    app.connect("source-read", _wait_for_page)
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("build-finished", _finish, priority=900)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
