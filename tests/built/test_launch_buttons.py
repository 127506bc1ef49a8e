"""With a repository URL (as the publish workflow sets it), the launch buttons open the notebooks.

A small build (the intro, one chapter, the glossary and the references; not strict, since the
chapter links to chapters this build leaves out) with the committed ``_config.yml`` and the
settings of ``tools/set_repository.py``: Binder and Colab appear and point at the runnable notebook on the
``notebooks`` branch, the notebook's first cell installs the package from that repository, and
the 404 page uses the project's prefix. Nothing here contacts Binder or Colab.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bookbuild import ROOT, load_config
from bs4 import BeautifulSoup
from set_repository import repository_settings

URL = "https://github.com/example-owner/fc-vs-conv"


@pytest.fixture(scope="module")
def configured_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("launch")
    config = tmp / "_config.yml"
    settings = repository_settings(load_config(ROOT), URL)
    config.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    toc = tmp / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/geometry\n", encoding="utf-8"
    )
    jb = [str(Path(sys.executable).with_name("jupyter-book"))]
    run = subprocess.run(
        [
            *jb,
            "build",
            str(ROOT),
            "--path-output",
            str(tmp),
            "--config",
            str(config),
            "--toc",
            str(toc),
            "--all",
            "--keep-going",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    return tmp / "_build"


def test_launch_buttons_open_the_notebooks_branch(configured_build):
    soup = BeautifulSoup(
        (configured_build / "html" / "book" / "geometry.html").read_text(encoding="utf-8"), "html.parser"
    )
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".dropdown-launch-buttons a[href]")}
    assert links == {
        "Binder": "https://mybinder.org/v2/gh/example-owner/fc-vs-conv/notebooks?labpath=book/geometry.ipynb",
        "Colab": "https://colab.research.google.com/github/example-owner/fc-vs-conv/blob/notebooks/book/geometry.ipynb",
    }
    intro = BeautifulSoup(
        (configured_build / "html" / "book" / "intro.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert intro.select(".dropdown-launch-buttons") == []  # a page without code has nothing to run


def test_notebook_installs_from_the_repository(configured_build):
    notebook = json.loads(
        (configured_build / "notebooks" / "book" / "geometry.ipynb").read_text(encoding="utf-8")
    )
    install = notebook["cells"][1]
    assert install["metadata"]["tags"] == ["fcconv-install"]
    assert f'"lessons-code[notebook] @ git+{URL}@main"' in install["source"]
    requirements = (configured_build / "notebooks" / "requirements.txt").read_text(encoding="utf-8")
    assert requirements == f"lessons-code[notebook] @ git+{URL}@main\n"
    served = (configured_build / "html" / "_sources" / "book" / "geometry.ipynb").read_text(encoding="utf-8")
    assert json.loads(served) == notebook  # the download button serves the runnable notebook


def test_404_prefix_is_the_project_path(configured_build):
    page = (configured_build / "html" / "404.html").read_text(encoding="utf-8")
    assert 'href="/fc-vs-conv/index.html"' in page and 'href="/fc-vs-conv/_static/' in page
