"""tools/bookbuild.py: the execution pass, the generated config, the preview key, the TOC reader.

The builds themselves (a cell error failing a tiny book, the passes of the real one) are checked in
``tests/built/test_build_passes.py``: they start kernels. These tests run no code of a page.
"""

from __future__ import annotations

import shutil

import bookbuild
import pytest
import yaml
from bookbuild import ROOT, build_config, preview_key, toc_files


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
    # the Sphinx pass waits for each page's outputs through fcconv_site, which _config.yml loads
    assert "fcconv_site" in generated["sphinx"]["config"]["extensions"]


def test_publish_time_repository_url_reaches_the_sphinx_config(tmp_path, monkeypatch):
    """Configuration level (no build): what the publish workflow sets on main turns the button on."""
    from jupyter_book.config import get_final_config

    url = "https://github.com/example-owner/fc-vs-conv"
    monkeypatch.setenv(bookbuild.REPOSITORY_ENV, url)
    monkeypatch.setenv("FCCONV_BASEURL", "https://example-owner.github.io/fc-vs-conv/")
    path = build_config(tmp_path / "cache", tmp_path / "_config.yml")
    conf, _ = get_final_config(user_yaml=path, cli_config={"latex_individualpages": False}, sourcedir=ROOT)
    options = conf["html_theme_options"]
    assert options["use_repository_button"] is True
    assert options["repository_url"] == url and options["repository_branch"] == "main"
    assert conf["html_baseurl"] == "https://example-owner.github.io/fc-vs-conv/"
    assert conf["notfound_urls_prefix"] == "/fc-vs-conv/"
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


def test_pages_run_slowest_first_by_the_last_builds_timings(tmp_path):
    # without timings: largest source first; with the last build's timings: slowest first, and a
    # page the last build did not time before the timed ones; errors are not recorded
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "book").mkdir()
    for name, code in (("small", "1"), ("large", "x = 1\n" * 40), ("middle", "y = 2\n" * 10)):
        (tmp_path / "book" / f"{name}.md").write_text(bookbuild.myst_page(name, code.strip()))
    docs = ["book/small", "book/large", "book/middle"]
    cache = tmp_path / "cache"

    def order():
        return [doc for doc, _ in bookbuild.plan_pages(docs, cache, root=tmp_path)[0]]

    assert bookbuild.page_timings(tmp_path) == {}
    assert order() == ["book/large", "book/middle", "book/small"]
    runs = [bookbuild.PageRun("book/small", 9.0, None), bookbuild.PageRun("book/large", 1.0, None),
            bookbuild.PageRun("book/middle", 5.0, "Traceback ...")]  # fmt: skip
    bookbuild.save_timings(runs, tmp_path)
    assert bookbuild.page_timings(tmp_path) == {"book/small": 9.0, "book/large": 1.0}
    assert order() == ["book/middle", "book/small", "book/large"]
    bookbuild.timings_file(tmp_path).write_text("not json")
    assert bookbuild.page_timings(tmp_path) == {} and order()[0] == "book/large"


def test_pieces_of_a_stream_are_joined_as_printed():
    """The kernel cuts stdout where it happens to flush; the cached outputs must not depend on it."""
    cut = [
        {"output_type": "stream", "name": "stdout", "text": "Exercise 2 (cnn): PASS"},
        {"output_type": "stream", "name": "stdout", "text": "\n  all layer norms match\n"},
        {"output_type": "stream", "name": "stderr", "text": "warning\n"},
        {"output_type": "display_data", "data": {"text/plain": "x"}},
        {"output_type": "stream", "name": "stdout", "text": "after\n"},
    ]
    whole = bookbuild.join_streams([dict(o) for o in cut])
    assert [o.get("name") for o in whole] == ["stdout", "stderr", None, "stdout"]
    assert whole[0]["text"] == "Exercise 2 (cnn): PASS\n  all layer norms match\n"
    assert bookbuild.join_streams([dict(cut[0]), dict(cut[1])]) == bookbuild.join_streams(
        [
            {
                "output_type": "stream",
                "name": "stdout",
                "text": "Exercise 2 (cnn): PASS\n  all layer norms match\n",
            }
        ]
    )
