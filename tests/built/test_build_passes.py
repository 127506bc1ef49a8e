"""The two passes of tools/bookbuild.py: on the real build, read off its log, every page with code was
executed by the execution pass and the Sphinx pass took its outputs from the cache; on a tiny book,
a cell error fails the build with its traceback. (The tiny book needs no site: it is here because
it starts kernels, which ``make unit`` avoids.)"""

import re

import bookbuild
import pytest
import yaml
from bookbuild import ROOT, execute_pages, myst_page, page_source, read_notebook, strict_build, toc_files


def tiny_book(root, pages: dict[str, str], execute: dict | None = None):
    """A book folder: the real _config.yml (``execute`` updates its section), a TOC of ``pages``
    (name -> code of one cell; an empty string makes a page without code)."""
    root.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"].update(execute or {})
    (root / "_config.yml").write_text(yaml.safe_dump(config))
    names = list(pages)
    toc = {"format": "jb-book", "root": names[0], "chapters": [{"file": n} for n in names[1:]]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    for name, code in pages.items():
        (root / f"{name}.md").write_text(myst_page(name, code or None))
    return root


def test_sphinx_pass_executed_nothing_and_took_every_page_from_the_cache(site):
    if not site.log:
        pytest.skip("FCCONV_SITE points at a build without its _build/build.log")
    notebooks = {doc for doc in toc_files() if read_notebook(page_source(doc)) is not None}
    assert len(notebooks) >= 8
    executed = set(re.findall(r"^executed (\S+) in [0-9.]+ s$", site.log, flags=re.MULTILINE))
    reused = set(re.findall(r"^reused (\S+) ", site.log, flags=re.MULTILINE))  # make preview only
    assert executed | reused == notebooks and not executed & reused
    from_cache = set(re.findall(r"^(\S+): Using cached notebook", site.log, flags=re.MULTILINE))
    assert from_cache == {str(page_source(doc)) for doc in notebooks}
    assert "Executing notebook using" not in site.log  # myst-nb ran no page itself


def test_a_cell_error_fails_the_build_with_its_traceback_before_sphinx(tmp_path):
    pages = {
        "intro": "",
        "good": "print(6 * 7)",
        "bad": "raise RuntimeError('check failed')",
        "skip": "1 / 0",
    }
    root = tiny_book(tmp_path / "book", pages, execute={"exclude_patterns": ["*/sk*.md"]})
    build = strict_build(tmp_path / "out", root=root, workers=2)
    assert build.returncode == 1
    log = re.sub(r"\x1b\[[0-9;]*m", "", build.log)  # the traceback comes with the kernel's colours
    assert "Traceback" in log and "RuntimeError: check failed" in log and "cell errors in bad" in log
    assert not (tmp_path / "out" / "_build" / "html" / "index.html").exists()  # Sphinx stopped too
    runs = {r.doc: r for r in build.pages}
    assert set(runs) == {"good", "bad"}  # no code cell in the intro; "skip" excluded from execution
    assert runs["good"].error is None and runs["good"].seconds > 0 and not runs["good"].reused
    # the good page is in the cache, matched on its code cells (what a preview build reuses)
    cache = tmp_path / "out" / "_build" / bookbuild.EXEC_DIR / "strict"
    again = execute_pages(["intro", "good"], cache, root=root, reuse=True, say=lambda m: None)
    assert [(r.doc, r.reused, r.seconds) for r in again] == [("good", True, 0.0)]
    # a prose-only edit still matches; an edit of the code does not (the page would run again)
    from jupyter_cache import get_cache

    page = root / "good.md"
    page.write_text(page.read_text() + "\nMore prose.\n")
    get_cache(str(cache)).match_cache_notebook(bookbuild.read_notebook(page))
    page.write_text(page.read_text().replace("6 * 7", "6 * 8"))
    with pytest.raises(KeyError):
        get_cache(str(cache)).match_cache_notebook(bookbuild.read_notebook(page))
