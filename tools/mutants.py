"""Hand-made mutants of lessons_code that the earlier tests let survive (issue 16), each checked
against the test file that should now kill it.

Each mutant replaces one snippet of a source file, runs the test file, and restores the file (also
on Ctrl-C). Prints KILLED / SURVIVED per mutant; exit status 1 if any survived. A snippet that no
longer exists (the code moved on) is reported as NOT FOUND.

    .venv/bin/python tools/mutants.py          # all, ~1 minute
    .venv/bin/python tools/mutants.py 3 7      # mutants 3 and 7 only
"""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MUTANTS = [
    (
        "lessons_code/conv.py",
        "if kernel_shape[0] > img_shape[0] or kernel_shape[1] > img_shape[1]:",
        "if kernel_shape[0] > img_shape[0] and kernel_shape[1] > img_shape[1]:",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/_checks.py",
        "if arr.size == 0 and not allow_empty:",
        "if False:",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/matrix_view.py",
        "and (kh > h or kw > w):",
        "and (kh > h and kw > w):",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/gradcheck.py",
        "        flat[k] = old  # restored",
        "        pass  # restored",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/checks/tolerances.py",
        "REL_ERROR_BOUND = 1e-7",
        "REL_ERROR_BOUND = 1e-1",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/checks/gradients.py",
        "db,\n             numerical_gradient(lambda t: loss(x, W, t), b)),",
        "db,\n             db),",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/checks/gradients.py",
        "dw,\n             numerical_gradient(lambda t: loss(x, t, b), w)),",
        "dw,\n             dw),",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/checks/gradients.py",
        "return np.sum(conv_layer.conv_forward(x_, w_, b_, **params)[0] * dout)",
        "return np.sum(conv_layer.conv_forward(x_, w_, b_, stride=stride)[0] * dout)",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/param_counts.py",
        "return conv_param_count(k, c_in, c_out, bias) * oh * ow",
        "return conv_param_count(k, c_in, c_out, bias) * oh * oh",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/param_counts.py",
        'formula = f"{k} × {k} × {c} × {c_out}"',
        'formula = f"{k} × {k} × {c_out}"',
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/geometry.py",
        "return (dx != 0).reshape(h, w)",
        'return (dx != 0).reshape(h, w, order="F")',
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/conv_layer.py",
        "    return dx, dw, db\n\n\ndef conv_forward_loop",
        "    return dx, dw * (1 + 1e-9), db\n\n\ndef conv_forward_loop",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/fc.py",
        "return np.outer(dy, x), W.T @ dy",
        "return np.outer(dy, x) * (1 + 1e-9), W.T @ dy",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/conv.py",
        "    return float(dy.sum())",
        "    return float(dy.sum()) * (1 + 1e-9)",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/matrix_view.py",
        "index = np.full((g.rows, g.cols), -1, dtype=np.intp)\n    index[row, col]",
        "index = np.full((g.rows, g.cols), -1, dtype=np.int32)\n    index[row, col]",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/pooling.py",
        '    require_shape("dout", dout, z.shape)\n',
        "",
        "tests/test_input_policy.py",
    ),
    (
        "lessons_code/experiments/nets.py",
        "    y = require_labels(y, pred.shape[0], spec.n_classes)\n",
        "",
        "tests/test_input_policy.py",
    ),
    (
        "lessons_code/_checks.py",
        "    if finite and not np.isfinite(out).all():",
        "    if False:",
        "tests/test_input_policy.py",
    ),
    (
        "lessons_code/pages/exercises.py",
        "    return int(v) if v is not None and np.isfinite(v) and v == int(v) else None",
        "    return v if isinstance(value, int) else None",
        "tests/test_input_policy.py",
    ),
    # an error of 1e-9 (relative) in any public gradient, vectorised or loop
    (
        "lessons_code/conv.py",
        "    return _correlate(img, dy)",
        "    return _correlate(img, dy) * (1 + 1e-9)",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/conv.py",
        "    return _correlate(padded, kernel[::-1, ::-1])",
        "    return _correlate(padded, kernel[::-1, ::-1]) * (1 + 1e-9)",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/conv_layer.py",
        "    return np.ascontiguousarray(dxp[:, :, ph : ph + h",
        "    return np.ascontiguousarray((1 + 1e-9) * dxp[:, :, ph : ph + h",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/conv_layer.py",
        "    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]], dw, db",
        "    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]], dw * (1 + 1e-9), db",
        "tests/test_near_misses.py",
    ),
    (
        "lessons_code/fc.py",
        "    return dY.T @ X, dY @ W, dY.sum(axis=0)",
        "    return dY.T @ X, dY @ W, dY.sum(axis=0) * (1 + 1e-9)",
        "tests/test_near_misses.py",
    ),
]


def main(argv: list[str]) -> int:
    only = [int(a) for a in argv]
    survived = 0
    for i, (path, old, new, test) in enumerate(MUTANTS):
        if only and i not in only:
            continue
        p = ROOT / path
        text = p.read_text()
        if old not in text:
            print(i, "NOT FOUND", path, old[:60].replace("\n", " "), flush=True)
            continue
        p.write_text(text.replace(old, new, 1))
        try:
            run = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test]
            r = subprocess.run(run, capture_output=True, text=True, cwd=ROOT)
        finally:
            p.write_text(text)
        survived += r.returncode == 0
        print(i, "KILLED" if r.returncode else "SURVIVED", path, new[:60].replace("\n", " "), flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
