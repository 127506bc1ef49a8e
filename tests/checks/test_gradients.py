"""The gradients chapter's report (lessons_code.checks.gradients): every row passes, and a wrong
gradient is caught."""

from lessons_code import conv
from lessons_code.checks import gradients, tolerances


def test_all_book_checks_pass_and_are_reported():
    checks = gradients.gradient_rows(seed=0)
    assert [(c.layer.split(" (")[0], c.gradient) for c in checks] == [
        ("FC", "dW"), ("FC", "dx"), ("FC", "db"), ("Conv", "dK"), ("Conv", "dx"), ("Conv", "db"),
        ("Conv layer", "dx"), ("Conv layer", "dw"), ("Conv layer", "db"),
    ]  # fmt: skip
    assert all(c.rel_error < tolerances.REL_ERROR_BOUND for c in checks)
    table = gradients.report_table(checks)
    assert table.count("\n") == len(checks) + 1 and "FAIL" not in table


def test_a_flipped_kernel_gradient_is_caught(monkeypatch):
    # The acceptance test of the foundation issue: swap dK for its flipped version.
    right = conv.conv_weight_grad
    monkeypatch.setattr(conv, "conv_weight_grad", lambda img, k, dy: right(img, k, dy)[::-1, ::-1])
    rows = {c.gradient: c for c in gradients.conv_gradient_rows(seed=0)}
    assert not rows["dK"].passed and rows["dK"].rel_error > 1e-2
    assert rows["dx"].passed
