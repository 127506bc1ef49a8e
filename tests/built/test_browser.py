"""The site as a reader gets it: every TOC page opened in a real browser (Debian's Chromium).

The built site of the ``site`` fixture is served on 127.0.0.1 by a threaded ``http.server``
on a free port for the test session. For every page of ``_toc.yml``:

* desktop, light, first visit: no console error, no failed request, no request to any
  other origin (they are recorded, then blocked), every image decoded, math shown (KaTeX
  rendered it at build time: its fonts are loaded);
* desktop, dark: the theme really is dark and every figure sits on an opaque background;
* phone (360 px wide): the page never scrolls sideways, and no display equation is wider than it;
* desktop: no code block is wider than its column (no sideways scrolling);
* every animation player (``figure.fcconv-player``, lessons_code/pictures/player.py): still until
  the reader asks, then Play, Pause, the step buttons and the slider all move the frame;
* the search page finds the page by a word of its own.

Screenshots (desktop light, desktop dark, phone) of every page are written to
``_build/screenshots/`` as artifacts to look at. Without Chromium these tests are skipped
with the reason (``pytest -ra`` prints it); under ``CI=true`` a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bookbuild import ROOT, toc_files
from test_site import distinctive_words

SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PAGES = toc_files()


def _chromium() -> str | None:
    """Debian's Chromium, or the browser named by FCCONV_CHROMIUM (then only that one)."""
    wanted = os.environ.get("FCCONV_CHROMIUM")
    candidates = [wanted] if wanted else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _shot_name(doc: str, view: str) -> Path:
    return SHOTS / f"{doc.replace('/', '__')}--{view}.png"


# ---------------------------------------------------------------- fixtures


# The session's browser and server fixtures (`browser`, `server`) live in conftest.py, shared with
# the other browser tests of this folder (one Playwright per session).


class Visit:
    """One page opened in a fresh browser context (a reader's first visit), with what it did."""

    def __init__(self, browser, base: str, doc: str, *, viewport=DESKTOP, dark=False, path=None):
        self.base = base
        self.origin = urlsplit(base).netloc
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.aborted: list[str] = []  # requests the browser cancelled itself (net::ERR_ABORTED)
        self.loaded: set[str] = set()
        self.foreign: list[str] = []
        self.context = browser.new_context(
            viewport=viewport,
            color_scheme="dark" if dark else "light",
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
            device_scale_factor=1,
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.errors.append(f"uncaught: {err}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.page.goto(f"{base}/{path or doc + '.html'}", wait_until="networkidle")
        self.settle()

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"} or parts.netloc == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _console(self, msg):
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} @ {msg.location.get('url', '')}")

    def _request_failed(self, request):
        # Chromium cancels an image request it no longer needs (a <picture> source re-chosen, a lazy
        # frame fetched again when a full-page screenshot resizes the view): not a failure of the
        # site if the same file also arrived; one that never arrived is a failure.
        if "ERR_ABORTED" in str(request.failure):
            self.aborted.append(request.url)
        else:
            self.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")
        else:
            self.loaded.add(response.url)

    def settle(self):
        """Wait for the web fonts (KaTeX's) and every image to decode. Images below the first
        screen are lazy (tools/fcconv_site/pages.py): they are switched to eager first, as if the reader
        had scrolled, or decode() would wait for them forever."""
        self.page.evaluate(
            """async () => {
                document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
                await document.fonts.ready;
                await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
            }"""
        )
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self, doc: str):
        problems = (
            [f"error: {e}" for e in self.errors]
            + [f"failed request: {f}" for f in self.failed]
            + [f"aborted request never loaded: {u}" for u in self.aborted if u not in self.loaded]
            + [f"request to another origin: {u}" for u in self.foreign]
        )
        assert not problems, f"{doc}:\n" + "\n".join(problems)

    def close(self):
        if self.context is not None:
            self.context.close()
            self.context = None


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_page(doc, **kwargs):
        v = Visit(browser, server, doc, **kwargs)
        opened.append(v)
        return v

    yield open_page
    for v in opened:
        v.close()


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("doc", PAGES)
def test_page_loads_cleanly(visit, doc):
    """First visit at desktop size in light mode: nothing fails, nothing leaves the site."""
    v = visit(doc)
    page = v.page
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    broken = page.evaluate(
        "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 120))"
    )
    assert not broken, f"{doc}: images that did not load: {broken}"
    n_math = page.evaluate("document.querySelectorAll('.math').length")
    if n_math:
        shown = page.evaluate(
            "[...document.querySelectorAll('.math')].filter(m => m.querySelector('.katex-html')).length"
        )
        assert shown == n_math, f"{doc}: {n_math} math elements but {shown} rendered by KaTeX"
        fonts = page.evaluate(
            "[...document.fonts].filter(f => f.family.startsWith('KaTeX') && f.status === 'loaded').length"
        )
        assert fonts >= 1, f"{doc}: no KaTeX font loaded"
    tex_errors = page.evaluate("[...document.querySelectorAll('.katex-error')].map(e => e.textContent)")
    assert not tex_errors, f"{doc}: KaTeX could not render: {tex_errors}"
    page.screenshot(path=_shot_name(doc, "desktop-light"), full_page=True)
    v.assert_clean(doc)


