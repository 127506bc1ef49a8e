"""References, glossary, index, version, What's new, 404 page, notebooks, launch and PDF links.

Checks on the strict build of the ``site`` fixture (issue 15: what readers expect of a book).
"""

from __future__ import annotations

import json
import re
from importlib import metadata

import pybtex.database
from bookbuild import ROOT, toc_files
from fcconv_site import nbexport
from glossary_check import glossary_terms, unlinked_first_uses

#: MyST markup a notebook's Markdown must not keep: a role, a label, a directive fence.
MYST_LEFTOVER = re.compile(r"\{[a-z]+(?::[a-z]*)?\}`|^\([A-Za-z0-9_.:-]+\)=\s*$|^(`{3,}|:{3,})\{", re.M)
#: Pages that quote text they do not own (the changelog) or are the targets themselves.
NO_TERM_LINK_PAGES = ("book/glossary", "book/references", "book/whats_new")


def bib_keys() -> set[str]:
    return set(pybtex.database.parse_file(str(ROOT / "book" / "references.bib")).entries)


def chapters_with_code(site) -> list[str]:
    return [d for d in toc_files() if site.soup(d).select("div.cell")]


# ---------------------------------------------------------------- references


def cited_texts(site, doc: str) -> list[str]:
    """The citations of a page as the reader sees them, e.g. "(Krizhevsky et al., 2012)"."""
    return [span.get_text() for span in site.soup(doc).select("span.bibtex-citation")]


def test_every_bib_entry_is_listed_and_cited(site):
    entries = {div["id"]: div for div in site.soup("book/references").select("div.citation[id]")}
    # He et al. 2015, Odena et al. 2016 and Howard et al. 2017: the cost chapter
    assert len(entries) == len(bib_keys()) == 10
    cited = set()
    for doc in toc_files():
        for a in site.soup(doc).select("span.bibtex-citation a[href]"):
            cited.add(a["href"].split("#", 1)[1])
    unknown = cited - set(entries)
    assert not unknown, f"citations pointing at no entry: {unknown}"
    uncited = [div.get_text(" ", strip=True)[:70] for key, div in entries.items() if key not in cited]
    assert not uncited, f"bibliography entries no page cites: {uncited}"


def test_citations_are_author_year_in_round_brackets(site):
    assert "(Krizhevsky et al., 2012)" in cited_texts(site, "book/parameters")
    assert "(Stanford CS231n, n.d.)" in cited_texts(site, "book/parameters")
    assert "(Goodfellow et al., 2016, Zhang et al., 2023)" in cited_texts(site, "book/gradients") or (
        "(Goodfellow et al., 2016; Zhang et al., 2023)" in cited_texts(site, "book/gradients")
    )
    labels = [s.get_text() for s in site.soup("book/references").select("div.citation span.label")]
    assert "[Krizhevsky et al., 2012]" in labels, labels


# ---------------------------------------------------------------- glossary and index


def test_glossary_terms_are_in_the_index(site):
    terms = glossary_terms(site.html / "book" / "glossary.html")
    assert len(terms) >= 15 and "receptive field" in terms and "im2col" in terms
    index = (site.html / "genindex.html").read_text(encoding="utf-8")
    missing = [t for t in terms if f"<strong>{t}</strong>" not in index]
    assert not missing, f"glossary terms missing from genindex: {missing}"


def test_first_use_of_each_term_links_the_glossary(site):
    docs = [d for d in toc_files() if d not in NO_TERM_LINK_PAGES]
    missing = unlinked_first_uses(site.html, docs)
    assert not missing, "first uses without {term} link (tests/glossary_check.py):\n" + "\n".join(
        f"{d}: {t}: ...{c}..." for d, t, c in missing
    )


