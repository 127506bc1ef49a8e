"""What readers expect of a book besides its chapters.

* **Version** (package version and commit) in every footer and as ``{{ book_version }}``.
* **Notebooks**: every chapter with code as a runnable ``.ipynb`` (:mod:`fcconv_site.nbexport`),
  served by the download button and collected with a ``requirements.txt`` in ``_build/notebooks``
  (the publish workflow pushes it to the ``notebooks`` branch).
* **Launch buttons** only with a repository URL, pointed at those notebooks.
* **PDF**: once ``make pdf`` made it, the site ships it and the download button links it.
* **Bibliography style** ``fcconv``: labels and citations "(Author et al., Year)".
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import field, make_dataclass, replace
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from fcconv_site import nbexport

#: Jupyter Book's default ``repository.url``: present in every build, so it does not count as set.
JB_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"
#: The branch the publish workflow pushes the notebooks to; launch buttons open it.
NOTEBOOKS_BRANCH = "notebooks"
PDF_NAME = "fc-vs-conv-layers.pdf"


def configured_repository(theme_options: dict) -> str | None:
    """The repository URL the book was given, or ``None`` (no URL, or Jupyter Book's default)."""
    url = (theme_options.get("repository_url") or "").strip().rstrip("/")
    if not url or url == JB_DEFAULT_REPOSITORY:
        return None
    return url


def github_parts(repository_url: str) -> tuple[str, str]:
    """``(owner, repo)`` of an ``https://github.com/OWNER/REPO`` URL."""
    parts = urlsplit(repository_url)
    path = parts.path.strip("/").removesuffix(".git").split("/")
    if parts.scheme != "https" or parts.netloc != "github.com" or len(path) != 2 or not all(path):
        raise ValueError(f"expected https://github.com/OWNER/REPO, got {repository_url!r}")
    return path[0], path[1]


def launch_urls(
    repository_url: str, docname: str, *, binderhub_url="", colab_url="", branch=NOTEBOOKS_BRANCH
):
    """Binder and Colab links to the runnable notebook of ``docname`` on ``branch``."""
    (owner, repo), path = github_parts(repository_url), f"{docname}.ipynb"
    urls = {"Binder": (binderhub_url, f"/v2/gh/{owner}/{repo}/{branch}?labpath={path}")}
    urls["Colab"] = (colab_url, f"/github/{owner}/{repo}/blob/{branch}/{path}")
    return {name: base.rstrip("/") + tail for name, (base, tail) in urls.items() if base}


def book_version(root: Path) -> str:
    """The package version, with the short commit when ``root`` is a git checkout."""
    version = metadata.version("lessons-code")
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=7", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"{version} (commit {sha})" if sha else version


def author_year(entry) -> str:
    """Author-year text of a pybtex entry, as sphinxcontrib-bibtex prints it in the text."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
    who = " and ".join(names) if len(names) <= 2 else f"{names[0]} et al."
    return f"{who or entry.fields.get('title', '?')}, {entry.fields.get('year', 'n.d.')}"


def register_bibliography_style() -> None:
    """Register the pybtex style ``fcconv``: the plain style, labels "Author et al., Year"."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield author_year(entry)

    class FcconvStyle(PlainStyle):
        default_label_style = "fcconv_author_year"

    register_plugin("pybtex.style.labels", "fcconv_author_year", AuthorYearLabels, force=True)
    register_plugin("pybtex.style.formatting", "fcconv", FcconvStyle, force=True)

    import sphinxcontrib.bibtex.plugin
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    # author-year citations in round brackets: (Dumoulin and Visin, 2016)
    def round_brackets():
        return field(default_factory=lambda: BracketStyle(left="(", right=")"))

    kinds = ("parenthetical", "textual", "author", "label", "year")
    fields = [(f"bracket_{kind}", BracketStyle, round_brackets()) for kind in kinds]
    RoundAuthorYear = make_dataclass("RoundAuthorYear", fields, bases=(AuthorYearReferenceStyle,))
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "fcconv_author_year", RoundAuthorYear, force=True
    )


def config_inited(app, config) -> None:
    version = book_version(Path(app.srcdir))
    config.version = config.release = version
    config.myst_substitutions = {
        **(getattr(config, "myst_substitutions", None) or {}),
        "book_version": version,
    }
    opts = config.html_theme_options
    version_line = f'<p class="fcconv-version">FC vs convolution layers, version {version}</p>'
    opts["extra_footer"] = (opts.get("extra_footer") or "") + version_line
    # launch buttons: only with a repository URL of our own (never Jupyter Book's default)
    launch = dict(opts.get("launch_buttons") or {})
    if configured_repository(opts) is None:
        launch.update(dict.fromkeys(("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url"), ""))
        launch["thebe"] = False
    opts["launch_buttons"] = launch


def _pdf_source(app) -> Path | None:
    path = Path(app.srcdir) / app.config.fcconv_pdf
    return path if app.config.fcconv_pdf and path.is_file() else None


def _has_notebook(app, docname: str) -> bool:
    return "kernelspec" in app.env.metadata.get(docname, {})