@pytest.mark.parametrize("doc", PAGES)
def test_dark_mode_keeps_figures_legible(visit, doc):
    """A reader whose system is dark gets the dark theme; figures keep an opaque light ground."""
    v = visit(doc, dark=True)
    page = v.page
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _luminance(bg) < 0.2, f"{doc}: body background {bg} is not dark"
    # For every content image: is any pixel see-through, and what is painted behind it?
    images = page.evaluate(
        """() => [...document.querySelectorAll('.bd-article img')].map(img => {
            const c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            const ctx = c.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const data = ctx.getImageData(0, 0, c.width, c.height).data;
            let transparent = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] < 250) transparent++;
            let el = img, ground = 'rgba(0, 0, 0, 0)';
            while (el && /rgba\\(.*, 0\\)$|transparent/.test(ground)) {
                ground = getComputedStyle(el).backgroundColor; el = el.parentElement;
            }
            return {src: img.src.slice(0, 100), transparent, ground, w: img.naturalWidth};
        })"""
    )
    for img in images:
        assert img["w"] > 0, f"{doc}: {img['src']} not loaded"
        if img["transparent"]:
            assert _luminance(img["ground"]) > 0.8, (
                f"{doc}: {img['src']} has {img['transparent']} see-through pixels over {img['ground']}"
            )
    page.screenshot(path=_shot_name(doc, "desktop-dark"), full_page=True)
    v.assert_clean(doc)


