"""Hypothesis strategies shared by the convolution tests."""

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


@st.composite
def value_arrays(draw, shape, allow_zero_array=True):
    """A float64 array of ``shape`` whose *values* vary, not only its shape: standard normal,
    sprinkled with zeros, a few repeated values (ties), small integers (as ints), or one scale
    from 1e-8 to 1e8 -- mixed per array. Returns a numpy array (int64 for the integer style)."""
    import numpy as np

    seed = draw(st.integers(0, 2**32 - 1))
    style = draw(st.sampled_from(["normal", "zeros", "ties", "integers", "scaled", "all_zero"]))
    if style == "all_zero" and not allow_zero_array:
        style = "zeros"
    rng = np.random.default_rng(seed)
    if style == "integers":
        return rng.integers(-5, 6, size=shape)
    if style == "all_zero":
        return np.zeros(shape)
    values = rng.standard_normal(shape)
    if style == "zeros":
        values[rng.random(shape) < 0.5] = 0.0
    elif style == "ties":
        values = rng.choice(np.array([-1.5, 0.0, 0.25, 2.0]), size=shape)
    elif style == "scaled":
        values = values * 10.0 ** draw(st.integers(-8, 8))
    return values
