"""tests/glossary_check.py: the first use of a glossary term on a page must be a link."""

from __future__ import annotations

from glossary_check import first_uses, term_forms

TERMS = {"receptive field": "term-receptive-field", "stride": "term-stride", "FC layer": "term-FC-layer"}
LINK = '<a class="reference internal" href="glossary.html#{}"><span class="xref std std-term">{}</span></a>'


def page(body: str) -> str:
    return f"<html><body><article>{body}</article></body></html>"


def test_linked_first_use_passes_and_later_plain_uses_are_fine():
    html = page(
        f"<p>Its {LINK.format('term-receptive-field', 'receptive field')} is small.</p><p>receptive field</p>"
    )
    assert first_uses(html, TERMS) == {"receptive field": (True, "receptive field")}


def test_unlinked_first_use_is_reported_even_if_a_later_use_is_linked():
    html = page(
        f"<p>The receptive fields grow.</p><p>{LINK.format('term-receptive-field', 'receptive field')}</p>"
    )
    linked, context = first_uses(html, TERMS)["receptive field"]
    assert not linked and "receptive fields grow" in context


def test_headings_code_maths_and_outputs_do_not_count():
    html = page(
        "<h2>Stride and padding</h2><p><code>stride=2</code></p><p><span class='math'>stride</span></p>"
        "<div class='cell_output'><p>FC layer</p></div>"
    )
    assert first_uses(html, TERMS) == {}


def test_forms_and_line_breaks():
    assert "receptive fields" in term_forms("receptive field")
    assert "fully connected layer" in term_forms("FC layer")
    html = page("<p>a fully connected\nlayer</p>")
    assert first_uses(html, TERMS)["FC layer"][0] is False
