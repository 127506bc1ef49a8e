"""The animations (lessons_code.pictures.animations) and their GIF command line."""

from __future__ import annotations

import io
import runpy
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


def test_anim_fc_vs_conv_is_laid_out_once_and_keeps_its_layout():
    # constrained layout ran once, on the first frame; every frame then draws at those positions
    anim = animations.anim_fc_vs_conv(gradient_flow.example_problem((6, 6), (3, 3), seed=18), dpi=20)
    fig = anim._fig
    assert fig.get_layout_engine() is None
    first = [ax.get_position().bounds for ax in fig.axes]
    assert first[0] != (0.125, 0.11, 0.775, 0.77)  # not matplotlib's default subplot box: laid out
    for k in (5, len(anim.gradient_frames) - 1):
        anim._func(k)
        fig.savefig(io.BytesIO(), format="png")
        assert [ax.get_position().bounds for ax in fig.axes] == first


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


def _panels(anim, k):
    """Frame ``k``: each image panel's values and mask (row by row) by its title, and every text
    of the figure (line breaks ignored)."""
    anim._func(k)
    words = lambda t: " ".join(t.split())  # noqa: E731
    arrays = {
        words(a.get_title()): (np.ma.getdata(a.images[0].get_array()).ravel().tolist(),
                               np.ma.getmaskarray(a.images[0].get_array()).ravel().tolist())
        for a in anim._fig.axes if a.images
    }  # fmt: skip
    texts = sorted(words(t.get_text()) for t in anim._fig.findobj(Text) if t.get_text().strip())
    return arrays, texts


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: animations.anim_fc_vs_conv(gradient_flow.example_problem((6, 6), (3, 3), seed=18), **kw),
        lambda **kw: animations.anim_coverage((6, 6), (3, 3), **kw),
    ],
    ids=["fc_vs_conv", "coverage"],
)
def test_the_narrow_drawing_shows_the_same_frames_for_a_phone(make):
    """Portrait, at most 328 px wide (the column of a 360 px screen), labels >= 11 px, and frame
    for frame the same panels, numbers and words as the wide drawing."""
    from lessons_code.pictures.player import MIN_LABEL_PX, smallest_label_px

    wide, narrow = make(), make(narrow=True)
    width, height = narrow._fig.get_size_inches() * narrow._fig.dpi
    assert width <= 328 < wide._fig.get_size_inches()[0] * wide._fig.dpi and height > width
    assert smallest_label_px(narrow) >= MIN_LABEL_PX
    assert narrow._save_count == wide._save_count == 16
    for k in (0, 9):
        assert _panels(narrow, k) == _panels(wide, k)


# --- the GIF command ------------------------------------------------------------------


def _cli(capsys, *args) -> tuple[int, str, str]:
    """Run the GIF command's ``main`` in this process: (exit code, stdout, stderr)."""
    try:
        code = animations.main(list(args))
    except SystemExit as exit_:  # argparse: --help exits 0, a usage error exits 2
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow  # trains or renders for about a second: make test, not make unit
def test_cli_writes_readable_gifs(tmp_path, capsys):
    out = tmp_path / "gifs"
    code, stdout, stderr = _cli(capsys, "--out", str(out), "coverage", "--dpi", "20")
    assert code == 0, stderr
    assert stdout.split() == [str(out / "coverage.gif")]
    with Image.open(out / "coverage.gif") as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 16  # 4x4 output positions of a 6x6 input and 3x3 kernel


def test_cli_without_names_writes_every_animation(tmp_path, capsys, monkeypatch):
    """No NAME: every entry of ANIMATIONS, in order (cheap stand-ins here; the real ones above)."""

    def tiny(n_frames):
        def make(dpi):
            fig = Figure(figsize=(1, 1), dpi=dpi)
            ax = fig.add_subplot()
            return FuncAnimation(fig, lambda i: [ax.set_title(str(i))], frames=n_frames)

        return make

    monkeypatch.setattr(animations, "ANIMATIONS", {"first": tiny(2), "second": tiny(3)})
    code, stdout, stderr = _cli(capsys, "--out", str(tmp_path))
    assert code == 0, stderr
    assert stdout.split() == [str(tmp_path / "first.gif"), str(tmp_path / "second.gif")]
    for name, frames in (("first", 2), ("second", 3)):
        with Image.open(tmp_path / f"{name}.gif") as gif:
            assert gif.n_frames == frames


def test_cli_help_and_bad_arguments(tmp_path, capsys):
    code, stdout, _ = _cli(capsys, "--help")
    assert code == 0 and "--out" in stdout and "fc_vs_conv" in stdout
    code, _, stderr = _cli(capsys, "--out", str(tmp_path), "nosuch")
    assert code == 2 and "unknown animation nosuch" in stderr
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    code, _, stderr = _cli(capsys, "--out", str(blocker / "sub"))
    assert code == 2 and "cannot create output folder" in stderr
    code, _, stderr = _cli(capsys, "--out", str(blocker))
    assert code == 2 and "not a writable directory" in stderr
    code, _, stderr = _cli(capsys, "coverage")
    assert code == 2 and "--out" in stderr


@pytest.mark.filterwarnings("ignore:'lessons_code.pictures.animations' found in sys.modules:RuntimeWarning")
def test_the_documented_command_runs_main(monkeypatch, capsys):
    """``python -m lessons_code.pictures.animations`` reaches ``main`` (run here with runpy, no new process)."""
    monkeypatch.setattr(sys, "argv", ["animations", "--help"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("lessons_code.pictures.animations", run_name="__main__")
    assert exit_.value.code == 0
    assert "usage: python -m lessons_code.pictures.animations" in capsys.readouterr().out


# --- the built page ---------------------------------------------------------------------
