"""The built gradient-flow page: both players with every frame, captions, budget, claims."""

from __future__ import annotations

from pathlib import Path

from budgets import ANIMATION_BUDGET, PAGE_BUDGET, page_weight

DOC = "book/gradient_flow"


def test_page_has_both_players_with_all_frames(site):
    soup = site.soup(DOC)
    players = soup.select("figure.fcconv-player")
    assert [p["id"] for p in players] == ["player-fc_vs_conv", "player-coverage"]
    weights = page_weight(site.path(DOC)).players  # the frame files of each player's larger drawing
    assert len(weights) == 2 and all(w <= ANIMATION_BUDGET for w in weights), weights
    for player in players:
        frames = player.select("picture.fcconv-frame")
        assert len(frames) == 16 and len({f.img["src"] for f in frames}) == 16
        assert len({f.source["srcset"] for f in frames}) == 16  # the narrow drawing, one file per step
        assert all(f.img["loading"] == "lazy" and f.img["src"].startswith("../_images/") for f in frames)
        img = frames[0].img
        assert len(img["alt"]) > 100 and not img["alt"].startswith("<")  # the whole animation, described
        alts = [f.img["alt"] for f in frames[1:]]  # the others: their step, as the status line says it
        assert [a.split(": ")[0] for a in alts] == [f"Step {k} of 16" for k in range(2, 17)] and len(
            set(alts)
        ) == 15
        assert not player.has_attr("role") and not player.has_attr("aria-label")  # the figcaption names it
        slider = player.find("input", {"type": "range"})
        assert slider["aria-label"] == "Animation step" and slider["aria-valuetext"] == "Step 1 of 16"
        status = player.find("p", class_="fcconv-status")
        assert status["aria-live"] == "polite" and status.get_text().startswith("Step 1 of 16: ")
        assert len(player.find("figcaption").get_text(strip=True)) > 50
        titles = [b["title"] for b in player.find_all("button")]
        assert titles == ["First frame", "Previous frame", "Pause", "Play", "Next frame", "Last frame"]
        assert all(b.svg is not None for b in player.find_all("button"))  # icons drawn inline
    assert not soup.select('link[href*="font-awesome"]')
    explorer = soup.find("a", href=lambda h: h and h.startswith("explorer.html"))
    assert explorer is not None, "the gradient-flow page links to the backward-pass explorer"


def test_page_figures_have_captions_and_alt_text(site):
    soup = site.soup(DOC)
    # the layer-as-a-matrix figure lives on the next page only (conv_as_matrix)
    assert soup.find(id="fig-layer-matrices") is None
    for name in ["fig-flow-small-multiples", "fig-coverage", "fig-gradient-magnitudes"]:
        fig = soup.find(id=name)
        assert fig is not None, name
        assert len(fig.find("figcaption").get_text(strip=True)) > 50
        assert len(fig.find("img")["alt"]) > 80
    for img in soup.find_all("img"):
        alt = img.get("alt", "")
        if "logo" in img.get("src", ""):
            continue
        assert alt.strip() and not alt.startswith("<Figure size"), img.get("src", "")[:80]


def test_page_size_within_budget(site):
    weight = page_weight(site.path(DOC))
    assert weight.images > 0 and len(weight.players) == 2
    assert weight.total <= PAGE_BUDGET, f"{weight.total} bytes"


def test_page_text_and_claims(site):
    text = " ".join(site.text(DOC).split())
    assert "Visualizing gradient flow" in text
    assert "python -m lessons_code.pictures.animations --out DIR" in text
    for name in ["eq-flow-fc", "eq-flow-conv"]:
        assert site.soup(DOC).find(id=f"equation-{name}") is not None
    assert Path(site.html / "_images").is_dir()
