"""Three tiny image classifiers built from the lesson's own layers, and how to train them.

No autograd framework: every forward pass returns a cache and every backward
pass is written out with :mod:`lessons_code.fc` and :mod:`lessons_code.conv_layer`.
Images are ``(N, 1, H, W)`` float64 batches, labels ``(N,)`` integers in ``[0, n_classes)``.

The three architectures (:class:`NetSpec`, ``kind``):

* ``"mlp"`` -- flatten, FC ``H*W -> width``, ReLU, FC ``width -> n_classes``.
  Its first layer sees every pixel with its own weight.
* ``"cnn"`` -- conv ``kernel x kernel`` (``1 -> width`` channels, zero "same" padding),
  ReLU, 2x2 max-pool, flatten, FC ``width*(H/2)*(W/2) -> n_classes``.
* ``"conv1x1"`` -- the MLP with its first FC layer replaced by a 1x1 convolution
  (``1 -> width`` channels): each pixel is mapped on its own, nothing is mixed
  across pixels until the final FC layer ``width*H*W -> n_classes``.
* ``"local"`` -- the CNN with its convolution replaced by a locally connected layer
  (:mod:`lessons_code.locally_connected`): the same ``kernel x kernel`` windows and "same"
  padding, but every output position has its own kernel and bias (``L1``, ``b1`` of shapes
  ``(H, W, width, 1, k, k)`` and ``(H, W, width)``); then ReLU, 2x2 max-pool and the same FC layer.

Loss: mean softmax cross-entropy over the batch,

    L = -(1/N) sum_n log softmax(s_n)[y_n],   dL/ds_n = (softmax(s_n) - onehot(y_n)) / N.

Training: Adam on shuffled minibatches; the shuffling generator and the
initial weights come from explicit seeds, so every run is reproducible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .._checks import (
    as_float_array,
    as_pair,
    require_int,
    require_real,
    require_rng,
    require_seed,
    require_shape,
)
from ..conv_layer import conv_backward_unchecked, conv_forward_unchecked
from ..fc import fc_backward_batch_unchecked, fc_forward_batch_unchecked
from ..locally_connected import lc_backward_unchecked, lc_forward_unchecked
from ..pooling import (
    maxpool2_backward_unchecked,
    maxpool2_forward_unchecked,
    relu_backward_unchecked,
    relu_forward_unchecked,
)

KINDS = ("mlp", "cnn", "conv1x1", "local", "cnn2", "sep2")

#: The two-conv-layer kinds (issue 24): conv ``kernel x kernel`` ``1 -> width``, ReLU, 2x2 max-pool,
#: then a second layer ``width -> 2*width`` on the pooled map ("same" padding), ReLU, FC to the
#: scores. ``"cnn2"``: the second layer is a full ``kernel x kernel`` convolution (``K2``);
#: ``"sep2"``: it is depthwise-separable, a depthwise ``kernel x kernel`` layer (``D2``,
#: ``groups=width``) and a 1x1 layer ``width -> 2*width`` (``P2``). Keys: ``K1, b1, K2 | D2 + P2,
#: c2, W2, b2``.
TWO_LAYER_KINDS = ("cnn2", "sep2")


@dataclass(frozen=True)
class NetSpec:
    """The shape of a network: ``kind`` (one of :data:`KINDS`), ``width`` (hidden units or
    channels of the first layer), ``kernel`` (first-layer kernel size, ``"cnn"`` only, odd),
    ``image_shape`` ``(H, W)`` and ``n_classes``."""

    kind: str
    width: int
    kernel: int = 3
    image_shape: tuple[int, int] = (8, 8)
    n_classes: int = 10

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        require_int("width", self.width, 1)
        require_int("kernel", self.kernel, 1)
        require_int("n_classes", self.n_classes, 2)
        h, w = as_pair("image_shape", self.image_shape, 1)
        if not isinstance(self.image_shape, tuple):
            object.__setattr__(self, "image_shape", (h, w))
        if self.kind in TWO_LAYER_KINDS and (self.kernel % 2 == 0 or h % 2 or w % 2):
            raise ValueError(
                f"a {self.kind!r} net needs an odd kernel and an even image_shape, got kernel "
                f"{self.kernel} and image_shape {self.image_shape}"
            )
        if self.kind in ("cnn", "local"):
            if self.kernel % 2 == 0:
                raise ValueError(f"kernel must be odd for 'same' padding, got {self.kernel}")
            if h % 2 or w % 2:
                raise ValueError(f"image_shape must be even for the 2x2 pool, got {self.image_shape}")

    @property
    def first_layer(self) -> str:
        """Name of the first layer's weight array in the parameter dict."""
        if self.kind == "local":
            return "L1"
        return "W1" if self.kind == "mlp" else "K1"


