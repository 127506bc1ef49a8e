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
3. **GEMMs on shifted slices.** Methods (all tested against the loops):

   * ``"taps"`` -- one GEMM per tap, straight on the slices, no copy of the windows at all:

     - forward      ``out[:, t]   += w[:, :, p, q] @ X_ab[:, t + off]``
     - weight grad  ``dw[:, :, p, q] = dout[:, :T] @ X_ab[:, off : off + T].T``
     - input grad   ``dX_ab[:, t] += w[:, :, p, q].T @ dout[:, t - off]`` (gathered: ``dout``
       is zero on the dropped columns and zero-padded in front).

   * ``"im2col"`` -- the ``kh*kw`` slices of one block of output columns are stacked into a
     ``(kh*kw*C_in, block)`` matrix, so each pass is one wide GEMM per block (``K = kh*kw*C_in``
     instead of ``C_in``). The input gradient multiplies first, ``w`` stacked by tap times
     ``dout``, and adds each tap's rows back to its slice (col2im), whole rows of a few channels
     at a time. Only one block is ever copied (``BLOCK_BYTES``), so the extra memory does not
     grow with the batch.

   * ``"windows"`` -- ``tensordot`` on a strided view of the receptive fields, for shapes where
     the flat layout would mostly compute dropped columns (a kernel nearly as large as the image).

   ``"auto"`` (the default) takes ``"im2col"``, or ``"windows"`` past ``MAX_WASTE``. On the
   benchmark machine the thin per-tap GEMMs run 5-40 % slower than the stacked ones (three times
   slower with 3 input channels); ``benchmarks/bench_kernels.py`` measures both.

4. **Scratch buffers.** Temporaries come from per-thread buffers kept between calls
   (:func:`scratch`): allocating them afresh costs page faults that, on a small VM, take longer
   than the GEMMs. Returned arrays are always new.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: The methods; "auto" picks "im2col", or "windows" when the flat layout would waste much.
METHODS = ("im2col", "taps", "windows")
#: Method used when none is asked for.
DEFAULT_METHOD = "auto"
#: "auto" leaves the flat layout when it computes more than this many times the real outputs
#: (large kernels with little padding, e.g. a kernel as large as the image).
MAX_WASTE = 2.0
#: Columns per block of the accumulating per-tap GEMMs.
BLOCK_COLS = 1 << 14
#: Bytes of one im2col block, the only copy of the windows the im2col method makes.
BLOCK_BYTES = 6 << 20
#: Fewest output columns per im2col block.
MIN_BLOCK = 256


#: Scratch memory kept per thread between calls, at most this many bytes in all.
WORKSPACE_BYTES = 1 << 26

_workspace = threading.local()


def scratch(name: str, shape, zero: bool = False) -> np.ndarray:
    """A float64 array of ``shape`` for temporary use, valid until the next request of ``name``.

    Fresh large arrays cost page faults on every call (on the benchmark VM about 2 µs per
    4 KiB page, more than the arithmetic of a whole pass), so temporaries are carved from
    buffers kept between calls; only the arrays a function returns are new. Buffers are kept
    while their total stays within ``WORKSPACE_BYTES``; larger requests get a fresh array.
    """
    size = int(np.prod(shape))
    pool = getattr(_workspace, "pool", None)
    if pool is None:
        pool = _workspace.pool = {}
    buf = pool.get(name)
    if buf is None or buf.size < size:
        pool.pop(name, None)
        kept = sum(b.nbytes for b in pool.values())
        if kept + 8 * size > WORKSPACE_BYTES:
            return np.zeros(shape) if zero else np.empty(shape)
        buf = pool[name] = np.empty(size)
    out = buf[:size].reshape(shape)
    if zero:
        out.fill(0.0)
    return out


