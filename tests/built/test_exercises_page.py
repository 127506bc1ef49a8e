"""The built exercises page: five exercises, each with an executed, folded solution."""

from __future__ import annotations


def test_built_exercises_page_has_five_exercises_with_five_executed_folded_solutions(site):
    soup = site.soup("book/exercises")
    exercises_ = soup.select("div.exercise")
    solutions = soup.select("div.solution")
    assert len(exercises_) == 5 and len(solutions) == 5
    for sol in solutions:
        assert "dropdown" in sol.get("class", [])
        assert sol.select("div.cell_input"), "a solution without code"
        outputs = sol.select("div.cell_output")
        assert outputs, "a solution whose code did not run"
        assert "Traceback" not in sol.get_text()
    text = site.text("book/exercises")
    for n in range(1, 6):
        assert f"Exercise {n}: PASS" in text or f"Exercise {n} (" in text
    assert ": FAIL" not in text
    assert len(soup.select("div.solution img")) >= 3  # the plots of exercises 2, 4 and 5
    assert len(soup.select("div.solution table")) == 2  # exercise 1's counts and exercise 4's summary
