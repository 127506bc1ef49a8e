"""The key-takeaways rows (lessons_code.takeaways): recomputed evidence, a link in every row."""

import pytest

from lessons_code.pages import takeaways


@pytest.fixture(scope="module")
def evidence():
    return takeaways.compute_evidence()


@pytest.mark.slow  # compute_evidence reruns the studies of three chapters
def test_evidence_numbers(evidence):
    assert (evidence["fc_rf"], evidence["conv_rf"]) == (36, 9)
    assert evidence["shift_conv"] == 0.0 and evidence["shift_fc"] > 1.0
    assert evidence["fc_dw_rank"] == 1 and evidence["tied_matches"]
    assert (evidence["products_6x6"], evidence["products_224"]) == (16, 224 * 224)
    assert (evidence["dx_fc"], evidence["dx_conv_min"], evidence["dx_conv_max"]) == (16, 1, 9)
    assert (evidence["p_fc1000"], evidence["p_conv3"]) == (150_529_000, 1792)
    assert (evidence["alex_shared"], evidence["alex_unshared"]) == (34_944, 105_705_600)
    assert (evidence["m_entries"], evidence["m_nonzeros"], evidence["m_distinct"]) == (
        483_385_147_392,
        86_188_800,
        1728,
    )
    assert evidence["fc50_test"] > 10 * evidence["conv50_test"]
    assert evidence["noise_fc"] > 2 * evidence["noise_conv"]
    assert evidence["tconv_err"] < 1e-12 and (evidence["tconv_from"], evidence["tconv_to"]) == (4, 8)
    assert (evidence["im2col_rows"], evidence["im2col_patches"]) == (27, 32) and evidence[
        "im2col_err"
    ] < 1e-12
    assert evidence["fc50_clean"] > 0.9 * evidence["fc50_test"]
    assert evidence["eff_conv"] > 2 * evidence["eff_fc"] and evidence["eff_real"]
    assert evidence["smooth_corr"] > 0.3 > evidence["smooth_corr_shuffled"]
    assert takeaways.compute_evidence() == evidence  # deterministic


@pytest.mark.slow
def test_rows_cover_the_seed_points_and_more_each_with_a_link(evidence):
    rows = takeaways.takeaway_rows(evidence)
    points = [r.point for r in rows]
    for seed_point in (
        "FC layers mix all inputs globally",
        "Conv layers learn local patterns and share them",
        "FC gradients are outer products",
        "Conv gradients accumulate from many positions",
    ):
        assert seed_point in points
    assert len(rows) >= 8
    for topic in ("Input gradients", "Receptive field", "translation equivariant", "Parameter counts"):
        assert any(topic in p for p in points), topic
    assert all(takeaways.ROLE.search(r.evidence) for r in rows)
    by_point = {r.point: r for r in rows}
    assert "1,728" in by_point["A convolution is a sparse, tied FC layer"].meaning
    assert "34,944" in by_point["Parameter counts: conv does not grow with the image"].meaning
    assert "4×4 → 8×8" in by_point["The input gradient is a transposed convolution"].meaning
    assert "transposed-conv" in by_point["The input gradient is a transposed convolution"].evidence
    assert "eq-im2col-backward" in by_point["A convolution is an FC layer on patches (im2col)"].evidence
    cost = by_point["The backward pass costs two forward passes"]
    assert "86,704,128" in cost.meaning and "173,408,256" in cost.meaning and "27 × 50,176" in cost.meaning
    table = takeaways.takeaways_table(rows)
    assert len(table.splitlines()) == 2 + len(rows)


@pytest.mark.slow
def test_a_row_without_a_link_is_refused(evidence):
    rows = takeaways.takeaway_rows(evidence)
    bad = rows[0]._replace(evidence="see the geometry chapter")
    with pytest.raises(ValueError, match="must link to its evidence"):
        takeaways.takeaways_table([*rows, bad])


# --- the built pages -------------------------------------------------------------------------


def test_pages_are_in_the_toc_in_order():
    """Each page builds on the ones before it: geometry, gradients, gradient flow, the matrix view,
    then parameters (which uses the matrix view), experiments, exercises and the takeaways. Other
    pages may sit between them (a chapter, an explorer) or after them (references, glossary)."""
    from bookbuild import toc_files

    files = toc_files()
    lesson = [
        "book/intro",
        "book/geometry",
        "book/gradients",
        "book/gradient_flow",
        "book/conv_as_matrix",
        "book/parameters",
        "book/experiments",
        "book/exercises",
        "book/takeaways",
    ]
    for page in lesson:
        assert page in files, page
    positions = [files.index(page) for page in lesson]
    assert positions == sorted(positions), [files[i] for i in sorted(positions)]
    # the last page of the lesson; the "Reference" part (glossary, references, what's new) follows it
    lessons = [f for f in files if f not in ("book/glossary", "book/references", "book/whats_new")]
    assert lessons[-1] == "book/takeaways"
