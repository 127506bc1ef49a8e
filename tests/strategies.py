"""Hypothesis strategies shared by the convolution tests (the batched layer, the matrix view): one
conv-case strategy, sized per test file."""

from hypothesis import strategies as st


@st.composite
def conv_cases(
    draw, max_batch=3, max_channels=3, max_kernel=4, max_stride=3, max_padding=3, max_dilation=3, max_extra=6
):
    """``(x_shape, w_shape, params)`` for a valid conv layer call: the input is the smallest that
    fits the dilated kernel after padding, plus up to ``max_extra`` pixels per axis."""
    n = draw(st.integers(1, max_batch))
    c_in, c_out = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    kh, kw = draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel))
    stride = (draw(st.integers(1, max_stride)), draw(st.integers(1, max_stride)))
    padding = (draw(st.integers(0, max_padding)), draw(st.integers(0, max_padding)))
    dilation = (draw(st.integers(1, max_dilation)), draw(st.integers(1, max_dilation)))
    h = max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]) + draw(st.integers(0, max_extra))
    w = max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]) + draw(st.integers(0, max_extra))
    return (n, c_in, h, w), (c_out, c_in, kh, kw), dict(stride=stride, padding=padding, dilation=dilation)
