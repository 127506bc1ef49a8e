"""Glossary terms a built page uses without linking their first use to the glossary.

On every page, the first use of a term of ``book/glossary.md`` (or its plural, or a form in
:data:`EXTRA_FORMS`) in the prose (paragraphs, list items, table cells, definitions; not headings,
code, maths, outputs or captions) is a ``{term}`` link. ``tests/built/test_book_conventions.py``
runs this check on every page and lists what it finds.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

#: Extra spellings of a term (beyond the term and its plural with "s").
EXTRA_FORMS = {
    "FC layer": ["fully connected layer", "fully connected layers"],
    "translation equivariance": ["translation-equivariant", "equivariant", "equivariance"],
    "finite differences": ["finite difference"],
    "weight sharing": ["shared weights"],
}
_SKIP = {"h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "figcaption", "script", "style", "a", "dt"}
_SKIP_CLASSES = {"math", "cell_output", "output", "caption", "toggle-details__summary", "headerlink"}
_PROSE = {"p", "li", "td", "dd"}


def glossary_terms(glossary_html: Path) -> dict[str, str]:
    """Term -> its anchor id on the glossary page (``term-receptive-field``)."""
    soup = BeautifulSoup(glossary_html.read_text(encoding="utf-8"), "html.parser")
    return {
        dt.get_text(" ", strip=True).rstrip("#¶ ").strip(): dt["id"]
        for dt in soup.select("dl.glossary dt[id]")
    }


def term_forms(term: str) -> list[str]:
    forms = [term, term + "s", *EXTRA_FORMS.get(term, [])]
    return sorted(set(forms), key=len, reverse=True)


def _in_prose(node) -> bool:
    """A text node inside a prose element and outside every skipped one (up to the article)."""
    prose = False
    for parent in node.parents:
        if parent.name in _SKIP or _SKIP_CLASSES & set(parent.get("class") or []):
            return False
        prose = prose or parent.name in _PROSE
        if parent.name in ("article", "body"):
            return prose
    return prose


def first_uses(page_html: str, terms: dict[str, str]) -> dict[str, tuple[bool, str]]:
    """Term -> (first use is a glossary link, text around it), for the terms the page uses."""
    soup = BeautifulSoup(page_html, "html.parser")
    article = soup.find("article") or soup
    found: dict[str, tuple[bool, str]] = {}
    # walk text and glossary links in document order
    for node in article.descendants:
        if isinstance(node, Tag) and node.name == "a" and "#term-" in (node.get("href") or ""):
            anchor = node["href"].split("#", 1)[1]
            for term, term_id in terms.items():
                if term_id == anchor and term not in found:
                    found[term] = (True, node.get_text())
            continue
        if not isinstance(node, NavigableString) or not _in_prose(node):
            continue
        text = str(node)
        for term in terms:
            if term in found:
                continue
            for form in term_forms(term):
                pattern = re.escape(form).replace(r"\ ", r"\s+")
                match = re.search(rf"(?<![\w-]){pattern}(?![\w-])", text, flags=re.IGNORECASE)
                if match:
                    start = max(0, match.start() - 40)
                    found[term] = (False, text[start : match.end() + 40].replace("\n", " "))
                    break
    return found


def unlinked_first_uses(html_dir: Path, docnames: list[str]) -> list[tuple[str, str, str]]:
    """(page, term, context) for every first use that is not a link to the glossary."""
    terms = glossary_terms(html_dir / "book" / "glossary.html")
    missing = []
    for doc in docnames:
        if doc.endswith("glossary"):
            continue
        uses = first_uses((html_dir / f"{doc}.html").read_text(encoding="utf-8"), terms)
        missing += [(doc, term, ctx) for term, (linked, ctx) in uses.items() if not linked]
    return missing
