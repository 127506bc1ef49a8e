"""The animations as self-contained HTML players for a page.

:func:`animation_html` wraps matplotlib's ``to_jshtml`` player: frames re-encoded with a small
palette, stable ids (two builds give the same bytes), paused until the reader plays, alt text,
and a check that matplotlib did not silently drop frames past ``animation.embed_limit``.
"""

from __future__ import annotations

import base64
import html
import io
import re

import matplotlib as mpl
from matplotlib.animation import FuncAnimation

from .._checks import check_int, check_real

_FRAME_RE = re.compile(r'frames\[\d+\] = "data:image/png;base64,')
_FRAME_DATA_RE = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)([A-Za-z0-9+/=\\\n]*)(")')


def shrink_png(data: bytes, colors: int = 64) -> bytes:
    """Re-encode a PNG with an adaptive palette of at most ``colors`` colours (no dithering).

    Figures of flat cells compress several times better this way; the result is
    deterministic (same input bytes, same output bytes).
    """
    from PIL import Image

    colors = check_int("colors", colors, 2)
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
) -> str:
    """The animation as a self-contained, reproducible, accessible HTML player.

    Built on ``anim.to_jshtml()`` (PNG frames, play/pause/step/slider controls), then:

    * each PNG frame is re-encoded with a palette of ``colors`` colours (``None``: keep
      matplotlib's RGBA PNGs), which divides the size by about three;
    * the Font Awesome ``<link>`` to a CDN is removed (the book theme ships the icons;
      nothing is fetched from another origin);
    * matplotlib's random element ids become ``name``, so two builds give identical HTML;
    * the player starts paused on frame 0 and stops at the end (mode "once");
    * ``caption`` (optional) becomes a visible ``<figcaption>`` below the player;
    * the frame image gets ``description`` as alt text and the player is wrapped in a
      ``<figure role="group">`` with an ``aria-label``;
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
    expected = anim._save_count if n_frames is None else check_int("n_frames", n_frames, 1)
    embed_limit_mb = check_real("embed_limit_mb", embed_limit_mb, positive=True)
    if colors is not None:
        colors = check_int("colors", colors, 2, 256)
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
    figcaption = "" if caption is None else f"<figcaption>{html.escape(str(caption))}</figcaption>\n"
    return (
        f'<figure class="fcconv-animation" id="anim-{name}" role="group" aria-label="{alt}" '
        f'style="margin:0 0 1em 0;overflow-x:auto;text-align:center">\n{markup}\n{figcaption}</figure>\n'
    )
