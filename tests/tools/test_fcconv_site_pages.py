"""tools/fcconv_site/pages.py on sample markup: what each edit of the one pass changes, and what
it must leave alone. The built site is checked in a browser by tests/built/test_page_speed_site.py."""

from __future__ import annotations

import struct
import zlib

import pytest
from fcconv_site import assets, pages

HEAD = """<html><head>
<link href="../_static/styles/theme.css?digest=abc" rel="stylesheet" />
<link rel="stylesheet" type="text/css" href="../_static/katex/katex.min.css?v=1" />
<link rel="stylesheet" type="text/css" href="../_static/fcconv.css?v=2" />
<link rel="preload" as="image" href="../_static/logo.svg" />
<script src="../_static/documentation_options.js?v=1"></script>
<script src="../_static/doctools.js?v=9"></script>
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
    (root / "basic.css").write_text("div.body{min-width:360px}ul.search li{background:url(file.png)}")
    (root / "styles" / "theme.css").write_text('@import "../basic.css";\n.icon{background:url(../img/i.svg)}')
    (root / "katex" / "katex.min.css").write_text(KATEX_CSS)
    (root / "fcconv.css").write_text(
        '.a{background:url("data:image/svg+xml;x")}.b{background:url(https://x.org/a.png)}'
    )
    return root


def polish(page, static, katex=None):
    return pages.polish(
        page, static.parent / "p.html", static.parent, "var O = 1;", lambda p: assets.bundle(static, p), katex
    )


# ------------------------------------------------------------------------ stylesheets


def test_one_bundle_in_place_of_the_stylesheets(static):
    new, (name, text) = polish(HEAD.format(body="<p>text</p>"), static)
    soup = pages.parse(new)
    assert [link["href"] for link in soup.select('link[rel~="stylesheet"]')] == [f"../_static/{name}"]
    assert soup.select_one('link[rel="preload"]')["href"] == "../_static/logo.svg"  # other links stay
    order = [text.index(marker) for marker in ("styles/theme.css", "katex/katex.min.css", "fcconv.css")]
    assert order == sorted(order)
    assert "@import" not in text and text.index("div.body") < text.index(".icon")  # inlined in place
    assert "url(img/i.svg)" in text and "url(file.png)" in text  # relative to _static/, rewritten once
    assert "url(katex/fonts/KaTeX_AMS-Regular.woff2)" in text
    assert 'url("data:image/svg+xml;x")' in text and "url(https://x.org/a.png)" in text


def test_bundle_name_follows_the_content(static):
    first = assets.bundle(static, ["fcconv.css"])[0]
    assert assets.bundle(static, ["fcconv.css"])[0] == first and len(first) == len("styles-.css") + 12
    (static / "fcconv.css").write_text(".a{color:red}")
    assert assets.bundle(static, ["fcconv.css"])[0] != first


def test_root_prefix_and_pages_without_stylesheets(static):
    page = '<html><head><link href="/_static/fcconv.css" rel="stylesheet" /></head><body></body></html>'
    new, (name, _) = polish(page, static)
    assert f'href="/_static/{name}"' in new
    bare = '<meta http-equiv="Refresh" content="0; url=book/intro.html" />'
    assert polish(bare, static) == (bare, None)


def test_bundle_rejects_a_missing_stylesheet_and_an_import_cycle(static):
    with pytest.raises(ValueError, match=r"nothere\.css does not exist"):
        polish('<html><head><link href="../_static/nothere.css" rel="stylesheet" /></head></html>', static)
    (static / "fcconv.css").write_text('@import "fcconv.css";')
    with pytest.raises(ValueError, match="import cycle"):
        assets.stylesheet_text(static, "fcconv.css")


# ---------------------------------------------------------------------------- scripts


def test_options_inlined_head_scripts_deferred_unused_ones_dropped(static):
    page = HEAD.format(body='<script src="../_static/scripts/bootstrap.js"></script>')
    assert len(pages.blocking_scripts(pages.parse(page))) == 3
    new, _ = polish(page, static)
    soup = pages.parse(new)
    assert pages.blocking_scripts(soup) == [] and pages.check(new) == []
    inline = [s.string for s in soup.head.find_all("script", src=False)]
    assert inline == ["var O = 1;", "DOCUMENTATION_OPTIONS.pagename = 'book/x';"]  # in this order
    assert "defer" in soup.head.find("script", src="../_static/doctools.js?v=9").attrs
    assert "design-tabs.js" not in new  # no tab set on this page
    assert soup.body.find("script")["src"] == "../_static/scripts/bootstrap.js"  # body scripts: untouched
    assert "defer" not in soup.body.find("script").attrs
    tabs, _ = polish(HEAD.format(body='<div class="sd-tab-set"></div>'), static)
    assert "design-tabs.js" in tabs


# ------------------------------------------------------------------------------ fonts


def test_fonts_used_follow_the_katex_classes():
    faces, rules = assets.katex_fonts(KATEX_CSS)
    assert faces[("KaTeX_Math", "400", "italic")] == "fonts/KaTeX_Math-Italic.woff2"

    def used(markup):
        return pages.fonts_used(pages.parse(markup), faces, rules)

    assert used('<span class="katex"><span class="mord">1</span></span>') == [
        "fonts/KaTeX_Main-Regular.woff2"
    ]
    rich = (
        '<span class="katex"><span class="mord mathnormal">x</span><span class="mord mathbb">R</span>'
        '<span class="delimsizing size1">(</span><span class="mord mathbf">W</span></span>'
    )
    assert used(rich) == [
        "fonts/KaTeX_AMS-Regular.woff2",
        "fonts/KaTeX_Main-Bold.woff2",
        "fonts/KaTeX_Main-Regular.woff2",
        "fonts/KaTeX_Math-Italic.woff2",
        "fonts/KaTeX_Size1-Regular.woff2",
    ]
    # classes of two different elements do not add up to one rule's selector
    split = '<span class="katex"><span class="delimsizing">(</span><span class="size1">x</span></span>'
    assert used(split) == ["fonts/KaTeX_Main-Regular.woff2"]
    assert used("<p>no maths</p>") == []


def test_katex_fonts_rejects_a_stylesheet_without_fonts():
    with pytest.raises(ValueError, match="no KaTeX"):
        assets.katex_fonts(".a{color:red}")


def test_fonts_preloaded_right_after_the_bundle(static):
    page = HEAD.format(body='<span class="katex"><span class="mord mathnormal">x</span></span>')
    new, _ = polish(page, static, (*assets.katex_fonts(KATEX_CSS), assets.KATEX_CSS))
    links = pages.parse(new).head.find_all("link")
    assert [link["rel"] for link in links[:4]] == [["stylesheet"], ["preload"], ["preload"], ["preload"]]
    assert [link["href"] for link in links[1:3]] == [
        "../_static/katex/fonts/KaTeX_Main-Regular.woff2",
        "../_static/katex/fonts/KaTeX_Math-Italic.woff2",
    ]
    assert links[1]["as"] == "font" and links[1]["type"] == "font/woff2" and "crossorigin" in links[1].attrs


# ------------------------------------------------------------------------------ folds

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


def test_dropdown_admonitions_become_details(static):
    new, _ = polish(HEAD.format(body=FOLDS), static)
    soup = pages.parse(new)
    first, second = soup.find_all("details")
    assert first["class"] == ["solution", "admonition", "fold"] and first["id"] == "book/x-solution-1"
    assert "After the cell." in first.get_text() and "Between." not in first.get_text()
    assert first.find("pre").get_text() == 'x = "<div>"'
    summary = first.find("summary", recursive=False)
    assert summary.get_text() == "Solution to Exercise 9.1" and summary.find("a") is None
    assert pages.write(summary.contents[-1]) == pages.FOLD_HINT
    assert second["class"] == ["admonition", "note", "fold"] and second.summary.get_text() == "More"
    assert "dropdown" not in new and pages.check(new) == []
    scripts = soup.body.find_all("script", string=pages.FOLD_PRINT_JS)
    assert len(scripts) == 1 and soup.body.contents[-1] is scripts[0]
    # an admonition that does not fold is left alone
    assert soup.find("div", id="ex-1").p["class"] == ["admonition-title"]


def test_a_page_without_folds_gets_no_print_script_and_a_fold_left_is_reported(static):
    new, _ = polish(
        HEAD.format(body='<div class="note admonition"><p class="admonition-title">N</p></div>'), static
    )
    assert "<details" not in new and "beforeprint" not in new
    assert pages.check(HEAD.format(body=FOLDS))[-2:] == ["a dropdown admonition was not made a <details>"] * 2
    with pytest.raises(ValueError, match="has no title"):
        polish(HEAD.format(body='<div class="admonition dropdown"><p>x</p></div>'), static)


# ----------------------------------------------------------------- images, names, landmarks


def _png(path, width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def test_images_get_sizes_and_all_but_the_first_article_image_lazy_loading(tmp_path):
    (tmp_path / "_images").mkdir()
    _png(tmp_path / "_images" / "a.png", 30, 20)
    _png(tmp_path / "_images" / "b.png", 7, 5)
    soup = pages.parse(
        '<img src="_images/a.png" class="logo" />'
        '<article class="bd-article"><img alt="first" src="_images/a.png" />'
        '<img alt="second" src="_images/b.png">'
        '<img alt="sized" src="_images/b.png" width="3" height="2" />'
        '<img alt="inline" src="data:image/png;base64,AAAA" /></article>'
    )
    pages.size_images(soup, tmp_path / "p.html")
    tags = [img.attrs for img in soup.find_all("img")]
    assert tags[0] == {
        "src": "_images/a.png",
        "class": ["logo"],
        "width": "30",
        "height": "20",
        "decoding": "async",
    }
    assert tags[1]["width"] == "30" and "loading" not in tags[1]  # the first of the article
    assert (tags[2]["width"], tags[2]["height"], tags[2]["loading"]) == ("7", "5", "lazy")
    assert (tags[3]["width"], tags[3]["height"]) == ("3", "2")  # given sizes are kept
    assert tags[4] == {"alt": "inline", "src": "data:image/png;base64,AAAA"}
    before = str(soup)
    pages.size_images(soup, tmp_path / "p.html")
    assert str(soup) == before  # idempotent


def test_image_size_reads_svg_sizes(tmp_path):
    svg = tmp_path / "a.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="128" height="64"></svg>')
    assert pages.image_size(svg) == (128, 64)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"></svg>')
    assert pages.image_size(svg) == (40, 10)
    assert pages.image_size(tmp_path / "missing.png") is None


def test_names_and_landmarks_change_the_theme_markup_and_only_that():
    soup = pages.parse(
        '<div class="bd-sidebar-primary bd-sidebar"><p>bd-sidebar</p></div>'
        '<div class="math"><span class="katex-display"><span class="katex">x</span></span></div>'
        '<span class="math"><span class="katex">y</span></span>'
        '<summary aria-label="Toggle hidden content"><p class="collapsed">Show code cell source</p></summary>'
        '<button title="Other" aria-label="Other">x</button>'
        '<div role="list" class="citation-list"><div class="citation" id="c1" role="doc-biblioentry">A</div></div>'
    )
    pages.names_and_landmarks(soup)
    sidebar = soup.find(class_="bd-sidebar-primary")
    assert (sidebar["role"], sidebar["aria-label"]) == ("complementary", "Book navigation")
    assert soup.find(class_="katex-display")["tabindex"] == "0"
    assert "tabindex" not in soup.find("span", class_="math").attrs  # inline maths never scrolls
    assert "aria-label" not in soup.summary.attrs and soup.button["aria-label"] == "Other"
    assert "role" not in soup.find(class_="citation-list").attrs and soup.find(id="c1").attrs == {
        "class": ["citation"],
        "id": "c1",
    }


def test_an_equation_katex_could_not_parse_fails_the_check():
    page = HEAD.format(body='<span class="katex-error" title="ParseError: x">\\frac{</span>')
    assert pages.check(page)[-1] == "KaTeX could not render 'ParseError: x'"


def test_captions_leave_the_scrolling_box_and_figures_link_their_image():
    soup = pages.parse(
        '<article><div class="pst-scrollable-table-container"><table id="tab-a"><caption>'
        '<span class="caption-number">Table 1 </span>Accuracy</caption><tr><td>1</td></tr></table></div>'
        '<div class="pst-scrollable-table-container"><table><tr><td>no caption</td></tr></table></div>'
        '<figure id="fig-a"><div><img alt="Two grids" src="../_images/a.png"/></div></figure>'
        '<figure><img alt="" src="../_images/decorative.png"/></figure>'
        '<figure class="fcconv-player"><picture><img alt="Step 1" src="../_images/f1.png"/></picture></figure>'
        '<figure><a href="x.html"><img alt="Linked" src="../_images/b.png"/></a></figure></article>'
    )
    pages.tables_and_figures(soup)
    caption = soup.select_one("div.table-caption")
    assert caption.find_next_sibling("div")["class"] == ["pst-scrollable-table-container"]
    assert soup.select_one("#tab-a")["aria-labelledby"] == caption["id"] == "tab-a-caption"
    assert caption.get_text() == "Table 1 Accuracy" and soup.find("caption") is None
    assert len(soup.select("[aria-labelledby]")) == 1  # the table without a caption is left alone
    links = [(a["href"], a.img["alt"]) for a in soup.select("a.image-reference")]
    assert links == [("../_images/a.png", "Two grids")]  # not the nameless, the player's, the linked


def test_glossary_links_get_the_definition_as_their_title():
    glossary = pages.parse(
        '<dl class="simple glossary"><dt id="term-stride">stride<a class="headerlink" href="#term-stride">#</a>'
        '</dt><dd><p>The step: <span class="katex"><span class="katex-mathml"><math><annotation>S \\ge 1'
        '</annotation></math></span><span class="katex-html" aria-hidden="true">S\u200b≥1</span></span>.</p>'
        '</dd><dt id="term-kernel">kernel</dt><dd><p>The small array.</p></dd></dl>'
    )
    definitions = pages.glossary_definitions(glossary)
    assert definitions == {"term-stride": "The step: S≥1.", "term-kernel": "The small array."}
    page = pages.parse(
        '<p><a href="glossary.html#term-stride">stride</a>, <a href="glossary.html#term-unknown">x</a>, '
        '<a href="references.html#id1" title="A book.">(A, 2020)</a></p>'
    )
    pages.names_and_landmarks(page, definitions)
    assert [a.get("title") for a in page.find_all("a")] == ["The step: S≥1.", None, "A book."]
