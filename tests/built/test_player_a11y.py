"""The animation players for readers who use a keyboard, a screen reader, a phone, dark mode or a
downloaded notebook: a named slider, the step announced, keyboard-only control, every label >= 11 px
as displayed at 360 px and nothing cut at 1280 px, captions at 4.5:1, axe-core clean; in a notebook
the same player is self-contained, and shows frame 0 without JavaScript.
"""

from __future__ import annotations

import pytest
import test_explorer
from test_browser import DESKTOP, PHONE, _luminance
from test_explorer import AXE, SHOTS, _axe

from lessons_code.pictures import animations
from lessons_code.pictures.player import MIN_LABEL_PX, NARROW_MAX_PX, animation_player

# The explorer tests' page opener (on conftest's `browser` and `server`), used here as a fixture too.
open_page = test_explorer.open_page

DOC = "book/gradient_flow"
PLAYERS = {
    DOC: ["player-fc_vs_conv", "player-coverage"],
    "book/conv_layer_backward": ["player-stride2_backward"],
}


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _focused(page) -> str:
    return page.evaluate(
        "() => { const a = document.activeElement; return a.getAttribute('aria-label') || a.type || a.tagName; }"
    )


def test_player_by_keyboard_only(open_page):
    """From the top of the page, Tab to the first player's slider; arrows, End, buttons, Loop."""
    v = open_page(DOC)
    page = v.page
    pid = "player-fc_vs_conv"
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.closest('#{pid}') !== null"):
            break
    assert _focused(page) == "Animation step", "Tab never reached the player's slider"
    page.wait_for_selector(f"#{pid}[data-loaded]", state="attached", timeout=10_000)

    def state():
        return page.evaluate(
            f"""() => {{ const f = document.getElementById('{pid}');
                return {{frame: [...f.querySelectorAll('picture')].indexOf(f.querySelector('.fcconv-current')),
                        status: f.querySelector('.fcconv-status').textContent,
                        valuetext: f.querySelector('input[type=range]').getAttribute('aria-valuetext')}}; }}"""
        )

    page.keyboard.press("ArrowRight")
    s = state()
    assert s["frame"] == 1 and s["valuetext"] == "Step 2 of 16", s
    assert s["status"].startswith("Step 2 of 16: output unit 1 sends dy = "), s
    page.keyboard.press("End")
    assert state()["frame"] == 15 and state()["status"].startswith("Step 16 of 16: output unit 15")
    for label in ["First frame", "Previous frame", "Pause", "Play"]:
        page.keyboard.press("Tab")
        assert _focused(page) == label
        if label == "First frame":
            page.keyboard.press("Enter")
            assert state()["frame"] == 0 and state()["status"].startswith("Step 1 of 16: output unit 0")
    page.keyboard.press("Enter")  # Play
    page.wait_for_function(
        f"() => document.querySelector('#{pid} .fcconv-current').dataset.step !== 'Step 1 of 16'"
    )
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "Pause"
    page.keyboard.press("Enter")
    frozen = state()
    page.wait_for_timeout(1500)
    assert state() == frozen and frozen["status"].startswith(f"Step {frozen['frame'] + 1} of 16")
    for label in ["Play", "Next frame", "Last frame", "checkbox"]:
        page.keyboard.press("Tab")
        assert _focused(page) == label
    page.keyboard.press("Space")  # Loop on: from the last frame, Play goes round
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # Last frame
    assert state()["frame"] == 15
    page.evaluate(f"() => document.querySelector('#{pid} button[data-action=play]').click()")
    page.wait_for_function(
        f"() => document.querySelector('#{pid} .fcconv-current').dataset.step === 'Step 3 of 16'"
    )
    v.assert_clean(DOC)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_players_caption_contrast_and_axe(open_page, dark):
    for doc, ids in PLAYERS.items():
        v = open_page(doc, dark=dark)
        page = v.page
        colours = page.evaluate(
            """() => [...document.querySelectorAll('figure.fcconv-player')].map(fig => {
                const ground = el => { for (; el; el = el.parentElement) {
                    const bg = getComputedStyle(el).backgroundColor;
                    if (!/rgba\\(.*, 0\\)$|transparent/.test(bg)) return bg; } return 'rgb(255, 255, 255)'; };
                return ['figcaption', '.fcconv-status', 'button', 'label'].map(sel => {
                    const el = fig.querySelector(sel); return [sel, getComputedStyle(el).color, ground(el)]; });
            })"""
        )
        assert len(colours) == len(ids)
        for player in colours:
            for part, fg, bg in player:
                ratio = _contrast(fg, bg)
                assert ratio >= 4.5, (
                    f"{doc} {'dark' if dark else 'light'} {part}: {fg} on {bg} is {ratio:.2f}:1"
                )
        if not AXE.is_file():
            pytest.fail(f"{AXE} missing: run `make node_modules/.installed` (npm ci)", pytrace=False)
        found = _axe(page, "{include: [['figure.fcconv-player']]}")
        assert not found, found
        v.assert_clean(doc)


