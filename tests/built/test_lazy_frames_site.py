"""tools/lazy_frames.py on the built site: every player's frames 1..n-1 are in its frame file,
a first visit does not fetch them, and a reader who acts before they arrive gets the right frame."""

from __future__ import annotations

import base64
import io

import pytest
import site_audit
from bookbuild import toc_files
from lazy_frames import FRAMES_DIR, figures, frame_files, page_players
from PIL import Image
from test_browser import PHONE, Visit

PLAYER_PAGES = ["book/gradient_flow", "book/conv_layer_backward"]


def test_every_player_is_lazy_and_complete(site):
    pages = [doc for doc in toc_files() if 'class="fcconv-animation"' in site.path(doc).read_text("utf-8")]
    assert pages == PLAYER_PAGES
    wanted = set()
    for doc in pages:
        text = site.path(doc).read_text(encoding="utf-8")
        players = page_players(site.path(doc))
        assert len(players) == len(figures(text)) >= 1
        for name, frames in players.items():
            assert len(frames) >= 2 and sorted(frames) == list(range(len(frames))), (doc, name)
            for uri in frames.values():
                with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as img:
                    img.verify()
                    assert img.format == "PNG"
        wanted.update(frame_files(site.path(doc), text))
    on_disk = {p.resolve() for p in (site.html / FRAMES_DIR).glob("*")}
    assert on_disk == wanted, "frame files no player loads, or players without their file"


def test_first_visit_loads_no_frames(browser, site):
    """At Lighthouse's phone size, without scrolling, no frame file is fetched; the audit counts
    them as frames 'later', and the page's frames in the first visit are only the frame 0s."""
    with site_audit.serve(site.html) as base:
        for doc in PLAYER_PAGES:
            sizes = site_audit.transfer_bytes(browser, base, f"{doc}.html")
            assert not [u for u in sizes if f"/{FRAMES_DIR}/" in u], f"{doc}: frames on the first visit"
            first = site_audit.animation_frame_bytes(site.html, f"{doc}.html", sizes)
            every = site_audit.animation_frame_bytes(site.html, f"{doc}.html")
            files = frame_files(site.path(doc), site.path(doc).read_text(encoding="utf-8"))
            assert 0 < first < every and every - first >= sum(f.stat().st_size for f in files) // 2


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_an_early_step_waits_for_its_frame(browser, server, viewport):
    """Two clicks on 'Next frame' while the frame file is held back: frame 0 and its status stay;
    once the file arrives the player shows frame 2 (both steps, in order), then plays to the end."""
    v = Visit(browser, server, "book/gradient_flow", **({"viewport": viewport} if viewport else {}))
    page, held = v.page, []
    try:
        page.route(f"**/{FRAMES_DIR}/coverage-*.js", lambda route: held.append(route))
        page.wait_for_function("() => window.animcoverage !== undefined")
        state = """() => ({frame: animcoverage.current_frame, n: animcoverage.frames.length,
            zero: document.getElementById('_anim_imgcoverage').src === animcoverage.frames[0].src,
            status: document.getElementById('_anim_statuscoverage').textContent.split(':')[0],
            valuetext: document.getElementById('_anim_slidercoverage').getAttribute('aria-valuetext')})"""
        next_ = page.locator('#anim-coverage button[title="Next frame"]')
        next_.click()
        next_.click()
        page.wait_for_timeout(300)
        assert len(held) == 1, "the first touch of the controls fetches the frame file, once"
        s = page.evaluate(state)
        assert s == {
            "frame": 0,
            "n": 16,
            "zero": True,
            "status": "Step 1 of 16",
            "valuetext": "Step 1 of 16",
        }, s
        held[0].continue_()
        page.wait_for_selector("#anim-coverage[data-frames-loaded]", state="attached")
        s = page.evaluate(state)
        assert s == {
            "frame": 2,
            "n": 16,
            "zero": False,
            "status": "Step 3 of 16",
            "valuetext": "Step 3 of 16",
        }, s
        page.locator('#anim-coverage button[title="Play"]').click()
        page.wait_for_function("() => animcoverage.current_frame === 15", timeout=30_000)
        shown = page.evaluate("() => new Set(animcoverage.frames.map(f => f.src)).size")
        assert shown == 16
        v.assert_clean("book/gradient_flow")
    finally:
        v.close()