def test_every_term_link_points_at_a_glossary_entry(site):
    terms = set(glossary_terms(site.html / "book" / "glossary.html").values())
    linked = set()
    for doc in toc_files():
        for a in site.soup(doc).select('a[href*="glossary.html#term-"]'):
            linked.add(a["href"].split("#", 1)[1])
    assert linked and linked <= terms, linked - terms


# ---------------------------------------------------------------- version, what's new, 404


def test_every_page_shows_the_book_version(site):
    version = metadata.version("lessons-code")
    for doc in toc_files():
        footer = site.soup(doc).select_one(".fcconv-version")
        assert footer is not None and f"version {version}" in footer.get_text(), doc
    assert f"version {version}" in " ".join(site.text("book/whats_new").split())


def test_whats_new_is_short_and_for_readers(site):
    """What's new lists changes a reader meets, not the maintainers' history (CHANGELOG.md): no
    file of the repository's tooling is named, and it stays a few screens long."""
    text = " ".join(site.soup("book/whats_new").select_one("article").get_text(" ").split())
    assert "December 2026" in text and len(text.split()) < 400, len(text.split())
    for developer_word in ("tools/", "pytest", "Makefile", "fcconv_site", ".ci/run"):
        assert developer_word not in text, developer_word


def test_404_page_links_home_and_uses_the_site_style(site):
    page = (site.html / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in page
    assert 'href="/index.html"' in page
    assert 'href="/_static/' in page  # the theme's CSS under the site's prefix ("/" here)


# ---------------------------------------------------------------- notebooks, launch, pdf


def test_chapters_offer_their_runnable_notebook(site):
    docs = chapters_with_code(site)
    assert len(docs) >= 8
    for doc in docs:
        links = [a["href"] for a in site.soup(doc).select(".dropdown-download-buttons a[href]")]
        assert any(h.endswith(f"_sources/{doc}.ipynb") for h in links), (doc, links)
        text = (site.html / "_sources" / f"{doc}.ipynb").read_text(encoding="utf-8")
        notebook = json.loads(text)
        markdown = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
        assert not MYST_LEFTOVER.findall(markdown), doc
        bundled = site.html.parent / "notebooks" / f"{doc}.ipynb"
        assert bundled.read_text(encoding="utf-8") == text, doc
        sources = "".join(c["source"] for c in notebook["cells"])
        assert "{glue" not in sources and "from myst_nb import glue\n" not in sources.replace(
            "    from myst_nb", ""
        )
        shipped = [k for c in notebook["cells"] for o in c.get("outputs", []) for k in o.get("data", {})]
        assert not [k for k in shipped if k.startswith(nbexport.DROPPED_MIME)], doc  # site-only outputs
    assert (site.html.parent / "notebooks" / "requirements.txt").is_file()


def test_glued_numbers_are_in_the_notebook_text(site):
    notebook = json.loads((site.html / "_sources" / "book" / "parameters.ipynb").read_text(encoding="utf-8"))
    markdown = "\n".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "34,944" in markdown and "105,705,600" in markdown  # AlexNet's counts, glued by the page
    assert "(Krizhevsky et al., 2012)" in markdown


def test_no_launch_buttons_without_a_repository_url(site):
    """This build has no repository URL (Jupyter Book's default does not count): no launch menu."""
    for doc in toc_files():
        assert site.soup(doc).select(".dropdown-launch-buttons") == [], doc


def test_pdf_link_exactly_when_the_pdf_was_made(site):
    """``make pdf`` leaves _build/pdf/fc-vs-conv-layers.pdf; a build finds it, ships it, links it."""
    made = (ROOT / "_build" / "pdf" / "fc-vs-conv-layers.pdf").is_file()
    for doc in toc_files():
        links = [a["href"] for a in site.soup(doc).select(".dropdown-download-buttons a[href]")]
        pdf_links = [h for h in links if h.endswith("fc-vs-conv-layers.pdf")]
        assert len(pdf_links) == (1 if made else 0), (doc, links)
    assert (site.html / "fc-vs-conv-layers.pdf").is_file() == made
