"""The build-time site tools of ``tools/``: KaTeX assets, the icon subset, page polish, baseurl.

Each function is fed small markup it must change and markup it must leave alone; the built
site is checked in ``tests/built/test_accessibility.py`` and ``tests/built/test_site.py``.
"""

from __future__ import annotations

import struct
import zlib

import icon_subset
import katex_static
import page_polish
import pytest
from set_repository import set_repository

# ---------------------------------------------------------------- KaTeX


def test_woff2_only_drops_the_fallbacks_and_keeps_woff2():
    css = (
        '@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2"),'
        'url(fonts/KaTeX_AMS-Regular.woff) format("woff"),url(fonts/KaTeX_AMS-Regular.ttf) format("truetype")}'
    )
    out = katex_static.woff2_only(css)
    assert "KaTeX_AMS-Regular.woff2" in out
    assert ".woff)" not in out and ".ttf" not in out


def test_woff2_only_refuses_a_form_it_does_not_know():
    with pytest.raises(ValueError, match="font URLs"):
        katex_static.woff2_only("@font-face{src:url(fonts/A.ttf)}")


def test_the_pinned_katex_is_the_one_sphinxcontrib_katex_was_made_for():
    from sphinxcontrib import katex

    assert katex_static.pinned_version() == katex.katex_version


# ---------------------------------------------------------------- icons

FA_SNIPPET = (
    'var p={"backward-fast":[512,512,[9198,"fast-backward"],"f049","M1 1z"],play:[384,512,[9654],"f04b","M2 2z"]};'
    '(function(){d("fas",p),d("fa-solid",p)});'
    'var p={github:[496,512,[],"f09b","M3 3z"],play:[9,9,[],"x","M9 9z"]};(function(){d("fab",p)});'
)


def test_read_icons_finds_names_aliases_and_packs():
    icons = icon_subset.read_icons(FA_SNIPPET)
    assert icons[("fas", "backward-fast")] == (512, 512, "M1 1z")
    assert icons[("fas", "fast-backward")] == (512, 512, "M1 1z")
    assert icons[("fas", "play")] == (384, 512, "M2 2z")
    assert icons[("fab", "github")] == (496, 512, "M3 3z")
    assert icons[("fab", "play")] == (9, 9, "M9 9z")  # same name in another pack stays apart


def test_icon_css_has_a_mask_for_every_icon_and_its_aliases(monkeypatch):
    monkeypatch.setattr(icon_subset, "ICONS", {"backward-fast": "fas", "github": "fab"})
    monkeypatch.setattr(icon_subset, "ADMONITION_ICONS", {})
    css = icon_subset.icon_css(icon_subset.read_icons(FA_SNIPPET))
    assert ".fa-backward-fast,.fa-fast-backward{--fc-icon:" in css
    assert ".fa-github{--fc-icon:" in css and "viewBox='0 0 496 512'" in css
    assert ".fa-play" not in css  # only the icons asked for
    assert "mask:var(--fc-icon)" in css


def test_icon_css_names_a_missing_icon(monkeypatch):
    monkeypatch.setattr(icon_subset, "ICONS", {"no-such-icon": "fas"})
    with pytest.raises(KeyError, match="no-such-icon"):
        icon_subset.icon_css(icon_subset.read_icons(FA_SNIPPET))
    monkeypatch.setattr(icon_subset, "ICONS", {})
    monkeypatch.setattr(icon_subset, "ADMONITION_ICONS", {"div.x::after": "no-such-icon"})
    with pytest.raises(KeyError, match="no-such-icon"):
        icon_subset.icon_css(icon_subset.read_icons(FA_SNIPPET))


