"""Point the book at its repository: the settings the publish workflow gives the build.

No URL is committed, so a fork or a clone builds without one. With ``FCCONV_REPOSITORY_URL`` set
(``https://HOST/OWNER/REPO``; ``FCCONV_REPOSITORY_BRANCH``, default ``main``; ``FCCONV_BASEURL``,
the address the site is published at), ``tools/bookbuild.py`` applies :func:`repository_settings`
to the config it generates: the repository block and button (so the launch buttons and the
notebooks' install cell), the 404 page's links under the site's path (``notfound_urls_prefix``
and the links of ``notfound_context.body``) and ``html.baseurl`` (canonical link, og:url)::

    FCCONV_REPOSITORY_URL=https://github.com/OWNER/REPO \\
    FCCONV_BASEURL=https://OWNER.github.io/REPO/ make book
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup


def check(url: str, branch: str, baseurl: str | None = None) -> None:
    """Raise ValueError unless ``url`` looks like https://HOST/OWNER/REPO, ``branch`` a branch and
    ``baseurl`` (if given) an https address ending in ``/``."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.path.strip("/").count("/") != 1:
        raise ValueError(f"expected a repository URL like https://github.com/OWNER/REPO, got {url!r}")
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", branch):
        raise ValueError(f"expected a branch name, got {branch!r}")
    site = urlsplit(baseurl or "https://x/")
    if site.scheme != "https" or not site.netloc or not (baseurl or "/").endswith("/"):
        raise ValueError(f"expected a baseurl like https://OWNER.github.io/REPO/, got {baseurl!r}")


def repository_settings(config: dict, url: str, branch: str = "main", baseurl: str | None = None) -> dict:
    """The repository settings on a parsed ``_config.yml``; changes and returns ``config``."""
    check(url, branch, baseurl)
    config["repository"] = {"url": url.rstrip("/"), "branch": branch}
    html = config.setdefault("html", {})
    html["use_repository_button"] = True
    if baseurl is not None:
        html["baseurl"] = baseurl
    # The 404 page's links start at the site's path: /REPO/ for a GitHub Pages project site.
    owner, repo = urlsplit(url).path.strip("/").split("/")
    prefix = "/" if repo.lower() == f"{owner.lower()}.github.io" else f"/{repo}/"
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["notfound_urls_prefix"] = prefix
    context = sphinx.get("notfound_context") or {}
    if "body" in context:
        soup = BeautifulSoup(context["body"], "html.parser")
        for link in soup.find_all("a", href=True):
            if link["href"].startswith("/"):
                link["href"] = prefix + link["href"][1:]
        context["body"] = str(soup)
    return config
