"""Sphinx extension of ``tools/bookbuild.py`` (only in the config it generates, never in
``_config.yml``): the Sphinx pass reads a page only once the execution pass has cached its outputs.

So the Sphinx pass starts while pages are still executing: its start-up and the reading of the
pages that are done overlap the execution of the others. The folder named by the environment
variable ``FCCONV_WAIT_DIR`` (set by ``bookbuild`` for its Sphinx pass; unset: no waiting) holds
``pending.txt`` (the pages being executed, one docname a line), a ``<docname>.done`` marker per
page whose outputs are in the cache, and ``FAILED`` if the execution pass failed: then reading a
pending page stops the Sphinx pass with an error (the traceback is in the execution report).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import quote

from sphinx.errors import ExtensionError

WAIT_ENV = "FCCONV_WAIT_DIR"


def marker(folder: Path, doc: str) -> Path:
    """The file that says ``doc``'s outputs are in the cache."""
    return folder / f"{quote(doc, safe='')}.done"


def wait_for_page(app, docname: str, source: list[str]) -> None:
    if not os.environ.get(WAIT_ENV):
        return
    folder = Path(os.environ[WAIT_ENV])
    if docname not in (folder / "pending.txt").read_text(encoding="utf-8").split():
        return
    while not marker(folder, docname).exists():
        if (folder / "FAILED").exists():
            raise ExtensionError(f"{docname}: not read, the execution pass failed (see its report above)")
        time.sleep(0.05)


def setup(app):
    app.connect("source-read", wait_for_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
