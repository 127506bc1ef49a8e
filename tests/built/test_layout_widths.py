"""Widths a reader meets on every TOC page: no sideways scrolling of code, no clipped equations.

* desktop (1280 px): no code block (cell source or printed output, ``div.highlight pre``) is
  wider than its column, i.e. none scrolls sideways;
* phone (360 px): no display equation is wider than the page, and none is clipped inside its
  own box. Display math is found render-agnostically (MathJax's ``mjx-container[display]``,
  KaTeX's ``.katex-display``, Sphinx's ``div.math``), measured by the right edge of everything
  drawn inside it.
"""

from __future__ import annotations

import pytest
from test_browser import DESKTOP, PAGES, PHONE, browser, server, visit  # noqa: F401  (fixtures)

WIDE_CODE_JS = """() => [...document.querySelectorAll('article div.highlight pre')]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => ({width: pre.scrollWidth, column: pre.clientWidth,
                  line: pre.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '')}))"""

WIDE_MATH_JS = """() => {
    const page = document.documentElement.clientWidth, out = [];
    const boxes = [...document.querySelectorAll(
        'article div.math, article .katex-display, article mjx-container[display="true"]')];
    const outer = boxes.filter(b => !boxes.some(o => o !== b && o.contains(b)));
    for (const box of outer) {
        // MathJax's assistive MathML and KaTeX's MathML are clipped off screen on purpose: skip them
        const drawn = [box, ...box.querySelectorAll('*')].filter(el => !el.closest('mjx-assistive-mml, .katex-mathml'));
        const clipped = drawn.some(el => el.scrollWidth > el.clientWidth + 1
            && /(auto|scroll|hidden)/.test(getComputedStyle(el).overflowX));
        let right = box.getBoundingClientRect().right;
        for (const el of drawn) {
            const r = el.getBoundingClientRect();
            if (r.width) right = Math.max(right, r.right);
        }
        if (right > page + 1 || clipped)
            out.push({right: Math.round(right), page, clipped,
                      tex: (box.getAttribute('data-latex') || box.textContent).slice(0, 80)});
    }
    return out;
}"""


@pytest.mark.parametrize("doc", PAGES)
def test_no_code_block_scrolls_sideways_at_desktop_width(visit, doc):  # noqa: F811
    v = visit(doc, viewport=DESKTOP)
    wide = v.page.evaluate(WIDE_CODE_JS)
    assert not wide, f"{doc}: {len(wide)} code blocks wider than their column at 1280 px: " + "; ".join(
        f"{w['width']} > {w['column']} px: {w['line'].strip()[:90]!r}" for w in wide[:8]
    )


@pytest.mark.parametrize("doc", PAGES)
def test_no_display_equation_is_wider_than_a_phone(visit, doc):  # noqa: F811
    v = visit(doc, viewport=PHONE)
    n = v.page.evaluate(
        "document.querySelectorAll('article div.math, article .katex-display, "
        'article mjx-container[display="true"]\').length'
    )
    wide = v.page.evaluate(WIDE_MATH_JS)
    assert not wide, f"{doc}: {len(wide)} of {n} display equations too wide at 360 px: " + "; ".join(
        f"right edge {w['right']} of {w['page']} px{' (clipped)' if w['clipped'] else ''}: {w['tex']!r}"
        for w in wide[:8]
    )
