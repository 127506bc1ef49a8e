"""A chapter (a MyST Markdown notebook) as a plain ``.ipynb`` that runs in Jupyter or Colab.

:func:`export_notebook`: a first cell installs the book's package (tagged ``fcconv-install``) or
says how; a second defines stand-ins for ``myst_nb.glue`` and ``IPython.display.Markdown`` (which
shows the roles in Markdown that code prints as the book shows them); roles and directives become
plain Markdown with the numbers, titles, citations and glued values of this build, a raw HTML
widget a link to the web page; the build's outputs are kept (:func:`published`). Pure functions,
no Sphinx (``extras.py`` collects the book's facts and outputs).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

#: Tag of the install cell (skipped by the notebook test, which installs from the checkout).
INSTALL_TAG = "fcconv-install"

STANDIN_SOURCE = '''\
# Stand-ins for the two helpers the book's build provides (myst_nb.glue, MyST tables and roles),
# so this notebook runs in plain Jupyter or Colab. In the book, glue(...) puts a computed value
# into the text; the text below already holds the values of the book's build.
import re as _re

from IPython.display import Markdown as _IPythonMarkdown

try:
    from myst_nb import glue
except ImportError:

    def glue(name, value, display=True):
        """Stand-in for myst_nb.glue: shows the value when display=True, else does nothing."""
        if display:
            from IPython.display import display as _show

            _show(value)


# What the book shows for each cross-reference in the Markdown this chapter's code prints.
_ROLES = {roles}


def Markdown(text):
    """IPython's Markdown: the book's ':::{table}' fences a bold caption, its roles what it shows."""
    for role, shown in _ROLES.items():
        text = text.replace(role, shown)
    text = _re.sub(r"\\{[a-z:]+\\}`(?:([^`<]*?)\\s*<[^`]*>|([^`]*))`", lambda m: m[1] or m[2], text)
    match = _re.match(r":::\\{table\\}\\s*(.*?)\\n(?::[a-z]+:.*\\n)*\\n?(.*)\\n:::\\s*$", text, _re.S)
    if match:
        text = f"**{match.group(1).strip()}**\\n\\n{match.group(2)}"
    return _IPythonMarkdown(text)
'''


@dataclass(frozen=True)
class BookFacts:
    """What the book knows about its labels, numbers, glued values and citations."""

    #: label -> text a reference to it shows ("Figure 3.2", "Section 2.1", a chapter title)
    refs: Mapping[str, str] = field(default_factory=dict)
    #: equation label -> number shown ("2.3")
    equations: Mapping[str, str] = field(default_factory=dict)
    #: glue key -> plain value of this build ("34,944")
    glue: Mapping[str, str] = field(default_factory=dict)
    #: bibliography key -> author-year text ("Krizhevsky et al., 2012")
    citations: Mapping[str, str] = field(default_factory=dict)
    #: this chapter's web page, where its interactive parts run ("" when the site has no URL)
    page_url: str = ""


def install_cell_source(repository_url: str | None, branch: str = "main") -> str | None:
    """The ``%pip install`` line for the book's package, or ``None`` without a repository URL."""
    if not repository_url:
        return None
    url = repository_url.rstrip("/")
    if not url.startswith("https://") or any(c in url for c in " \"'"):
        raise ValueError(f"expected an https repository URL, got {repository_url!r}")
    return (
        "# The book's package, lessons_code (numpy, matplotlib, scikit-learn): needed on Colab, Binder\n"
        "# or in any fresh environment; skip this cell where the package is already installed.\n"
        f'%pip install --quiet "lessons-code[notebook] @ git+{url}@{branch}"'
    )


NO_REPO_TEXT = (
    "**Before you run this notebook**, install the book's package, `lessons_code`: from a clone of "
    'the book\'s repository, `pip install -e ".[notebook]"` (Python 3.10 or newer).'
)


