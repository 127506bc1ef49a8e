"""Gradient flow, frame by frame: the data behind the book's gradient-flow animation.

Every frame comes from the real backward pass of :mod:`lessons_code.fc` and
:mod:`lessons_code.conv`. Frame ``t`` sends the upstream gradient of output unit
``t`` alone, ``dy_t e_t``, back through both layers on the same input ``x``:

* FC, ``y = W x.ravel()``: every input pixel receives ``dx = dy_t W[t, :]`` and the
  whole row ``t`` of ``W`` receives ``dW[t, :] = dy_t x.ravel()``;
* convolution, ``y = x * K``, unit ``t = i * W_out + j``: only the window
  ``x[i:i+kh, j:j+kw]`` receives gradient, ``dx[i+p, j+q] = dy_t K[p, q]``, and the
  kernel receives ``dy_t x[i:i+kh, j:j+kw]``, *added* to what the earlier units gave.

After the last frame the running kernel gradient is ``conv_weight_grad(x, K, dy)``.
The frame count is the number of output positions, ``H_out * W_out`` from
:func:`lessons_code.conv.output_shape`. The drawings live in
:mod:`lessons_code.pictures.animations`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import conv, fc
from ._checks import as_float_array, as_pair, require_seed, require_shape, require_size


@dataclass(frozen=True)
class GradientFlowProblem:
    """One input and both layers' weights, with the upstream gradient they share.

    x: ``(H, W)`` input image; W: ``(n_out, H*W)`` FC weights with ``n_out = H_out*W_out``;
    kernel: ``(kh, kw)``; dy: ``(H_out, W_out)`` upstream gradient -- the FC layer reads
    it flattened, ``dy.ravel()``, so unit ``t`` of both layers gets the same ``dy_t``.
    """

    x: np.ndarray
    W: np.ndarray
    kernel: np.ndarray
    dy: np.ndarray

    def __post_init__(self):
        x = as_float_array("x", self.x, 2)
        kernel = as_float_array("kernel", self.kernel, 2)
        if kernel.shape[0] > x.shape[0] or kernel.shape[1] > x.shape[1]:
            raise ValueError(f"kernel of shape {kernel.shape} is larger than x of shape {x.shape}")
        out = conv.output_shape(x.shape, kernel.shape)
        W = as_float_array("W", self.W, 2)
        require_shape("W", W, (out[0] * out[1], x.size))
        dy = as_float_array("dy", self.dy, 2)
        require_shape("dy", dy, out)
        for name, value in (("x", x), ("W", W), ("kernel", kernel), ("dy", dy)):
            object.__setattr__(self, name, value)

    @property
    def out_shape(self) -> tuple[int, int]:
        """``(H_out, W_out) = (H - kh + 1, W - kw + 1)``."""
        return conv.output_shape(self.x.shape, self.kernel.shape)


def example_problem(input_shape=(6, 6), kernel_shape=(3, 3), seed: int = 18) -> GradientFlowProblem:
    """A reproducible problem: standard-normal ``x``, ``W``, ``kernel`` and ``dy`` from ``seed``.

    The FC layer has as many outputs as the convolution (``H_out * W_out``), so the two
    animations run in step.
    """
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    if kh > h or kw > w:
        raise ValueError(f"kernel_shape {(kh, kw)} is larger than input_shape {(h, w)}")
    rng = np.random.default_rng(require_seed("seed", seed))
    oh, ow = conv.output_shape((h, w), (kh, kw))
    require_size(f"the gradient-flow problem on a {h}x{w} input", 16 * (oh * ow * h * w + 2 * h * w))
    x = rng.standard_normal((h, w))
    W = rng.standard_normal((oh * ow, h * w))
    kernel = rng.standard_normal((kh, kw))
    dy = rng.standard_normal((oh, ow))
    return GradientFlowProblem(x, W, kernel, dy)


def frames_bytes(input_shape, kernel_shape) -> int:
    """Estimated bytes of :func:`gradient_flow_frames` for an ``(H, W)`` input and ``(kh, kw)`` kernel.

    Every frame holds two ``(n_out, H*W)`` float64 arrays and a boolean mask of that size, with
    ``n_out = H_out * W_out`` frames: about ``17 * n_out**2 * H * W`` bytes, ``(H*W)**3`` growth
    (686 MiB at 20x20 with a 3x3 kernel). Raises ``ValueError`` above the package's size limit.
    """
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    oh, ow = conv.output_shape((h, w), (kh, kw))
    n_out = oh * ow
    n_bytes = n_out * (n_out * h * w * 17 + h * w * 34 + kh * kw * 17)
    require_size(f"the {n_out} gradient-flow frames of a {h}x{w} input with a {kh}x{kw} kernel", n_bytes)
    return n_bytes


@dataclass(frozen=True)
class GradientFlowFrame:
    """What the backward pass of output unit ``t`` alone does to each layer.

    Masks say *who* receives gradient (from a one-hot ``dy = e_t``, so they do not
    depend on the value of ``dy_t``); arrays say *how much* (from ``dy_t e_t``).

    t: the output unit (FC index; conv position ``conv_unit = divmod(t, W_out)``); dy_t.
    fc_input_mask ``(H, W)``, fc_weight_mask ``(n_out, H*W)``: non-zero ``dx``, ``dW``;
    fc_dx ``(H, W)``, fc_dW ``(n_out, H*W)``: this unit's contribution;
    fc_dW_sum: the FC weight gradient accumulated over frames ``0..t``.
    conv_input_mask ``(H, W)``, conv_weight_mask ``(kh, kw)``; conv_dx, conv_dK: this unit's
    contribution; conv_dK_sum ``(kh, kw)``: the kernel gradient accumulated over ``0..t``;
    fc_dx_sum, conv_dx_sum ``(H, W)``: the input gradients accumulated over ``0..t``.
    """

    t: int
    conv_unit: tuple[int, int]
    dy_t: float
    fc_input_mask: np.ndarray
    fc_weight_mask: np.ndarray
    fc_dx: np.ndarray
    fc_dW: np.ndarray
    fc_dW_sum: np.ndarray
    fc_dx_sum: np.ndarray
    conv_input_mask: np.ndarray
    conv_weight_mask: np.ndarray
    conv_dx: np.ndarray
    conv_dK: np.ndarray
    conv_dK_sum: np.ndarray
    conv_dx_sum: np.ndarray


def gradient_flow_frames(problem: GradientFlowProblem) -> list[GradientFlowFrame]:
    """One frame per output position (``H_out * W_out`` frames), in row-major order.

    Each frame runs ``fc.fc_backward`` and ``conv.conv_weight_grad`` /
    ``conv.conv_input_grad`` with the upstream gradient of one unit, and adds the
    contribution to running sums, so the last frame holds the full gradients.
    """
    if not isinstance(problem, GradientFlowProblem):
        raise TypeError(f"problem must be a GradientFlowProblem, got {type(problem).__name__}")
    x, W, K, dy = problem.x, problem.W, problem.kernel, problem.dy
    frames_bytes(x.shape, K.shape)  # the size guard, before anything is allocated
    oh, ow = problem.out_shape
    xf = x.ravel()
    frames = []
    fc_dW_sum = np.zeros_like(W)
    fc_dx_sum = np.zeros_like(x)
    conv_dK_sum = np.zeros_like(K)
    conv_dx_sum = np.zeros_like(x)
    for t in range(oh * ow):
        i, j = divmod(t, ow)
        one_hot = np.zeros((oh, ow))
        one_hot[i, j] = 1.0
        e_dW, e_dx = fc.fc_backward(xf, W, one_hot.ravel())
        step = dy[i, j] * one_hot
        fc_dW, fc_dx = fc.fc_backward(xf, W, step.ravel())
        conv_dK = conv.conv_weight_grad(x, K, step)
        conv_dx = conv.conv_input_grad(x, K, step)
        fc_dW_sum = fc_dW_sum + fc_dW
        fc_dx_sum = fc_dx_sum + fc_dx.reshape(x.shape)
        conv_dK_sum = conv_dK_sum + conv_dK
        conv_dx_sum = conv_dx_sum + conv_dx
        frames.append(
            GradientFlowFrame(
                t=t,
                conv_unit=(i, j),
                dy_t=float(dy[i, j]),
                fc_input_mask=(e_dx != 0).reshape(x.shape),
                fc_weight_mask=e_dW != 0,
                fc_dx=fc_dx.reshape(x.shape),
                fc_dW=fc_dW,
                fc_dW_sum=fc_dW_sum,
                fc_dx_sum=fc_dx_sum,
                conv_input_mask=conv.conv_input_grad(x, K, one_hot) != 0,
                conv_weight_mask=conv.conv_weight_grad(x, K, one_hot) != 0,
                conv_dx=conv_dx,
                conv_dK=conv_dK,
                conv_dK_sum=conv_dK_sum,
                conv_dx_sum=conv_dx_sum,
            )
        )
    return frames