def clear_workspace() -> None:
    """Drop the scratch buffers of this thread (the next call allocates them again)."""
    _workspace.pool = {}


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
    padding: tuple[int, int]
    dilation: tuple[int, int]
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
    covers_x: bool  # every pixel of x lies in some phase (so dx needs no zero fill)


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
    covers = (
        sum(hi - lo + 1 for lo, hi, _ in filter(None, rows.values())) == h
        and sum(hi - lo + 1 for lo, hi, _ in filter(None, cols.values())) == w
    )
    return Plan(
        n, c_in, h, w, c_out, kh, kw, stride, padding, dilation, oh, ow,
        R, P, T, L, max_off, phases, rows, cols, taps, covers,
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


def _fill_around(plan: Plan, flat: np.ndarray, rows: slice, cols: slice, values) -> None:
    """Write ``values`` into ``grid[:, :, rows, cols]`` of ``flat`` ``(C, L)`` and zero every
    other column (cheaper than zeroing all of it first)."""
    grid = _grid(plan, flat)
    grid[:, :, : rows.start] = 0.0
    grid[:, :, rows.stop :] = 0.0
    grid[:, :, rows, : cols.start] = 0.0
    grid[:, :, rows, cols.stop :] = 0.0
    grid[:, :, rows, cols] = values
    flat[:, plan.n * plan.R * plan.P :] = 0.0


def to_phases(plan: Plan, x: np.ndarray) -> np.ndarray:
    """``x`` in the flat phase layout: ``(n_phases, C_in, L)``, zero off the data pixels."""
    xf = scratch("phases", (len(plan.phases), plan.c_in, plan.L))
    for k, (a, b) in enumerate(plan.phases):
        sl = _phase_slices(plan, a, b)
        if sl is None:
            xf[k] = 0.0
        else:
            _fill_around(plan, xf[k], sl[0][2], sl[0][3], x[sl[1]].transpose(1, 0, 2, 3))
    return xf


def dout_flat(plan: Plan, dout: np.ndarray) -> np.ndarray:
    """``dout`` in the flat output layout, zero on dropped columns, after ``max_off`` zero
    columns: shape ``(C_out, max_off + L)``; column ``max_off + t`` is output column ``t``."""
    d = scratch("dout", (plan.c_out, plan.max_off + plan.L))
    d[:, : plan.max_off] = 0.0
    _fill_around(plan, d[:, plan.max_off :], slice(0, plan.oh), slice(0, plan.ow), dout.transpose(1, 0, 2, 3))
    return d


def _tap_weights(plan: Plan, w: np.ndarray) -> np.ndarray:
    """``(C_out, kh*kw*C_in)`` with column ``tap*C_in + c`` = ``w[:, c, p, q]``."""
    return w.transpose(0, 2, 3, 1).reshape(plan.c_out, -1)


def _blocks(plan: Plan):
    """``(start, stop)`` column blocks for the im2col method, about ``BLOCK_BYTES`` of columns."""
    k = len(plan.taps) * plan.c_in
    width = min(plan.T, max(MIN_BLOCK, BLOCK_BYTES // (8 * k)))
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
    tmp = scratch("tmp", (out.shape[0], min(BLOCK_COLS, ncols)))
    for start in range(0, ncols, BLOCK_COLS):
        stop = min(ncols, start + BLOCK_COLS)
        acc, part = out[:, start:stop], tmp[:, : stop - start]
        for k, (mat, src, off) in enumerate(zip(mats, srcs, offsets, strict=True)):
            if k == 0:
                np.matmul(mat, src[:, start + off : stop + off], out=acc)
            else:
                np.matmul(mat, src[:, start + off : stop + off], out=part)
                acc += part


def _method(plan: Plan, method) -> str:
    method = DEFAULT_METHOD if method is None else method
    if method == "auto":
        return "windows" if plan.T > MAX_WASTE * plan.n * plan.oh * plan.ow else "im2col"
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS} or 'auto', got {method!r}")
    return method


def _windows(plan: Plan, x: np.ndarray) -> np.ndarray:
    """View of every receptive field of the padded x: ``(N, C_in, H_out, W_out, kh, kw)``."""
    (ph, pw), (sh, sw), (dh, dw) = plan.padding, plan.stride, plan.dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    span = (dh * (plan.kh - 1) + 1, dw * (plan.kw - 1) + 1)
    return sliding_window_view(xp, span, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]


def forward(plan: Plan, x: np.ndarray, w: np.ndarray, b: np.ndarray, method=None) -> np.ndarray:
    """``out`` of shape ``(N, C_out, H_out, W_out)``."""
    method = _method(plan, method)
    out = np.empty((plan.n, plan.c_out, plan.oh, plan.ow))
    if method == "windows":
        flat = np.tensordot(_windows(plan, x), w, axes=([1, 4, 5], [1, 2, 3]))  # (N, H_out, W_out, C_out)
        np.add(flat.transpose(0, 3, 1, 2), b[:, None, None], out=out)
        return out
    xf = to_phases(plan, x)
    flat = scratch("flat", (plan.c_out, plan.n * plan.R * plan.P))
    if method == "im2col":
        wmat = _tap_weights(plan, w)
        blocks, width = _blocks(plan)
        buf = scratch("cols", (len(plan.taps), plan.c_in, width))
        for start, stop in blocks:
            np.matmul(wmat, _cols(plan, xf, start, stop, buf), out=flat[:, start:stop])
    else:
        _correlate(
            [np.ascontiguousarray(w[:, :, p, q]) for p, q, _, _ in plan.taps],
            [xf[k] for _, _, k, _ in plan.taps],
            [off for *_, off in plan.taps],
            flat[:, : plan.T],
        )
    np.add(_grid(plan, flat)[:, :, : plan.oh, : plan.ow].transpose(1, 0, 2, 3), b[:, None, None], out=out)
    return out


def _weight_grad_flat(plan: Plan, xf: np.ndarray, d: np.ndarray, method: str) -> np.ndarray:
    dt = d[:, plan.max_off : plan.max_off + plan.T]
    if method == "im2col":
        blocks, width = _blocks(plan)
        buf = scratch("cols", (len(plan.taps), plan.c_in, width))
        flat = np.zeros((plan.c_out, len(plan.taps) * plan.c_in))
        for start, stop in blocks:
            flat += dt[:, start:stop] @ _cols(plan, xf, start, stop, buf).T
        return flat.reshape(plan.c_out, plan.kh, plan.kw, plan.c_in).transpose(0, 3, 1, 2).copy()
    dw = np.empty((plan.kh, plan.kw, plan.c_out, plan.c_in))
    for p, q, k, off in plan.taps:
        np.matmul(dt, xf[k, :, off : off + plan.T].T, out=dw[p, q])
    return dw.transpose(2, 3, 0, 1).copy()


def _input_grad_flat(plan: Plan, w: np.ndarray, d: np.ndarray, method: str) -> np.ndarray:
    ntaps = len(plan.taps)
    group = BLOCK_BYTES // (8 * ntaps * plan.L)  # channels whose whole rows fit in one block
    if group > 8:
        group -= group % 8  # GEMMs with 9*8 = 72 rows or more run at full speed, 54 rows do not
    if method == "im2col" and group >= 1:
        # Scatter (col2im), a group of channels at a time: what tap i read from column off + t
        # goes back there. Whole rows let each tap's add run over one contiguous stretch: a row
        # end spills into the next row only the zeros that dout has past column T.
        dxf = scratch("dphases", (len(plan.phases), plan.c_in, plan.L), zero=True)
        wt = np.ascontiguousarray(w.transpose(2, 3, 1, 0)).reshape(ntaps, plan.c_in, plan.c_out)
        buf = scratch("cols", (ntaps * min(group, plan.c_in), plan.L))
        dl = d[:, plan.max_off : plan.max_off + plan.L]
        for c0 in range(0, plan.c_in, group):
            cg = min(plan.c_in, c0 + group) - c0
            dcols = buf[: ntaps * cg]
            np.matmul(wt[:, c0 : c0 + cg].reshape(ntaps * cg, plan.c_out), dl, out=dcols)
            dcols = dcols.reshape(ntaps, cg * plan.L)
            for i, (_, _, k, off) in enumerate(plan.taps):
                dxf[k, c0 : c0 + cg].reshape(-1)[off:] += dcols[i, : cg * plan.L - off]
    elif method == "im2col":
        # Scatter (col2im), one block of output columns at a time.
        dxf = scratch("dphases", (len(plan.phases), plan.c_in, plan.L), zero=True)
        wmat_t = np.ascontiguousarray(_tap_weights(plan, w).T)
        blocks, width = _blocks(plan)
        buf = scratch("cols", (len(plan.taps) * plan.c_in, width))
        for start, stop in blocks:
            dcols = buf[:, : stop - start]
            np.matmul(wmat_t, d[:, plan.max_off + start : plan.max_off + stop], out=dcols)
            dcols = dcols.reshape(len(plan.taps), plan.c_in, stop - start)
            for i, (_, _, k, off) in enumerate(plan.taps):
                dxf[k, :, start + off : stop + off] += dcols[i]
    else:
        # Gather: column t of phase k collects dout[:, t - off] of every tap reading phase k.
        dxf = scratch("dphases", (len(plan.phases), plan.c_in, plan.n * plan.R * plan.P))
        for k in range(len(plan.phases)):
            taps = [tap for tap in plan.taps if tap[2] == k]
            _correlate(
                [np.ascontiguousarray(w[:, :, p, q].T) for p, q, _, _ in taps],
                [d] * len(taps),
                [plan.max_off - off for *_, off in taps],
                dxf[k],
            )
    # every pixel of x lies in some phase unless the stride skips the last rows/columns
    dx = (np.empty if plan.covers_x else np.zeros)((plan.n, plan.c_in, plan.h, plan.w))
    for k, (a, b) in enumerate(plan.phases):
        sl = _phase_slices(plan, a, b)
        if sl is not None:
            dx[sl[1]] = _grid(plan, dxf[k])[sl[0]].transpose(1, 0, 2, 3)
    return dx


def _input_grad_windows(plan: Plan, w: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Each kernel offset (p, q) sends ``dout @ w[:, :, p, q]`` back to the pixels it read."""
    (ph, pw), (sh, sw), (dh, dw_) = plan.padding, plan.stride, plan.dilation
    dxp = np.zeros((plan.n, plan.c_in, plan.h + 2 * ph, plan.w + 2 * pw))
    for p in range(plan.kh):
        for q in range(plan.kw):
            contrib = np.tensordot(dout, w[:, :, p, q], axes=([1], [0]))  # (N, H_out, W_out, C_in)
            rows = slice(p * dh, p * dh + sh * (plan.oh - 1) + 1, sh)
            cols = slice(q * dw_, q * dw_ + sw * (plan.ow - 1) + 1, sw)
            dxp[:, :, rows, cols] += contrib.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(dxp[:, :, ph : ph + plan.h, pw : pw + plan.w])


def weight_grad(plan: Plan, x: np.ndarray, dout: np.ndarray, method=None) -> np.ndarray:
    """``dw`` of shape ``(C_out, C_in, kh, kw)``."""
    method = _method(plan, method)
    if method == "windows":
        return np.tensordot(dout, _windows(plan, x), axes=([0, 2, 3], [0, 2, 3]))
    return _weight_grad_flat(plan, to_phases(plan, x), dout_flat(plan, dout), method)


def input_grad(plan: Plan, w: np.ndarray, dout: np.ndarray, method=None) -> np.ndarray:
    """``dx`` of shape ``(N, C_in, H, W)``."""
    method = _method(plan, method)
    if method == "windows":
        return _input_grad_windows(plan, w, dout)
    return _input_grad_flat(plan, w, dout_flat(plan, dout), method)


def backward(plan: Plan, dout: np.ndarray, x: np.ndarray, w: np.ndarray, method=None):
    """``(dx, dw, db)``."""
    method = _method(plan, method)
    db = dout.sum(axis=(0, 2, 3))
    if method == "windows":
        return input_grad(plan, w, dout, method), weight_grad(plan, x, dout, method), db
    d = dout_flat(plan, dout)  # shared by both gradients
    dw = _weight_grad_flat(plan, to_phases(plan, x), d, method)
    return _input_grad_flat(plan, w, d, method), dw, db
