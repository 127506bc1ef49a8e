"""tools/lazy_frames.py: a player's frames 1..n-1 move to a static file, on sample and real markup."""

from __future__ import annotations

import base64
import io
import re

import pytest
from budgets import page_weight
from lazy_frames import (
    FRAMES_DIR,
    figures,
    frame_files,
    frames_js,
    lazy_page,
    lazy_player,
    player_frames,
    split_frames,
)
from PIL import Image

from lessons_code import gradient_flow
from lessons_code.pictures import animations, player

pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything")


def png(k: int) -> str:
    """A distinct 3x2 PNG per k, as a data URI."""
    buf = io.BytesIO()
    Image.new("RGB", (3, 2), (k, 255 - k, 7)).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def sample_player(name: str, n: int) -> str:
    """The shape of what ``animation_html`` writes, with ``n`` small frames."""
    lines = "".join(f'  frames[{i}] = "{png(i)}"\n' for i in range(n))
    return (
        f'<figure class="fcconv-animation" id="anim-{name}" data-frame-width="3" style="margin:0">\n'
        f'<div class="animation">\n  <div class="anim-frame" tabindex="0"><img id="_anim_img{name}" '
        f'alt="A sample animation." style="min-width:3px"></div>\n'
        f'<input id="_anim_slider{name}" type="range" class="anim-slider" aria-valuetext="Step 1 of {n}">\n'
        "</div>\n"
        '<script language="javascript">\n  /* Instantiate the Animation class. */\n'
        "  /* The IDs given should match those used in the template above. */\n  (function() {\n"
        f'    var img_id = "_anim_img{name}";\n    var frames = new Array({n});\n    \n{lines}\n\n'
        "    setTimeout(function() {\n"
        f"        anim{name} = new Animation(frames, img_id, slider_id, 200.0,\n"
        "                                 loop_select_id);\n    }, 0);\n  })()\n</script>\n"
        f"<figcaption>Sample {name}.</figcaption></figure>\n"
    )


def url(file: str) -> str:
    return f"../{FRAMES_DIR}/{file}"


def test_lazy_player_keeps_frame_0_and_moves_the_rest():
    figure = sample_player("demo", 5)
    out, file, body = lazy_player(figure, "demo", url)
    assert re.fullmatch(r"demo-[0-9a-f]{12}\.js", file)
    assert player.count_embedded_frames(out) == 0 and player.count_embedded_frames(body) == 4
    assert split_frames(out) == {} and sorted(split_frames(body)) == [1, 2, 3, 4]
    assert f'data-frames="../_static/frames/{file}" data-frame-count="5"' in out
    assert f'<img id="_anim_imgdemo" src="{png(0)}" alt=' in out  # frame 0 shown without a script
    assert 'fcconvLazyFrames(animdemo, "demo");' in out.split("new Animation(")[1]
    assert 'frames[0] = document.getElementById(img_id).getAttribute("src");' in out  # no second copy
    assert "frames[k] = frames[0]" in out  # no undefined entries for matplotlib's Image objects
    assert 'window.fcconvFrames["demo"](frames);' in body
    assert "data-frame-width" in out and "<figcaption>Sample demo.</figcaption>" in out
    # every frame comes back, in order, each a PNG equal to the original
    frames = player_frames(out, body)
    assert frames == {i: png(i) for i in range(5)}
    # deterministic: same input, same bytes and name
    assert lazy_player(figure, "demo", url) == (out, file, body)


def test_player_frames_detects_a_missing_or_extra_frame():
    out, _, body = lazy_player(sample_player("demo", 5), "demo", url)
    lines = split_frames(body)
    short = body.replace(lines[3], "")
    assert player.count_embedded_frames(short) == 3
    with pytest.raises(ValueError, match=r"frame file holds frames \[1, 2, 4\], expected 1..4"):
        player_frames(out, short)
    with pytest.raises(ValueError, match=r"the page holds frame lines \[3\] and a frame 0"):
        player_frames(out.replace("    for (var k", lines[3] + "    for (var k"), body)
    with pytest.raises(ValueError, match=r"frame lines \[\] and no frame 0 in its <img>"):
        player_frames(out.replace(f' src="{png(0)}"', ""), body)
    with pytest.raises(ValueError, match="does not hand the frames"):
        player_frames(out, body.replace('fcconvFrames["demo"]', 'fcconvFrames["other"]'))
    with pytest.raises(ValueError, match="not a lazy player"):
        player_frames(sample_player("demo", 5), body)


