"""The chapter's three-way checks (lessons_code.layer_rules): each passes on the package's rule
and FAILS on a wrong version of it -- the classic mistakes a reader (or a maintainer) could make."""

import numpy as np
import pytest

from lessons_code import backward_rules, conv_layer
from lessons_code.checks import layer_rules
from lessons_code.conv_layer import conv_forward
from lessons_code.pages import exercises

# --- wrong versions -------------------------------------------------------------------------------


def dw_flipped(x, dout, ks, **g):
    return backward_rules.weight_grad_as_conv(x, dout, ks, **g)[:, :, ::-1, ::-1]


def dw_stride_not_dilated(x, dout, ks, *, stride, padding, dilation):
    """Slides dy over x as if the stride were 1 (dy not dilated)."""
    return _dw_corr(x, dout, ks, padding, dilation, dy_dilation=1)


def _dw_corr(x, dout, ks, padding, dilation, dy_dilation):
    xp = conv_layer.pad_unchecked(x, np.broadcast_to(padding, 2)).transpose(1, 0, 2, 3)
    corr = conv_forward(xp, dout.transpose(1, 0, 2, 3), stride=dilation, dilation=dy_dilation)[0]
    return corr[:, :, : ks[0], : ks[1]].transpose(1, 0, 2, 3)


def dw_first_image_only(x, dout, ks, **g):
    return backward_rules.weight_grad_as_conv(x[:1], dout[:1], ks, **g)


def dx_kernel_not_flipped(dout, w, x_shape, **g):
    return backward_rules.input_grad_as_conv(dout, w[:, :, ::-1, ::-1], x_shape, **g)


def dx_missing_crop(dout, w, x_shape, *, stride, padding, dilation):
    """The padded gradient's top-left corner instead of its centre."""
    ph, pw = np.broadcast_to(padding, 2)
    n, c, h, wd = x_shape
    big = backward_rules.input_grad_as_conv(
        dout, w, (n, c, h + 2 * ph, wd + 2 * pw), stride=stride, padding=0, dilation=dilation
    )
    return big[:, :, :h, :wd]


def dx_stride_not_dilated(dout, w, x_shape, *, stride, padding, dilation):
    """Full convolution of dy as it is (no zeros inserted), padded or cut to the input size."""
    full = backward_rules.input_grad_as_conv(
        dout, w, _fits(dout, w, dilation), stride=1, padding=0, dilation=dilation
    )
    ph, pw = np.broadcast_to(padding, 2)
    dxp = np.zeros((x_shape[0], x_shape[1], x_shape[2] + 2 * ph, x_shape[3] + 2 * pw))
    r, c = min(full.shape[2], dxp.shape[2]), min(full.shape[3], dxp.shape[3])
    dxp[:, :, :r, :c] = full[:, :, :r, :c]
    return dxp[:, :, ph : ph + x_shape[2], pw : pw + x_shape[3]]


def _fits(dout, w, dilation):
    dh, dw = np.broadcast_to(dilation, 2)
    return (
        dout.shape[0],
        w.shape[1],
        dout.shape[2] + dh * (w.shape[2] - 1),
        dout.shape[3] + dw * (w.shape[3] - 1),
    )


def test_wrong_versions_are_wrong_where_they_should_be():
    # sanity: the wrong dx versions differ from the truth on the chapter's first case
    x_shape, w_shape, g = layer_rules.CASES[0]
    rng = np.random.default_rng(0)
    w = rng.standard_normal(w_shape)
    dout = rng.standard_normal(conv_forward(np.zeros(x_shape), w, **g)[0].shape)
    right = backward_rules.input_grad_as_conv(dout, w, x_shape, **g)
    for wrong in (dx_kernel_not_flipped, dx_missing_crop, dx_stride_not_dilated):
        out = wrong(dout, w, x_shape, **g)
        assert out.shape == right.shape and not np.allclose(out, right), wrong.__name__


# --- every check passes on the package and fails on each wrong version ---------------------------


