"""Every chapter's downloadable notebook runs in plain Jupyter: a fresh kernel, no myst_nb.

A virtual environment is created for the session with only the package (installed from this
checkout with its ``notebook`` extra), ``ipykernel`` and ``nbclient``, pinned by
``constraints.txt``; ``myst_nb`` is not in it. Each notebook of the build (``_build/notebooks``)
is executed there with ``nbclient``, its install cell (tag ``fcconv-install``) skipped. Slow (a
few minutes: the experiments chapter trains its networks): it lives in ``tests/built`` (marker
``book``) and is marked ``notebooks``, so that it runs in its own target:
``pytest tests/built/test_notebooks_run.py -m notebooks``; ``pytest -m "not notebooks"`` leaves it out.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv

import pytest
from bookbuild import ROOT

pytestmark = pytest.mark.notebooks

RUNNER = textwrap.dedent(
    """
    import importlib.util, sys
    import nbformat
    from nbclient import NotebookClient

    assert importlib.util.find_spec("myst_nb") is None, "myst_nb must not be installed here"
    path, workdir = sys.argv[1], sys.argv[2]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    nb.cells = [c for c in nb.cells if "fcconv-install" not in c.metadata.get("tags", [])]
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": workdir}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    print("executed", len(nb.cells), "cells")
    """
)


@pytest.fixture(scope="session")
def plain_python(tmp_path_factory):
    """Python of a fresh venv with the package, nbclient and ipykernel, and without myst_nb."""
    env_dir = tmp_path_factory.mktemp("plain-venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pins = [
        line
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line.startswith(("nbclient==", "ipykernel==", "nbformat=="))
    ]
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-c",
            str(ROOT / "constraints.txt"),
            "-e",
            f"{ROOT}[notebook]",
            *[p.split("==")[0] for p in pins],
        ],
        check=True,
        timeout=1200,
    )
    check = subprocess.run([str(python), "-c", "import myst_nb"], capture_output=True)
    assert check.returncode != 0, "myst_nb leaked into the plain environment"
    return python


def test_every_chapter_notebook_runs_without_myst_nb(site, plain_python, tmp_path):
    notebooks = sorted((site.html.parent / "notebooks").rglob("*.ipynb"))
    assert len(notebooks) >= 8, notebooks
    failures = []
    for nb in notebooks:
        run = subprocess.run(
            [str(plain_python), "-c", RUNNER, str(nb), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if run.returncode != 0:
            failures.append(f"{nb.name}:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
    assert not failures, "\n\n".join(failures)


def test_the_plain_environment_is_what_the_notebook_extra_promises(plain_python):
    out = subprocess.run(
        [str(plain_python), "-c", "import sklearn, lessons_code, sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert sys.version_info[:2] == tuple(int(v) for v in out.stdout.strip("()\n").split(", "))
