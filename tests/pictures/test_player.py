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
    assert 'role="group"' in first and 'aria-label="A test animation' in first
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