def test_lazy_player_rejects_markup_it_does_not_know():
    figure = sample_player("demo", 4)
    with pytest.raises(ValueError, match="no matplotlib script"):
        lazy_player(figure.replace("Instantiate", "Start"), "demo", url)
    gap = figure.replace(split_frames(figure)[2], "")
    with pytest.raises(ValueError, match=r"frame lines \[0, 1, 3\], expected 0..3"):
        lazy_player(gap, "demo", url)
    with pytest.raises(ValueError, match="where the player starts"):
        lazy_player(figure.replace("animdemo = new", "other = new"), "demo", url)
    with pytest.raises(ValueError, match="nothing to load later"):
        lazy_player(sample_player("one", 1), "one", url)


def test_lazy_page_rewrites_every_player_once():
    page = f"<html><body><p>intro</p>{sample_player('a', 3)}<p>mid</p>{sample_player('b', 4)}</body></html>"
    out, files = lazy_page(page, url)
    assert len(files) == 2 and [f.split("-")[0] for f in files] == ["a", "b"]
    assert out.startswith("<html><body><p>intro</p>") and "<p>mid</p>" in out
    assert [m.group(1) for m in figures(out)] == ["a", "b"]
    assert player.count_embedded_frames(out) == 0 and out.count(' src="data:image/png;base64,') == 2
    assert sum(player.count_embedded_frames(body) for body in files.values()) == 2 + 3
    again, more = lazy_page(out, url)  # an incremental build meets rewritten pages
    assert again == out and more == {}
    plain = "<html><body><figure><img src='x.png'></figure></body></html>"
    assert lazy_page(plain, url) == (plain, {})
    # the frame file's name follows its bytes
    changed = page.replace(png(2), png(9))
    assert set(lazy_page(changed, url)[1]) != set(files)
    assert frames_js("a", [], 1, 0).count("fcconvFrames") == 1


def test_frame_files_and_budgets_count_the_file(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / FRAMES_DIR).mkdir(parents=True)
    page = tmp_path / "book" / "p.html"
    out, files = lazy_page(f"<html><body>{sample_player('a', 6)}</body></html>", url)
    for file, body in files.items():
        (tmp_path / FRAMES_DIR / file).write_text(body, encoding="utf-8")
    page.write_text(out, encoding="utf-8")
    (file,) = files
    assert frame_files(page, out) == [(tmp_path / FRAMES_DIR / file).resolve()]
    weight = page_weight(page)
    figure = figures(out)[0].group(0)
    assert weight.players == (len(figure.encode()) + len(files[file].encode()),)
    (tmp_path / FRAMES_DIR / file).unlink()
    with pytest.raises(FileNotFoundError):
        page_weight(page)  # a player whose frame file is missing is an error, not a light player


def test_real_player_markup():
    """The markup animation_html writes today is recognised, and its frames survive the move."""
    problem = gradient_flow.example_problem((4, 4), (3, 3), seed=1)
    desc = "A test animation of four gradient-flow steps on a 4 by 4 input."
    markup = player.animation_html(animations.anim_fc_vs_conv(problem, dpi=40), "small_flow", desc)
    original = {i: re.search(r'"(data:[^"]*)"', line).group(1) for i, line in split_frames(markup).items()}
    out, files = lazy_page(f"<article>{markup}</article>", url)
    ((_file, body),) = files.items()
    frames = player_frames(figures(out)[0].group(0), body)
    assert frames == original and len(frames) == 4
    for uri in frames.values():
        with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as img:
            img.verify()
    assert "aria-valuetext" in out and "_anim_statussmall_flow" in out  # the status line is kept