def test_every_check_passes_on_the_package():
    checks = layer_rules.all_comparisons()
    assert len(checks) == 13 and all(c.passed for c in checks)
    assert len({c.rule for c in checks}) == 13  # each row of the table states its own rule
    assert all(len(c.verdicts) == 3 for c in checks)
    table = layer_rules.comparisons_table(checks)
    assert table.count("| pass |") == 13 and "FAIL" not in table


@pytest.mark.parametrize(
    "wrong",
    [
        lambda n, k, s, p, d: (n + 2 * p - k) // s + 1,  # forgot the dilation
        lambda n, k, s, p, d: (n - d * (k - 1) - 1) // s + 1,  # forgot the padding
        lambda n, k, s, p, d: (n + 2 * p - d * (k - 1)) // s + 1,  # the "- 1" dropped
    ],
)
def test_output_size_check_fails(wrong):
    assert not layer_rules.compare_output_size(wrong).passed


@pytest.mark.parametrize("wrong", [dw_flipped, dw_stride_not_dilated, dw_first_image_only])
def test_weight_grad_check_fails(wrong):
    c = layer_rules.compare_weight_grad(wrong)
    assert not c.passed and not any(w.passed for w in c.verdicts)  # all three references disagree


@pytest.mark.parametrize("wrong", [dx_kernel_not_flipped, dx_missing_crop, dx_stride_not_dilated])
def test_input_grad_check_fails(wrong):
    c = layer_rules.compare_input_grad(wrong)
    assert not c.passed and not any(w.passed for w in c.verdicts)


def test_a_crash_or_a_wrong_shape_fails_every_way():
    def crashes(*args, **kwargs):
        raise ValueError("no")

    assert not any(w.passed for w in layer_rules.compare_input_grad(crashes).verdicts)
    c = layer_rules.compare_weight_grad(lambda x, dout, ks, **g: np.zeros((1, 1, 1, 1)))
    assert all(w.error == np.inf for w in c.verdicts)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda dout: dout.mean(axis=(0, 2, 3)),  # mean instead of sum
        lambda dout: dout[0].sum(axis=(1, 2)),  # first image only
    ],
)
def test_bias_grad_check_fails(wrong):
    assert not layer_rules.compare_bias_grad(wrong).passed


def tconv_ignores_output_padding(y, w, *, output_padding, **g):
    return backward_rules.transposed_conv(y, w, output_padding=0, **g)


def tconv_as_a_correlation(y, w, *, stride, padding, dilation, output_padding):
    """Upsample by inserting zeros, then cross-correlate with w as it is (no 180° rotation)."""
    return dx_kernel_not_flipped(
        y,
        w,
        _x_shape(y, w, stride, padding, dilation, output_padding),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )


def _x_shape(y, w, stride, padding, dilation, output_padding):
    sizes = [
        backward_rules.transposed_output_size(
            y.shape[2 + a],
            w.shape[2 + a],
            *(int(np.broadcast_to(v, 2)[a]) for v in (stride, padding, dilation, output_padding)),
        )
        for a in range(2)
    ]
    return (y.shape[0], w.shape[1], *sizes)


@pytest.mark.parametrize("wrong", [tconv_ignores_output_padding, tconv_as_a_correlation])
def test_transposed_conv_check_fails(wrong):
    assert not layer_rules.compare_transposed_conv(wrong).passed


def forward_swapped_axes(x, w, **g):
    """W_flat @ cols reshaped without moving the batch axis first."""
    out = layer_rules.forward_im2col(x, w, **g)
    return out.transpose(1, 0, 2, 3).reshape(out.shape)


def test_im2col_forward_check_fails():
    assert layer_rules.compare_im2col_forward().passed
    assert not layer_rules.compare_im2col_forward(forward_swapped_axes).passed


def col2im_overwrites(dcols, x_shape, kshape, *, stride, padding, dilation):
    """Assigns each tap's gradient instead of adding it: overlapping windows lose terms."""
    n, c, h, w = x_shape
    kh, kw = kshape
    (sh, sw), (ph, pw), (dh, dw) = (
        tuple(int(v) for v in np.broadcast_to(a, 2)) for a in (stride, padding, dilation)
    )
    oh, ow = conv_layer.output_size(h, kh, sh, ph, dh), conv_layer.output_size(w, kw, sw, pw, dw)
    d = dcols.reshape(c, kh, kw, n, oh, ow)
    dxp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    for p in range(kh):
        for q in range(kw):
            dxp[:, :, p * dh : p * dh + sh * (oh - 1) + 1 : sh, q * dw : q * dw + sw * (ow - 1) + 1 : sw] = d[
                :, p, q
            ].transpose(1, 0, 2, 3)
    return dxp[:, :, ph : ph + h, pw : pw + w]


