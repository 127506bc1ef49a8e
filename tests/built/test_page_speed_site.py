"""tools/fcconv_site's pass over the written pages, on the built site, in Debian's Chromium.

On every TOC page, the search page, the index and the 404 page:

* one stylesheet, the bundle, which exists and holds every rule the theme's stylesheets had;
* no external script in ``<head>`` blocks rendering;
* the theme's colour mode is decided before any stylesheet applies (``data-theme`` is
  ``light`` or ``dark`` when the first script after the head runs, never ``auto``);
* the KaTeX fonts the page preloads are exactly the fonts its equations use once the whole
  page has been rendered (a preload nobody uses wastes a phone's bandwidth; a font used but
  not preloaded moves the text when it arrives).

And the theme's scrollable blocks keep their tab stop: at 360 px a code block wider than the
screen gets ``tabIndex`` 0, a narrow one does not. The exercises' solutions fold without a script:
closed from the first paint, opened by a click or by the keyboard, open when printed.
"""

from __future__ import annotations

import re

import pytest
from bookbuild import toc_files
from fcconv_site import assets, pages

PAGES = [f"{doc}.html" for doc in toc_files()] + ["search.html", "genindex.html", "404.html"]


@pytest.mark.parametrize("path", PAGES)
def test_one_stylesheet_and_no_blocking_script(site, path):
    text = site.path(path.removesuffix(".html")).read_text(encoding="utf-8")
    head = text[: text.index("</head>")]
    sheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*>', head)
    assert len(sheets) == 1, f"{path}: {len(sheets)} stylesheets: {sheets}"
    name = re.search(r'_static/(styles-[0-9a-f]{12}\.css)"', sheets[0])
    assert name, f"{path}: the stylesheet is not the bundle: {sheets[0]}"
    assert (site.html / "_static" / name.group(1)).is_file()
    assert pages.blocking_scripts(pages.parse(text)) == [], path


def test_the_bundle_holds_every_theme_stylesheet(site):
    (bundle,) = sorted((site.html / "_static").glob("styles-*.css"))
    text = bundle.read_text(encoding="utf-8")
    for part in (
        "basic.css",
        "styles/bootstrap.css",
        "styles/pydata-sphinx-theme.css",
        "katex/katex.min.css",
        "fcconv.css",
    ):
        assert f"/* {part} */" in text or part == "basic.css", part
    # basic.css was @import-ed by theme.css: its rules are inlined, the import is gone
    assert "@import" not in text and "div.sphinxsidebarwrapper" in text
    # every url() in the bundle points at a file that exists
    for url in set(re.findall(r"""url\(['"]?([^'")]+)['"]?\)""", text)):
        if not url.startswith(("data:", "#")):
            assert (bundle.parent / url.split("?")[0].split("#")[0]).is_file(), url


@pytest.mark.parametrize("name", sorted(assets.PATCHES))
def test_the_served_scripts_are_patched(site, name):
    js = (site.html / "_static" / name).read_text(encoding="utf-8")
    assert assets.patch_script(name, js) == js and assets.PATCHES[name][0][1] in js


_LOADED_FONTS = """async () => {
  // Render every part of the page (scrolling through it), then list the fonts in use.
  for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
    window.scrollTo(0, y);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  }
  await document.fonts.ready;
  return [...document.fonts].filter(f => f.status === "loaded" && f.family.startsWith("KaTeX"))
    .map(f => [f.family, f.weight === "normal" ? "400" : f.weight === "bold" ? "700" : f.weight, f.style]);
}"""


@pytest.mark.parametrize("path", PAGES)
def test_preloaded_fonts_are_the_fonts_used(browser, server, site, path):
    css = (site.html / "_static" / assets.KATEX_CSS).read_text(encoding="utf-8")
    faces, _ = assets.katex_fonts(css)
    text = site.path(path.removesuffix(".html")).read_text(encoding="utf-8")
    preloaded = {
        u.rsplit("/", 1)[-1] for u in re.findall(r'<link rel="preload" href="([^"]+)" as="font"', text)
    }
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.goto(f"{server}/{path}", wait_until="load")
    used = {faces[tuple(f)].rsplit("/", 1)[-1] for f in page.evaluate(_LOADED_FONTS)}
    context.close()
    assert preloaded == used, f"{path}: preloaded {sorted(preloaded)}, used {sorted(used)}"


