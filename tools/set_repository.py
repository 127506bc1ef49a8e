"""Point the book at its repository: ``repository.url``/``branch``, the repository button, and
the 404 page's links under the site's path (``notfound_urls_prefix`` and the links of
``notfound_context.body``); with ``--baseurl``, ``html.baseurl`` (canonical link, og:url).

The publish workflow runs it in its own checkout; by hand, once per checkout:

    python tools/set_repository.py https://github.com/OWNER/REPO --branch main \\
        --baseurl https://OWNER.github.io/REPO/
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]


def check(url: str, branch: str) -> None:
    """Raise ValueError unless ``url`` looks like https://HOST/OWNER/REPO and ``branch`` a branch."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.path.strip("/").count("/") != 1:
        raise ValueError(f"expected a repository URL like https://github.com/OWNER/REPO, got {url!r}")
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", branch):
        raise ValueError(f"expected a branch name, got {branch!r}")


def repository_settings(config: dict, url: str, branch: str) -> dict:
    """The repository settings on a parsed ``_config.yml`` (``tools/bookbuild.py`` applies them to
    its generated config when ``FCCONV_REPOSITORY_URL`` is set); changes and returns ``config``."""
    check(url, branch)
    config["repository"] = {"url": url.rstrip("/"), "branch": branch}
    config.setdefault("html", {})["use_repository_button"] = True
    return config


def _notfound_body(text: str, prefix: str) -> str:
    """``_config.yml`` text with the 404 body's site links (``href="/..."``) under ``prefix``: the
    body is parsed as HTML and written back as one YAML string in place of its block."""
    body = (((yaml.safe_load(text) or {}).get("sphinx") or {}).get("config") or {}).get(
        "notfound_context", {}
    )
    if "body" not in body:
        return text
    soup = BeautifulSoup(body["body"], "html.parser")
    for link in soup.find_all("a", href=True):
        if link["href"].startswith("/"):
            link["href"] = prefix + link["href"][1:]
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("body:"))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    lines[start:end] = [f"{' ' * indent}body: {json.dumps(str(soup))}\n"]
    return "".join(lines)


def set_repository(text: str, url: str, branch: str, baseurl: str | None = None) -> str:
    """Return ``_config.yml`` text with the repository block set and the button turned on
    (and ``html.baseurl`` set when ``baseurl`` is given)."""
    check(url, branch)
    parts = urlsplit(url)
    if re.search(r"^repository:", text, flags=re.MULTILINE):
        raise ValueError("_config.yml already has a repository: block; edit it by hand")
    text, n = re.subn(
        r"^(\s+use_repository_button:)\s*false\s*$", r"\1 true", text, count=1, flags=re.MULTILINE
    )
    if n != 1:
        raise ValueError("_config.yml has no 'use_repository_button: false' line under html:")
    # The 404 page's links start at the site's path: /REPO/ for a GitHub Pages project site.
    owner, repo = parts.path.strip("/").split("/")
    prefix = "/" if repo.lower() == f"{owner.lower()}.github.io" else f"/{repo}/"
    text = re.sub(
        r'^(\s+notfound_urls_prefix:)\s*"/"\s*$', rf'\1 "{prefix}"', text, count=1, flags=re.MULTILINE
    )
    text = _notfound_body(text, prefix)
    if baseurl is not None:
        site = urlsplit(baseurl)
        if site.scheme != "https" or not site.netloc or not baseurl.endswith("/"):
            raise ValueError(f"expected a baseurl like https://OWNER.github.io/REPO/, got {baseurl!r}")
        if re.search(r"^\s+baseurl:", text, flags=re.MULTILINE):
            raise ValueError("_config.yml already sets html: baseurl:; edit it by hand")
        text = re.sub(r"^html:\n", f"html:\n  baseurl: {baseurl}\n", text, count=1, flags=re.MULTILINE)
    block = f"\nrepository:\n  url: {url.rstrip('/')}\n  branch: {branch}\n"
    return text.rstrip("\n") + "\n" + block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="https URL of the repository, e.g. https://github.com/OWNER/REPO")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--baseurl", help="https address the site is published at, ending in /")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    args = parser.parse_args(argv)
    try:
        new = set_repository(args.config.read_text(encoding="utf-8"), args.url, args.branch, args.baseurl)
    except ValueError as err:
        print(f"set_repository: {err}", file=sys.stderr)
        return 2
    args.config.write_text(new, encoding="utf-8")
    print(f"{args.config}: repository {args.url} ({args.branch}), repository button on")
    if args.baseurl:
        print(f"{args.config}: html.baseurl {args.baseurl}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
