"""The seed lesson's API, at the seed's names.

``from lessons_code.fc_vs_conv import fc_backward, conv_weight_grad`` works as
in the original notebook:

* ``fc_backward(x, W, dy) -> (dW, dx)`` with x ``(n_in,)``, W ``(n_out, n_in)``, dy ``(n_out,)``;
* ``conv_weight_grad(img, kernel, dy) -> dW`` with 2-D img, kernel and dy.

The implementations live in :mod:`lessons_code.fc` and :mod:`lessons_code.conv`.
"""

from .conv import conv2d, conv_bias_grad, conv_input_grad, conv_weight_grad
from .fc import fc_backward, fc_bias_grad, fc_forward

__all__ = [
    "conv2d",
    "conv_bias_grad",
    "conv_input_grad",
    "conv_weight_grad",
    "fc_backward",
    "fc_bias_grad",
    "fc_forward",
]
