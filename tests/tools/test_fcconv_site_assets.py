"""The build-time site tools of ``tools/``: KaTeX assets, the icon subset, page polish, baseurl.

Each function is fed small markup it must change and markup it must leave alone; the built
site is checked in ``tests/built/test_accessibility.py`` and ``tests/built/test_site.py``.
"""

from __future__ import annotations

import pytest
from fcconv_site import assets

# ---------------------------------------------------------------- KaTeX


def test_woff2_only_drops_the_fallbacks_and_keeps_woff2():
    css = (
        '@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2"),'
        'url(fonts/KaTeX_AMS-Regular.woff) format("woff"),url(fonts/KaTeX_AMS-Regular.ttf) format("truetype")}'
    )
    out = assets.woff2_only(css)
    assert "KaTeX_AMS-Regular.woff2" in out
    assert ".woff)" not in out and ".ttf" not in out


def test_woff2_only_refuses_a_form_it_does_not_know():
    with pytest.raises(ValueError, match="font URLs"):
        assets.woff2_only("@font-face{src:url(fonts/A.ttf)}")


def test_the_pinned_katex_is_the_one_sphinxcontrib_katex_was_made_for():
    from sphinxcontrib import katex

    assert assets.katex_pin() == katex.katex_version


# ---------------------------------------------------------------- icons

FA_SNIPPET = (
    'var p={"backward-fast":[512,512,[9198,"fast-backward"],"f049","M1 1z"],play:[384,512,[9654],"f04b","M2 2z"]};'
    '(function(){d("fas",p),d("fa-solid",p)});'
    'var p={github:[496,512,[],"f09b","M3 3z"],play:[9,9,[],"x","M9 9z"]};(function(){d("fab",p)});'
)


def test_read_icons_finds_names_aliases_and_packs():
    icons = assets.read_icons(FA_SNIPPET)
    assert icons[("fas", "backward-fast")] == (512, 512, "M1 1z")
    assert icons[("fas", "fast-backward")] == (512, 512, "M1 1z")
    assert icons[("fas", "play")] == (384, 512, "M2 2z")
    assert icons[("fab", "github")] == (496, 512, "M3 3z")
    assert icons[("fab", "play")] == (9, 9, "M9 9z")  # same name in another pack stays apart


def test_icon_css_has_a_mask_for_every_icon_and_its_aliases(monkeypatch):
    monkeypatch.setattr(assets, "ICONS", {"backward-fast": "fas", "github": "fab"})
    monkeypatch.setattr(assets, "ADMONITION_ICONS", {})
    css = assets.icon_css(assets.read_icons(FA_SNIPPET))
    assert ".fa-backward-fast,.fa-fast-backward{--fc-icon:" in css
    assert ".fa-github{--fc-icon:" in css and "viewBox='0 0 496 512'" in css
    assert ".fa-play" not in css  # only the icons asked for
    assert "mask:var(--fc-icon)" in css


def test_icon_css_names_a_missing_icon(monkeypatch):
    monkeypatch.setattr(assets, "ICONS", {"no-such-icon": "fas"})
    with pytest.raises(KeyError, match="no-such-icon"):
        assets.icon_css(assets.read_icons(FA_SNIPPET))
    monkeypatch.setattr(assets, "ICONS", {})
    monkeypatch.setattr(assets, "ADMONITION_ICONS", {"div.x::after": "no-such-icon"})
    with pytest.raises(KeyError, match="no-such-icon"):
        assets.icon_css(assets.read_icons(FA_SNIPPET))


def test_admonition_titles_get_a_mask_not_a_webfont_glyph(monkeypatch):
    """The theme draws admonition icons with Font Awesome's webfont, which the site does not serve."""
    real, real_icons = dict(assets.ADMONITION_ICONS), dict(assets.ICONS)
    monkeypatch.setattr(assets, "ICONS", {})
    monkeypatch.setattr(assets, "ADMONITION_ICONS", {"div.exercise p.admonition-title::after": "play"})
    css = assets.icon_css(assets.read_icons(FA_SNIPPET))
    rule = css[css.index("div.exercise p.admonition-title::after{") :].splitlines()[0]
    assert 'content:""' in rule and "viewBox='0 0 384 512'" in rule and "M2 2z" in rule
    assert "mask:var(--fc-icon) center/contain no-repeat" in rule
    # the real table covers the generic title and the exercise's own glyph
    assert set(real.values()) <= set(real_icons)
    assert any("div.exercise" in sel for sel in real)


def test_the_icons_of_the_installed_font_awesome_are_all_there():
    css = assets.icon_css(assets.read_icons(assets.font_awesome_script().read_text(encoding="utf-8")))
    for name in assets.ICONS:
        assert f".fa-{name}" in css, name
    assert css.count("--fc-icon:url(") == len(assets.ADMONITION_ICONS) + len(
        {
            line.split("{")[0]
            for line in css.splitlines()
            if line.startswith(".fa-") and "--fc-icon:url(" in line
        }
    )


# ---------------------------------------------------------------- patches of third-party files


def test_patch_theme_script_replaces_the_tab_stop_loop_once():
    js = "function T(){const e=()=>{" + assets.TAB_STOPS_OLD + "},t=1;e()}"
    new = assets.patch_theme_script(js)
    assert assets.TAB_STOPS_OLD not in new and "ResizeObserver" in new
    assert assets.patch_theme_script(new) == new
    with pytest.raises(ValueError, match="tab-stop loop"):
        assets.patch_theme_script("function T(){}")
    with pytest.raises(ValueError, match="tab-stop loop"):
        assets.patch_theme_script(js + js)


def test_the_installed_theme_script_has_the_loop_the_patch_replaces():
    from pathlib import Path

    import pydata_sphinx_theme

    js = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme/pydata_sphinx_theme/static/scripts/pydata-sphinx-theme.js"
    )
    assert "ResizeObserver" in assets.patch_theme_script(js.read_text(encoding="utf-8"))


def test_a_patched_package_at_another_version_fails_the_build(monkeypatch):
    import fcconv_site
    from sphinx.errors import ExtensionError

    for package, version in fcconv_site.PATCHED.items():
        fcconv_site.require(package, version)  # the pinned versions are the installed ones
        with pytest.raises(ExtensionError, match=f"patches {package} 0.0.1, {version} is installed"):
            fcconv_site.require(package, "0.0.1")
