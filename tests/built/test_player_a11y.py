"""The gradient-flow page's animation players, for readers who use a keyboard, a screen reader, a phone
or dark mode: a named slider, the step announced, keyboard-only control, labels >= 11 px at 360 px,
a caption at 4.5:1 in dark mode, and axe-core clean (no landmark twins, no unnamed control).
"""

from __future__ import annotations

import pytest
import test_explorer
from test_browser import PHONE, _luminance
from test_explorer import AXE, SHOTS, _axe

from lessons_code.pictures.player import MIN_LABEL_PX

# The explorer tests' page opener (on conftest's `browser` and `server`), used here as a fixture too.
open_page = test_explorer.open_page

DOC = "book/gradient_flow"
PLAYERS = ["fc_vs_conv", "coverage"]


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _wait_players(page):
    for pid in PLAYERS:
        page.wait_for_function(f"() => window['anim{pid}'] !== undefined && window['anim{pid}'].set_frame")


def _focused(page) -> str:
    return page.evaluate(
        "() => { const a = document.activeElement; return a.id || a.getAttribute('aria-label') || a.tagName; }"
    )


def test_player_by_keyboard_only(open_page):
    """From the top of the page, Tab to the first player's slider; arrows, End, buttons, radios."""
    v = open_page(DOC)
    page = v.page
    _wait_players(page)
    pid = "fc_vs_conv"
    anim = f"window['anim{pid}']"
    for _ in range(400):
        page.keyboard.press("Tab")
        if _focused(page) == f"_anim_slider{pid}":
            break
    assert _focused(page) == f"_anim_slider{pid}", "Tab never reached the player's slider"
    # focus inside the player fetched its frames (tools/lazy_frames.py); a step waits for them
    page.wait_for_selector(f"#anim-{pid}[data-frames-loaded]", state="attached", timeout=10_000)

    def state():
        return page.evaluate(
            f"""() => ({{frame: {anim}.current_frame,
                status: document.getElementById('_anim_status{pid}').textContent,
                valuetext: document.getElementById('_anim_slider{pid}').getAttribute('aria-valuetext')}})"""
        )

    page.keyboard.press("ArrowRight")
    s = state()
    assert s["frame"] == 1 and s["valuetext"] == "Step 2 of 16", s
    assert s["status"].startswith("Step 2 of 16: output unit 1 sends dy = "), s
    page.keyboard.press("End")
    assert state()["frame"] == 15 and state()["status"].startswith("Step 16 of 16: output unit 15")
    order = ["Decrease speed", "First frame", "Previous frame", "Play backwards", "Pause", "Play"]
    for label in order:
        page.keyboard.press("Tab")
        assert _focused(page) == label
        if label == "First frame":
            page.keyboard.press("Enter")
            assert state()["frame"] == 0 and state()["status"].startswith("Step 1 of 16")
    page.keyboard.press("Enter")  # Play
    page.wait_for_function(f"() => {anim}.current_frame > 0", timeout=10_000)
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "Pause"
    page.keyboard.press("Enter")
    frozen = state()
    page.wait_for_timeout(1500)
    assert state() == frozen and frozen["status"].startswith(f"Step {frozen['frame'] + 1} of 16")
    for label in ["Play", "Next frame", "Last frame", "Increase speed"]:
        page.keyboard.press("Tab")
        assert _focused(page) == label
    page.keyboard.press("Tab")  # into the repetition-mode radio group, on the checked "Once"
    assert _focused(page) == f"_anim_radio1_{pid}"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{anim}.get_loop_state()") == "loop"
    v.assert_clean(DOC)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_players_caption_contrast_and_axe(open_page, dark):
    v = open_page(DOC, dark=dark)
    page = v.page
    _wait_players(page)
    colours = page.evaluate(
        """() => [...document.querySelectorAll('figure.fcconv-animation')].map(fig => {
            const ground = el => { for (; el; el = el.parentElement) {
                const bg = getComputedStyle(el).backgroundColor;
                if (!/rgba\\(.*, 0\\)$|transparent/.test(bg)) return bg; } return 'rgb(255, 255, 255)'; };
            const cap = fig.querySelector('figcaption'), status = fig.querySelector('.anim-status');
            return {caption: [getComputedStyle(cap).color, ground(cap)],
                    status: [getComputedStyle(status).color, ground(status)]};
        })"""
    )
    assert len(colours) == 2
    for player in colours:
        for part in ("caption", "status"):
            ratio = _contrast(*player[part])
            assert ratio >= 4.5, f"{'dark' if dark else 'light'} {part}: {player[part]} is {ratio:.2f}:1"
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `make node_modules/.installed` (npm ci)", pytrace=False)
    found = _axe(page, "{include: [['figure.fcconv-animation']]}")
    assert not found, found
    # landmarks are page-wide: no two with the same name (the players' forms used to be two)
    twins = page.evaluate(
        "() => axe.run(document, {runOnly: ['landmark-unique', 'landmark-no-duplicate-main'], preload: false})"
        ".then(r => r.violations.map(v => v.id))"
    )
    assert twins == []
    v.assert_clean(DOC)


def test_player_labels_stay_11_px_on_a_phone(open_page):
    v = open_page(DOC, viewport=PHONE)
    page = v.page
    _wait_players(page)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('figure.fcconv-animation')].map(fig => {
            const img = fig.querySelector('img[id^="_anim_img"]');
            return {id: fig.id, shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
                    label: parseFloat(fig.dataset.minLabelPx),
                    slider: fig.querySelector('input.anim-slider').getBoundingClientRect().right};
        })"""
    )
    assert [s["id"] for s in sizes] == [f"anim-{pid}" for pid in PLAYERS]
    for s in sizes:
        rendered = s["label"] * s["shown"] / s["natural"]
        assert rendered >= MIN_LABEL_PX - 0.01, f"{s['id']}: smallest label renders at {rendered:.1f} px"
        assert s["slider"] <= 360, f"{s['id']}: the controls leave the screen: {s}"
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways at 360 px: {widths}"
    page.locator("#anim-fc_vs_conv").screenshot(path=SHOTS / "player-phone.png")
    v.assert_clean(DOC)
