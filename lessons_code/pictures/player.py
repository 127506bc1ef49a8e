"""The animations as self-contained HTML players for a page.

:func:`animation_html` wraps matplotlib's ``to_jshtml`` player: frames re-encoded with a small
palette, stable ids (two builds give the same bytes), paused until the reader plays, alt text,
and a check that matplotlib did not silently drop frames past ``animation.embed_limit``.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re

import matplotlib as mpl
import matplotlib.text
from matplotlib.animation import FuncAnimation

from .._checks import require_int, require_real

_FRAME_RE = re.compile(r'frames\[\d+\] = "data:image/png;base64,')
_FRAME_DATA_RE = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)([A-Za-z0-9+/=\\\n]*)(")')


def shrink_png(data: bytes, colors: int = 64) -> bytes:
    """Re-encode a PNG with an adaptive palette of at most ``colors`` colours (no dithering).

    Figures of flat cells compress several times better this way; the result is
    deterministic (same input bytes, same output bytes).
    """
    from PIL import Image

    colors = require_int("colors", colors, 2)
    with Image.open(io.BytesIO(data)) as img:
        small = img.convert("RGB").quantize(
            colors=min(colors, 256), method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
        )
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _shrink_embedded(markup: str, colors: int) -> str:
    def repl(match: re.Match) -> str:
        data = base64.b64decode(match.group(2).replace("\\\n", ""))
        return match.group(1) + base64.b64encode(shrink_png(data, colors)).decode("ascii") + match.group(3)

    return _FRAME_DATA_RE.sub(repl, markup)


def count_embedded_frames(markup: str) -> int:
    """Number of PNG frames embedded in a matplotlib JavaScript player."""
    return len(_FRAME_RE.findall(markup))


def animation_html(
    anim: FuncAnimation,
    name: str,
    description: str,
    *,
    n_frames: int | None = None,
    embed_limit_mb: float = 4.0,
    colors: int | None = 64,
    caption: str | None = None,
    step_labels=None,
) -> str:
    """The animation as a self-contained, reproducible, accessible HTML player.

    Built on ``anim.to_jshtml()`` (PNG frames, play/pause/step/slider controls), then:

    * each PNG frame is re-encoded with a palette of ``colors`` colours (``None``: keep
      matplotlib's RGBA PNGs), which divides the size by about three;
    * the Font Awesome ``<link>`` to a CDN is removed (the book theme ships the icons;
      nothing is fetched from another origin);
    * matplotlib's random element ids become ``name``, so two builds give identical HTML;
    * the player starts paused on frame 0 and stops at the end (mode "once");
    * ``caption`` (optional) becomes a visible ``<figcaption>`` below the player (it names the
      ``<figure>``; readable in light and dark mode);
    * the frame image gets ``description`` as alt text; the slider is named "Animation step" and
      tells its step ("Step 3 of 16"), which an ``aria-live`` line under the buttons announces,
      followed by ``step_labels[k]`` when given (default: the animation's ``step_labels``
      attribute, if any); the repetition-mode radios form a named radio group instead of a
      named ``<form>`` (a landmark per player, all with the same name);
    * on a narrow screen the frame shrinks only down to the width at which its smallest label
      (read off the figure's texts) is still 11 px, then scrolls inside its own box;
    * a ``RuntimeError`` is raised if matplotlib dropped frames because of its
      ``animation.embed_limit`` (it does so silently), i.e. if the HTML holds fewer
      than ``n_frames`` frames (default: the animation's frame count).
    """
    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise ValueError(f"name must be an identifier (letters, digits, _), got {name!r}")
    if not isinstance(description, str) or len(description.strip()) < 20:
        raise ValueError(
            f"description must be a sentence of alt text (>= 20 characters), got {description!r}"
        )
    expected = anim._save_count if n_frames is None else require_int("n_frames", n_frames, 1)
    embed_limit_mb = require_real("embed_limit_mb", embed_limit_mb, positive=True)
    if colors is not None:
        colors = require_int("colors", colors, 2, 256)
    with mpl.rc_context({"animation.embed_limit": float(embed_limit_mb), "animation.frame_format": "png"}):
        markup = anim.to_jshtml(default_mode="once")
    got = count_embedded_frames(markup)
    if got != expected:
        raise RuntimeError(
            f"the player for {name!r} holds {got} frames, expected {expected}: matplotlib dropped "
            f"frames past animation.embed_limit = {embed_limit_mb} MB; raise embed_limit_mb or lower the dpi"
        )
    if colors is not None:
        markup = _shrink_embedded(markup, colors)
        if count_embedded_frames(markup) != expected:
            raise RuntimeError(f"lost frames while re-encoding the player for {name!r}")
    markup = re.sub(r"<link\b[^>]*>", "", markup)
    ids = set(re.findall(r"_anim_img([0-9a-f]{32})", markup))
    if len(ids) != 1:
        raise RuntimeError(f"unexpected matplotlib player markup: found ids {sorted(ids)}")
    markup = markup.replace(ids.pop(), name)
    alt = html.escape(description, quote=True)
    markup = markup.replace(f'<img id="_anim_img{name}">', f'<img id="_anim_img{name}" alt="{alt}">')
    markup = markup.replace("width: 374px;", "width: min(374px, 90%);")
    if 'alt="' not in markup or "play_animation();\n" in markup.split("/* Instantiate")[-1]:
        raise RuntimeError("unexpected matplotlib player markup: cannot set alt text or pause the player")
    markup = _accessible_controls(markup, name, expected)
    width, min_width = _frame_widths(anim, markup, MIN_LABEL_PX)
    markup = markup.replace(
        f'<img id="_anim_img{name}" alt="{alt}">',
        f'<div class="anim-frame" tabindex="0"><img id="_anim_img{name}" alt="{alt}" '
        f'style="min-width:{min_width}px"></div>',
    )
    labels = getattr(anim, "step_labels", None) if step_labels is None else step_labels
    labels = [] if labels is None else [str(label) for label in labels]
    if labels and len(labels) != expected:
        raise ValueError(f"step_labels must hold one label per frame ({expected}), got {len(labels)}")
    figcaption = "" if caption is None else f"<figcaption>{html.escape(str(caption))}</figcaption>\n"
    smallest = _smallest_label_px(anim)
    return (
        f'<figure class="fcconv-animation" id="anim-{name}" data-frame-width="{width}" '
        f'data-min-label-px="{smallest:.2f}" style="margin:0 0 1em 0;text-align:center">\n'
        f"{_PLAYER_STYLE}{markup}\n{_status_script(name, expected, labels)}{figcaption}</figure>\n"
    )


#: Labels of a frame never render smaller than this on a narrow screen.
MIN_LABEL_PX = 11.0

_PLAYER_STYLE = """<style>
.fcconv-animation { color: var(--pst-color-text-base, #222222);
  background: var(--pst-color-background, #ffffff); }
.fcconv-animation figcaption { color: var(--pst-color-text-base, #222222); }
.fcconv-animation .animation { display: block; }
.fcconv-animation .anim-frame { max-width: 100%; overflow-x: auto; }
.fcconv-animation .anim-status { margin: 0.25em 0; font-size: 0.9em; }
</style>
"""


def _accessible_controls(markup: str, name: str, n: int) -> str:
    """Name the slider, and turn the named repetition-mode ``<form>`` landmark into a radio group."""
    slider = f'<input id="_anim_slider{name}" type="range" class="anim-slider"'
    form = re.search(
        r'<form title="Repetition mode" aria-label="Repetition mode" (action="#n" name="[^"]+")\s*', markup
    )
    if slider not in markup or form is None or "</form>" not in markup:
        raise RuntimeError("unexpected matplotlib player markup: cannot label the slider and the mode radios")
    markup = markup.replace(slider, f'{slider} aria-label="Animation step" aria-valuetext="Step 1 of {n}"')
    markup = markup.replace(form.group(0), f"<form {form.group(1)} ")
    markup = re.sub(
        r'(<form action="#n"[^>]*>)', r'\1<div role="radiogroup" aria-label="Repetition mode">', markup
    )
    return markup.replace("</form>", "</div></form>")


def _status_script(name: str, n: int, labels: list[str]) -> str:
    """An ``aria-live`` line that says the current step, kept in step by wrapping ``set_frame``."""
    texts = [f"Step {k + 1} of {n}" + (f": {labels[k]}" if labels else "") for k in range(n)]
    first = html.escape(texts[0])
    return (
        f'<p class="anim-status" id="_anim_status{name}" aria-live="polite">{first}</p>\n'
        "<script>\n(function () {\n"
        f"  var texts = {json.dumps(texts, ensure_ascii=False)};\n"
        f'  var status = document.getElementById("_anim_status{name}");\n'
        f'  var slider = document.getElementById("_anim_slider{name}");\n'
        "  function hook() {\n"
        f'    var anim = window["anim{name}"];\n'
        "    if (!anim) { setTimeout(hook, 20); return; }\n"
        "    var set = anim.set_frame;\n"
        "    anim.set_frame = function (frame) {\n"
        "      set.call(anim, frame);\n"
        "      slider.setAttribute('aria-valuetext', texts[frame].split(':')[0]);\n"
        "      if (status.textContent !== texts[frame]) status.textContent = texts[frame];\n"
        "    };\n"
        "    slider.setAttribute('aria-valuetext', texts[anim.current_frame].split(':')[0]);\n"
        "  }\n"
        "  hook();\n"
        "})();\n</script>\n"
    )


def _smallest_label_px(anim: FuncAnimation) -> float:
    """The smallest font size (px at the figure's dpi) of any visible, non-empty text of the figure."""
    fig = anim._fig
    sizes = [
        t.get_fontsize()
        for t in fig.findobj(mpl.text.Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]
    if not sizes:
        return float("inf")
    return min(sizes) * fig.dpi / 72.0


def _frame_widths(anim: FuncAnimation, markup: str, min_label_px: float) -> tuple[int, int]:
    """The frame's natural width (px) and the narrowest width that keeps labels >= ``min_label_px``."""
    from PIL import Image

    match = _FRAME_DATA_RE.search(markup)
    with Image.open(io.BytesIO(base64.b64decode(match.group(2).replace("\\\n", "")))) as img:
        width = img.width
    smallest = _smallest_label_px(anim)
    if smallest < min_label_px:  # too small even at full size: never shrink
        return width, width
    return width, min(width, math.ceil(width * min_label_px / smallest))