@pytest.mark.parametrize("path", ["book/gradients.html", "search.html", "404.html"])
def test_theme_is_light_or_dark_before_the_first_script(browser, server, path):
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.add_init_script(
            "document.addEventListener('readystatechange', () => {"
            " if (!window.__theme) window.__theme = document.documentElement.dataset.theme; });"
        )
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("load")
        first = page.evaluate("window.__theme")
        context.close()
        assert first == scheme, f"{scheme} system setting: data-theme was {first!r} on the first state change"


def test_wide_code_blocks_keep_their_tab_stop(browser, server):
    """Shown blocks get theirs on load; a folded cell's block gets it when the reader opens it."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server}/book/conv_layer_backward.html")
    page.wait_for_load_state("load")
    stops = """() => [...document.querySelectorAll('div.cell_input pre')].map(e =>
                 [e.scrollWidth > e.clientWidth, e.tabIndex, !!e.closest('details:not([open])')])"""
    page.wait_for_function(f"({stops})().some(([wide, tab, folded]) => wide && !folded && tab === 0)")
    shown = [(wide, tab) for wide, tab, folded in page.evaluate(stops) if not folded]
    folded = [tab for _, tab, is_folded in page.evaluate(stops) if is_folded]
    assert sum(wide for wide, _ in shown) >= 3 and folded, page.evaluate(stops)
    assert all(tab == (0 if wide else -1) for wide, tab in shown), shown
    assert set(folded) == {-1}  # not rendered: no tab stop into a closed fold
    page.locator("details:not([open]) summary").first.click()
    page.wait_for_function(
        "(() => { const p = document.querySelector('details[open] div.cell_input pre');"
        " return p && p.scrollWidth > p.clientWidth && p.tabIndex === 0; })()"
    )
    context.close()


def test_solutions_fold_without_a_script(browser, server, site):
    """Seven closed <details> on the exercises page, no togglebutton; mouse, keyboard and print open them."""
    assert "togglebutton.js" not in site.path("book/exercises").read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/book/exercises.html", wait_until="load")
    state = """() => [...document.querySelectorAll('.solution')].map(d => [d.tagName, d.open,
        d.querySelector('.cell_output').checkVisibility()])"""
    assert page.evaluate(state) == [["DETAILS", False, False]] * 7
    assert page.locator(".toggle-button").count() == 0
    summaries = page.locator("details.solution > summary")
    summaries.nth(0).click()
    summaries.nth(1).focus()
    page.keyboard.press("Enter")
    summaries.nth(2).focus()
    page.keyboard.press("Space")
    assert [open_ for _, open_, _ in page.evaluate(state)] == [True] * 3 + [False] * 4
    assert all(shown for _, open_, shown in page.evaluate(state) if open_)
    hint = "(n) => getComputedStyle(document.querySelectorAll('.fold-hint')[n], '::before').content"
    assert page.evaluate(hint, 0) == '"Click to hide"' and page.evaluate(hint, 3) == '"Click to show"'
    # screen readers hear the title and its state from the <summary>, not the drawn hint
    snapshot = page.locator("details.solution").nth(3).aria_snapshot()
    assert (
        re.search(r"Solution to Exercise \d+\.4\b", snapshot) and "Click to" not in snapshot
    )  # chapter number as the TOC gives it
    summaries.nth(0).click()  # and closes again
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    assert [open_ for _, open_, _ in page.evaluate(state)] == [True] * 7
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    assert [open_ for _, open_, _ in page.evaluate(state)] == [False, True, True] + [False] * 4
    context.close()