def test_admonition_titles_get_a_mask_not_a_webfont_glyph(monkeypatch):
    """The theme draws admonition icons with Font Awesome's webfont, which the site does not serve."""
    real, real_icons = dict(icon_subset.ADMONITION_ICONS), dict(icon_subset.ICONS)
    monkeypatch.setattr(icon_subset, "ICONS", {})
    monkeypatch.setattr(icon_subset, "ADMONITION_ICONS", {"div.exercise p.admonition-title::after": "play"})
    css = icon_subset.icon_css(icon_subset.read_icons(FA_SNIPPET))
    rule = css[css.index("div.exercise p.admonition-title::after{") :].splitlines()[0]
    assert 'content:""' in rule and "viewBox='0 0 384 512'" in rule and "M2 2z" in rule
    assert "mask:var(--fc-icon) center/contain no-repeat" in rule
    # the real table covers the generic title and the exercise's own glyph
    assert set(real.values()) <= set(real_icons)
    assert any("div.exercise" in sel for sel in real)


# ---------------------------------------------------------------- images


def _png(path, width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def test_size_images_sets_sizes_and_lazy_loads_all_but_the_first_article_image(tmp_path):
    (tmp_path / "_images").mkdir()
    _png(tmp_path / "_images" / "a.png", 30, 20)
    _png(tmp_path / "_images" / "b.png", 7, 5)
    page = tmp_path / "p.html"
    html = (
        '<img src="_images/a.png" class="logo" />'
        '<article class="bd-article"><img alt="first" src="_images/a.png" />'
        '<img alt="second" src="_images/b.png">'
        '<img alt="sized" src="_images/b.png" width="3" height="2" />'
        '<img alt="inline" src="data:image/png;base64,AAAA" /></article>'
    )
    out = page_polish.size_images(html, page)
    tags = out.split("<img")[1:]
    assert 'width="30" height="20"' in tags[0] and "lazy" not in tags[0]  # header logo
    assert 'width="30" height="20"' in tags[1] and "lazy" not in tags[1]  # first of the article
    assert 'width="7" height="5"' in tags[2] and 'loading="lazy"' in tags[2]
    assert 'width="3" height="2"' in tags[3] and 'width="7"' not in tags[3]  # given sizes are kept
    assert tags[4] == ' alt="inline" src="data:image/png;base64,AAAA" /></article>'
    assert page_polish.size_images(out, page) == out  # idempotent


def test_image_size_reads_svg_sizes(tmp_path):
    svg = tmp_path / "a.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="128" height="64"></svg>')
    assert page_polish.image_size(svg) == (128, 64)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"></svg>')
    assert page_polish.image_size(svg) == (40, 10)


def test_fix_labels_changes_the_theme_markup_and_only_that():
    sidebar = '<div class="bd-sidebar-primary bd-sidebar">'
    out = page_polish.fix_labels(sidebar + "<p>text</p>")
    assert 'role="complementary" aria-label="Book navigation"' in out and out.endswith("<p>text</p>")
    assert page_polish.fix_labels("<p>bd-sidebar</p>") == "<p>bd-sidebar</p>"
    maths = '<div class="math"><span class="katex-display"><span class="katex">x</span></span></div>'
    assert '<span class="katex-display" tabindex="0"><span class="katex">' in page_polish.fix_labels(maths)
    summary = '<summary aria-label="Toggle hidden content">\n<p class="collapsed">Show code cell source</p>'
    assert page_polish.fix_labels(summary) == '<summary>\n<p class="collapsed">Show code cell source</p>'
    search = '<button class="btn" title="Search" aria-label="Search" data-bs-placement="bottom">'
    assert "aria-label" not in page_polish.fix_labels(search)
    inline = '<span class="math"><span class="katex">x</span></span>'
    assert page_polish.fix_labels(inline) == inline  # inline maths never scrolls: no tab stop


# ---------------------------------------------------------------- repository and baseurl

CONFIG = "title: t\nhtml:\n  use_download_button: true\n  use_repository_button: false\n"


def test_set_repository_sets_the_baseurl_when_given():
    out = set_repository(CONFIG, "https://github.com/o/r", "main", baseurl="https://o.github.io/r/")
    assert "  baseurl: https://o.github.io/r/\n" in out
    assert "use_repository_button: true" in out


def test_set_repository_rejects_a_bad_baseurl():
    with pytest.raises(ValueError, match="baseurl"):
        set_repository(CONFIG, "https://github.com/o/r", "main", baseurl="o.github.io/r")
