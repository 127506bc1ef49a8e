"""The real-layer chapter's pictures (lessons_code.pictures.layer_figures): drawn from the data,
frames complete, player within budget."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_code import backward_rules, geometry
from lessons_code.pictures import layer_figures, player

pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything")

K = np.array([[2.0, -1.0, -1.0], [1.0, 2.0, -1.0], [-1.0, -2.0, 2.0]])
DY = np.array([[2.0, 1.0, -1.0], [-2.0, 1.0, 1.0], [1.0, -1.0, 2.0]])


@pytest.mark.slow  # trains or renders for about a second: make test, not make unit
def test_animation_shows_the_frame_data_and_fits_the_budget():
    anim = layer_figures.anim_strided_backward((8, 8), K, DY, dpi=40)
    frames = anim.stride_frames
    assert len(frames) == 9 == anim._save_count
    dx_image = anim._fig.axes[2].images[0]
    for t in (0, 4, 8):
        anim._func(t)
        np.testing.assert_array_equal(dx_image.get_array(), frames[t].dx_sum)
        assert f"Step {t + 1} of 9" in anim._fig._suptitle.get_text()
    full = backward_rules.input_grad_as_conv(DY[None, None], K[None, None], (1, 1, 8, 8), stride=2)[0, 0]
    np.testing.assert_allclose(frames[-1].dx_sum, full, atol=1e-12)
    shown = player.animation_player(
        anim, "stride_test", "A stride-2 backward pass in nine steps, for a test."
    )
    assert len(shown.wide.png) == 9 and shown.nbytes < 400 * 1024


def test_unread_mask_is_the_remainder():
    mask = layer_figures._unread((8, 7), (3, 3), (2, 2))
    assert mask.sum() == 7 and not mask[:7].any()  # (8-3) mod 2 = 1 row; (7-3) mod 2 = 0 columns


def test_static_figures_draw_the_data():
    fig = layer_figures.plot_stride_as_full_conv((8, 8), K, DY)
    shown = fig.axes[2].images[0].get_array()
    full = backward_rules.input_grad_as_conv(DY[None, None], K[None, None], (1, 1, 8, 8), stride=2)[0, 0]
    np.testing.assert_array_equal(np.asarray(shown), full)
    stacks = [[(3, 1, 1)], [(3, 1, 1)] * 3]
    fig = layer_figures.plot_receptive_growth(stacks, 11)
    assert [ax.get_title().split("\n")[1] for ax in fig.axes[:2]] == ["3×3 pixels", "7×7 pixels"]
    fp = geometry.backward_footprint(11, stacks[1])
    assert np.array_equal(~np.ma.getmaskarray(fig.axes[1].images[0].get_array()), fp != 0)
