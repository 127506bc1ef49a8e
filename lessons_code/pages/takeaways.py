"""The key-takeaways table: each point with its numbers, computed here, and a link to its evidence.

:func:`compute_evidence` recomputes, with the book's own functions, the numbers that the
chapters establish; :func:`takeaway_rows` turns them into table rows whose last cell is a MyST
cross-reference (``{eq}``, ``{ref}`` or ``{numref}``) to the executed evidence in the book.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from .. import backward_rules, conv, conv_layer, fc, geometry, layer_costs, matrix_view, param_counts
from .._checks import require_seed
from ..checks import locality_claims, training_claims
from ..checks.stats import is_real_change, mean_interval, paired_change, ratio_interval
from ..experiments import digits, gradient_study, linear_students, locality
from ..tables import markdown_table

#: A MyST cross-reference role: ``{eq}`label```, ``{ref}`label``` or ``{numref}`label```.
ROLE = re.compile(r"\{(eq|ref|numref)\}`([^`]+)`")


class Takeaway(NamedTuple):
    point: str
    meaning: str  # with the numbers of this build
    evidence: str  # MyST cross-references to where the book computes it


def compute_evidence(seed: int = 18) -> dict:
    """Every number the takeaways quote, recomputed from ``lessons_code`` (deterministic in ``seed``)."""
    rng = np.random.default_rng(require_seed("seed", seed))
    h = w = 6
    img = rng.standard_normal((h, w))
    W = rng.standard_normal((16, h * w))
    kernel = rng.standard_normal((3, 3))
    ev: dict = {"n_pixels": h * w, "n_fc_out": W.shape[0], "kernel_size": kernel.size}

    # geometry: receptive fields and translation equivariance
    ev["fc_rf"] = int(geometry.fc_receptive_field(W, 7, (h, w)).sum())
    ev["conv_rf"] = int(geometry.conv_receptive_field(kernel, (1, 2), (h, w)).sum())
    shift = geometry.shift_test(img, kernel, W, rows=0, cols=1)
    ev["shift_conv"], ev["shift_fc"] = shift.conv_interior, shift.fc_change

    # gradients: rank of the FC weight gradient, accumulation in the kernel gradient, input gradient reach
    x, dy = rng.standard_normal(h * w), rng.standard_normal(W.shape[0])
    dW, _ = fc.fc_backward(x, W, dy)
    ev["fc_dw_rank"] = int(np.linalg.matrix_rank(dW))
    index = matrix_view.conv_matrix_index(kernel.shape, (h, w))
    ev["products_6x6"] = int(matrix_view.tie_counts(index).max())
    ev["products_224"] = int(matrix_view.products_per_weight((224, 224), (3, 3), padding=1).max())
    covered = (index >= 0).sum(axis=0)  # outputs that send gradient to each pixel
    ev["dx_conv_min"], ev["dx_conv_max"] = int(covered.min()), int(covered.max())
    ev["dx_fc"] = int((W != 0).sum(axis=0).min())
    dy_c = rng.standard_normal((4, 4))
    tied = matrix_view.tie_sum(np.outer(dy_c.ravel(), img.ravel()), index, kernel.shape)
    ev["tied_matches"] = bool(np.allclose(tied, conv.conv_weight_grad(img, kernel, dy_c)))

    # parameters
    rows = param_counts.param_comparison()
    ev["p_fc1000"], ev["p_conv3"] = rows[0].total, rows[2].total
    alex = param_counts.alexnet_conv1_counts()
    ev["alex_shared"], ev["alex_unshared"] = alex.shared, alex.unshared
    counts = matrix_view.conv_matrix_counts((3, 224, 224), (64, 3, 3, 3), padding=1)
    ev["m_entries"], ev["m_nonzeros"], ev["m_distinct"] = counts.entries, counts.nonzeros, counts.distinct

    # optimization: the parameters chapter's runs (five seeds, means)
    runs = linear_students.chapter_experiments()
    t = runs.overfit.test_mse
    ev["fc50_test"] = mean_interval(t[("FC", 50, 1.0)]).mean
    ev["fc50_clean"] = mean_interval(t[("FC", 50, 0.0)]).mean
    ev["conv50_test"] = mean_interval(t[("conv", 50, 1.0)]).mean
    ev["fc200_test"] = mean_interval(t[("FC", 200, 1.0)]).mean
    ev["conv200_test"] = mean_interval(t[("conv", 200, 1.0)]).mean
    v = runs.noise.values
    ev["noise_fc"] = ratio_interval(v[("FC", 10, "relative_noise")]).mean
    ev["noise_conv"] = ratio_interval(v[("conv", 10, "relative_noise")]).mean
    ev["eff_fc"] = ratio_interval(v[("FC", 10, "efficiency")]).mean
    ev["eff_conv"] = ratio_interval(v[("conv", 10, "efficiency")]).mean
    ev["n_teachers"] = len(runs.noise.seeds)
    ev["eff_real"] = is_real_change(paired_change(v[("conv", 10, "efficiency")], v[("FC", 10, "efficiency")]))

    # "smooth updates": neighbouring kernel-gradient entries on the digits (5x5 kernels, each
    # channel's mean removed), 5 seeds; shuffled: 5 seeds and permutations
    split = digits.load_digits_split(0)
    smooth = gradient_study.smoothness_study(split.x_train[:64], split.y_train[:64], kernel=5)
    ev["smooth"] = training_claims.check_smooth_kernel_gradient(smooth["ordered"], smooth["shuffled"])
    ev["smooth_corr"] = ev["smooth"]["ordered"].mean
    ev["smooth_corr_shuffled"] = ev["smooth"]["shuffled"].mean

    # the real-layer chapter: dx is a transposed convolution; a conv is an FC layer on patches
    rng_layer = np.random.default_rng(seed + 1)
    x4, w4 = rng_layer.standard_normal((2, 3, 8, 8)), rng_layer.standard_normal((4, 3, 3, 3))
    geometry4 = {"stride": 2, "padding": 1}
    out4, cache4 = conv_layer.conv_forward(x4, w4, **geometry4)
    dy4 = rng_layer.standard_normal(out4.shape)
    dx4, dw4, _ = conv_layer.conv_backward(dy4, cache4)
    op = backward_rules.output_padding_for(x4.shape, (3, 3), **geometry4)
    up = backward_rules.transposed_conv(dy4, w4, output_padding=op, **geometry4)
    ev["tconv_from"], ev["tconv_to"] = out4.shape[2], up.shape[2]
    ev["tconv_err"] = float(np.abs(up - dx4).max())
    cols = conv_layer.im2col(x4, (3, 3), **geometry4)
    d_y = dy4.transpose(1, 0, 2, 3).reshape(4, -1)
    dw_fc, _, _ = fc.fc_backward_batch(cols.T, w4.reshape(4, -1), d_y.T)
    ev["im2col_rows"], ev["im2col_patches"] = cols.shape
    ev["im2col_err"] = float(np.abs(dw_fc.reshape(w4.shape) - dw4).max())

    # the cost of the passes: a 3x3, 3 -> 64 first layer on one 224x224 image
    first = ((1, 3, 224, 224), (64, 3, 3, 3))
    ev["cost"] = layer_costs.conv_pass_macs(*first, padding=1)
    ev["cost_cols"] = layer_costs.im2col_shape(first[0], 3, padding=1)
    # locality or sharing: the counts, the shift table, the three students' step efficiency
    costs = locality_claims.check_costs(locality.alexnet_costs())
    ev["lc_macs"], ev["lc_sharing"] = costs["macs"], costs["sharing"]
    shifts = locality_claims.check_equivariance(locality.equivariance_rows())
    ev["lc_shift_local"] = shifts[("locally connected, zero padding", 1)]
    ev["lc_eff"] = locality_claims.check_efficiency(locality.efficiency_study())
    return ev


def takeaway_rows(ev: dict) -> list[Takeaway]:
    """The seed's four takeaways, then the book's own; numbers from :func:`compute_evidence`."""
    if not isinstance(ev, dict):
        raise TypeError(f"ev must be the dict of compute_evidence(), got {type(ev).__name__}")
    n = ev["n_pixels"]
    return [
        Takeaway(
            "FC layers mix all inputs globally",
            f"each output reads all {ev['fc_rf']} of {n} pixels; on a 224×224×3 image an FC layer to "
            f"1,000 units has {ev['p_fc1000']:,} parameters, and its output has no spatial layout",
            "{numref}`fig-receptive-fields`, {ref}`params-224`",
        ),
        Takeaway(
            "Conv layers learn local patterns and share them",
            f"each output reads {ev['conv_rf']} of {n} pixels through the same kernel; a 3×3 layer to 64 "
            f"channels has {ev['p_conv3']:,} parameters. *Stable gradients*: relative mini-batch noise "
            f"{ev['noise_conv']:.2f} against {ev['noise_fc']:.2f} for FC on 10×10 images, and it costs "
            f"the step: one SGD step recovers {ev['eff_conv']:.2f} of a full-batch step's loss decrease "
            f"for conv, {ev['eff_fc']:.2f} for FC (linear students, geometric means over "
            f"{ev['n_teachers']} teachers): sharing leaves fewer directions for the noise. *Learn*: on "
            "the digits, what training adds to the CNN's first-layer kernels is smooth, and not with the "
            "pixels shuffled",
            "{ref}`params-224`, {ref}`params-optimization`, {ref}`kernels-learned`",
        ),
        Takeaway(
            "FC gradients are outer products",
            f"$\\mathrm{{d}}W = \\mathrm{{d}}y\\,x^\\top$, rank {ev['fc_dw_rank']} per example, one product "
            f"per weight. *Prone to overfit*: with fewer examples than weights the FC student's test error "
            f"is {ev['fc50_test']:.0f} (conv {ev['conv50_test']:.1f}), and {ev['fc50_clean']:.0f} without "
            "label noise: under-determination, not fitted noise; with more examples than weights, the "
            f"fitted noise shows: {ev['fc200_test']:.2f} against {ev['conv200_test']:.2f} (5 seeds, "
            "synthetic data)",
            "eq. {eq}`eq-fc-dw`, {ref}`params-optimization`",
        ),
        Takeaway(
            "Conv gradients accumulate from many positions",
            f"each kernel-gradient entry sums {ev['products_6x6']} products on a 6×6 image, up to "
            f"{ev['products_224']:,} on a 224×224 one: the FC gradient summed over the tied cells of M. "
            "*Smooth updates*: on the digits, neighbouring entries of a 5×5 kernel gradient correlate "
            f"({ev['smooth']['ordered'].text(unit=True)}, each channel's mean removed; "
            f"{ev['smooth']['shuffled'].text(unit=True)} with the pixels shuffled), because strokes "
            "are smooth",
            "eq. {eq}`eq-conv-dk`, eq. {eq}`eq-tied-grad`, {ref}`ex-kernel-size`",
        ),
        Takeaway(
            "Input gradients: global for FC, local for conv",
            f"FC: $\\mathrm{{d}}x = W^\\top \\mathrm{{d}}y$, every pixel hears all {ev['dx_fc']} outputs; "
            f"conv: $\\mathrm{{d}}x = M^\\top \\mathrm{{d}}y$, a full convolution, each pixel hears "
            f"{ev['dx_conv_min']} to {ev['dx_conv_max']} outputs",
            "eq. {eq}`eq-fc-dx`, eq. {eq}`eq-conv-dx`",
        ),
        Takeaway(
            "Receptive field, read off the backward pass",
            f"a one-hot $\\mathrm{{d}}y$ lights up {ev['fc_rf']} pixels for FC, "
            f"{ev['conv_rf']} for a 3×3 conv",
            "{numref}`fig-receptive-fields`",
        ),
        Takeaway(
            "Convolution is translation equivariant; FC is not",
            f"shifting the input shifts a stride-1 conv output exactly (difference {ev['shift_conv']:.1f} "
            "away from the border; with stride $s$ only for shifts by multiples of $s$, and a 2×2 "
            f"max-pool is not equivariant to a one-pixel shift); the FC output changes by up to "
            f"{ev['shift_fc']:.2f}",
            "eq. {eq}`eq-equivariance`, {term}`translation equivariance`",
        ),
        Takeaway(
            "Parameter counts: conv does not grow with the image",
            f"$k_h k_w C_\\text{{in}} C_\\text{{out}} + C_\\text{{out}}$; AlexNet's first layer has "
            f"{ev['alex_shared']:,} with sharing, {ev['alex_unshared']:,} without",
            "eq. {eq}`eq-param-counts`, {ref}`params-alexnet`",
        ),
        Takeaway(
            "A convolution is a sparse, tied FC layer",
            f"for 224×224, 3×3, 3 → 64: M has {ev['m_entries']:,} entries, {ev['m_nonzeros']:,} nonzeros "
            f"and {ev['m_distinct']:,} distinct values",
            "{numref}`fig-conv-matrix-tying`, {ref}`matrix-counts`",
        ),
        Takeaway(
            "The input gradient is a transposed convolution",
            f"$\\mathrm{{d}}x = M^\\top \\mathrm{{d}}y$: insert $s - 1$ zeros between the entries of "
            f"$\\mathrm{{d}}y$, full-convolve, crop the padding; the stride-2 transposed convolution (an "
            f"upsampling layer, {ev['tconv_from']}×{ev['tconv_from']} → {ev['tconv_to']}×{ev['tconv_to']}) "
            f"equals the conv's $\\mathrm{{d}}x$ (largest difference {ev['tconv_err']:.1g})",
            "eq. {eq}`eq-stride-dx`, {ref}`transposed-conv`",
        ),
        Takeaway(
            "A convolution is an FC layer on patches (im2col)",
            f"with its {ev['im2col_patches']} patches as the columns of a {ev['im2col_rows']}-row matrix, "
            f"$Y = W_\\text{{flat}}\\,\\text{{cols}}$ and the batched FC gradient "
            f"$\\mathrm{{d}}Y\\,\\text{{cols}}^\\top$ is the kernel gradient (largest difference "
            f"{ev['im2col_err']:.1g})",
            "eq. {eq}`eq-im2col-backward`, {ref}`im2col`",
        ),
        Takeaway(
            "The backward pass costs two forward passes",
            f"$\\mathrm{{d}}x$ and $\\mathrm{{d}}w$ are each one matrix product the size of the forward "
            f"pass: a 3×3 layer from 3 to 64 channels on a 224×224 image does {ev['cost'].forward:,} "
            f"multiply-adds forward and {ev['cost'].backward:,} backward, and keeps an im2col matrix of "
            f"{ev['cost_cols'][0]} × {ev['cost_cols'][1]:,} values per image for it",
            "eq. {eq}`eq-three-products`, {ref}`backward-memory`",
        ),
        Takeaway(
            "Locality or sharing?",
            f"the window (locality) cuts AlexNet's first-layer multiply-adds {ev['lc_macs']:,.0f}-fold; "
            f"one kernel everywhere (sharing) cuts its parameters another {ev['lc_sharing']:,.0f}-fold, "
            "makes the gradient a sum over positions and the layer shift-equivariant (untied, the "
            f"shifted output differs by {ev['lc_shift_local']:.2f} of the largest output), and makes "
            f"SGD steps steadier (efficiency {ev['lc_eff']['conv - local'].text('.2f')} higher than "
            f"untied, over {ev['lc_eff']['conv - local'].n} teachers)",
            "{ref}`locality-verdict`",
        ),
    ]


def takeaways_table(rows: list[Takeaway]) -> str:
    """Markdown table of the takeaways; raises ``ValueError`` if a row links to no evidence."""
    for row in rows:
        if not ROLE.search(row.evidence):
            raise ValueError(f"takeaway {row.point!r} must link to its evidence, got {row.evidence!r}")
    return markdown_table(["Point", "What the book computes", "Evidence"], [tuple(r) for r in rows])
