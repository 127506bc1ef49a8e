"""The built gradient-flow page: both players with every frame, captions, budget, claims."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from budgets import ANIMATION_BUDGET, PAGE_BUDGET, page_weight
from lazy_frames import page_players
from PIL import Image

DOC = "book/gradient_flow"


def test_page_has_both_players_with_all_frames(site):
    soup = site.soup(DOC)
    players = soup.select("figure.fcconv-animation")
    assert [p["id"] for p in players] == ["anim-fc_vs_conv", "anim-coverage"]
    # frame 0 in the page, frames 1..15 in the player's file of _static/frames (tools/lazy_frames.py)
    frames = page_players(site.path(DOC))
    assert list(frames) == ["fc_vs_conv", "coverage"]
    for name, uris in frames.items():
        assert sorted(uris) == list(range(16)), name
        sizes = set()
        for uri in uris.values():
            with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as img:
                assert img.format == "PNG"
                sizes.add(img.size)
        assert len(sizes) == 1 and len(set(uris.values())) == 16, f"{name}: {sizes}"
    weights = page_weight(site.path(DOC)).players  # each player's markup + its frame file
    assert len(weights) == 2 and all(w <= ANIMATION_BUDGET for w in weights), weights
    for player in players:
        assert player["data-frame-count"] == "16" and player["data-frames"].startswith("../_static/frames/")
        assert player.find("img")["src"].startswith("data:image/png;base64,")  # frame 0, even without JS
        assert not player.has_attr("role") and not player.has_attr("aria-label")  # the figcaption names it
        slider = player.find("input", {"type": "range"})
        assert slider["aria-label"] == "Animation step" and slider["aria-valuetext"] == "Step 1 of 16"
        status = player.find("p", class_="anim-status")
        assert status["aria-live"] == "polite" and status.get_text().startswith("Step 1 of 16")
        assert player.find("form").get("aria-label") is None  # no landmark per player
        assert player.find(attrs={"role": "radiogroup"})["aria-label"] == "Repetition mode"
        img = player.find("img")
        assert img is not None and len(img["alt"]) > 100 and not img["alt"].startswith("<")
        assert len(player.find("figcaption").get_text(strip=True)) > 50
        assert player.find("input", {"type": "range"}) is not None  # the slider
        titles = {b["title"] for b in player.find_all("button")}
        assert {"Play", "Pause", "Next frame", "Previous frame"} <= titles
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
