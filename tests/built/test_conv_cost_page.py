"""The built cost chapter: right after the real-layer chapter, its figures captioned, its numbers
computed, both exercises executed and folded, every label the real-layer chapter links resolving."""

from __future__ import annotations

DOC = "book/conv_cost"


def test_chapter_comes_right_after_the_real_layer_chapter(site):
    from bookbuild import toc_files

    files = toc_files()
    assert files.index(DOC) == files.index("book/conv_layer_backward") + 1


def test_figures_have_captions_names_and_alt_text(site):
    soup = site.soup(DOC)
    for name in ("fig-group-blocks", "fig-checkerboard"):
        fig = soup.find(id=name)
        assert fig is not None, name
        assert len(fig.find("figcaption").get_text(strip=True)) > 80
        assert len(fig.find("img")["alt"]) > 150


def test_the_counts_and_checks_are_on_the_page(site):
    text = " ".join(site.text(DOC).split())
    # channels by hand: 4 terms per weight-gradient entry, 8 for the centre pixel
    assert "dw[1,0][0,0] = (0)·1 + (1)·2 + (-1)·0 + (1)·1 = 3.0" in text
    # the first ImageNet layer: 86.7 million multiply-adds forward, twice that backward
    assert "86,704,128" in text and "86.7 million" in text and "173.4 million" in text
    assert "27 × 50,176" in text and "576 × 3,136" in text
    assert "110,592" in text and "200,704" in text  # 27 C² and 49 C² at C = 64
    assert "Traceback" not in text and "ClaimError" not in text
    for label in ("eq-hand-dw", "eq-hand-dx", "eq-three-products", "eq-separable", "eq-he"):
        assert site.soup(DOC).find(id=f"equation-{label}") is not None, label


def test_two_exercises_with_executed_folded_solutions(site):
    soup = site.soup(DOC)
    assert len(soup.select("div.exercise")) == 2
    solutions = soup.select(".solution")
    assert len(solutions) == 2
    for sol in solutions:
        assert sol.name == "details" and not sol.has_attr("open") and sol.select("div.cell_output")
    text = site.text(DOC)
    assert "Exercise (two channels): PASS" in text and "Exercise (the cost of a layer): PASS" in text


def test_the_real_layer_chapter_links_the_checkerboard_and_shows_the_im2col_rules(site):
    links = [a["href"] for a in site.soup("book/conv_layer_backward").find_all("a", href=True)]
    assert any("conv_cost.html#checkerboard" in h for h in links)
    text = " ".join(site.text("book/conv_layer_backward").split())
    assert "dW_flat = dY @ colsᵀ" in text and "dx = col2im(W_flatᵀ @ dY)" in text
    assert "the matrix view of Convolution" not in text  # the broken cross-reference sentence
