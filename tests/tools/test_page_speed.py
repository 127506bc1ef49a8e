"""tools/page_speed.py on sample markup: what each edit changes, and what it must leave alone.

The built site is checked in a browser by ``tests/built/test_page_speed_site.py``.
"""

from __future__ import annotations

import page_speed
import pytest

HEAD = """<html><head>
<script data-cfasync="false">
    document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";
    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";
</script>
<link href="../_static/styles/theme.css?digest=abc" rel="stylesheet" />
<link rel="stylesheet" type="text/css" href="../_static/katex/katex.min.css?v=1" />
<link rel="stylesheet" type="text/css" href="../_static/fcconv.css?v=2" />
<link rel="preload" as="image" href="../_static/logo.svg" />
<script src="../_static/documentation_options.js?v=1"></script>
<script src="../_static/doctools.js?v=9"></script>
<script src="../_static/togglebutton.js?v=3"></script>
<script src="../_static/design-tabs.js?v=4"></script>
<script src="../_static/already.js" defer></script>
<script>DOCUMENTATION_OPTIONS.pagename = 'book/x';</script>
</head><body>{body}</body></html>"""

KATEX_CSS = (
    "@font-face{font-family:KaTeX_AMS;font-style:normal;font-weight:400;src:url(fonts/KaTeX_AMS-Regular.woff2) "
    'format("woff2")}'
    "@font-face{font-family:KaTeX_Main;font-style:normal;font-weight:400;src:url(fonts/KaTeX_Main-Regular.woff2) "
    'format("woff2")}'
    "@font-face{font-family:KaTeX_Main;font-style:normal;font-weight:700;src:url(fonts/KaTeX_Main-Bold.woff2) "
    'format("woff2")}'
    "@font-face{font-family:KaTeX_Math;font-style:italic;font-weight:400;src:url(fonts/KaTeX_Math-Italic.woff2) "
    'format("woff2")}'
    "@font-face{font-family:KaTeX_Size1;font-style:normal;font-weight:400;src:url(fonts/KaTeX_Size1-Regular.woff2) "
    'format("woff2")}'
    ".katex{font:normal 1.21em KaTeX_Main,Times New Roman,serif}"
    ".katex .mathnormal{font-family:KaTeX_Math;font-style:italic}"
    ".katex .mathbf{font-family:KaTeX_Main;font-weight:700}"
    ".katex .amsrm,.katex .mathbb,.katex .textbb{font-family:KaTeX_AMS}"
    ".katex .delimsizing.size1{font-family:KaTeX_Size1}"
    ".katex .delimsizing.mult .delim-size1>span{font-family:KaTeX_Size1}"
)


@pytest.fixture
def static(tmp_path):
    root = tmp_path / "_static"
    (root / "styles").mkdir(parents=True)
    (root / "katex").mkdir()
    (root / "basic.css").write_text(
        "div.body{min-width:360px}ul.search li{background:url(file.png)}", encoding="utf-8"
    )
    (root / "styles" / "theme.css").write_text(
        '@import "../basic.css";\n.icon{background:url(../img/i.svg)}', encoding="utf-8"
    )
    (root / "katex" / "katex.min.css").write_text(KATEX_CSS, encoding="utf-8")
    (root / "fcconv.css").write_text(
        '.a{background:url("data:image/svg+xml;x")}.b{background:url(https://x.org/a.png)}', encoding="utf-8"
    )
    return root


# ------------------------------------------------------------------------ stylesheets


def test_bundle_keeps_order_inlines_imports_and_rewrites_urls(static):
    page = HEAD.format(body="<p>text</p>")
    new, name, text = page_speed.bundle_stylesheets(page, static)
    assert name.startswith("styles-") and name.endswith(".css") and len(name) == len("styles-") + 12 + 4
    assert new.count('rel="stylesheet"') == 1
    assert f'<link rel="stylesheet" href="../_static/{name}" />' in new
    # the other links and every script stay where they were
    assert '<link rel="preload" as="image" href="../_static/logo.svg" />' in new
    assert new.replace(f'<link rel="stylesheet" href="../_static/{name}" />\n', "") == "".join(
        line for line in page.splitlines(keepends=True) if 'rel="stylesheet"' not in line
    )
    order = [text.index(marker) for marker in ("styles/theme.css", "katex/katex.min.css", "fcconv.css")]
    assert order == sorted(order)
    assert "@import" not in text and "div.body{min-width:360px}" in text
    assert text.index("div.body") < text.index(".icon")  # the import sits where it was
    assert "url(img/i.svg)" in text  # ../img/i.svg seen from styles/ -> img/i.svg in _static/
    assert "url(file.png)" in text  # basic.css sits in _static/: its url is rewritten once only
    assert "url(katex/fonts/KaTeX_AMS-Regular.woff2)" in text
    assert 'url("data:image/svg+xml;x")' in text and "url(https://x.org/a.png)" in text


