"""The built exercises page: seven exercises, each with an executed, folded solution."""

from __future__ import annotations


def test_built_exercises_page_has_seven_exercises_with_seven_executed_folded_solutions(site):
    soup = site.soup("book/exercises")
    exercises_ = soup.select("div.exercise")
    solutions = soup.select(".solution")
    assert len(exercises_) == 7 and len(solutions) == 7
    for sol in solutions:
        # folded without a script (tools/fcconv_site/pages.py): <details>, closed, the title its summary
        assert sol.name == "details" and "fold" in sol["class"] and not sol.has_attr("open")
        assert sol.find(True).name == "summary" and sol.summary.get_text(strip=True).startswith("Solution to")
        assert sol.select("div.cell_input"), "a solution without code"
        outputs = sol.select("div.cell_output")
        assert outputs, "a solution whose code did not run"
        assert "Traceback" not in sol.get_text()
    text = site.text("book/exercises")
    for n in range(1, 6):
        assert f"Exercise {n}: PASS" in text or f"Exercise {n} (" in text
    assert "Exercise (1-D, stride 2): PASS" in text and "Exercise (find the bug): PASS" in text
    assert ": FAIL" not in text
    assert len(soup.select(".solution img")) >= 3  # the plots of exercises 2, 4 and 5
    # exercise 1's counts, exercise 4's summary, exercise 7's diagnosis
    assert len(soup.select(".solution table")) == 3
