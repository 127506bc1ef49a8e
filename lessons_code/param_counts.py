"""Parameter counts of FC and convolution layers.

* FC from ``n_in`` to ``n_out`` units: ``n_in * n_out`` weights ``+ n_out`` biases.
* Conv with a ``kh x kw`` kernel from ``C_in`` to ``C_out`` channels:
  ``kh * kw * C_in * C_out`` weights ``+ C_out`` biases -- independent of the image size.
* The same connectivity *without* weight sharing (a locally connected layer: every output
  position has a kernel and a bias of its own): ``(kh * kw * C_in + 1) * C_out * H_out * W_out``.
"""

from __future__ import annotations

from typing import NamedTuple

from ._checks import as_pair, require_int
from .tables import markdown_table


def fc_param_count(n_in: int, n_out: int, bias: bool = True) -> int:
    """Number of parameters of an FC layer: ``n_in * n_out (+ n_out)``."""
    n_in = require_int("n_in", n_in, 1)
    n_out = require_int("n_out", n_out, 1)
    _require_bias(bias)
    return n_in * n_out + (n_out if bias else 0)


def conv_param_count(k, c_in: int, c_out: int, bias: bool = True) -> int:
    """Number of parameters of a conv layer: ``kh * kw * C_in * C_out (+ C_out)``.

    k: the kernel size, an int (square) or a ``(kh, kw)`` pair.
    """
    kh, kw = as_pair("k", k, 1)
    c_in = require_int("c_in", c_in, 1)
    c_out = require_int("c_out", c_out, 1)
    _require_bias(bias)
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def unshared_param_count(k, c_in: int, c_out: int, out_shape, bias: bool = True) -> int:
    """Parameters of the conv's connectivity *without* sharing (a locally connected layer).

    Each of the ``H_out * W_out`` output positions gets its own ``kh * kw * C_in * C_out`` weights
    (and ``C_out`` biases): ``conv_param_count(k, c_in, c_out, bias) * H_out * W_out``.
    out_shape: ``(H_out, W_out)`` or an int for a square output.
    """
    oh, ow = as_pair("out_shape", out_shape, 1)
    return conv_param_count(k, c_in, c_out, bias) * oh * ow


def _require_bias(bias) -> None:
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {type(bias).__name__} {bias!r}")


# --- a published cross-check: AlexNet's first layer ---------------------------------------

#: AlexNet conv1 (Krizhevsky, Sutskever & Hinton, 2012): 96 filters of 11x11x3, stride 4,
#: on a 227x227x3 input (the paper's text says 224), giving a 55x55 output per filter.
ALEXNET_CONV1 = {"k": 11, "c_in": 3, "c_out": 96, "out_shape": (55, 55)}


class SharingCounts(NamedTuple):
    """Parameters of one conv layer with and without weight sharing."""

    shared: int
    unshared: int

    @property
    def ratio(self) -> int:
        """How many times more parameters without sharing: ``H_out * W_out``."""
        return self.unshared // self.shared


def sharing_counts(k, c_in: int, c_out: int, out_shape, bias: bool = True) -> SharingCounts:
    """:func:`conv_param_count` and :func:`unshared_param_count` for one layer."""
    return SharingCounts(
        conv_param_count(k, c_in, c_out, bias), unshared_param_count(k, c_in, c_out, out_shape, bias)
    )


def alexnet_conv1_counts() -> SharingCounts:
    """AlexNet's first layer: 34,944 parameters with sharing, 105,705,600 without."""
    return sharing_counts(**ALEXNET_CONV1)


# --- the 224 x 224 x 3 comparison ---------------------------------------------------------------


class ParamRow(NamedTuple):
    """One layer of a parameter comparison."""

    layer: str  # e.g. "FC -> 1,000 units"
    formula: str  # the count as a product, e.g. "150,528 x 1,000 + 1,000"
    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


def param_comparison(
    input_shape=(224, 224, 3), fc_units=(1000, 4096), conv_kernels=(3, 7), c_out: int = 64, bias: bool = True
) -> list[ParamRow]:
    """FC layers on the flattened image next to conv layers, for one input size.

    input_shape: ``(H, W, C)``; fc_units: output sizes of the FC layers (on all ``H*W*C`` values);
    conv_kernels: square kernel sizes of the conv layers, each ``C -> c_out`` channels.
    Returns one :class:`ParamRow` per layer, FC layers first.
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (H, W, C), got {input_shape!r}")
    h, w, c = (require_int("input_shape", v, 1) for v in input_shape)
    fc_units = _int_list("fc_units", fc_units)
    conv_kernels = _int_list("conv_kernels", conv_kernels)
    c_out = require_int("c_out", c_out, 1)
    _require_bias(bias)
    n_in = h * w * c
    rows = []
    for m in fc_units:
        total = fc_param_count(n_in, m, bias)
        b = m if bias else 0
        formula = f"{n_in:,} × {m:,}" + (f" + {m:,}" if bias else "")
        rows.append(ParamRow(f"FC → {m:,} units", formula, total - b, b))
    for k in conv_kernels:
        total = conv_param_count(k, c, c_out, bias)
        b = c_out if bias else 0
        formula = f"{k} × {k} × {c} × {c_out}" + (f" + {c_out}" if bias else "")
        rows.append(ParamRow(f"conv {k}×{k}, {c} → {c_out} channels", formula, total - b, b))
    return rows


def _int_list(name: str, values) -> list[int]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of ints, got {type(values).__name__} {values!r}")
    return [require_int(name, v, 1) for v in values]


def param_table(rows: list[ParamRow], reference: int = -1) -> str:
    """A Markdown table of :func:`param_comparison` rows, with a ratio to ``rows[reference]``."""
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, ParamRow) for r in rows):
        raise TypeError(f"rows must be a list of ParamRow from param_comparison, got {rows!r:.80}")
    if not rows:
        raise ValueError("rows must hold at least one ParamRow, got none")
    reference = require_int("reference", reference, -len(rows), len(rows) - 1)
    ref = rows[reference].total
    body = [(r.layer, r.formula, f"{r.total:,}", f"{r.total / ref:,.1f}×") for r in rows]
    return markdown_table(["layer", "count", "parameters", f"vs {rows[reference].layer}"], body, "llrr")
