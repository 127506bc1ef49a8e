"""Key takeaways (unit level), and the built pages of the parameters, matrix and takeaways chapters."""

import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from lessons_code import takeaways

PAGES = ("book/parameters", "book/conv_as_matrix", "book/takeaways")


@pytest.fixture(scope="module")
def evidence():
    return takeaways.compute_evidence()


def test_evidence_numbers(evidence):
    assert (evidence["fc_rf"], evidence["conv_rf"]) == (36, 9)
    assert evidence["shift_conv"] == 0.0 and evidence["shift_fc"] > 1.0
    assert evidence["fc_dw_rank"] == 1 and evidence["tied_matches"]
    assert (evidence["products_6x6"], evidence["products_224"]) == (16, 224 * 224)
    assert (evidence["dx_fc"], evidence["dx_conv_min"], evidence["dx_conv_max"]) == (16, 1, 9)
    assert (evidence["p_fc1000"], evidence["p_conv3"]) == (150_529_000, 1792)
    assert (evidence["alex_shared"], evidence["alex_unshared"]) == (34_944, 105_705_600)
    assert (evidence["m_entries"], evidence["m_nonzeros"], evidence["m_distinct"]) == (
        483_385_147_392,
        86_188_800,
        1728,
    )
    assert evidence["fc50_test"] > 10 * evidence["conv50_test"]
    assert evidence["noise_fc"] > 2 * evidence["noise_conv"]
    assert takeaways.compute_evidence() == evidence  # deterministic


def test_rows_cover_the_seed_points_and_more_each_with_a_link(evidence):
    rows = takeaways.takeaway_rows(evidence)
    points = [r.point for r in rows]
    for seed_point in (
        "FC layers mix all inputs globally",
        "Conv layers learn local patterns and share them",
        "FC gradients are outer products",
        "Conv gradients accumulate from many positions",
    ):
        assert seed_point in points
    assert len(rows) >= 8
    for topic in ("Input gradients", "Receptive field", "translation equivariant", "Parameter counts"):
        assert any(topic in p for p in points), topic
    assert all(takeaways.ROLE.search(r.evidence) for r in rows)
    assert "1,728" in rows[-1].meaning and "34,944" in rows[-2].meaning
    table = takeaways.takeaways_table(rows)
    assert len(table.splitlines()) == 2 + len(rows)


def test_a_row_without_a_link_is_refused(evidence):
    rows = takeaways.takeaway_rows(evidence)
    bad = rows[0]._replace(evidence="see the geometry chapter")
    with pytest.raises(ValueError, match="must link to its evidence"):
        takeaways.takeaways_table([*rows, bad])


# --- the built pages -------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pages_are_in_the_toc_in_order():
    from conftest import toc_files

    files = toc_files()
    for page in PAGES:
        assert page in files
    assert files.index("book/parameters") < files.index("book/conv_as_matrix") < files.index("book/takeaways")
    assert files[-1] == "book/takeaways"


@pytest.mark.book
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
    for number in ("150,529,000", "34,944", "105,705,600", "84,001"):
        assert number in glued, number


@pytest.mark.book
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


@pytest.mark.book
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