def test_col2im_check_fails_when_it_overwrites():
    assert not layer_rules.compare_col2im(col2im_overwrites).passed


@pytest.mark.parametrize(
    "wrong",
    [
        lambda dout, z: dout * (dout > 0),  # masks by the gradient's sign
        lambda dout, z: dout,  # forgets the mask
    ],
)
def test_relu_check_fails(wrong):
    assert not layer_rules.compare_relu_backward(wrong).passed


@pytest.mark.parametrize(
    "wrong",
    [
        lambda dout, x: np.kron(dout, np.ones((2, 2))),  # every pixel of the window
        lambda dout, x: np.kron(dout, np.ones((2, 2))) / 4,  # the average-pool gradient
    ],
)
def test_maxpool_check_fails(wrong):
    assert not layer_rules.compare_maxpool_backward(wrong).passed


def test_receptive_field_check_fails_when_stride_and_dilation_are_ignored():
    # 1 + L(k - 1): right for stride 1 and dilation 1 only
    c = layer_rules.compare_receptive_field(lambda layers: 1 + sum(k - 1 for k, _, _ in layers))
    assert not c.passed and all(w.error == 3 for w in c.verdicts)  # the three strided or dilated stacks


def test_conv1d_check_fails_on_flipped_dk():
    def flipped(dout, x, w, **g):
        from lessons_code import conv1d

        dx, dw, db = conv1d.conv1d_backward(dout, conv1d.conv1d_forward(x, w, **g)[1])
        return dx, dw[:, :, ::-1], db

    assert layer_rules.compare_conv1d_backward().passed
    assert not layer_rules.compare_conv1d_backward(flipped).passed


# --- the find-the-bug candidates: the checks tell them apart ----------------------------------------

CASES_NO_DILATION = tuple(
    c for c in layer_rules.CASES if c[2]["dilation"] == 1 and isinstance(c[2]["stride"], int)
)


@pytest.mark.parametrize(
    ("letter", "dx_ok", "dw_ok"),
    [("A", True, False), ("B", False, True), ("C", True, True), ("D", False, True)],
)
def test_checks_sort_the_find_the_bug_candidates(letter, dx_ok, dw_ok):
    f = exercises.find_the_bug_candidates()[letter]

    def dx(dout, w, x_shape, *, stride, padding, dilation):
        return f(dout, np.zeros(x_shape), w, stride=stride, padding=padding)[0]

    def dw(x, dout, ks, *, stride, padding, dilation):
        return f(dout, x, np.zeros((dout.shape[1], x.shape[1], *ks)), stride=stride, padding=padding)[1]

    assert layer_rules.compare_input_grad(dx, CASES_NO_DILATION).passed is dx_ok
    assert layer_rules.compare_weight_grad(dw, CASES_NO_DILATION).passed is dw_ok


def test_checks_table_formats_and_links():
    checks = [layer_rules.compare_output_size(), layer_rules.compare_bias_grad()]
    table = layer_rules.comparisons_table(checks, ["{eq}`a`", "{eq}`b`"])
    assert table.splitlines()[0].startswith("| Where | Rule")
    assert "rows of M: 0 wrong" in table and "10⁻" in table and "| pass |" in table
    with pytest.raises(ValueError, match="one reference per check"):
        layer_rules.comparisons_table(checks, ["{eq}`a`"])


def test_cases_with_a_feature():
    assert len(layer_rules.cases_with("padding")) == 3 and len(layer_rules.cases_with("dilation")) == 2
    assert all(np.any(np.asarray(c[2]["stride"]) > 1) for c in layer_rules.cases_with("stride"))
    with pytest.raises(ValueError, match="feature must be one of"):
        layer_rules.cases_with("groups")
