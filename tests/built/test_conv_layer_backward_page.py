"""The built real-layer chapter: in the TOC after the matrix view, player complete and within budget,
figures with captions and alt text, every check shown passing, the measured numbers on the page."""

from __future__ import annotations

import re

from budgets import page_weight

DOC = "book/conv_layer_backward"


def test_chapter_comes_right_after_the_matrix_view(site):
    from bookbuild import toc_files

    files = toc_files()
    assert files.index(DOC) == files.index("book/conv_as_matrix") + 1
    assert files.index(DOC) < files.index("book/experiments")


def test_stride_player_is_complete_accessible_and_small(site):
    soup = site.soup(DOC)
    players = soup.select("figure.fcconv-player")
    assert [p["id"] for p in players] == ["player-stride2_backward"]
    frames = players[0].select("picture.fcconv-frame")
    assert (
        len({f.img["src"] for f in frames}) == len({f.source["srcset"] for f in frames}) == 9
    )  # one per unit
    (weight,) = page_weight(site.path(DOC)).players  # the frame files of its larger drawing
    assert weight <= 400 * 1024
    assert len(players[0].find("img")["alt"]) > 200
    assert "step 9" in players[0].find("figcaption").get_text()


def test_figures_have_captions_names_and_alt_text(site):
    soup = site.soup(DOC)
    for name in ("fig-stride-full-conv", "fig-receptive-stack"):
        fig = soup.find(id=name)
        assert fig is not None, name
        assert len(fig.find("figcaption").get_text(strip=True)) > 80
        assert len(fig.find("img")["alt"]) > 150


def test_every_check_passes_and_the_numbers_are_shown(site):
    text = " ".join(site.text(DOC).split())
    table = site.soup(DOC).find_all("table")[-2]  # the checks table, before "What to remember"
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == 13 and all(r.find_all("td")[-1].get_text(strip=True) == "pass" for r in rows)
    rules = [r.find_all("td")[1].get_text(strip=True) for r in rows]
    assert len(set(rules)) == 13  # every row names its own rule: the im2col rows show the im2col forms
    assert "cols" in rules[6] and "col2im" in rules[7]
    match = re.search(r"and (\d\d\.\d)% \(± (\d\.\d)% ?\) after the ReLU", text)
    assert match and 74.0 < float(match.group(1)) < 79.0
    assert "76.6%" in text  # the predicted 1 - (1 - 2^-4)/4
    for size in ("3×3", "5×5", "7×7", "15×15"):
        assert size in text
    for label in (
        "eq-out-size",
        "eq-stride-dx",
        "eq-transposed-size",
        "eq-im2col-backward",
        "eq-receptive-stack",
    ):
        assert site.soup(DOC).find(id=f"equation-{label}") is not None, label


def test_exercises_and_takeaways_link_the_chapter(site):
    ex = " ".join(site.text("book/exercises").split())
    assert "A stride-2 backward pass by hand" in ex and "Find the bug" in ex
    assert ex.count("PASS") >= 2 and "FAIL" not in ex.split("Find the bug")[-1]
    tk = site.soup("book/takeaways")
    links = [a["href"] for a in tk.find_all("a", href=True)]
    assert any("conv_layer_backward.html#transposed-conv" in h for h in links)
    assert any("conv_layer_backward.html#equation-eq-im2col-backward" in h for h in links)
