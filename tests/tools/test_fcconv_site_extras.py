"""tools/fcconv_site/extras.py at the configuration level: launch links, repository, labels, PDF link."""

from __future__ import annotations

from types import SimpleNamespace

import pybtex.database
import pytest
from fcconv_site.extras import (
    JB_DEFAULT_REPOSITORY,
    PDF_NAME,
    _on_page_context_late,
    _pdf_source,
    author_year,
    configured_repository,
    github_parts,
    launch_urls,
)


def test_repository_counts_only_when_it_is_ours():
    assert configured_repository({}) is None
    assert configured_repository({"repository_url": ""}) is None
    assert configured_repository({"repository_url": JB_DEFAULT_REPOSITORY}) is None
    assert configured_repository({"repository_url": "https://github.com/o/r/"}) == "https://github.com/o/r"


def test_launch_urls_open_the_notebooks_branch():
    urls = launch_urls(
        "https://github.com/owner/fc-vs-conv",
        "book/geometry",
        binderhub_url="https://mybinder.org/",
        colab_url="https://colab.research.google.com",
    )
    assert urls == {
        "Binder": "https://mybinder.org/v2/gh/owner/fc-vs-conv/notebooks?labpath=book/geometry.ipynb",
        "Colab": "https://colab.research.google.com/github/owner/fc-vs-conv/blob/notebooks/book/geometry.ipynb",
    }
    assert launch_urls("https://github.com/o/r", "x") == {}


@pytest.mark.parametrize("url", ["https://gitlab.com/o/r", "http://github.com/o/r", "https://github.com/o"])
def test_github_parts_rejects_other_urls(url):
    with pytest.raises(ValueError, match=r"github\.com/OWNER/REPO"):
        github_parts(url)


def _context(pagename="book/geometry", pdf=False):
    launch = {
        "label": "launch-buttons",
        "buttons": [
            {"text": "Binder", "url": "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/book/geometry.md"},
            {
                "text": "Colab",
                "url": "https://colab.research.google.com/github/o/r/blob/main/book/geometry.md",
            },
        ],
    }
    download = {"label": "download-buttons", "buttons": []}
    return {"header_buttons": [download, launch], "pathto": lambda name, resource=0: "../" + name}


def _app(tmp_path, repo, pdf_exists):
    (tmp_path / "_build" / "pdf").mkdir(parents=True)
    if pdf_exists:
        (tmp_path / "_build" / "pdf" / PDF_NAME).write_bytes(b"%PDF-1.4")
    options = {
        "repository_url": repo,
        "launch_buttons": {
            "binderhub_url": "https://mybinder.org",
            "colab_url": "https://colab.research.google.com",
        },
    }
    config = SimpleNamespace(html_theme_options=options, fcconv_pdf=f"_build/pdf/{PDF_NAME}")
    return SimpleNamespace(builder=SimpleNamespace(name="html"), config=config, srcdir=str(tmp_path))


def test_page_context_repoints_launch_buttons_and_adds_the_pdf(tmp_path):
    app = _app(tmp_path, "https://github.com/o/r", pdf_exists=True)
    ctx = _context()
    _on_page_context_late(app, "book/geometry", "page.html", ctx, None)
    download, launch = ctx["header_buttons"]
    assert [b["url"] for b in launch["buttons"]] == [
        "https://mybinder.org/v2/gh/o/r/notebooks?labpath=book/geometry.ipynb",
        "https://colab.research.google.com/github/o/r/blob/notebooks/book/geometry.ipynb",
    ]
    assert download["buttons"][-1]["url"] == f"../{PDF_NAME}"
    assert download["buttons"][-1]["icon"] == "fas fa-file-pdf"


def test_no_pdf_file_no_pdf_link(tmp_path):
    app = _app(tmp_path, "https://github.com/o/r", pdf_exists=False)
    assert _pdf_source(app) is None
    ctx = _context()
    _on_page_context_late(app, "book/geometry", "page.html", ctx, None)
    assert ctx["header_buttons"][0]["buttons"] == []


def test_author_year_labels():
    bib = pybtex.database.parse_string(
        """@book{a, author={Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron}, title={DL}, year={2016}}
        @misc{b, author={Dumoulin, Vincent and Visin, Francesco}, title={G}, year={2016}}
        @misc{c, author={{Stanford CS231n}}, title={Notes}}""",
        "bibtex",
    )
    assert [author_year(bib.entries[k]) for k in "abc"] == [
        "Goodfellow et al., 2016",
        "Dumoulin and Visin, 2016",
        "Stanford CS231n, n.d.",
    ]
