"""Sphinx extension: serve MathJax 3 from the site itself instead of a CDN.

Sphinx's default ``mathjax_path`` points at a CDN, so every page with an equation
would tell a third party who reads it, and would show raw TeX offline. The MathJax
3.2.2 files come from the pinned PyPI package ``sphinx-mathjax-offline`` (see
``constraints.txt``); this extension copies only what the book needs into
``_static/mathjax/`` and points ``mathjax_path`` there:

* ``tex-chtml.js``: TeX input, CommonHTML output, the context menu (1.2 MB);
* ``output/chtml/fonts/woff-v2/``: the fonts CommonHTML loads (0.4 MB);
* ``input/tex/extensions/``: TeX packages the autoloader fetches on first use of a
  macro such as ``\\boldsymbol`` or ``\\cancel`` (0.6 MB).

The package's own Sphinx hook copies all 24 MB (SVG output, speech rules, ...);
we leave that out. Enabled from ``_config.yml`` (``sphinx: local_extensions``).
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from sphinx.util.fileutil import copy_asset

DIST = "sphinx-mathjax-offline"
#: What the site serves, relative to the package's ``static/mathjax`` folder.
PARTS = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")
MATHJAX_PATH = "mathjax/tex-chtml.js"


def mathjax_source() -> Path:
    """The folder of MathJax files inside the installed ``sphinx-mathjax-offline``."""
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError as err:  # pragma: no cover - install problem
        raise RuntimeError(f"{DIST} is not installed: pip install -c constraints.txt -e '.[book]'") from err
    src = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (src / "tex-chtml.js").is_file():  # pragma: no cover - broken install
        raise RuntimeError(f"{DIST} has no static/mathjax/tex-chtml.js under {src}")
    return src


def _set_path(app, config) -> None:
    config.mathjax_path = MATHJAX_PATH


def _copy(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    src = mathjax_source()
    dest = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        target = dest / part
        if (src / part).is_dir():
            copy_asset(str(src / part), str(target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_asset(str(src / part), str(target.parent))


def setup(app):
    app.connect("config-inited", _set_path)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