# --- building blocks -----------------------------------------------------------------------------


# relu_forward, relu_backward, maxpool2_forward, maxpool2_backward: lessons_code.pooling (imported above)
_ANY_NDIM = tuple(range(1, 33))


def softmax_cross_entropy(scores, y) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``softmax(scores)`` against labels, and its gradient.

    scores: ``(N, n_classes)``; y: ``(N,)`` integer labels.
    Returns ``(loss, dscores)`` with ``dscores = (softmax(scores) - onehot(y)) / N``.
    """
    scores = as_float_array("scores", scores, 2)
    return _softmax_cross_entropy(scores, require_labels(y, scores.shape[0], scores.shape[1]))


def _softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """:func:`softmax_cross_entropy` on checked arguments (float64 scores, ``np.intp`` labels)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = -float(log_p[np.arange(n), y].mean())
    dscores = np.exp(log_p)
    dscores[np.arange(n), y] -= 1.0
    return loss, dscores / n


def require_labels(y, n: int, n_classes: int) -> np.ndarray:
    """``y`` as ``np.intp`` class labels ``(n,)``, each in ``[0, n_classes)``."""
    if isinstance(y, np.ma.MaskedArray) and np.ma.getmaskarray(y).any():
        raise TypeError("y must be a plain array of labels, got a masked array with masked entries")
    y = np.asarray(np.ma.getdata(y))
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) to match the batch, got {y.shape}")
    if n and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"y must lie in [0, {n_classes}), got values in [{y.min()}, {y.max()}]")
    return y.astype(np.intp)


def _require_spec(spec) -> NetSpec:
    if not isinstance(spec, NetSpec):
        raise TypeError(f"spec must be a NetSpec, got {type(spec).__name__}")
    return spec