def _fit(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.fcconv-player')].map(fig => {
            const pic = fig.querySelector('.fcconv-current'), img = pic.querySelector('img');
            const source = pic.querySelector('source');
            const narrow = source !== null && img.currentSrc.endsWith(source.getAttribute('srcset').split('/').pop());
            const box = img.getBoundingClientRect(), figure = fig.getBoundingClientRect();
            return {id: fig.id, narrow, shown: box.width, natural: img.naturalWidth,
                    label: parseFloat((narrow ? source : img).dataset.labelPx) * box.width / img.naturalWidth,
                    inside: box.left >= figure.left - 0.5 && box.right <= figure.right + 0.5,
                    controls: Math.max(...[...fig.querySelectorAll('button, input, label')]
                        .map(e => e.getBoundingClientRect().right))};
        })"""
    )


TABLET = {"width": NARROW_MAX_PX, "height": 900}
WIDER = {"width": NARROW_MAX_PX + 1, "height": 900}


@pytest.mark.parametrize(
    "viewport", [PHONE, TABLET, WIDER, DESKTOP], ids=["phone", "tablet", "wider", "desktop"]
)
def test_player_fits_with_labels_of_11_px(open_page, viewport):
    """Up to NARROW_MAX_PX (360 px: a phone): the narrow drawing, whole, labels >= 11 px, no sideways
    scroll; wider (1280 px): the wide drawing at its natural size (nothing cut, nothing shrunk)."""
    phone = viewport["width"] <= NARROW_MAX_PX
    for doc, ids in PLAYERS.items():
        v = open_page(doc, viewport=viewport, dark=phone)
        page = v.page
        for pid in ids:
            page.locator(f"#{pid}").scroll_into_view_if_needed()
            page.wait_for_function(
                f"() => document.querySelector('#{pid} .fcconv-current img').naturalWidth > 0"
            )
        sizes = _fit(page)
        assert [s["id"] for s in sizes] == ids
        for s in sizes:
            assert s["narrow"] == phone and s["inside"], s
            assert s["label"] >= MIN_LABEL_PX, f"{s['id']}: smallest label shown at {s['label']:.2f} px"
            assert s["controls"] <= viewport["width"], f"{s['id']}: the controls leave the screen: {s}"
            if not phone:
                assert s["shown"] == s["natural"], s
        widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{doc}: the page scrolls sideways: {widths}"
        for pid in ids:
            page.locator(f"#{pid}").screenshot(path=SHOTS / f"{pid}-{viewport['width']}.png")
        v.assert_clean(doc)


@pytest.fixture(scope="module")
def notebook_player(tmp_path_factory):
    """A player as a downloaded notebook shows it (its text/html output), written to a file."""
    anim = animations.anim_coverage((4, 4), (2, 2))
    shown = animation_player(
        anim, "nb", "A coverage animation of nine steps, in a notebook.", caption="In a notebook."
    )
    path = tmp_path_factory.mktemp("notebook") / "output.html"
    path.write_text(f"<!doctype html><html lang='en'><body>{shown.to_html()}</body></html>", encoding="utf-8")
    return path


def test_the_notebook_player_plays_with_visible_icons(browser, notebook_player):
    context = browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    page.goto(notebook_player.as_uri())
    icons = page.evaluate(
        "() => [...document.querySelectorAll('button svg')].map(s => s.getBoundingClientRect().width)"
    )
    assert len(icons) == 6 and min(icons) >= 16  # not 0-px slivers
    page.locator('button[title="Next frame"]').click()
    assert page.locator(".fcconv-status").text_content() == "Step 2 of 9: the window of output (0, 1)"
    assert page.evaluate("() => document.querySelector('.fcconv-current img').naturalWidth") > 0
    page.screenshot(path=SHOTS / "notebook-player-js.png", full_page=True)
    context.close()


def test_the_notebook_player_without_javascript_shows_frame_0(browser, notebook_player):
    """An untrusted notebook runs no script: frame 0, no dead controls; printed: every frame."""
    context = browser.new_context(viewport={"width": 800, "height": 700}, java_script_enabled=False)
    page = context.new_page()
    page.goto(notebook_player.as_uri())
    shown = "() => [...document.querySelectorAll('picture img')].filter(i => i.getBoundingClientRect().width > 0).length"
    assert page.evaluate(shown) == 1
    assert page.evaluate("() => document.querySelector('picture img').naturalWidth") > 0
    assert not page.locator(".fcconv-controls").is_visible()
    page.screenshot(path=SHOTS / "notebook-player-nojs.png", full_page=True)
    page.emulate_media(media="print")
    assert page.evaluate(shown) == 9 and not page.locator(".fcconv-status").is_visible()
    context.close()