def test_bundle_name_follows_the_content(static):
    page = HEAD.format(body="")
    _, first, _ = page_speed.bundle_stylesheets(page, static)
    _, again, _ = page_speed.bundle_stylesheets(page, static)
    (static / "fcconv.css").write_text(".a{color:red}", encoding="utf-8")
    _, changed, _ = page_speed.bundle_stylesheets(page, static)
    assert first == again and changed != first


def test_bundle_root_prefix_and_pages_without_stylesheets(static):
    page = '<html><head><link href="/_static/fcconv.css" rel="stylesheet" /></head><body></body></html>'
    new, name, _ = page_speed.bundle_stylesheets(page, static)
    assert f'href="/_static/{name}"' in new
    bare = '<html><head><meta http-equiv="Refresh" content="0; url=book/intro.html" /></head></html>'
    assert page_speed.bundle_stylesheets(bare, static) == (bare, None, None)


def test_bundle_rejects_a_missing_stylesheet_and_an_import_cycle(static):
    page = '<html><head><link href="../_static/nothere.css" rel="stylesheet" /></head></html>'
    with pytest.raises(ValueError, match=r"nothere\.css does not exist"):
        page_speed.bundle_stylesheets(page, static)
    (static / "fcconv.css").write_text('@import "fcconv.css";', encoding="utf-8")
    with pytest.raises(ValueError, match="import cycle"):
        page_speed.stylesheet_text(static, "fcconv.css")


# ---------------------------------------------------------------------------- scripts


def test_defer_inlines_options_and_defers_every_head_script():
    page = HEAD.format(body='<div class="sd-tab-set"></div><div class="toggle docutils"></div>')
    assert page_speed.blocking_head_scripts(page) == [
        "../_static/documentation_options.js?v=1",
        "../_static/doctools.js?v=9",
        "../_static/togglebutton.js?v=3",
        "../_static/design-tabs.js?v=4",
    ]
    new = page_speed.defer_head_scripts(page, "const DOCUMENTATION_OPTIONS = {VERSION: '1'};\n")
    assert page_speed.blocking_head_scripts(new) == []
    assert "<script>const DOCUMENTATION_OPTIONS = {VERSION: '1'};</script>" in new
    assert new.index("const DOCUMENTATION_OPTIONS") < new.index("DOCUMENTATION_OPTIONS.pagename")
    assert '<script defer src="../_static/doctools.js?v=9"></script>' in new
    assert '<script src="../_static/already.js" defer></script>' in new  # untouched
    assert "togglebutton.js" in new and "design-tabs.js" in new  # the page uses them


def test_defer_drops_scripts_a_page_does_not_use():
    new = page_speed.defer_head_scripts(HEAD.format(body="<p>no tabs, no toggles</p>"), "var o = 1;")
    assert "togglebutton.js" not in new and "design-tabs.js" not in new
    assert "doctools.js" in new


def test_scripts_in_the_body_are_left_alone():
    page = HEAD.format(body='<script src="../_static/scripts/bootstrap.js"></script>')
    new = page_speed.defer_head_scripts(page, "var o = 1;")
    assert '<script src="../_static/scripts/bootstrap.js"></script>' in new


# ------------------------------------------------------------------------ colour theme


def test_theme_resolved_in_the_head_script():
    page = HEAD.format(body="")
    new = page_speed.resolve_theme_early(page)
    assert page_speed.THEME_LINE not in new and page_speed.EARLY_THEME_LINE in new
    assert '|| "auto";' in new  # the mode line stays: "auto" is a valid mode, not a theme
    assert page_speed.resolve_theme_early(new) == new


# ------------------------------------------------------------------------------ fonts


def test_fonts_used_follow_the_katex_classes():
    faces, rules = page_speed.katex_fonts(KATEX_CSS)
    assert faces[("KaTeX_Math", "400", "italic")] == "fonts/KaTeX_Math-Italic.woff2"
    plain = '<span class="katex"><span class="mord">1</span></span>'
    assert page_speed.fonts_used(plain, faces, rules) == ["fonts/KaTeX_Main-Regular.woff2"]
    rich = (
        '<span class="katex"><span class="mord mathnormal">x</span><span class="mord mathbb">R</span>'
        '<span class="delimsizing size1">(</span><span class="mord mathbf">W</span></span>'
    )
    assert page_speed.fonts_used(rich, faces, rules) == [
        "fonts/KaTeX_AMS-Regular.woff2",
        "fonts/KaTeX_Main-Bold.woff2",
        "fonts/KaTeX_Main-Regular.woff2",
        "fonts/KaTeX_Math-Italic.woff2",
        "fonts/KaTeX_Size1-Regular.woff2",
    ]
    # classes of two different elements do not add up to one rule's selector
    split = '<span class="katex"><span class="delimsizing">(</span><span class="size1">x</span></span>'
    assert page_speed.fonts_used(split, faces, rules) == ["fonts/KaTeX_Main-Regular.woff2"]
    assert page_speed.fonts_used("<p>no maths</p>", faces, rules) == []


