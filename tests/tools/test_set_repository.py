"""tools/set_repository.py: the repository block, the button, the baseurl and the 404 links."""

from __future__ import annotations

import pytest
import yaml
from bookbuild import ROOT
from set_repository import set_repository

CONFIG = "title: t\nhtml:\n  use_download_button: true\n  use_repository_button: false\n"


def test_set_repository_sets_the_baseurl_when_given():
    out = set_repository(CONFIG, "https://github.com/o/r", "main", baseurl="https://o.github.io/r/")
    assert "  baseurl: https://o.github.io/r/\n" in out
    assert "use_repository_button: true" in out
    assert yaml.safe_load(out)["repository"] == {"url": "https://github.com/o/r", "branch": "main"}


def test_set_repository_rejects_a_bad_baseurl_and_a_bad_url():
    with pytest.raises(ValueError, match="baseurl"):
        set_repository(CONFIG, "https://github.com/o/r", "main", baseurl="o.github.io/r")
    with pytest.raises(ValueError, match="repository URL"):
        set_repository(CONFIG, "https://github.com/o", "main")


def _notfound(text):
    return yaml.safe_load(text)["sphinx"]["config"]


def test_the_404_links_follow_the_site_path():
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    committed = _notfound(text)
    assert (
        committed["notfound_urls_prefix"] == "/"
        and 'href="/index.html"' in committed["notfound_context"]["body"]
    )
    project = _notfound(set_repository(text, "https://github.com/owner/fc-vs-conv", "main"))
    assert project["notfound_urls_prefix"] == "/fc-vs-conv/"
    body = project["notfound_context"]["body"]
    assert 'href="/fc-vs-conv/index.html"' in body and 'href="/index.html"' not in body
    # the body's text is unchanged, and so is everything else in the sphinx config
    assert body.replace("/fc-vs-conv/", "/") == committed["notfound_context"]["body"]
    assert {k: v for k, v in project.items() if not k.startswith("notfound")} == {
        k: v for k, v in committed.items() if not k.startswith("notfound")
    }
    user_site = _notfound(set_repository(text, "https://github.com/owner/owner.github.io", "main"))
    assert (
        user_site["notfound_urls_prefix"] == "/"
        and 'href="/index.html"' in user_site["notfound_context"]["body"]
    )