def _role_text(role: str, content: str, facts: BookFacts) -> str:
    """Plain text for one MyST role."""
    explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, flags=re.S)
    text, target = (explicit.group(1), explicit.group(2)) if explicit else (None, content)
    if role in ("term", "index"):
        return text if text is not None else target
    if role in ("ref", "doc"):
        return text if text is not None else facts.refs.get(target, target)
    if role == "numref":
        shown = facts.refs.get(target)
        if shown is None:
            return text or target
        if text is not None:
            number = shown.split(" ", 1)[-1]
            return text.replace("%s", number).replace("{number}", number)
        return shown
    if role == "eq":
        return f"({facts.equations.get(target, target)})"
    if role == "math":
        return f"${content}$"
    if role.startswith("cite"):
        keys = [k.strip() for k in target.split(",")]
        inner = "; ".join(facts.citations.get(k, k) for k in keys)
        return inner if role in ("cite:t", "cite:ts") else f"({inner})"
    if role.startswith("glue"):
        key, _, spec = target.partition(":")
        value = facts.glue.get(key, key)
        try:
            number = float(value.replace(",", ""))  # an int stays an int, as myst-nb formats it
            return format(int(number) if "." not in value else number, spec) if spec else value
        except ValueError:
            return value
    return content


_ROLE_RE = re.compile(r"\{([a-z]+(?::[a-z]*)?)\}`([^`]*)`")
_LABEL_RE = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$")
_EQ_LABEL_RE = re.compile(r"^\$\$\s*\(([A-Za-z0-9_.:-]+)\)\s*$")
_FENCE_RE = re.compile(r"^(`{3,}|:{3,})\{([a-z-]+)\}\s*(.*)$")


def convert_markdown(text: str, facts: BookFacts) -> str:
    """MyST Markdown -> CommonMark with dollar maths (what Jupyter and Colab render)."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if _LABEL_RE.match(line) or line.startswith("% "):
            i += 1
            continue
        eq = _EQ_LABEL_RE.match(line)
        if eq:
            # "$$ (eq-x)" closes a labelled display equation: number it as the book does
            out.append(f"\\tag{{{facts.equations.get(eq.group(1), eq.group(1))}}}")
            out.append("$$")
            i += 1
            continue
        fence = _FENCE_RE.match(line)
        if fence:
            marker, name, arg = fence.groups()
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() != marker:
                if not re.match(r"^:[a-z-]+:", lines[i]):  # directive options
                    body.append(lines[i])
                i += 1
            i += 1  # the closing fence
            inner = convert_markdown("\n".join(body).strip("\n"), facts)
            if name == "raw":
                url = facts.page_url
                where = f"[open it on the book's website]({url})" if "://" in url else f"open `{url}`"
                out.append("*The web page has an interactive part here, a script of the website that a "
                           f"notebook does not run: {where} (or in a build, `make book`).*")  # fmt: skip
                continue
            if name == "solution-start":
                out.append("**Solution**")
            if name in ("tableofcontents", "solution-start", "solution-end"):
                continue
            title = {"exercise": "Exercise"}.get(name, name.capitalize())
            head = f"**{title}{' ' + arg if arg else ''}.**"
            quoted = "\n".join(f"> {row}" if row else ">" for row in [head, "", *inner.splitlines()])
            out.append(quoted)
            continue
        out.append(_ROLE_RE.sub(lambda m: _role_text(m.group(1), m.group(2), facts), line))
        i += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def convert_code(source: str) -> str:
    """A chapter's code cell for plain Jupyter: no ``myst_nb`` import, the Markdown stand-in kept."""
    kept = []
    for line in source.splitlines():
        if re.fullmatch(r"from myst_nb import glue\s*", line):
            continue
        imp = re.fullmatch(r"from IPython\.display import (.*)", line)
        if imp:
            names = [n.strip() for n in imp.group(1).split(",") if n.strip() != "Markdown"]
            if not names:
                continue
            line = "from IPython.display import " + ", ".join(names)
        kept.append(line)
    return "\n".join(kept).strip("\n")


