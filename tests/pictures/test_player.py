"""The HTML player (lessons_code.pictures.player): offline, reproducible, paused, complete."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from lessons_code import gradient_flow
from lessons_code.pictures import animations, player

# Tests that build an animation without playing it make matplotlib warn; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything")


@pytest.fixture(scope="module")
def small_anim_html():
    """Two renderings of the same small animation (4x4 input, 3x3 kernel: 4 frames)."""
    problem = gradient_flow.example_problem((4, 4), (3, 3), seed=1)
    desc = "A test animation of four gradient-flow steps on a 4 by 4 input."
    return [
        player.animation_html(animations.anim_fc_vs_conv(problem, dpi=40), "small_flow", desc)
        for _ in range(2)
    ]


# --- frame data against the true Jacobian ---------------------------------------------


def test_animation_html_is_offline_stable_paused_and_complete(small_anim_html):
    first, second = small_anim_html
    assert first == second  # byte-identical: no random ids, deterministic frames
    assert player.count_embedded_frames(first) == 4
    assert "<link" not in first and "cdn" not in first and "http" not in first
    assert not re.search(r"[0-9a-f]{32}", first)  # matplotlib's uuid ids are gone
    assert 'id="_anim_imgsmall_flow" alt="A test animation' in first
    assert 'role="group"' not in first and "<figure " in first  # the figcaption names the figure
    assert 'aria-label="Animation step" aria-valuetext="Step 1 of 4"' in first  # the slider is named
    assert (
        '<p class="anim-status" id="_anim_statussmall_flow" aria-live="polite">Step 1 of 4: output unit 0'
        in first
    )
    assert '<div role="radiogroup" aria-label="Repetition mode">' in first
    assert "<form " in first and 'aria-label="Repetition mode" action' not in first  # no named form landmark
    assert re.search(r'value="once"[^>]*\s+checked', first)  # stops at the end, no loop
    script = first.split("/* Instantiate the Animation class. */")[1]
    assert "play_animation" not in script and "reverse_animation" not in script  # nothing auto-plays
    assert "new Animation(frames" in script


def test_animation_html_raises_when_frames_are_dropped():
    anim = animations.anim_fc_vs_conv(gradient_flow.example_problem((4, 4), (3, 3)), dpi=40)
    with pytest.raises(RuntimeError, match="holds 0 frames, expected 4"):
        player.animation_html(anim, "tiny", "An animation that cannot fit its limit.", embed_limit_mb=0.001)


def test_animation_html_validates_arguments():
    anim = animations.anim_coverage((3, 3), (2, 2), dpi=40)
    with pytest.raises(ValueError, match="name must be an identifier"):
        player.animation_html(anim, "has space", "A long enough description here.")
    with pytest.raises(ValueError, match="description must be a sentence"):
        player.animation_html(anim, "ok", "short")
    with pytest.raises(TypeError, match="FuncAnimation"):
        player.animation_html("not an animation", "ok", "A long enough description here.")


def test_shrink_png_is_smaller_deterministic_and_readable():
    import io

    fig = animations.anim_fc_vs_conv(gradient_flow.example_problem((4, 4), (3, 3)), dpi=40)._fig
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    small = player.shrink_png(buf.getvalue())
    assert small == player.shrink_png(buf.getvalue())
    assert len(small) < len(buf.getvalue())
    with Image.open(io.BytesIO(small)) as img:
        assert img.mode == "P" and img.size == Image.open(io.BytesIO(buf.getvalue())).size


# --- the GIF command line ---------------------------------------------------------------


def test_animation_html_keeps_labels_at_11_px_and_checks_step_labels(small_anim_html):
    first = small_anim_html[0]
    width = int(re.search(r'data-frame-width="(\d+)"', first).group(1))
    smallest = float(re.search(r'data-min-label-px="([\d.]+)"', first).group(1))
    min_width = int(re.search(r'style="min-width:(\d+)px"', first).group(1))
    assert smallest == pytest.approx(animations.MIN_FONT_PT * 40 / 72)  # dpi 40: too small to shrink at all
    assert min_width == width
    big = animations.anim_coverage((3, 3), (2, 2), dpi=100)  # 10 pt labels at 100 dpi: 13.9 px
    markup = player.animation_html(big, "big_flow", "A test animation of four coverage steps, larger.")
    width = int(re.search(r'data-frame-width="(\d+)"', markup).group(1))
    min_width = int(re.search(r'style="min-width:(\d+)px"', markup).group(1))
    smallest = 10 * 100 / 72
    assert float(re.search(r'data-min-label-px="([\d.]+)"', markup).group(1)) == pytest.approx(
        smallest, abs=0.01
    )
    assert min_width < width and min_width * smallest / width >= player.MIN_LABEL_PX  # 11 px at the narrowest
    assert (min_width - 1) * smallest / width < player.MIN_LABEL_PX
    with pytest.raises(ValueError, match="one label per frame"):
        player.animation_html(
            big, "big_flow", "A test animation of four gradient-flow steps.", step_labels=["a"]
        )
    plain = player.animation_html(big, "plain", "A test animation of four coverage steps.", step_labels=[])
    assert '"Step 2 of 4"' in plain and '"Step 2 of 4: the window of output (0, 1)"' in markup
