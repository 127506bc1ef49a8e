"""The animation players on the built site (tools/fcconv_site/player.py, lessons_code/pictures/player.py):
every frame a PNG file of ``_images/``, the player's script and stylesheet only where a player is, and
frames fetched only when the reader comes near a player, one drawing (wide or narrow) per screen."""

from __future__ import annotations

import pytest
import site_audit
from bookbuild import toc_files
from budgets import ANIMATION_BUDGET, frame_files, page_weight
from PIL import Image
from test_browser import DESKTOP, PHONE

PLAYER_PAGES = {"book/gradient_flow": 2, "book/conv_layer_backward": 1}


def _frames(site, doc, figure, tag, attr):
    """(file, width, height) of each frame of one drawing of a player."""
    out = []
    for picture in figure.select("picture.fcconv-frame"):
        el = picture.find(tag)
        (file,) = frame_files(site.path(doc), [el[attr]])
        out.append((file, int(el["width"]), int(el["height"])))
    return out


def test_every_frame_is_a_png_file_of_the_site(site):
    pages = {doc: len(site.soup(doc).select("figure.fcconv-player")) for doc in toc_files()}
    assert {doc: n for doc, n in pages.items() if n} == PLAYER_PAGES
    for doc, n in pages.items():
        scripts = [s["src"].split("?")[0] for s in site.soup(doc).select("script[src]")]
        assert ("../_static/player.js" in scripts) == (n > 0), doc  # the script only where a player is
    files = set()
    for doc in PLAYER_PAGES:
        for figure in site.soup(doc).select("figure.fcconv-player"):
            steps = [p["data-step"] for p in figure.select("picture")]
            assert (
                steps == [f"Step {k} of {len(steps)}" for k in range(1, len(steps) + 1)] and len(steps) >= 9
            )
            for tag, attr in (("img", "src"), ("source", "srcset")):
                drawing = _frames(site, doc, figure, tag, attr)
                assert len(drawing) == len(steps), (figure["id"], tag)
                for file, width, height in drawing:
                    assert file.parent.name == "_images", (figure["id"], file)
                    with Image.open(file) as img:
                        assert img.format == "PNG" and img.size == (width, height), (file, img.size)
                files.update(f for f, _, _ in drawing)
        weights = page_weight(site.path(doc)).players
        assert len(weights) == PLAYER_PAGES[doc] and all(0 < w <= ANIMATION_BUDGET for w in weights), weights
    assert len(files) == 2 * (16 + 16 + 9)  # every frame its own file, wide and narrow


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_frames_load_when_the_reader_comes_near_one_drawing_only(browser, site, viewport):
    with site_audit.serve(site.html) as base:
        for doc in PLAYER_PAGES:
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            fetched = []
            page.on("requestfinished", lambda r, fetched=fetched: fetched.append(r.url.rsplit("/", 1)[-1]))
            page.goto(f"{base}/{doc}.html", wait_until="networkidle")
            page.wait_for_timeout(500)
            frames = [
                {tag: el[attr].rsplit("/", 1)[-1] for tag, attr in (("img", "src"), ("source", "srcset"))
                 for el in [p.find(tag)]}
                for f in site.soup(doc).select("figure.fcconv-player") for p in f.select("picture")
            ]  # fmt: skip
            early = [f for f in fetched if any(f in fr.values() for fr in frames)]
            assert not early, f"{doc}: frames fetched before the reader scrolled: {early}"
            figures = site.soup(doc).select("figure.fcconv-player")
            assert len(figures) == PLAYER_PAGES[doc]
            for figure in figures:
                page.locator(f"#{figure['id']}").scroll_into_view_if_needed()
                page.wait_for_function(
                    f"() => [...document.querySelectorAll('#{figure['id']} img')]"
                    ".every(i => i.complete && i.naturalWidth > 0)"
                )
            page.wait_for_timeout(300)  # the last requestfinished events
            want, other = ("source", "img") if viewport is PHONE else ("img", "source")
            missing = [fr[want] for fr in frames if fr[want] not in fetched]
            assert not missing, f"{doc}: frames of the {want} drawing missing: {missing}, fetched {fetched}"
            assert not [fr[other] for fr in frames if fr[other] in fetched], f"{doc}: both drawings fetched"
            context.close()
