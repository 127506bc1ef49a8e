"""The build-time site tools of ``tools/``: KaTeX assets, the patched scripts, page polish, baseurl.

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


# ---------------------------------------------------------------- patches of third-party files


def test_patch_script_replaces_each_text_once():
    js = "function T(){const e=()=>{" + assets.TAB_STOPS_OLD + "},t=1;e()}"
    new = assets.patch_script("scripts/pydata-sphinx-theme.js", js)
    assert assets.TAB_STOPS_OLD not in new and "ResizeObserver" in new
    assert assets.patch_script("scripts/pydata-sphinx-theme.js", new) == new
    for wrong in ("function T(){}", js + js):  # not there, or there twice
        with pytest.raises(ValueError, match=r"pydata-sphinx-theme\.js: 'document\.querySelectorAll"):
            assets.patch_script("scripts/pydata-sphinx-theme.js", wrong)


@pytest.mark.parametrize(
    "name, package", [("scripts/pydata-sphinx-theme.js", "pydata_sphinx_theme"), ("searchtools.js", "sphinx")]
)
def test_the_installed_scripts_have_the_text_the_patches_replace(name, package):
    import importlib
    from pathlib import Path

    root = Path(importlib.import_module(package).__file__).parent
    found = [p for p in root.rglob(Path(name).name) if "static" in p.parts]
    assert len(found) == 1, found
    js = found[0].read_text(encoding="utf-8")
    new = assets.patch_script(name, js)
    assert all(old not in new and rep in new for old, rep in assets.PATCHES[name]), name
    assert assets.patch_script(name, new) == new


def test_a_patched_package_at_another_version_fails_the_build(monkeypatch):
    import fcconv_site
    from sphinx.errors import ExtensionError

    for package, version in fcconv_site.PATCHED.items():
        fcconv_site.require(package, version)  # the pinned versions are the installed ones
        with pytest.raises(ExtensionError, match=f"patches {package} 0.0.1, {version} is installed"):
            fcconv_site.require(package, "0.0.1")