def param_shapes(spec: NetSpec) -> dict[str, tuple[int, ...]]:
    """The shape of every array of the parameter dict of ``spec`` (what :func:`init_params` makes)."""
    h, w = _require_spec(spec).image_shape
    c, k = spec.width, spec.kernel
    if spec.kind == "mlp":
        first, n_hidden = {"W1": (c, h * w)}, c
    elif spec.kind == "cnn":
        first, n_hidden = {"K1": (c, 1, k, k)}, c * (h // 2) * (w // 2)
    elif spec.kind == "local":
        first, n_hidden = {"L1": (h, w, c, 1, k, k)}, c * (h // 2) * (w // 2)
        return {**first, "b1": (h, w, c), "W2": (spec.n_classes, n_hidden), "b2": (spec.n_classes,)}
    elif spec.kind in TWO_LAYER_KINDS:
        second = (
            {"K2": (2 * c, c, k, k)} if spec.kind == "cnn2" else {"D2": (c, 1, k, k), "P2": (2 * c, c, 1, 1)}
        )
        return {"K1": (c, 1, k, k), "b1": (c,), **second, "c2": (2 * c,),
                "W2": (spec.n_classes, 2 * c * (h // 2) * (w // 2)), "b2": (spec.n_classes,)}  # fmt: skip
    else:
        first, n_hidden = {"K1": (c, 1, 1, 1)}, c * h * w
    return {**first, "b1": (c,), "W2": (spec.n_classes, n_hidden), "b2": (spec.n_classes,)}


def require_params(spec: NetSpec, params, name: str = "params") -> dict[str, np.ndarray]:
    """A parameter dict with exactly the keys and shapes of ``spec``, as float64 copies.

    Raises ``TypeError`` for anything but a dict of real arrays, ``ValueError`` for a missing or extra
    key, a wrong shape, NaN or inf.
    """
    shapes = param_shapes(spec)
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of arrays {list(shapes)}, got {type(params).__name__}")
    if set(params) != set(shapes):
        raise ValueError(
            f"{name} must have the keys {list(shapes)} for a {spec.kind!r} net, got {list(params)}"
        )
    out = {}
    for key, shape in shapes.items():
        out[key] = as_float_array(f"{name}[{key!r}]", params[key], len(shape))
        require_shape(f"{name}[{key!r}]", out[key], shape)
    return out


def require_images(x, spec: NetSpec) -> np.ndarray:
    """``x`` as a float64 copy ``(N, 1, H, W)`` with the image shape of ``spec``."""
    x = as_float_array("x", x, 4)
    want = (1, *spec.image_shape)
    if x.shape[1:] != want:
        raise ValueError(f"x must have shape (N, {', '.join(map(str, want))}), got {x.shape}")
    return x


# --- the networks --------------------------------------------------------------------------------


def init_params(spec: NetSpec, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """He-normal weights (std ``sqrt(2 / fan_in)``) and zero biases, drawn from ``rng``.

    Keys: ``"W1", "b1"`` (mlp), ``"K1", "b1"`` (cnn, conv1x1) or ``"L1", "b1"`` (local), then ``"W2", "b2"``.
    """
    _require_spec(spec)
    require_rng("rng", rng)
    h, w = spec.image_shape
    c = spec.width
    if spec.kind == "mlp":
        first = {"W1": rng.standard_normal((c, h * w)) * np.sqrt(2.0 / (h * w))}
        n_hidden = c
    elif spec.kind == "cnn":
        k = spec.kernel
        first = {"K1": rng.standard_normal((c, 1, k, k)) * np.sqrt(2.0 / (k * k))}
        n_hidden = c * (h // 2) * (w // 2)
    elif spec.kind == "local":
        k = spec.kernel
        first = {"L1": rng.standard_normal((h, w, c, 1, k, k)) * np.sqrt(2.0 / (k * k))}
        n_hidden = c * (h // 2) * (w // 2)
    elif spec.kind in TWO_LAYER_KINDS:  # He-normal for every weight, std sqrt(2 / fan_in)
        params = {}
        for key, shape in param_shapes(spec).items():
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 0
            if key == "D2":  # depthwise: one channel in per kernel
                fan_in = shape[2] * shape[3]
            params[key] = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in) if fan_in else np.zeros(shape)
        return params
    else:
        first = {"K1": rng.standard_normal((c, 1, 1, 1)) * np.sqrt(2.0)}
        n_hidden = c * h * w
    params = {**first, "b1": np.zeros((h, w, c) if spec.kind == "local" else c)}
    params["W2"] = rng.standard_normal((spec.n_classes, n_hidden)) * np.sqrt(2.0 / n_hidden)
    params["b2"] = np.zeros(spec.n_classes)
    return params


def forward_macs(spec: NetSpec) -> int:
    """Multiply-adds of one forward pass for one image (weights times the positions they are used at).

    FC ``n_in -> n_out``: ``n_in * n_out``. Conv ``k x k``, ``C_in -> C_out`` on an ``H_out x W_out``
    output: ``k * k * C_in * C_out * H_out * W_out``. Biases, ReLU and pooling are not counted.
    A deterministic measure of cost; wall-clock times are measured by ``make bench``.
    """
    if not isinstance(spec, NetSpec):
        raise TypeError(f"spec must be a NetSpec, got {type(spec).__name__}")
    h, w = spec.image_shape
    c = spec.width
    if spec.kind == "mlp":
        return h * w * c + c * spec.n_classes
    if spec.kind in TWO_LAYER_KINDS:
        k2, pooled = spec.kernel**2, (h // 2) * (w // 2)
        second = k2 * c * 2 * c if spec.kind == "cnn2" else k2 * c + c * 2 * c
        return k2 * c * h * w + second * pooled + 2 * c * pooled * spec.n_classes
    if spec.kind in ("cnn", "local"):  # the same products; the local layer's weights are untied
        return spec.kernel**2 * c * h * w + c * (h // 2) * (w // 2) * spec.n_classes
    return c * h * w + c * h * w * spec.n_classes


def n_params(params: dict[str, np.ndarray]) -> int:
    """Total number of scalars in a parameter dict."""
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params must be a non-empty dict of arrays, got {params!r:.60}")
    return int(sum(as_float_array(f"params[{k!r}]", v, _ANY_NDIM).size for k, v in params.items()))


def forward(spec: NetSpec, params: dict[str, np.ndarray], x) -> tuple[np.ndarray, tuple]:
    """Class scores ``(N, n_classes)`` for images x ``(N, 1, H, W)``, and the cache for :func:`backward`."""
    params = require_params(_require_spec(spec), params)
    return _forward(spec, params, require_images(x, spec))


def _forward(spec: NetSpec, params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """:func:`forward` on checked arguments (what :func:`require_params` and ``require_images`` return).

    The layers are those of :mod:`lessons_code.fc`, :mod:`lessons_code.pooling` and
    :mod:`lessons_code.conv_layer`, called through their unchecked cores (``*_unchecked``): the
    arrays here are the float64 arrays their checks would return, checked once per call or run."""
    n = x.shape[0]
    if spec.kind == "mlp":
        flat = x.reshape(n, -1)
        z = fc_forward_batch_unchecked(flat, params["W1"], params["b1"])
        a = relu_forward_unchecked(z)
        return fc_forward_batch_unchecked(a, params["W2"], params["b2"]), (flat, z, a)
    if spec.kind in TWO_LAYER_KINDS:
        return _forward_two(spec, params, x)
    pad = spec.kernel // 2 if spec.kind in ("cnn", "local") else 0
    if spec.kind == "local":
        z, conv_cache = lc_forward_unchecked(x, params["L1"], params["b1"], (1, 1), (pad, pad), (1, 1))
    else:
        z, conv_cache = conv_forward_unchecked(x, params["K1"], params["b1"], (1, 1), (pad, pad), (1, 1))
    a = relu_forward_unchecked(z)
    arg = None
    if spec.kind in ("cnn", "local"):
        a, arg = maxpool2_forward_unchecked(a)
    flat = a.reshape(n, -1)
    return fc_forward_batch_unchecked(flat, params["W2"], params["b2"]), (conv_cache, z, arg, a.shape, flat)


def backward(spec: NetSpec, params: dict[str, np.ndarray], dscores, cache) -> dict[str, np.ndarray]:
    """Gradients of the loss for every parameter, given ``dscores = dL/dscores`` ``(N, n_classes)``."""
    params = require_params(_require_spec(spec), params)
    dscores = as_float_array("dscores", dscores, 2)
    if not isinstance(cache, tuple) or len(cache) != (3 if spec.kind == "mlp" else 5):
        raise TypeError(f"cache must be the tuple returned by forward for a {spec.kind!r} net")
    n = (cache[0] if spec.kind == "mlp" else cache[4]).shape[0]
    require_shape("dscores", dscores, (n, spec.n_classes))
    return _backward(spec, params, dscores, cache)


def _backward(spec: NetSpec, params: dict[str, np.ndarray], dscores: np.ndarray, cache) -> dict:
    """:func:`backward` on checked arguments and the cache of :func:`_forward`."""
    if spec.kind == "mlp":
        flat, z, a = cache
        dW2, da, db2 = fc_backward_batch_unchecked(a, params["W2"], dscores)
        dW1, _, db1 = fc_backward_batch_unchecked(flat, params["W1"], relu_backward_unchecked(da, z))
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if spec.kind in TWO_LAYER_KINDS:
        return _backward_two(spec, params, dscores, cache)
    conv_cache, z, arg, a_shape, flat = cache
    dW2, dflat, db2 = fc_backward_batch_unchecked(flat, params["W2"], dscores)
    da = dflat.reshape(a_shape)
    if spec.kind in ("cnn", "local"):
        da = maxpool2_backward_unchecked(da, arg)
    if spec.kind == "local":
        _, dL1, db1 = lc_backward_unchecked(relu_backward_unchecked(da, z), conv_cache)
        return {"L1": dL1, "b1": db1, "W2": dW2, "b2": db2}
    dK1, db1 = _first_conv_weight_grads(relu_backward_unchecked(da, z), conv_cache)
    return {"K1": dK1, "b1": db1, "W2": dW2, "b2": db2}


def _forward_two(spec: NetSpec, params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """The two-conv-layer kinds (:data:`TWO_LAYER_KINDS`): conv, ReLU, pool, second layer, ReLU, FC.
    The cache is ``(conv caches, pre-activations, arg-max, pooled shape, flat)``."""
    n, one, pad = x.shape[0], (1, 1), (spec.kernel // 2,) * 2
    z1, c1 = conv_forward_unchecked(x, params["K1"], params["b1"], one, pad, one)
    a1, arg = maxpool2_forward_unchecked(relu_forward_unchecked(z1))
    if spec.kind == "cnn2":
        z2, c2 = conv_forward_unchecked(a1, params["K2"], params["c2"], one, pad, one)
        caches = (c1, c2)
    else:  # depthwise (groups = width), then 1x1
        width = spec.width
        d, cd = conv_forward_unchecked(a1, params["D2"], np.zeros(width), one, pad, one, width)
        z2, cp = conv_forward_unchecked(d, params["P2"], params["c2"], one, (0, 0), one)
        caches = (c1, cd, cp)
    a2 = relu_forward_unchecked(z2)
    flat = a2.reshape(n, -1)
    return fc_forward_batch_unchecked(flat, params["W2"], params["b2"]), (
        caches,
        (z1, z2),
        arg,
        a2.shape,
        flat,
    )


def _backward_two(spec: NetSpec, params: dict[str, np.ndarray], dscores: np.ndarray, cache) -> dict:
    """:func:`_backward` for :data:`TWO_LAYER_KINDS`."""
    caches, (z1, z2), arg, a_shape, flat = cache
    dW2, dflat, db2 = fc_backward_batch_unchecked(flat, params["W2"], dscores)
    dz2 = relu_backward_unchecked(dflat.reshape(a_shape), z2)
    grads = {"W2": dW2, "b2": db2}
    if spec.kind == "cnn2":
        da1, grads["K2"], grads["c2"] = conv_backward_unchecked(dz2, caches[1])
    else:
        dd, grads["P2"], grads["c2"] = conv_backward_unchecked(dz2, caches[2])
        da1, grads["D2"], _ = conv_backward_unchecked(dd, caches[1])
    dz1 = relu_backward_unchecked(maxpool2_backward_unchecked(da1, arg), z1)
    _, grads["K1"], grads["b1"] = conv_backward_unchecked(dz1, caches[0])
    return grads


def _first_conv_weight_grads(dout: np.ndarray, cache) -> tuple[np.ndarray, np.ndarray]:
    """``(dw, db)`` of :func:`lessons_code.conv_layer.conv_backward_unchecked`, computed by the same
    operations in the same order (so bit for bit the same), without its input gradient: the first
    layer's ``dx`` would be the gradient with respect to the images, which training never uses
    (skipping it saves the ``dcols`` product and the col2im of every step)."""
    w, cols = cache.w, cache.cols
    dy = dout.transpose(1, 0, 2, 3).reshape(w.shape[0], -1)  # (C_out, N*H_out*W_out)
    return (cols @ dy.T).T.reshape(w.shape), dy.sum(axis=1)


def loss_and_grads(spec: NetSpec, params, x, y) -> tuple[float, dict[str, np.ndarray]]:
    """Mean softmax cross-entropy on ``(x, y)`` and its gradient for every parameter."""
    params = require_params(_require_spec(spec), params)
    x = require_images(x, spec)
    return loss_and_grads_unchecked(spec, params, x, require_labels(y, x.shape[0], spec.n_classes))


def loss_and_grads_unchecked(spec: NetSpec, params, x: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """:func:`loss_and_grads` on checked arguments: ``params`` from :func:`require_params`, ``x``
    float64 ``(N, 1, H, W)``, ``y`` ``np.intp`` labels ``(N,)`` (the training loop and the
    gradient study check them once, then call this at every step)."""
    scores, cache = _forward(spec, params, x)
    loss, dscores = _softmax_cross_entropy(scores, y)
    return loss, _backward(spec, params, dscores, cache)


def predict(spec: NetSpec, params, x) -> np.ndarray:
    """Predicted class ``(N,)`` for images x ``(N, 1, H, W)``."""
    return forward(spec, params, x)[0].argmax(axis=1)


def accuracy(spec: NetSpec, params, x, y) -> float:
    """Fraction of images in x whose predicted class equals y (labels ``(N,)``, not ``(N, 1)``)."""
    pred = predict(spec, params, x)
    y = require_labels(y, pred.shape[0], spec.n_classes)
    return float(np.mean(pred == y))


# --- training ------------------------------------------------------------------------------------


def adam_step(
    params, grads, state, lr: float = 1e-2, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
) -> None:
    """One Adam update, in place. ``state`` is a dict (start with ``{}``) holding ``t``, ``m``, ``v``.

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr * m_hat / (sqrt(v_hat) + eps).
    Every operation is elementwise, so permuting the entries of a parameter permutes the update.
    """
    if not isinstance(params, dict) or not isinstance(grads, dict) or not isinstance(state, dict):
        raise TypeError("params, grads and state must be dicts (state starts as {})")
    if not set(grads) <= set(params):
        raise ValueError(f"grads has keys {sorted(set(grads) - set(params))} that params does not have")
    for k, g in grads.items():
        if not isinstance(params[k], np.ndarray) or params[k].dtype != np.float64:
            raise TypeError(f"params[{k!r}] must be a float64 numpy array (it is updated in place)")
        require_shape(f"grads[{k!r}]", as_float_array(f"grads[{k!r}]", g, params[k].ndim), params[k].shape)
    lr = require_real("lr", lr, positive=True)
    for name, beta in (("beta1", beta1), ("beta2", beta2)):
        if not 0.0 <= require_real(name, beta) < 1.0:
            raise ValueError(f"{name} must lie in [0, 1), got {beta}")
    eps = require_real("eps", eps, positive=True)
    _adam_update(params, grads, state, lr, beta1, beta2, eps)


def _adam_update(params, grads, state, lr: float, beta1: float, beta2: float, eps: float) -> None:
    """:func:`adam_step` on checked arguments (float64 arrays of the parameters' shapes)."""
    t = state["t"] = state.get("t", 0) + 1
    m = state.setdefault("m", {k: np.zeros_like(v) for k, v in params.items()})
    v = state.setdefault("v", {k: np.zeros_like(p) for k, p in params.items()})
    for k, g in grads.items():
        m[k] = beta1 * m[k] + (1 - beta1) * g
        v[k] = beta2 * v[k] + (1 - beta2) * g * g
        m_hat = m[k] / (1 - beta1**t)
        v_hat = v[k] / (1 - beta2**t)
        params[k] -= lr * m_hat / (np.sqrt(v_hat) + eps)


@dataclass
class TrainResult:
    """What :func:`train` returns.

    params: the trained weights; losses: ``(steps,)`` minibatch losses;
    grad_norms: layer name -> ``(steps,)`` Frobenius norm of that weight's gradient at each step;
    checkpoints: step -> copy of the parameters *before* that step (for the steps asked for);
    seconds: wall-clock training time.
    """

    spec: NetSpec
    params: dict[str, np.ndarray]
    losses: np.ndarray
    grad_norms: dict[str, np.ndarray]
    checkpoints: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    seconds: float = 0.0


def batch_order(n: int, epochs: int, batch_size: int, seed: int) -> list[np.ndarray]:
    """The minibatch index arrays of a run: one fresh shuffle of ``range(n)`` per epoch from
    ``np.random.default_rng(seed)``; the last batch of an epoch may be smaller."""
    rng = np.random.default_rng(require_seed("seed", seed))
    n, epochs = require_int("n", n, 1), require_int("epochs", epochs, 1)
    batch_size = require_int("batch_size", batch_size, 1)
    batches = []
    for _ in range(epochs):
        order = rng.permutation(n)
        batches += [order[i : i + batch_size] for i in range(0, n, batch_size)]
    return batches


def train(
    spec: NetSpec,
    x,
    y,
    *,
    seed: int = 0,
    epochs: int = 12,
    batch_size: int = 64,
    lr: float = 1e-2,
    init: dict[str, np.ndarray] | None = None,
    checkpoint_steps=(),
) -> TrainResult:
    """Train ``spec`` on images x ``(N, 1, H, W)`` and labels y ``(N,)`` with Adam.

    The initial weights are ``init_params(spec, np.random.default_rng([seed, 0]))`` unless
    ``init`` is given (it is copied); the minibatches come from
    ``batch_order(N, epochs, batch_size, seed=[seed, 1])``, so two runs with the same seed
    see the same batches in the same order.
    """
    x = require_images(x, _require_spec(spec))
    y = require_labels(y, x.shape[0], spec.n_classes)
    require_int("seed", seed, 0)
    lr = require_real("lr", lr, positive=True)
    if isinstance(checkpoint_steps, (str, bytes)) or not hasattr(checkpoint_steps, "__iter__"):
        raise TypeError(f"checkpoint_steps must be a sequence of ints, got {checkpoint_steps!r}")
    checkpoint_steps = [require_int("checkpoint_steps", s, 0) for s in checkpoint_steps]
    params = (
        init_params(spec, np.random.default_rng([seed, 0]))
        if init is None
        else require_params(spec, init, "init")  # copies
    )
    weights = [k for k in params if k[0] in "WKL"]
    batches = batch_order(x.shape[0], epochs, batch_size, [seed, 1])
    losses = np.zeros(len(batches))
    norms = {k: np.zeros(len(batches)) for k in weights}
    checkpoints, state = {}, {}
    wanted = set(checkpoint_steps)
    start = time.perf_counter()
    for step, idx in enumerate(batches):
        if step in wanted:
            checkpoints[step] = {k: v.copy() for k, v in params.items()}
        # x, y and params were checked above; every step's arrays are made from them
        losses[step], grads = loss_and_grads_unchecked(spec, params, x[idx], y[idx])
        for k in weights:
            norms[k][step] = np.linalg.norm(grads[k])
        _adam_update(params, grads, state, lr, 0.9, 0.999, 1e-8)  # adam_step's defaults
    if len(batches) in wanted:
        checkpoints[len(batches)] = {k: v.copy() for k, v in params.items()}
    return TrainResult(spec, params, losses, norms, checkpoints, time.perf_counter() - start)
