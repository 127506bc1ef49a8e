"""Fast kernels behind :func:`lessons_code.conv_layer.conv_forward` and ``conv_backward``.

The sums are those of :mod:`lessons_code.conv_layer`; only the order of work changes.

1. **Phases.** With stride ``s``, output ``(i, j)`` of tap ``(p, q)`` reads padded pixel
   ``(i*s + p*d, j*s + q*d)``. Writing ``p*d = s*u + a`` (``0 <= a < s``) splits the padded
   input into *phase* images ``X_ab[r, t] = xp[r*s_h + a, t*s_w + b]``; tap ``(p, q)`` then
   reads ``X_ab[i + u, j + v]``: a plain shift, stride 1. (With stride 1 there is one phase.)
2. **Flat layout.** Each phase image is stored as a ``(C_in, rows)`` matrix: the images of the
   batch one after the other, ``R`` rows of ``P`` pixels each, so pixel ``(n, r, t)`` of channel
   ``c`` sits at column ``n*R*P + r*P + t``. A shift by ``(u, v)`` is a shift by ``u*P + v``
   columns, so what one tap reads over the *whole batch* is one strided slice
   ``X_ab[:, off : off + T]``, handed to BLAS without a copy. ``P`` and ``R`` are chosen so that
   a window running past the end of a row (or image) lands on zeros only: the zero padding
   between rows and between images is shared, and the few output columns that fall on it
   (``j >= W_out`` or ``i >= H_out``) are computed and dropped.
3. **GEMMs on shifted slices.** Two methods, both tested against the loops:

   * ``"taps"`` -- one GEMM per tap, straight on the slices, no copy of the windows at all:

     - forward      ``out[:, t]   += w[:, :, p, q] @ X_ab[:, t + off]``
     - weight grad  ``dw[:, :, p, q] = dout[:, :T] @ X_ab[:, off : off + T].T``
     - input grad   ``dX_ab[:, t] += w[:, :, p, q].T @ dout[:, t - off]`` (gathered: ``dout``
       is zero on the dropped columns and zero-padded in front).

   * ``"im2col"`` (the default) -- the ``kh*kw`` slices of one block of output columns are
     stacked into a ``(kh*kw*C_in, block)`` matrix, so each pass is one wide GEMM per block
     (``K = kh*kw*C_in`` instead of ``C_in``); the input gradient multiplies first and scatters
     the stacked rows back to their slices (col2im). Only one block is ever copied
     (``BLOCK_BYTES``), so the extra memory does not grow with the batch.

   On the benchmark machine the thin per-tap GEMMs (``K = C_in``) run 5-40 % slower than the
   stacked ones, so ``"im2col"`` is the default; ``benchmarks/bench_kernels.py`` measures both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Method used when none is asked for: "im2col" (stacked blocks) or "taps" (no copy).
DEFAULT_METHOD = "im2col"
#: Columns per block of the accumulating per-tap GEMMs.
BLOCK_COLS = 1 << 14
#: Bytes of one im2col block, the only copy of the windows the im2col method makes.
BLOCK_BYTES = 1 << 22
#: Fewest output columns per im2col block.
MIN_BLOCK = 256


@dataclass(frozen=True)
class Plan:
    """Geometry of the flat phase layout for one conv configuration."""

    n: int
    c_in: int
    h: int
    w: int
    c_out: int
    kh: int
    kw: int
    stride: tuple[int, int]
    oh: int
    ow: int
    R: int  # rows per image in the flat layout
    P: int  # pixels per row in the flat layout
    T: int  # flat output columns computed
    L: int  # flat columns of each buffer (every read and every data pixel fits)
    max_off: int
    phases: tuple[tuple[int, int], ...]  # the (a, b) phases some tap reads
    rows: dict  # a -> (r_lo, r_hi, first x row), or None when the phase holds no x row
    cols: dict  # b -> (t_lo, t_hi, first x col), or None
    taps: tuple[tuple[int, int, int, int], ...]  # (p, q, phase index, flat offset)


def _axis_info(size, pad, stride, used, top):
    """Per phase: the phase coordinates holding data (clipped to the read range)."""
    info = {}
    for a in used:
        lo = max(0, -((a - pad) // stride))  # ceil((pad - a) / stride)
        hi = min((size - 1 + pad - a) // stride, top)
        info[a] = (lo, hi, lo * stride + a - pad) if hi >= lo else None
    return info


def _pitch(info, n_out, max_shift):
    """Smallest pitch such that a window past a row's end reads only zeros."""
    pitch = n_out
    for item in info.values():
        if item is not None:
            lo, hi, _ = item
            pitch = max(pitch, hi + 1, n_out + max_shift - lo)
    return pitch


