"""What a convolution layer costs: multiply-adds of its three passes, the memory of im2col, fan-in.

Counts, not timings (a count is the same on every machine; ``make bench`` measures times).
With ``P = N * H_out * W_out`` output positions of a batch and ``K = C_in * kh * kw`` inputs per
position (the fan-in), the im2col form of :mod:`lessons_code.conv_layer` is three matrix products,
each ``C_out x K x P`` multiply-adds::

    forward      Y       = W_flat @ cols       (C_out, K) @ (K, P)
    input grad   dcols   = W_flat.T @ dY       (K, C_out) @ (C_out, P)   then col2im only adds
    weight grad  dW_flat = dY @ cols.T         (C_out, P) @ (P, K)

so the backward pass costs two forward passes. An FC layer ``n_in -> n_out`` on ``N`` examples is
the same three products with ``P = N``: ``N * n_in * n_out`` each. Biases, ReLU, pooling and the
additions of col2im are not counted.

``groups`` (PyTorch's ``groups``): the channels split into ``groups`` blocks, each output channel
reads only the ``C_in / groups`` input channels of its block, so every count divides by ``groups``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._checks import as_pair, as_shape, require_int, require_real, require_rng, require_seed, require_size
from .conv_layer import conv_forward_unchecked, output_size


class PassCosts(NamedTuple):
    """Multiply-adds of the forward pass, the input gradient and the weight gradient."""

    forward: int
    input_grad: int
    weight_grad: int

    @property
    def backward(self) -> int:
        """The backward pass: input gradient plus weight gradient."""
        return self.input_grad + self.weight_grad


def _groups(groups, c_in: int, c_out: int) -> int:
    groups = require_int("groups", groups, 1)
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups must divide C_in={c_in} and C_out={c_out}, got groups={groups}")
    return groups


def _positions(x_shape, w_shape, stride, padding, dilation, what: str) -> tuple[tuple[int, ...], int]:
    """Checked shapes and the number of output positions ``N * H_out * W_out``."""
    x_shape = as_shape("x_shape", x_shape, "(N, C_in, H, W)")
    w_shape = as_shape(what, w_shape, "(C_out, C_in, kh, kw)")
    stride, padding, dilation = (
        as_pair("stride", stride, 1),
        as_pair("padding", padding, 0),
        as_pair("dilation", dilation, 1),
    )
    out_hw = [
        output_size(x_shape[2 + a], w_shape[2 + a], stride[a], padding[a], dilation[a]) for a in range(2)
    ]
    return w_shape, x_shape[0] * out_hw[0] * out_hw[1]


def conv_pass_macs(x_shape, w_shape, *, stride=1, padding=0, dilation=1, groups=1) -> PassCosts:
    """Multiply-adds of the conv layer's forward pass, input gradient and weight gradient.

    x_shape: ``(N, C_in, H, W)``; w_shape: ``(C_out, C_in / groups, kh, kw)``. Each pass:
    ``N * H_out * W_out * C_out * (C_in / groups) * kh * kw`` (taps on the padding included, as
    im2col computes them).
    """
    x_shape = as_shape("x_shape", x_shape, "(N, C_in, H, W)")
    w_shape, positions = _positions(x_shape, w_shape, stride, padding, dilation, "w_shape")
    groups = _groups(groups, x_shape[1], w_shape[0])
    if w_shape[1] * groups != x_shape[1]:
        raise ValueError(
            f"w_shape must have C_in / groups = {x_shape[1] // groups} input channels for x_shape "
            f"{x_shape} and groups={groups}, got w_shape {w_shape}"
        )
    macs = positions * w_shape[0] * w_shape[1] * w_shape[2] * w_shape[3]
    return PassCosts(macs, macs, macs)


def fc_pass_macs(n_batch: int, n_in: int, n_out: int) -> PassCosts:
    """Multiply-adds of an FC layer ``n_in -> n_out`` on ``n_batch`` examples: ``N * n_in * n_out``
    for the forward pass, the input gradient and the weight gradient alike."""
    n_batch = require_int("n_batch", n_batch, 1)
    n_in, n_out = require_int("n_in", n_in, 1), require_int("n_out", n_out, 1)
    macs = n_batch * n_in * n_out
    return PassCosts(macs, macs, macs)


def im2col_shape(x_shape, kernel_shape, *, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """The shape of ``im2col(x)``, ``(C_in * kh * kw, N * H_out * W_out)``, from the sizes alone:
    what the forward pass keeps for the backward pass (and ``dcols`` allocates once more)."""
    x_shape = as_shape("x_shape", x_shape, "(N, C_in, H, W)")
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    _, positions = _positions(x_shape, (1, x_shape[1], kh, kw), stride, padding, dilation, "kernel_shape")
    return x_shape[1] * kh * kw, positions


def fan_in(w_shape, groups=1) -> int:
    """The inputs one output unit of a conv layer reads: ``(C_in / groups) * kh * kw``.

    w_shape: ``(C_out, C_in / groups, kh, kw)`` (the layer's weight shape, so the group is
    already in ``w_shape[1]``); an FC weight ``(n_out, n_in)`` gives ``n_in``. ``groups`` is only
    checked against ``C_out``: it does not change the count.
    """
    if not isinstance(w_shape, (tuple, list)) or len(w_shape) not in (2, 4):
        raise ValueError(f"w_shape must be (C_out, C_in, kh, kw) or (n_out, n_in), got {w_shape!r}")
    w_shape = tuple(require_int("w_shape", v, 1) for v in w_shape)
    groups = require_int("groups", groups, 1)
    if w_shape[0] % groups:
        raise ValueError(f"groups must divide C_out={w_shape[0]}, got groups={groups}")
    return math.prod(w_shape[1:])


def he_normal(w_shape, rng: np.random.Generator) -> np.ndarray:
    """He initialisation (He et al. 2015): normal weights with std ``sqrt(2 / fan_in)``.

    w_shape: ``(C_out, C_in, kh, kw)`` or ``(n_out, n_in)``; rng: a ``np.random.Generator``.
    Drawn as ``rng.standard_normal(w_shape) * sqrt(2 / fan_in)``, the draw of
    ``experiments.nets.init_params``.
    """
    n = fan_in(w_shape)
    require_rng("rng", rng)
    require_size(f"the weights of shape {tuple(w_shape)}", 8 * math.prod(w_shape))
    return rng.standard_normal(tuple(w_shape)) * np.sqrt(2.0 / n)


def activation_scales(depth: int, channels: int, size: int, gain: float, seed: int) -> np.ndarray:
    """Mean square of the pre-activations of each layer of a stack of 3x3 conv + ReLU layers.

    ``depth`` layers ``channels -> channels`` ("same" padding) on 4 standard-normal images of
    ``channels x size x size``, weights normal with std ``sqrt(gain / fan_in)`` (gain 2: He;
    gain 1: the variance-preserving init of a linear layer, which a ReLU halves at every layer).
    Returns ``(depth,)``: ``mean(z_l ** 2)`` for ``l = 1 .. depth``.
    """
    depth = require_int("depth", depth, 1, 64)
    channels, size = require_int("channels", channels, 1), require_int("size", size, 3)
    gain = require_real("gain", gain, positive=True)
    seed = require_seed("seed", seed)
    require_size(
        "the stack's activations and weights", 8 * (4 * channels * size * size * 12 + 9 * channels**2)
    )
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((4, channels, size, size))
    scales = np.empty(depth)
    one = (1, 1)
    for layer in range(depth):
        w = rng.standard_normal((channels, channels, 3, 3)) * np.sqrt(gain / (channels * 9))
        z, _ = conv_forward_unchecked(a, w, np.zeros(channels), one, one, one)
        scales[layer] = np.mean(z**2)
        a = np.maximum(z, 0.0)
    return scales
