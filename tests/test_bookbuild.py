"""tools/bookbuild.py: the execution pass, the generated config, the preview key, the TOC reader.

The full builds are checked in ``tests/built`` (``test_build_passes.py``); these tests run a kernel
on two tiny pages at most.
"""

from __future__ import annotations

import re
import shutil

import bookbuild
import pytest
import yaml
from bookbuild import ROOT, build_config, execute_pages, preview_key, strict_build, toc_files

FRONT = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""


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
        body = f"# {name}\n\n```{{code-cell}} ipython3\n{code}\n```\n" if code else f"# {name}\n\nProse.\n"
        (root / f"{name}.md").write_text(FRONT + body if code else body)
    return root


def test_toc_files_walks_parts_chapters_and_sections(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        yaml.safe_dump(
            {
                "format": "jb-book",
                "root": "intro",
                "parts": [
                    {"chapters": [{"file": "a", "sections": [{"file": "a1"}]}, {"file": "b"}]},
                    {"chapters": [{"url": "https://example.org"}, {"file": "c"}]},
                ],
            }
        )
    )
    assert toc_files(toc) == ["intro", "a", "a1", "b", "c"]
    assert toc_files()[0] == "book/intro"


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


def test_generated_config_reads_outputs_from_the_cache_and_changes_nothing_else(tmp_path, monkeypatch):
    monkeypatch.delenv(bookbuild.REPOSITORY_ENV, raising=False)
    committed = yaml.safe_load((ROOT / "_config.yml").read_text())
    path = build_config(tmp_path / "cache", tmp_path / "cfg" / "_config.yml")
    generated = yaml.safe_load(path.read_text())
    assert generated["execute"]["execute_notebooks"] == "cache"
    assert generated["execute"]["cache"] == str((tmp_path / "cache").resolve())
    for name, folder in (committed["sphinx"].get("local_extensions") or {}).items():
        assert generated["sphinx"]["local_extensions"][name] == str((ROOT / folder).resolve())
    for key in set(committed) - {"execute", "sphinx"}:
        assert generated[key] == committed[key], key
    assert generated["sphinx"]["config"] == committed["sphinx"]["config"]
    assert {k: v for k, v in generated["execute"].items() if k not in ("execute_notebooks", "cache")} == {
        k: v for k, v in committed["execute"].items() if k != "execute_notebooks"
    }
    assert "repository" not in generated
    # the build's own config adds the extension that makes Sphinx wait for each page's outputs
    waiting = yaml.safe_load(
        build_config(tmp_path / "cache", tmp_path / "w" / "_config.yml", wait=True).read_text()
    )
    assert waiting["sphinx"]["local_extensions"]["wait_for_pages"] == str(ROOT / "tools")
    assert waiting["sphinx"]["config"]["extensions"] == [
        *committed["sphinx"]["config"]["extensions"],
        "wait_for_pages",
    ]


def test_publish_time_repository_url_reaches_the_sphinx_config(tmp_path, monkeypatch):
    """Configuration level (no build): what the publish workflow sets on main turns the button on."""
    from jupyter_book.config import get_final_config

    url = "https://github.com/example-owner/fc-vs-conv"
    monkeypatch.setenv(bookbuild.REPOSITORY_ENV, url)
    path = build_config(tmp_path / "cache", tmp_path / "_config.yml")
    conf, _ = get_final_config(user_yaml=path, cli_config={"latex_individualpages": False}, sourcedir=ROOT)
    options = conf["html_theme_options"]
    assert options["use_repository_button"] is True
    assert options["repository_url"] == url and options["repository_branch"] == "main"
    assert conf["nb_execution_mode"] == "cache"
    monkeypatch.setenv(bookbuild.REPOSITORY_ENV, "not a url")
    with pytest.raises(ValueError, match="repository URL"):
        build_config(tmp_path / "cache", tmp_path / "_config.yml")


def test_preview_key_follows_lessons_code_and_not_the_pages(tmp_path):
    for name in bookbuild.PREVIEW_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / name)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text("# A page\n")
    key = preview_key(tmp_path)
    assert key == preview_key(ROOT)  # the same sources give the same key
    (tmp_path / "book" / "page.md").write_text("# A page, with more prose\n")
    assert preview_key(tmp_path) == key  # pages are matched by jupyter-cache on their code cells
    fc = tmp_path / "lessons_code" / "fc.py"
    fc.write_text(fc.read_text() + "\n# a comment\n")
    assert preview_key(tmp_path) != key
