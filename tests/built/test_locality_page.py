"""The built chapter "Locality or sharing?": its verdict table links every row to its evidence on
the page, and its two exercises have executed, folded solutions that pass."""

from __future__ import annotations


def test_verdict_rows_link_to_sections_of_the_page_and_name_their_check(site):
    soup = site.soup("book/locality")
    table = next(t for t in soup.find_all("table") if "effect" in t.find("thead").get_text())
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == 7
    anchors = {tag["id"] for tag in soup.find_all(id=True)}
    for row in rows:
        cells = row.find_all("td")
        link = cells[2].find("a")
        assert link is not None and link["href"].startswith("#"), row.get_text()
        assert link["href"][1:] in anchors, link["href"]
        assert cells[3].get_text(strip=True).startswith("check_"), row.get_text()
        assert cells[1].get_text(strip=True).split(":")[0].split(" ")[0] in {"locality", "sharing", "both"}


def test_two_exercises_with_executed_folded_passing_solutions(site):
    soup = site.soup("book/locality")
    assert len(soup.select("div.exercise")) == 2
    solutions = soup.select(".solution")
    assert len(solutions) == 2
    for sol in solutions:
        assert sol.name == "details" and not sol.has_attr("open")
        assert sol.select("div.cell_output") and "Traceback" not in sol.get_text()
    text = site.text("book/locality")
    assert "Exercise (local gradient): PASS" in text and "Exercise (which property): PASS" in text
    assert ": FAIL" not in text


def test_figure_and_equations_are_there(site):
    soup = site.soup("book/locality")
    assert soup.find(id="fig-three-matrices") is not None
    for label in ("equation-eq-three-layers", "equation-eq-local-dw"):
        assert soup.find(id=label) is not None, label
