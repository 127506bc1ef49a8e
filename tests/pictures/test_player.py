"""The animation player (lessons_code.pictures.player): frames, markup, notebook bundle, checks."""

from __future__ import annotations

import base64
import io
import json

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from lessons_code import gradient_flow
from lessons_code.pictures import animations, player

# Tests that build an animation without playing it make matplotlib warn; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything")

DESC = "A test animation of four coverage steps on a 4 by 4 input."


def _flow(**kw):
    return animations.anim_coverage((4, 4), (3, 3), dpi=40, **kw)


@pytest.fixture(scope="module")
def small():
    """Two players of the same small animation (4x4 input, 3x3 kernel: 4 frames), with narrow frames."""
    return [
        player.animation_player(_flow(), "small_flow", DESC, narrow=_flow(narrow=True), caption="A caption.")
        for _ in range(2)
    ]


def _png(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_frames_are_every_step_in_order_and_reproducible(small):
    first, second = small
    assert first == second  # same bytes on a rebuild
    assert len(first.wide.png) == len(first.narrow.png) == len(first.steps) == 4
    assert len(set(first.wide.png)) == 4  # four different pictures
    sizes = {_png(p).size for p in first.wide.png}
    assert sizes == {(first.wide.width, first.wide.height)}
    assert first.narrow.width < first.wide.width < first.narrow.height * 2
    # frame k is the animation drawn at step k, re-encoded
    anim = _flow()
    for k in (0, 3):
        anim._func(k)
        buf = io.BytesIO()
        anim._fig.savefig(buf, format="png")
        assert player.shrink_png(buf.getvalue()) == first.wide.png[k]
    assert first.steps[1] == "Step 2 of 4: " + anim.step_labels[1]
    assert first.interval == 900 and first.nbytes == sum(len(p) for p in first.wide.png)


def test_the_notebook_bundle_is_self_contained_and_round_trips(small):
    p = small[0]
    bundle = p._repr_mimebundle_()
    assert set(bundle) == {"text/html", player.MIME_TYPE}
    data = json.loads(json.dumps(bundle[player.MIME_TYPE]))
    assert [base64.b64decode(s) for s in data["wide"]["png"]] == list(p.wide.png)
    assert [base64.b64decode(s) for s in data["narrow"]["png"]] == list(p.narrow.png)
    assert data["steps"] == list(p.steps) and data["description"] == DESC
    page = bundle["text/html"]
    assert (
        "http" not in page and "<link" not in page and "fa-" not in page
    )  # nothing fetched, no Font Awesome
    soup = BeautifulSoup(page, "html.parser")
    assert soup.style is not None and "@media print" in soup.style.text
    assert "IntersectionObserver" in soup.script.text
    imgs = soup.select("figure.fcconv-player picture img")
    assert [i["src"] for i in imgs] == [f"data:image/png;base64,{s}" for s in data["wide"]["png"]]
    assert not any(i.has_attr("loading") for i in imgs)  # in a notebook every frame is already there


def test_markup_names_every_control_and_announces_the_step(small):
    soup = BeautifulSoup(small[0].to_html(), "html.parser")
    fig = soup.select_one("figure#player-small_flow")
    frames = fig.select("picture.fcconv-frame")
    assert [f["data-step"] for f in frames] == [f"Step {k} of 4" for k in range(1, 5)]
    alts = [f.img["alt"] for f in frames]
    assert alts[0] == DESC and alts[1:] == list(small[0].steps[1:])
    assert all(f.source["media"] == f"(max-width: {player.NARROW_MAX_PX}px)" for f in frames)
    slider = fig.select_one('input[type="range"]')
    assert (slider["aria-label"], slider["aria-valuetext"], slider["max"]) == (
        "Animation step",
        "Step 1 of 4",
        "3",
    )
    buttons = fig.select("button")
    assert [b["aria-label"] for b in buttons] == [
        "First frame", "Previous frame", "Pause", "Play", "Next frame", "Last frame"
    ]  # fmt: skip
    assert all(b.svg is not None and b.svg["aria-hidden"] == "true" and b.svg.path["d"] for b in buttons)
    assert fig.select_one(".fcconv-controls").has_attr("hidden")  # shown by the script
    status = fig.select_one("p.fcconv-status")
    assert status["aria-live"] == "polite" and status.text == small[0].steps[0]
    assert fig.figcaption.text == "A caption."


def test_player_markup_lazy_and_checked(small):
    spec = small[0].to_json()
    urls = [f"../_images/w{k}.png" for k in range(4)]
    narrow = [f"../_images/n{k}.png" for k in range(4)]
    soup = BeautifulSoup(player.player_markup(spec, urls, narrow, lazy=True), "html.parser")
    assert [i["loading"] for i in soup.select("img")] == ["lazy"] * 4
    assert [s["srcset"] for s in soup.select("source")] == narrow
    with pytest.raises(ValueError, match="4 steps, 3 wide frames"):
        player.player_markup(spec, urls[:3], narrow, lazy=True)
    with pytest.raises(ValueError, match="narrow False"):
        player.player_markup(spec, urls, None, lazy=True)  # the spec has narrow frames


def test_animation_player_validates_arguments():
    anim = animations.anim_coverage((3, 3), (2, 2), dpi=40)
    with pytest.raises(ValueError, match="name must be an identifier"):
        player.animation_player(anim, "has space", "A long enough description here.")
    with pytest.raises(ValueError, match="description must be a sentence"):
        player.animation_player(anim, "ok", "short")
    with pytest.raises(TypeError, match="FuncAnimation"):
        player.animation_player("not an animation", "ok", "A long enough description here.")
    with pytest.raises(TypeError, match="narrow must be"):
        player.animation_player(anim, "ok", "A long enough description here.", narrow="wide")
    with pytest.raises(ValueError, match=r"same frame count as anim \(4\), got 9"):
        player.animation_player(
            anim,
            "ok",
            "A long enough description here.",
            narrow=animations.anim_coverage((4, 4), (2, 2), dpi=40),
        )
    with pytest.raises(ValueError, match="one label per frame"):
        player.animation_player(anim, "ok", "A long enough description here.", step_labels=["a"])
    plain = player.animation_player(
        anim, "ok", "A long enough description here.", step_labels=[], colors=None
    )
    assert plain.steps[1] == "Step 2 of 4" and plain.narrow is None and _png(plain.wide.png[0]).mode == "RGBA"


def test_smallest_label_px_reads_the_figure():
    big = animations.anim_coverage((3, 3), (2, 2), dpi=100)  # smallest text: 10 pt at 100 dpi
    assert player.smallest_label_px(big) == pytest.approx(10 * 100 / 72)


def test_shrink_png_is_smaller_deterministic_and_readable():
    fig = animations.anim_fc_vs_conv(gradient_flow.example_problem((4, 4), (3, 3), seed=1), dpi=40)._fig
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    small = player.shrink_png(buf.getvalue())
    assert small == player.shrink_png(buf.getvalue())
    assert len(small) < len(buf.getvalue())
    with Image.open(io.BytesIO(small)) as img:
        assert img.mode == "P" and img.size == Image.open(io.BytesIO(buf.getvalue())).size


@pytest.mark.parametrize("colors", [64, None])
def test_frames_are_the_pixels_savefig_draws(colors):
    # the grabber draws each frame on a lent Agg canvas instead of a PNG round trip: its last frame
    # is byte for byte what shrink_png makes of matplotlib's own PNG of the figure (which now
    # shows the last frame), and the figure keeps its own canvas
    anim = animations.anim_coverage((4, 4), (2, 2), dpi=40)
    canvas = anim._fig.canvas
    frames = player.render_frames(anim, colors)
    assert anim._fig.canvas is canvas
    buf = io.BytesIO()
    anim._fig.savefig(buf, format="png", dpi=anim._fig.dpi)
    if colors is None:
        ours, theirs = Image.open(io.BytesIO(frames[-1])), Image.open(buf)
        assert ours.mode == theirs.mode == "RGBA" and ours.tobytes() == theirs.tobytes()
    else:
        assert frames[-1] == player.shrink_png(buf.getvalue(), colors)
        assert frames[0] != frames[-1]