def make_plan(x_shape, w_shape, stride, padding, dilation, out_hw) -> Plan:
    """Plan for ``x`` of ``x_shape`` and ``w`` of ``w_shape`` (arguments already validated)."""
    n, c_in, h, w = x_shape
    c_out, _, kh, kw = w_shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    oh, ow = out_hw
    max_u, max_v = (dh * (kh - 1)) // sh, (dw * (kw - 1)) // sw
    used_a = sorted({(p * dh) % sh for p in range(kh)})
    used_b = sorted({(q * dw) % sw for q in range(kw)})
    rows = _axis_info(h, ph, sh, used_a, oh - 1 + max_u)
    cols = _axis_info(w, pw, sw, used_b, ow - 1 + max_v)
    R, P = _pitch(rows, oh, max_u), _pitch(cols, ow, max_v)
    phases = tuple((a, b) for a in used_a for b in used_b)
    index = {ab: k for k, ab in enumerate(phases)}
    taps = tuple(
        (p, q, index[((p * dh) % sh, (q * dw) % sw)], ((p * dh) // sh) * P + (q * dw) // sw)
        for p in range(kh)
        for q in range(kw)
    )
    max_off = max_u * P + max_v
    T = (n - 1) * R * P + (oh - 1) * P + ow
    L = max(T + max_off, n * R * P)
    return Plan(
        n, c_in, h, w, c_out, kh, kw, stride, oh, ow, R, P, T, L, max_off, phases, rows, cols, taps
    )  # fmt: skip


def _grid(plan: Plan, flat: np.ndarray) -> np.ndarray:
    """View of the first ``N*R*P`` columns of ``(C, L)`` as ``(C, N, R, P)``."""
    return flat[:, : plan.n * plan.R * plan.P].reshape(flat.shape[0], plan.n, plan.R, plan.P)


def _phase_slices(plan: Plan, a: int, b: int):
    """``(grid index, x index)`` of the data pixels of phase ``(a, b)``, or None if it has none."""
    ri, ci = plan.rows[a], plan.cols[b]
    if ri is None or ci is None:
        return None
    (r_lo, r_hi, x_r), (t_lo, t_hi, x_c) = ri, ci
    sh, sw = plan.stride
    grid = (slice(None), slice(None), slice(r_lo, r_hi + 1), slice(t_lo, t_hi + 1))
    xs = (
        slice(None),
        slice(None),
        slice(x_r, x_r + sh * (r_hi - r_lo) + 1, sh),
        slice(x_c, x_c + sw * (t_hi - t_lo) + 1, sw),
    )
    return grid, xs


def to_phases(plan: Plan, x: np.ndarray) -> np.ndarray:
    """``x`` in the flat phase layout: ``(n_phases, C_in, L)``, zero off the data pixels."""
    xf = np.zeros((len(plan.phases), plan.c_in, plan.L))
    for k, (a, b) in enumerate(plan.phases):
        sl = _phase_slices(plan, a, b)
        if sl is not None:
            _grid(plan, xf[k])[sl[0]] = x[sl[1]].transpose(1, 0, 2, 3)
    return xf


def dout_flat(plan: Plan, dout: np.ndarray) -> np.ndarray:
    """``dout`` in the flat output layout, zero on dropped columns, after ``max_off`` zero
    columns: shape ``(C_out, max_off + L)``; column ``max_off + t`` is output column ``t``."""
    d = np.zeros((plan.c_out, plan.max_off + plan.L))
    _grid(plan, d[:, plan.max_off :])[:, :, : plan.oh, : plan.ow] = dout.transpose(1, 0, 2, 3)
    return d


def _tap_weights(plan: Plan, w: np.ndarray) -> np.ndarray:
    """``(C_out, kh*kw*C_in)`` with column ``tap*C_in + c`` = ``w[:, c, p, q]``."""
    return w.transpose(0, 2, 3, 1).reshape(plan.c_out, -1)


def _blocks(plan: Plan):
    """``(start, stop)`` column blocks for the im2col method, about ``BLOCK_BYTES`` of columns."""
    k = len(plan.taps) * plan.c_in
    width = max(MIN_BLOCK, BLOCK_BYTES // (8 * k))
    return [(s, min(plan.T, s + width)) for s in range(0, plan.T, width)], width


def _cols(plan: Plan, xf: np.ndarray, start: int, stop: int, buf: np.ndarray) -> np.ndarray:
    """im2col of output columns ``start:stop``: ``(kh*kw*C_in, stop - start)``, row
    ``tap*C_in + c`` is channel c of what the tap reads (a copy of one block only)."""
    cols = buf[:, :, : stop - start]
    for i, (_, _, k, off) in enumerate(plan.taps):
        cols[i] = xf[k, :, start + off : stop + off]
    return cols.reshape(-1, stop - start)


def _correlate(mats, srcs, offsets, out: np.ndarray) -> None:
    """``out[:, t] = sum_k mats[k] @ srcs[k][:, t + offsets[k]]`` for every column t."""
    ncols = out.shape[1]
    tmp = np.empty((out.shape[0], min(BLOCK_COLS, ncols)))
    for start in range(0, ncols, BLOCK_COLS):
        stop = min(ncols, start + BLOCK_COLS)
        acc, part = out[:, start:stop], tmp[:, : stop - start]
        for k, (mat, src, off) in enumerate(zip(mats, srcs, offsets, strict=True)):
            if k == 0:
                np.matmul(mat, src[:, start + off : stop + off], out=acc)
            else:
                np.matmul(mat, src[:, start + off : stop + off], out=part)
                acc += part


def _method(method) -> str:
    method = DEFAULT_METHOD if method is None else method
    if method not in ("taps", "im2col"):
        raise ValueError(f"method must be 'taps' or 'im2col', got {method!r}")
    return method


def forward(plan: Plan, x: np.ndarray, w: np.ndarray, b: np.ndarray, method=None) -> np.ndarray:
    """``out`` of shape ``(N, C_out, H_out, W_out)``."""
    xf = to_phases(plan, x)
    flat = np.empty((plan.c_out, plan.n * plan.R * plan.P))
    if _method(method) == "im2col":
        wmat = _tap_weights(plan, w)
        blocks, width = _blocks(plan)
        buf = np.empty((len(plan.taps), plan.c_in, width))
        for start, stop in blocks:
            np.matmul(wmat, _cols(plan, xf, start, stop, buf), out=flat[:, start:stop])
    else:
        _correlate(
            [np.ascontiguousarray(w[:, :, p, q]) for p, q, _, _ in plan.taps],
            [xf[k] for _, _, k, _ in plan.taps],
            [off for *_, off in plan.taps],
            flat[:, : plan.T],
        )
    out = np.empty((plan.n, plan.c_out, plan.oh, plan.ow))
    np.add(_grid(plan, flat)[:, :, : plan.oh, : plan.ow].transpose(1, 0, 2, 3), b[:, None, None], out=out)
    return out


def weight_grad(plan: Plan, xf: np.ndarray, d: np.ndarray, method=None) -> np.ndarray:
    """``dw`` ``(C_out, C_in, kh, kw)`` from :func:`to_phases` and :func:`dout_flat` arrays."""
    dt = d[:, plan.max_off : plan.max_off + plan.T]
    if _method(method) == "im2col":
        blocks, width = _blocks(plan)
        buf = np.empty((len(plan.taps), plan.c_in, width))
        flat = np.zeros((plan.c_out, len(plan.taps) * plan.c_in))
        for start, stop in blocks:
            flat += dt[:, start:stop] @ _cols(plan, xf, start, stop, buf).T
        return flat.reshape(plan.c_out, plan.kh, plan.kw, plan.c_in).transpose(0, 3, 1, 2).copy()
    dw = np.empty((plan.kh, plan.kw, plan.c_out, plan.c_in))
    for p, q, k, off in plan.taps:
        np.matmul(dt, xf[k, :, off : off + plan.T].T, out=dw[p, q])
    return dw.transpose(2, 3, 0, 1).copy()


def input_grad(plan: Plan, w: np.ndarray, d: np.ndarray, method=None) -> np.ndarray:
    """``dx`` ``(N, C_in, H, W)`` from a :func:`dout_flat` array."""
    if _method(method) == "im2col":
        # Scatter, one block of output columns at a time: what tap i read from column off + t
        # goes back there (col2im).
        dxf = np.zeros((len(plan.phases), plan.c_in, plan.L))
        wmat_t = np.ascontiguousarray(_tap_weights(plan, w).T)
        blocks, width = _blocks(plan)
        buf = np.empty((len(plan.taps) * plan.c_in, width))
        for start, stop in blocks:
            dcols = buf[:, : stop - start]
            np.matmul(wmat_t, d[:, plan.max_off + start : plan.max_off + stop], out=dcols)
            dcols = dcols.reshape(len(plan.taps), plan.c_in, stop - start)
            for i, (_, _, k, off) in enumerate(plan.taps):
                dxf[k, :, start + off : stop + off] += dcols[i]
    else:
        # Gather: column t of phase k collects dout[:, t - off] of every tap reading phase k.
        dxf = np.empty((len(plan.phases), plan.c_in, plan.n * plan.R * plan.P))
        for k in range(len(plan.phases)):
            taps = [tap for tap in plan.taps if tap[2] == k]
            _correlate(
                [np.ascontiguousarray(w[:, :, p, q].T) for p, q, _, _ in taps],
                [d] * len(taps),
                [plan.max_off - off for *_, off in taps],
                dxf[k],
            )
    dx = np.zeros((plan.n, plan.c_in, plan.h, plan.w))
    for k, (a, b) in enumerate(plan.phases):
        sl = _phase_slices(plan, a, b)
        if sl is not None:
            dx[sl[1]] = _grid(plan, dxf[k])[sl[0]].transpose(1, 0, 2, 3)
    return dx


def backward(plan: Plan, dout: np.ndarray, x: np.ndarray, w: np.ndarray, method=None):
    """``(dx, dw, db)``."""
    d = dout_flat(plan, dout)
    dw = weight_grad(plan, to_phases(plan, x), d, method)
    return input_grad(plan, w, d, method), dw, dout.sum(axis=(0, 2, 3))
