"""Gradient-flow frames, animations, their HTML player and the GIF command line.

Every frame is compared with the true Jacobian, built independently by centred
finite differences of the *forward* pass and by the conv matrix of
:mod:`lessons_code.matrix_view`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from PIL import Image

from lessons_code import conv, fc, gradcheck, matrix_view
from lessons_code import visualizations as vis

SHAPES = [((6, 6), (3, 3)), ((5, 7), (2, 3)), ((4, 4), (4, 4)), ((3, 5), (1, 1)), ((7, 4), (3, 2))]
DOC = "book/gradient_flow"
# Tests that build an animation without playing it make matplotlib warn; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything")


@pytest.fixture(scope="module")
def small_anim_html():
    """Two renderings of the same small animation (4x4 input, 3x3 kernel: 4 frames)."""
    problem = vis.example_problem((4, 4), (3, 3), seed=1)
    desc = "A test animation of four gradient-flow steps on a 4 by 4 input."
    return [vis.animation_html(vis.anim_fc_vs_conv(problem, dpi=40), "small_flow", desc) for _ in range(2)]


# --- frame data against the true Jacobian ---------------------------------------------


@pytest.mark.parametrize(("input_shape", "kernel_shape"), SHAPES)
def test_frames_match_finite_difference_jacobian(input_shape, kernel_shape):
    p = vis.example_problem(input_shape, kernel_shape, seed=7)
    frames = vis.gradient_flow_frames(p)
    oh, ow = conv.output_shape(input_shape, kernel_shape)
    assert len(frames) == oh * ow
    M = matrix_view.conv_matrix(p.kernel, input_shape)
    for f in frames:
        i, j = divmod(f.t, ow)
        assert f.conv_unit == (i, j) and f.dy_t == p.dy[i, j]
        # Row t of dy/dx and dy/dW, dy/dK, by finite differences of the forward passes.
        jx_fc = gradcheck.numerical_gradient(lambda xx, t=f.t: fc.fc_forward(xx.ravel(), p.W)[t], p.x)
        jw_fc = gradcheck.numerical_gradient(lambda WW, t=f.t: fc.fc_forward(p.x.ravel(), WW)[t], p.W)
        jx_cv = gradcheck.numerical_gradient(lambda xx, i=i, j=j: conv.conv2d(xx, p.kernel)[i, j], p.x)
        jk_cv = gradcheck.numerical_gradient(lambda KK, i=i, j=j: conv.conv2d(p.x, KK)[i, j], p.kernel)
        assert np.array_equal(f.fc_input_mask, np.abs(jx_fc) > 1e-7)
        assert np.array_equal(f.fc_weight_mask, np.abs(jw_fc) > 1e-7)
        assert np.array_equal(f.conv_input_mask, np.abs(jx_cv) > 1e-7)
        assert np.array_equal(f.conv_weight_mask, np.abs(jk_cv) > 1e-7)
        assert np.array_equal(f.conv_input_mask.ravel(), M[f.t] != 0)
        # The values: dy_t times the Jacobian row.
        np.testing.assert_allclose(f.fc_dx, f.dy_t * jx_fc, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.fc_dW, f.dy_t * jw_fc, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.conv_dx, f.dy_t * jx_cv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.conv_dK, f.dy_t * jk_cv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.conv_dx.ravel(), f.dy_t * M[f.t], rtol=0, atol=1e-12)


@pytest.mark.parametrize(("input_shape", "kernel_shape"), SHAPES)
def test_running_sums_end_at_the_full_gradients(input_shape, kernel_shape):
    p = vis.example_problem(input_shape, kernel_shape, seed=3)
    frames = vis.gradient_flow_frames(p)
    dK = conv.conv_weight_grad(p.x, p.kernel, p.dy)
    np.testing.assert_allclose(frames[-1].conv_dK_sum, dK, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        frames[-1].conv_dK_sum, conv.conv_weight_grad_loop(p.x, p.kernel, p.dy), atol=1e-12
    )
    np.testing.assert_allclose(frames[-1].conv_dx_sum, conv.conv_input_grad(p.x, p.kernel, p.dy), atol=1e-12)
    dW, dx = fc.fc_backward(p.x.ravel(), p.W, p.dy.ravel())
    assert np.array_equal(frames[-1].fc_dW_sum, dW)  # each row written by exactly one frame
    np.testing.assert_allclose(frames[-1].fc_dx_sum.ravel(), dx, rtol=0, atol=1e-12)
    previous = np.zeros_like(dK)
    for f in frames:
        assert np.array_equal(f.conv_dK_sum, previous + f.conv_dK)
        previous = f.conv_dK_sum
        assert np.array_equal(np.nonzero(f.fc_dW.any(axis=1))[0], [f.t])  # one row per FC unit


def test_two_by_two_worked_example():
    """x = 1..9 (3x3), K = 2x2 ones, dy = [[1, 0], [0, 2]]: dK = 1*x[:2,:2] + 2*x[1:,1:], by hand."""
    x = np.arange(1.0, 10.0).reshape(3, 3)
    p = vis.GradientFlowProblem(x, np.ones((4, 9)), np.ones((2, 2)), np.array([[1.0, 0.0], [0.0, 2.0]]))
    frames = vis.gradient_flow_frames(p)
    assert [f.conv_unit for f in frames] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert np.array_equal(frames[0].conv_dK_sum, [[1, 2], [4, 5]])
    assert np.array_equal(frames[-1].conv_dK_sum, [[1 + 10, 2 + 12], [4 + 16, 5 + 18]])
    assert frames[1].conv_input_mask.tolist() == [[False, True, True], [False, True, True], [False] * 3]
    assert not frames[1].conv_dx.any()  # dy = 0 for that unit: nothing flows, but the window is known


def test_problem_and_frames_validate_their_input():
    with pytest.raises(ValueError, match=r"W must have shape \(16, 36\)"):
        vis.GradientFlowProblem(np.zeros((6, 6)), np.zeros((16, 35)), np.ones((3, 3)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"dy must have shape \(4, 4\)"):
        vis.GradientFlowProblem(np.zeros((6, 6)), np.zeros((16, 36)), np.ones((3, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="larger than x"):
        vis.GradientFlowProblem(np.zeros((2, 2)), np.zeros((1, 4)), np.ones((3, 3)), np.zeros((1, 1)))
    with pytest.raises(TypeError, match="GradientFlowProblem"):
        vis.gradient_flow_frames({"x": 1})
    with pytest.raises(ValueError, match="larger than input_shape"):
        vis.example_problem((2, 2), (3, 3))
    with pytest.raises(TypeError, match="seed must be an int"):
        vis.example_problem(seed=1.5)


# --- coverage count ---------------------------------------------------------------------


def test_coverage_count_corners_and_centre():
    count = vis.coverage_count((6, 6), (3, 3))
    assert count[0, 0] == count[0, 5] == count[5, 0] == count[5, 5] == 1
    assert np.array_equal(count[2:4, 2:4], np.full((2, 2), 9))
    assert count.sum() == 16 * 9  # every output reads 9 pixels
    assert np.array_equal(count[0], [1, 2, 3, 3, 2, 1])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8), st.integers(1, 8))
def test_coverage_count_matches_loop_and_frames(h, w, kh, kw):
    if kh > h or kw > w:
        with pytest.raises(ValueError):
            vis.coverage_count((h, w), (kh, kw))
        return
    count = vis.coverage_count((h, w), (kh, kw))
    assert np.array_equal(count, vis.coverage_count_loop((h, w), (kh, kw)))
    oh, ow = conv.output_shape((h, w), (kh, kw))
    assert count.sum() == oh * ow * kh * kw


def test_coverage_equals_sum_of_frame_masks():
    frames = vis.gradient_flow_frames(vis.example_problem((6, 6), (3, 3)))
    assert np.array_equal(
        sum(f.conv_input_mask.astype(int) for f in frames), vis.coverage_count((6, 6), (3, 3))
    )
    assert (sum(f.fc_input_mask.astype(int) for f in frames) == 16).all()


# --- animations -------------------------------------------------------------------------


def test_anim_fc_vs_conv_is_a_funcanimation_with_one_frame_per_output():
    anim = vis.anim_fc_vs_conv(vis.example_problem((5, 6), (2, 3)), dpi=40)
    assert isinstance(anim, FuncAnimation)
    assert isinstance(anim._fig, Figure)
    oh, ow = conv.output_shape((5, 6), (2, 3))
    assert anim._save_count == len(anim.gradient_frames) == oh * ow
    anim._func(oh * ow - 1)  # the last frame draws without error and names its unit
    assert f"output unit {oh * ow - 1}" in anim._fig._suptitle.get_text()
    assert anim._fig.get_facecolor()[3] == 1.0  # opaque background
    with pytest.raises(ValueError, match="dpi must be >= 20"):
        vis.anim_fc_vs_conv(dpi=5)


def test_anim_coverage_ends_at_the_coverage_count():
    anim = vis.anim_coverage((5, 5), (2, 2), dpi=40)
    assert anim._save_count == 16
    assert np.array_equal(anim.final_count, vis.coverage_count((5, 5), (2, 2)))
    anim._func(15)
    texts = [t.get_text() for t in anim._fig.axes[0].texts]
    assert texts == [str(v) for v in anim.final_count.ravel()]


# --- the HTML player ------------------------------------------------------------------


def test_animation_html_is_offline_stable_paused_and_complete(small_anim_html):
    first, second = small_anim_html
    assert first == second  # byte-identical: no random ids, deterministic frames
    assert vis.count_embedded_frames(first) == 4
    assert "<link" not in first and "cdn" not in first and "http" not in first
    assert not re.search(r"[0-9a-f]{32}", first)  # matplotlib's uuid ids are gone
    assert 'id="_anim_imgsmall_flow" alt="A test animation' in first
    assert 'role="group"' in first and 'aria-label="A test animation' in first
    assert re.search(r'value="once"[^>]*\s+checked', first)  # stops at the end, no loop
    script = first.split("/* Instantiate the Animation class. */")[1]
    assert "play_animation" not in script and "reverse_animation" not in script  # nothing auto-plays
    assert "new Animation(frames" in script


def test_animation_html_raises_when_frames_are_dropped():
    anim = vis.anim_fc_vs_conv(vis.example_problem((4, 4), (3, 3)), dpi=40)
    with pytest.raises(RuntimeError, match="holds 0 frames, expected 4"):
        vis.animation_html(anim, "tiny", "An animation that cannot fit its limit.", embed_limit_mb=0.001)


def test_animation_html_validates_arguments():
    anim = vis.anim_coverage((3, 3), (2, 2), dpi=40)
    with pytest.raises(ValueError, match="name must be an identifier"):
        vis.animation_html(anim, "has space", "A long enough description here.")
    with pytest.raises(ValueError, match="description must be a sentence"):
        vis.animation_html(anim, "ok", "short")
    with pytest.raises(TypeError, match="FuncAnimation"):
        vis.animation_html("not an animation", "ok", "A long enough description here.")


def test_shrink_png_is_smaller_deterministic_and_readable():
    import io

    fig = vis.anim_fc_vs_conv(vis.example_problem((4, 4), (3, 3)), dpi=40)._fig
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    small = vis.shrink_png(buf.getvalue())
    assert small == vis.shrink_png(buf.getvalue())
    assert len(small) < len(buf.getvalue())
    with Image.open(io.BytesIO(small)) as img:
        assert img.mode == "P" and img.size == Image.open(io.BytesIO(buf.getvalue())).size


# --- the GIF command line ---------------------------------------------------------------


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "lessons_code.visualizations", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_writes_readable_gifs(tmp_path):
    out = tmp_path / "gifs"
    proc = _cli("--out", str(out), "--dpi", "40")
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout.split()
    assert printed == [str(out / "fc_vs_conv.gif"), str(out / "coverage.gif")]
    for path in printed:
        with Image.open(path) as gif:
            assert gif.format == "GIF"
            assert gif.n_frames == 16  # 4x4 output positions of a 6x6 input and 3x3 kernel


def test_cli_help_and_bad_arguments(tmp_path):
    proc = _cli("--help")
    assert proc.returncode == 0 and "--out" in proc.stdout and "fc_vs_conv" in proc.stdout
    proc = _cli("--out", str(tmp_path), "nosuch")
    assert proc.returncode == 2 and "unknown animation nosuch" in proc.stderr
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    proc = _cli("--out", str(blocker / "sub"))
    assert proc.returncode == 2 and "cannot create output folder" in proc.stderr
    proc = _cli("--out", str(blocker))
    assert proc.returncode == 2 and "not a writable directory" in proc.stderr
    proc = _cli("coverage")
    assert proc.returncode == 2 and "--out" in proc.stderr


# --- the built page ---------------------------------------------------------------------


def test_page_has_both_players_with_all_frames(site):
    soup = site.soup(DOC)
    players = soup.select("figure.fcconv-animation")
    assert [p["id"] for p in players] == ["anim-fc_vs_conv", "anim-coverage"]
    for player in players:
        markup = str(player)
        assert vis.count_embedded_frames(markup) == 16
        assert len(markup.encode()) <= 400 * 1024, f"{player['id']}: {len(markup.encode())} bytes"
        assert player["role"] == "group" and len(player["aria-label"]) > 100
        img = player.find("img")
        assert img is not None and len(img["alt"]) > 100 and not img["alt"].startswith("<")
        assert len(player.find("figcaption").get_text(strip=True)) > 50
        assert player.find("input", {"type": "range"}) is not None  # the slider
        titles = {b["title"] for b in player.find_all("button")}
        assert {"Play", "Pause", "Next frame", "Previous frame"} <= titles
    assert not soup.select('link[href*="font-awesome"]')


def test_page_figures_have_captions_and_alt_text(site):
    soup = site.soup(DOC)
    for name in ["fig-flow-small-multiples", "fig-coverage", "fig-layer-matrices", "fig-gradient-magnitudes"]:
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
    page = site.path(DOC)
    soup = site.soup(DOC)
    total = page.stat().st_size
    for img in soup.find_all("img", src=True):
        if not img["src"].startswith("data:"):
            total += (page.parent / img["src"]).resolve().stat().st_size
    assert total <= 1.5 * 1024 * 1024, f"{total} bytes"


def test_page_text_and_claims(site):
    text = " ".join(site.text(DOC).split())
    assert "Visualizing gradient flow" in text
    assert "python -m lessons_code.visualizations --out DIR" in text
    for name in ["eq-flow-fc", "eq-flow-conv"]:
        assert site.soup(DOC).find(id=f"equation-{name}") is not None
    assert Path(site.html / "_images").is_dir()
