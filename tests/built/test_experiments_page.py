"""The built experiments page: its tables, figures and numbers."""

from __future__ import annotations

import re

from lessons_code.experiments.runs import MODEL_SPECS


def test_built_experiments_page_has_the_tables_figures_and_numbers(site):
    soup = site.soup("book/experiments")
    text = site.text("book/experiments")
    tables = soup.select("table")
    headers = [" ".join(th.get_text(" ", strip=True) for th in t.select("th")) for t in tables]
    acc = next(t for t, h in zip(tables, headers, strict=True) if "Test accuracy (mean, 95 % interval" in h)
    cells = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in acc.select("tbody tr")]
    assert [row[0] for row in cells] == list(MODEL_SPECS)
    assert all(re.fullmatch(r"\d+\.\d ± \d+\.\d %", row[3]) for row in cells), cells
    assert any("Permuted pixels" in h for h in headers) and any("Shifted by one pixel" in h for h in headers)
    for label in (
        "fig-digit-views",
        "fig-accuracies",
        "fig-grad-norms",
        "fig-grad-spread",
        "fig-kernels-learned",
    ):
        fig = soup.find(id=label)
        assert fig is not None, label
        img = fig.find("img")
        assert img is not None and len(img.get("alt", "")) > 40, label
    assert "Traceback" not in text and "Error" not in text
    assert "same prediction on all 450 test images: True" in text
    spread = next(t for t, h in zip(tables, headers, strict=True) if "epoch 20" in h)
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in spread.select("tbody tr")]
    assert len(rows) == 2 * 2 * len(MODEL_SPECS)  # (model, layer) x (whole, along)
    # geometric mean [95 % interval on the log scale]: a spread is a positive ratio
    assert all(re.fullmatch(r"\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]", c) for row in rows for c in row[3:]), rows