def _luminance(css_colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of a CSS rgb()/rgba() colour."""
    inner = css_colour[css_colour.index("(") + 1 : css_colour.index(")")]
    r, g, b = (float(x) / 255 for x in inner.replace("/", ",").split(",")[:3])

    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


@pytest.mark.parametrize("doc", PAGES)
def test_phone_width_has_no_horizontal_scroll(visit, doc):
    """At 360 px the page never scrolls sideways: wide things scroll inside their own box.

    Measured against the layout viewport (``clientWidth``, 360 px): a mobile browser zooms out to
    show a page wider than the screen, and ``innerWidth`` grows with it (367 px for a 7 px overflow)."""
    v = visit(doc, viewport=PHONE)
    page = v.page
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: document.documentElement.clientWidth})"
    )
    offenders = page.evaluate(
        """() => {
            const w = document.documentElement.clientWidth, out = [];
            const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
                const s = getComputedStyle(p);
                if (/(auto|scroll|hidden)/.test(s.overflowX) && p !== document.body
                    && p !== document.documentElement) return true; } return false; };
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.width && r.right > w + 1 && !scrolls(el) && getComputedStyle(el).position !== 'fixed')
                    out.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' right=' + Math.round(r.right));
            }
            return out.slice(0, 15);
        }"""
    )
    page.screenshot(path=_shot_name(doc, "phone"), full_page=True)
    assert widths["scroll"] <= widths["inner"], (
        f"{doc}: page is {widths} wide at 360 px; overflowing: {offenders}"
    )
    v.assert_clean(doc)


# ---------------------------------------------------------------- animation players


def test_animation_players_wait_then_play_step_and_seek(visit, site):
    """Every player on every page: frame 0 until asked; Play, Pause, steps and slider work."""
    checked = 0
    for doc in PAGES:
        ids = [f["id"] for f in site.soup(doc).select("figure.fcconv-player")]
        if not ids:
            continue
        v = visit(doc)
        for pid in ids:
            _check_player(v.page, doc, pid)
            checked += 1
        v.assert_clean(doc)
    assert checked == sum(len(site.soup(d).select("figure.fcconv-player")) for d in PAGES) >= 3


def _check_player(page, doc, pid):
    where = f"{doc} player {pid}"
    player = page.locator(f"#{pid}")
    player.scroll_into_view_if_needed()
    page.wait_for_selector(f"#{pid}[data-loaded]", state="attached", timeout=10_000)

    def state():
        return page.evaluate(
            f"""() => {{ const f = document.getElementById('{pid}'), frames = [...f.querySelectorAll('picture')];
                const cur = f.querySelectorAll('.fcconv-current'), img = cur.length === 1 && cur[0].querySelector('img');
                return {{frame: frames.indexOf(cur[0]), n: frames.length, current: cur.length,
                         slider: parseInt(f.querySelector('input[type=range]').value),
                         playing: f.hasAttribute('data-playing'), src: img && img.currentSrc,
                         width: img ? img.naturalWidth : 0, shown: img ? img.getBoundingClientRect().width : 0}}; }}"""
        )

    # Nothing plays before the reader asks, even after a while.
    page.wait_for_timeout(1500)
    s = state()
    assert s["n"] >= 2, f"{where}: an animation needs two frames or more, has {s['n']}"
    assert (s["frame"], s["slider"], s["playing"], s["current"]) == (0, 0, False, 1), f"{where} moved: {s}"
    assert s["width"] > 0 and s["shown"] > 0, f"{where}: first frame not shown: {s}"
    # Every control button shows an icon (inline SVG, no Font Awesome, no CDN).
    blank = page.evaluate(
        f"""() => [...document.querySelectorAll('#{pid} button')]
            .filter(b => {{ const i = b.querySelector('svg'); return !i || i.getBoundingClientRect().width < 12; }})
            .map(b => b.title)"""
    )
    assert not blank, f"{where}: buttons without a visible icon: {blank}"

    def press(title):
        player.locator(f'button[title="{title}"]').click()

    last = s["n"] - 1
    press("Next frame")
    assert state()["frame"] == 1
    press("Previous frame")
    assert state()["frame"] == 0
    press("Last frame")
    s = state()
    assert (s["frame"], s["slider"], s["current"]) == (last, last, 1), f"{where}: {s}"
    press("First frame")
    assert state()["frame"] == 0
    # The slider, driven from the keyboard as a reader would.
    player.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    assert state()["frame"] == 1, f"{where}: slider ArrowRight gave {state()}"
    page.keyboard.press("End")
    assert state()["frame"] == last, f"{where}: slider End did not reach the last frame"
    press("First frame")
    # Every frame is there and its own image: step through them all.
    seen = []
    for k in range(s["n"]):
        page.wait_for_function(f"() => document.querySelector('#{pid} .fcconv-current img').complete")
        s = state()
        assert (s["frame"], s["current"]) == (k, 1) and s["width"] > 0 and s["shown"] > 0, f"{where}: {s}"
        seen.append(s["src"])
        if k < last:
            press("Next frame")
    assert len(set(seen)) == len(seen), f"{where}: {len(seen) - len(set(seen))} frames repeat another"
    press("First frame")
    # Play advances the frame; Pause stops it.
    press("Play")
    page.wait_for_function(
        f"() => document.querySelector('#{pid} picture.fcconv-current').dataset.step !== 'Step 1 of {last + 1}'",
        timeout=10_000,
    )
    press("Pause")
    s = state()
    assert not s["playing"] and s["frame"] > 0, f"{where}: still playing after Pause: {s}"
    page.wait_for_timeout(1600)
    assert state()["frame"] == s["frame"], f"{where}: frame moved after Pause"


# ---------------------------------------------------------------- search page


def test_search_page_finds_each_page(visit, site):
    """Type a word found only on one page into the search page: that page is in the results."""
    for doc, word in distinctive_words(site).items():
        v = visit(doc, path=f"search.html?q={word}")
        v.page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
        hrefs = v.page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
        assert any(urlsplit(h).path.endswith(f"/{doc}.html") for h in hrefs), f"search for {word!r}: {hrefs}"
        v.assert_clean(f"search.html?q={word}")
        v.close()


# ---------------------------------------------------------------- widths (issue 11)
# desktop (1280 px): no code block (cell source or printed output, ``div.highlight pre``) is wider
# than its column; phone (360 px): no display equation is wider than the page or clipped in its
# box. Display math is found render-agnostically (MathJax ``mjx-container[display]``, KaTeX
# ``.katex-display``, Sphinx ``div.math``) and measured by the right edge of what is drawn inside.

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
        // KaTeX draws a radical's bar as a 400em SVG cut to size by its .hide-tail box: only the box counts
        const drawn = [box, ...box.querySelectorAll('*')].filter(el => !el.closest('mjx-assistive-mml, .katex-mathml')
            && !(el.parentElement && el.parentElement.closest('.hide-tail')));
        const clipped = drawn.some(el => !el.classList.contains('hide-tail') && el.scrollWidth > el.clientWidth + 1
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
def test_no_code_block_scrolls_sideways_at_desktop_width(visit, doc):
    v = visit(doc, viewport=DESKTOP)
    wide = v.page.evaluate(WIDE_CODE_JS)
    assert not wide, f"{doc}: {len(wide)} code blocks wider than their column at 1280 px: " + "; ".join(
        f"{w['width']} > {w['column']} px: {w['line'].strip()[:90]!r}" for w in wide[:8]
    )


@pytest.mark.parametrize("doc", PAGES)
def test_no_display_equation_is_wider_than_a_phone(visit, doc):
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
