"""tools/set_repository.py: the repository block, the button, the baseurl and the 404 links."""

from __future__ import annotations

import copy

import pytest
import yaml
from bookbuild import ROOT, load_config
from set_repository import repository_settings


def test_repository_settings_set_the_block_the_button_and_the_baseurl():
    out = repository_settings({"html": {"use_repository_button": False}}, "https://github.com/o/r/", "dev",
                              baseurl="https://o.github.io/r/")  # fmt: skip
    assert out["repository"] == {"url": "https://github.com/o/r", "branch": "dev"}
    assert out["html"] == {"use_repository_button": True, "baseurl": "https://o.github.io/r/"}
    assert "baseurl" not in repository_settings({}, "https://github.com/o/r")["html"]


@pytest.mark.parametrize(
    "url, branch, baseurl, match",
    [
        ("https://github.com/o", "main", None, "repository URL"),  # no repository
        ("http://github.com/o/r", "main", None, "repository URL"),
        ("https://github.com/o/r/x", "main", None, "repository URL"),  # one part too many
        ("https://github.com/o/r", "main; rm", None, "branch"),
        ("https://github.com/o/r", "main", "o.github.io/r/", "baseurl"),  # no scheme
        ("https://github.com/o/r", "main", "https://o.github.io/r", "baseurl"),  # no final /
    ],
)
def test_repository_settings_reject_bad_addresses(url, branch, baseurl, match):
    with pytest.raises(ValueError, match=match):
        repository_settings({}, url, branch, baseurl)


def _sphinx(config):
    return config["sphinx"]["config"]


def test_the_404_links_follow_the_site_path():
    committed = load_config(ROOT)
    before = _sphinx(committed)
    assert (
        before["notfound_urls_prefix"] == "/" and 'href="/index.html"' in before["notfound_context"]["body"]
    )
    project = _sphinx(repository_settings(copy.deepcopy(committed), "https://github.com/owner/fc-vs-conv"))
    assert project["notfound_urls_prefix"] == "/fc-vs-conv/"
    body = project["notfound_context"]["body"]
    assert 'href="/fc-vs-conv/index.html"' in body and 'href="/index.html"' not in body
    # the body's text is unchanged, and so is everything else in the sphinx config
    assert body.replace("/fc-vs-conv/", "/") == before["notfound_context"]["body"]
    assert {k: v for k, v in project.items() if not k.startswith("notfound")} == {
        k: v for k, v in before.items() if not k.startswith("notfound")
    }
    user_site = _sphinx(
        repository_settings(copy.deepcopy(committed), "https://github.com/owner/owner.github.io")
    )
    assert (
        user_site["notfound_urls_prefix"] == "/"
        and 'href="/index.html"' in user_site["notfound_context"]["body"]
    )
    assert yaml.safe_dump(committed) == yaml.safe_dump(load_config(ROOT))  # the committed file untouched
