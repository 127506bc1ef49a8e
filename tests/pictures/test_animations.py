"""The animations (lessons_code.pictures.animations) and their GIF command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from lessons_code import conv, geometry, gradient_flow
from lessons_code.pictures import animations

# Tests that build an animation without playing it make matplotlib warn; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything")


def test_anim_fc_vs_conv_is_a_funcanimation_with_one_frame_per_output():
    anim = animations.anim_fc_vs_conv(gradient_flow.example_problem((5, 6), (2, 3)), dpi=40)
    assert isinstance(anim, FuncAnimation)
    assert isinstance(anim._fig, Figure)
    oh, ow = conv.output_shape((5, 6), (2, 3))
    assert anim._save_count == len(anim.gradient_frames) == oh * ow
    anim._func(oh * ow - 1)  # the last frame draws without error and names its unit
    assert f"output unit {oh * ow - 1}" in anim._fig._suptitle.get_text()
    assert anim._fig.get_facecolor()[3] == 1.0  # opaque background
    with pytest.raises(ValueError, match="dpi must be >= 20"):
        animations.anim_fc_vs_conv(dpi=5)


def test_anim_fc_vs_conv_shows_x_k_the_products_and_legible_labels():
    problem = gradient_flow.example_problem((6, 6), (3, 3), seed=18)
    anim = animations.anim_fc_vs_conv(problem, dpi=40)
    fig = anim._fig
    for k in (0, 5, 15):
        anim._func(k)
        f = anim.gradient_frames[k]
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert min(t.get_fontsize() for t in texts) >= animations.MIN_FONT_PT
        shown = {a.get_title().split("\n")[0]: a.images[0].get_array() for a in fig.axes if a.images}
        assert np.array_equal(shown["x: all of it"], problem.x) and np.array_equal(
            shown["K (3×3)"], problem.kernel
        )
        assert np.array_equal(shown["this step's dK"], f.conv_dK)  # the window's products dy·x[window]
        i, j = f.conv_unit
        assert np.allclose(f.conv_dK, f.dy_t * problem.x[i : i + 3, j : j + 3])
        assert np.array_equal(shown[f"W[{f.t}, :]: its"], problem.W[f.t].reshape(6, 6))
        assert np.array_equal(shown["its dW row"], f.fc_dW[f.t].reshape(6, 6))
        dW = shown[f"dW so far: rows 0–{f.t} written,"]
        hidden = np.ma.getmaskarray(dW)
        assert hidden[f.t + 1 :].all() and not hidden[: f.t + 1].any()  # earlier rows kept, later grey
        dK_numbers = [t.get_text() for t in fig.axes[-1].texts]
        assert dK_numbers == [f"{v:.1f}".replace("-0.0", "0.0") for v in f.conv_dK_sum.ravel()]
    assert anim.step_labels[15] == f"output unit 15 sends dy = {anim.gradient_frames[15].dy_t:+.2f} back"


def test_anim_coverage_ends_at_the_coverage_count():
    anim = animations.anim_coverage((5, 5), (2, 2), dpi=40)
    assert anim._save_count == 16
    assert np.array_equal(anim.final_count, geometry.coverage_count((5, 5), (2, 2)))
    anim._func(15)
    texts = [t.get_text() for t in anim._fig.axes[0].texts]
    assert texts == [str(v) for v in anim.final_count.ravel()]


# --- the HTML player ------------------------------------------------------------------


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "lessons_code.pictures.animations", *args],
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