def test_katex_fonts_rejects_a_stylesheet_without_fonts():
    with pytest.raises(ValueError, match="no KaTeX"):
        page_speed.katex_fonts(".a{color:red}")


def test_preload_links_follow_the_stylesheet():
    page = '<head><link rel="stylesheet" href="../_static/s.css" />\n<script>1</script></head>'
    new = page_speed.preload_fonts(page, ["../_static/katex/fonts/A.woff2"])
    assert new == (
        '<head><link rel="stylesheet" href="../_static/s.css" />\n'
        '<link rel="preload" href="../_static/katex/fonts/A.woff2" as="font" type="font/woff2" crossorigin />\n'
        "<script>1</script></head>"
    )
    assert page_speed.preload_fonts(page, []) == page


def test_speed_up_puts_it_together(static):
    page = HEAD.format(body='<span class="katex"><span class="mord mathnormal">x</span></span>')
    new, bundles = page_speed.speed_up(
        page, static, "var DOCUMENTATION_OPTIONS = {};", page_speed.katex_fonts(KATEX_CSS)
    )
    (name,) = bundles
    assert new.count('rel="stylesheet"') == 1 and page_speed.blocking_head_scripts(new) == []
    assert new.count('rel="preload" href="../_static/katex/fonts/') == 2
    assert new.index(name) < new.index("KaTeX_Main-Regular.woff2")


# ----------------------------------------------------------------------- theme script


def test_patch_theme_script_replaces_the_tab_stop_loop_once():
    js = "function T(){const e=()=>{" + page_speed.TAB_STOPS_OLD + "},t=1;e()}"
    new = page_speed.patch_theme_script(js)
    assert page_speed.TAB_STOPS_OLD not in new and "ResizeObserver" in new
    assert page_speed.patch_theme_script(new) == new
    with pytest.raises(ValueError, match="tab-stop loop"):
        page_speed.patch_theme_script("function T(){}")


FOLDS = """<section><div class="exercise admonition" id="ex-1">
<p class="admonition-title">Exercise 9.1</p><p>Count.</p></div>
<div class="solution dropdown admonition" id="book/x-solution-1">
<p class="admonition-title">Solution to<a class="reference internal" href="#ex-1"> Exercise 9.1</a></p>
<section id="solution-content"><div class="cell docutils container"><div class="cell_input">
<pre>x = "&lt;div&gt;"</pre></div><div class="cell_output"><p>done</p></div></div>
<p>After the cell.</p></section>
</div>
<p>Between.</p>
<div class="admonition dropdown note"><p class="admonition-title">More</p><div><div></div></div></div>
</section>"""


def test_native_folds_turn_dropdown_admonitions_into_details():
    new, count = page_speed.native_folds(HEAD.format(body=FOLDS))
    assert count == 2 and page_speed.unfolded_dropdowns(new) == 0
    body = new[new.index("<body>") :]
    # the whole admonition, nested divs included, is inside its <details>; what follows is not
    first = body[body.index('<details class="solution admonition fold" id="book/x-solution-1">') :]
    first = first[: first.index("</details>")]
    assert "After the cell." in first and 'x = "&lt;div&gt;"' in first and "Between." not in first
    assert first.count("<div") == first.count("</div>")
    # the title is the summary, its link plain text, followed by the hint; no class "dropdown" left
    assert (
        f'<summary class="admonition-title">Solution to Exercise 9.1{page_speed.FOLD_HINT}</summary>' in first
    )
    assert '<details class="admonition note fold"><summary class="admonition-title">More' in body
    assert "dropdown" not in body and body.count("<details") == body.count("</details>") == 2
    assert body.count(page_speed.FOLD_PRINT_JS) == 1 and body.index(page_speed.FOLD_PRINT_JS) > body.index(
        "</section>"
    )
    # an admonition that does not fold is left alone
    assert '<div class="exercise admonition" id="ex-1">\n<p class="admonition-title">Exercise 9.1</p>' in body
    # and togglebutton.js is no longer needed
    assert "togglebutton.js" not in page_speed.defer_head_scripts(new, "var o = 1;")


def test_native_folds_leaves_a_page_without_dropdowns_unchanged_and_rejects_a_broken_one():
    page = HEAD.format(body='<div class="note admonition"><p class="admonition-title">N</p></div>')
    assert page_speed.native_folds(page) == (page, 0)
    assert page_speed.unfolded_dropdowns(HEAD.format(body=FOLDS)) == 2
    with pytest.raises(ValueError, match="no closing </div>"):
        page_speed.native_folds(
            HEAD.format(body=FOLDS.replace("</div>\n<p>Between.", "\n<p>Between.").rsplit("</div>", 4)[0])
        )
