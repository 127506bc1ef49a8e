"""The built parameters, matrix and takeaways pages: glued numbers, tables, figures, links."""

import re
from urllib.parse import urlparse

from bs4 import BeautifulSoup

PAGES = ("book/parameters", "book/conv_as_matrix", "book/takeaways")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_parameters_page_shows_glued_numbers_table_and_chart(site):
    text = _squash(site.text("book/parameters"))
    for number in (
        "150,528",
        "150,529,000",
        "616,566,784",
        "1,792",
        "9,472",
        "34,944",
        "105,705,600",
        "3,025",
    ):
        assert number in text, number
    soup = site.soup("book/parameters")
    fig = soup.find(id="fig-param-counts")
    assert fig is not None, "the parameter chart is missing"
    img = fig.find("img")
    assert img is not None and "logarithmic" in img.get("alt", "")
    assert "log scale" in fig.get_text()
    assert any("616,566,784" in t.get_text() for t in soup.find_all("table"))
    # the prose numbers are pasted by myst-nb glue, including the optimization evidence
    glued = [s.get_text() for s in soup.select("article p span.pasted-text")]
    assert len(glued) >= 20
    for number in ("150,529,000", "34,944", "105,705,600", "84,000"):
        assert number in glued, number


def test_matrix_page_shows_counts_and_the_shared_figure(site):
    text = _squash(site.text("book/conv_as_matrix"))
    for number in ("483,385,147,392", "86,188,800", "1,728", "4.8 × 10¹¹", "8.6 × 10⁷", "3,211,264"):
        assert number in text, number
    soup = site.soup("book/conv_as_matrix")
    glued = [s.get_text() for s in soup.select("article p span.pasted-text")]
    for number in ("483,385,147,392", "86,188,800", "1,728", "4.8 × 10¹¹", "8.6 × 10⁷"):
        assert number in glued, number
    fig = soup.find(id="fig-conv-matrix-tying")
    assert fig is not None and fig.find("img").get("alt", "").startswith("Three panels")
    assert soup.find(id="equation-eq-tied-grad") is not None


def test_takeaway_table_has_a_resolving_link_in_every_row(site):
    soup = site.soup("book/takeaways")
    table = soup.select_one("article table")
    assert table is not None
    rows = table.select("tbody tr")
    assert len(rows) >= 8
    for row in rows:
        links = row.find_all("a", href=True)
        assert links, f"row without a link: {row.get_text(' ', strip=True)[:80]}"
        for a in links:
            url = urlparse(a["href"])
            target = (
                (site.path("book/takeaways").parent / url.path) if url.path else site.path("book/takeaways")
            )
            assert target.exists(), a["href"]
            page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
            assert url.fragment and page.find(id=url.fragment) is not None, a["href"]
    text = _squash(table.get_text(" "))
    for number in ("150,529,000", "34,944", "105,705,600", "483,385,147,392", "86,188,800", "1,728"):
        assert number in text, number