def _on_page_context_early(app, pagename, templatename, context, doctree) -> None:
    """Before the theme's buttons (priority 501): our notebook is the page's ``.ipynb``."""
    if app.builder.name == "html" and doctree is not None and _has_notebook(app, pagename):
        context["ipynb_source"] = f"{pagename}.ipynb"


def _on_page_context_late(app, pagename, templatename, context, doctree) -> None:
    """After the theme's buttons: re-point launch links, add the book's PDF to the download menu."""
    if app.builder.name != "html":
        return
    buttons = context.get("header_buttons") or []
    opts = app.config.html_theme_options
    repo = configured_repository(opts)
    launch = opts.get("launch_buttons") or {}
    for group in buttons:
        if group.get("label") == "launch-buttons" and repo:
            urls = launch_urls(repo, pagename, binderhub_url=launch.get("binderhub_url", ""),
                               colab_url=launch.get("colab_url", ""))  # fmt: skip
            for button in group.get("buttons", []):
                if button.get("text") in urls:
                    button["url"] = urls[button["text"]]
        if group.get("label") == "download-buttons" and _pdf_source(app) is not None:
            group["buttons"].append(
                dict(type="link", url=context["pathto"](PDF_NAME, 1), text="Whole book (.pdf)",
                     tooltip="Download the whole book as one PDF", icon="fas fa-file-pdf",
                     label="download-book-pdf-button")
            )  # fmt: skip


def _outputs(app, docname: str, notebook) -> list[list[dict]] | None:
    """This build's outputs of the code cells (the jupyter-cache, else myst-nb's executed copy)."""
    config = app.env.mystnb_config
    if config.execution_mode == "cache":
        from jupyter_cache import get_cache

        try:
            notebook = get_cache(config.execution_cache_path).merge_match_into_notebook(notebook)[1]
        except KeyError:  # not executed (excluded from execution)
            return None
    else:
        path = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
        notebook = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"cells": []}
    return [cell.get("outputs", []) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def book_facts(app) -> nbexport.BookFacts:
    """Numbers, titles and citations as the built book shows them."""
    env = app.env
    numbers = env.toc_fignumbers
    formats = app.config.numfig_format
    refs: dict[str, str] = {}
    for label, (docname, node_id, title) in env.domaindata["std"]["labels"].items():
        shown = title
        for figtype in ("figure", "table", "code-block"):
            number = numbers.get(docname, {}).get(figtype, {}).get(node_id)
            if number:
                shown = formats.get(figtype, "%s") % ".".join(map(str, number))
                break
        if shown:
            refs[label] = shown
    equations: dict[str, str] = {}
    for label, (docname, number) in env.get_domain("math").data.get("objects", {}).items():
        shown = numbers.get(docname, {}).get("displaymath", {}).get(f"equation-{label}")
        equations[label] = ".".join(map(str, shown)) if shown else str(number)
    citations = {}
    try:
        import pybtex.database

        for bib in app.config.bibtex_bibfiles:
            data = pybtex.database.parse_file(str(Path(app.srcdir) / bib))
            citations.update({key: author_year(entry) for key, entry in data.entries.items()})
    except (ImportError, AttributeError):
        pass
    return nbexport.BookFacts(refs=refs, equations=equations, citations=citations)


def finish(app) -> None:
    """Notebooks, their bundle and the PDF, once the pages are written."""
    if app.builder.name != "html":
        return
    from myst_nb.core.read import read_myst_markdown_notebook

    outdir = Path(app.outdir)
    bundle = outdir.parent / "notebooks"
    shutil.rmtree(bundle, ignore_errors=True)
    facts = book_facts(app)
    repo = configured_repository(app.config.html_theme_options)
    branch = app.config.html_theme_options.get("repository_branch") or "main"
    for docname in sorted(app.env.found_docs):
        if not _has_notebook(app, docname):
            continue
        parsed = read_myst_markdown_notebook(Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        page = (app.config.ogp_site_url or "") + f"{docname}.html"
        notebook = nbexport.export_notebook(
            [dict(cell) for cell in parsed.cells], replace(facts, page_url=page), title=title,
            repository_url=repo, branch=branch, outputs=_outputs(app, docname, parsed),
        )  # fmt: skip
        text = nbexport.dumps(notebook)
        for target in (outdir / "_sources" / f"{docname}.ipynb", bundle / f"{docname}.ipynb"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if bundle.exists():
        install = (
            f"lessons-code[notebook] @ git+{repo}@{branch}" if repo else "# no repository URL configured"
        )
        (bundle / "requirements.txt").write_text(install + "\n", encoding="utf-8")
    if _pdf_source(app) is not None:
        shutil.copyfile(_pdf_source(app), outdir / PDF_NAME)


def setup(app) -> None:
    register_bibliography_style()
    app.add_config_value("fcconv_pdf", "_build/pdf/" + PDF_NAME, "html")
    app.connect("html-page-context", _on_page_context_early, priority=500)
    app.connect("html-page-context", _on_page_context_late, priority=600)