#: Left out of a published notebook: the site's player data, glue records, and all outputs of a
#: cell over CELL_BUDGET bytes (an animation's frames: the reader runs the cell).
DROPPED_MIME, CELL_BUDGET = ("application/vnd.fcconv.player+json", "application/papermill.record/"), 150_000


def published(outputs: list[dict], facts: BookFacts) -> list[dict]:
    """A code cell's outputs as a notebook ships them, the roles of its Markdown resolved."""
    kept = []
    for output in outputs:
        out = dict(output, execution_count=None) if "execution_count" in output else dict(output)
        data = {k: v for k, v in out.get("data", {}).items() if not k.startswith(DROPPED_MIME)}
        if "text/markdown" in data:
            data["text/markdown"] = convert_markdown("".join(data["text/markdown"]), facts)
        if data or "data" not in out:
            kept.append({**out, "data": data} if data else out)
    return kept if len(json.dumps(kept)) <= CELL_BUDGET else []


def glued(outputs: list[list[dict]]) -> dict[str, str]:
    """Glue key -> plain value, from the glue records among a chapter's outputs."""
    values = {}
    for out in (o for cell in outputs for o in cell if "scrapbook" in o.get("metadata", {})):
        text = "".join(out["data"].get("application/papermill.record/text/plain", ""))
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        values[out["metadata"]["scrapbook"]["name"]] = value if isinstance(value, str) else str(value)
    return values


def _cell(cell_type: str, source: str, metadata: dict | None = None, outputs=()) -> dict:
    cell = {"cell_type": cell_type, "metadata": metadata or {}, "source": source}
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = list(outputs)
    return cell


def export_notebook(
    cells: list[dict],
    facts: BookFacts,
    *,
    title: str,
    repository_url: str | None = None,
    branch: str = "main",
    outputs: list[list[dict]] | None = None,
) -> dict:
    """A runnable nbformat-4 notebook (as a dict) from a chapter's parsed cells.

    ``cells`` are nbformat-style dicts (``cell_type``, ``source``, ``metadata``) as myst-nb's
    reader returns them; ``outputs``, if given, the build's outputs of its code cells, in order.
    """
    if not isinstance(cells, list):
        raise TypeError(f"expected a list of cells, got {type(cells).__name__}")
    intro = (
        f"*This notebook is the chapter \u201c{title}\u201d of the book* FC vs convolution layers, "
        "*exported so that you can run and change its code, with the outputs of the book's own build "
        "where they are small. The text quotes the values of that build.*"
    )
    facts = replace(facts, glue={**glued(outputs or []), **facts.glue})
    out, roles, codes = [], {}, iter(outputs or [])
    for cell in cells:
        kind = cell.get("cell_type")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if kind == "markdown":
            text = convert_markdown(source, facts)
            if text:
                out.append(_cell("markdown", text))
        elif kind == "code":
            tags = list(cell.get("metadata", {}).get("tags", []))
            meta: dict = {"tags": tags} if tags else {}
            if "hide-input" in tags or "remove-input" in tags or "remove-cell" in tags:
                meta["jupyter"] = {"source_hidden": True}
            shown = next(codes, [])
            for m in _ROLE_RE.finditer(source + json.dumps(shown)):  # roles the cell may print
                roles[m.group(0)] = _role_text(m.group(1), m.group(2), facts)
            if convert_code(source):  # a cell that only imported myst_nb is left out
                out.append(_cell("code", convert_code(source), meta, published(shown, facts)))
        else:
            raise ValueError(f"expected markdown or code cells, got a {kind!r} cell")
    install = install_cell_source(repository_url, branch)
    standin = STANDIN_SOURCE.replace("{roles}", json.dumps(roles, indent=4, sort_keys=True))
    return {
        "cells": [
            _cell("markdown", intro),
            _cell("code", install, {"tags": [INSTALL_TAG]}) if install else _cell("markdown", NO_REPO_TEXT),
            _cell("code", standin.strip("\n"), {"tags": ["fcconv-standins"]}),
            *out,
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(notebook: dict) -> str:
    """The notebook as JSON text, with cell ids derived from positions (stable bytes)."""
    for n, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{n:03d}"
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
