"""Issue 11 on the built pages: the printed results say what the prose says next to them."""

from __future__ import annotations

import re

from bookbuild import toc_files


def _outputs(site, doc):
    return "\n".join(o.get_text() for o in site.soup(doc).select(".cell_output"))


def test_lesson_pages_come_in_the_order_they_build_on():
    order = ["book/intro", "book/geometry", "book/gradients", "book/gradient_flow", "book/conv_as_matrix",
             "book/parameters", "book/experiments", "book/exercises", "book/takeaways"]  # fmt: skip
    files = toc_files()
    positions = [files.index(doc) for doc in order]
    assert positions == sorted(positions)


def test_the_no_flip_demo_tells_the_two_apart(site):
    out = _outputs(site, "book/gradients")
    correct = float(re.search(r"correct dK: relative error (\S+)", out).group(1))
    flipped = float(re.search(r"flipped dK: relative error (\S+)", out).group(1))
    assert correct < 1e-9 and flipped > 0.1


def test_gradient_magnitudes_show_square_root_growth(site):
    out = _outputs(site, "book/gradient_flow")
    median = float(re.search(r"median (\d+\.\d+)", out).group(1))
    assert 3.0 < median < 5.0
    text = site.text("book/gradient_flow")
    assert "it is not (largest entry" not in text


def test_parameters_page_has_the_zero_noise_control_and_the_step_efficiency(site):
    text = " ".join(site.text("book/parameters").split())
    assert "noise-free control" in text and "holds, in a precise form" in text
    assert "does not survive" not in text  # the old verdict, from a measure that cannot tell
    headers = [t.get_text(" ") for t in site.soup("book/parameters").select("table")]
    assert any("label noise" in h for h in headers) and any("step efficiency" in h for h in headers)


def test_no_claim_the_data_contradicts_is_left(site):
    experiments = site.text("book/experiments")
    assert "All spreads grow" not in experiments
    assert "slowest to train" not in experiments
    exercises = site.text("book/exercises")
    assert "however small the kernel" not in exercises
    assert "ends up looking like a stroke detector" not in exercises
    intro = site.text("book/intro")
    assert "the book would not build" not in intro


def test_exercise_headings_are_numbered_once(site):
    for h2 in site.soup("book/exercises").select("article h2"):
        assert not re.match(r"^\s*[\d.]+\s+\d+\.\s", h2.get_text()), h2.get_text()


def test_checks_are_folded_and_labelled(site):
    for doc in ("book/geometry", "book/gradients", "book/gradient_flow", "book/conv_as_matrix",
                "book/parameters", "book/experiments"):  # fmt: skip
        html = str(site.soup(doc))
        assert "Show the checks this build runs" in html, doc
