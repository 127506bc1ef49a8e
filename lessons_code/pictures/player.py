"""The book's animation player: PNG frames, one small script (``static/player.js``), no matplotlib player.

:func:`animation_player` draws every frame of a ``FuncAnimation`` (and, optionally, of a narrow
portrait twin for phones) into PNG bytes and returns a :class:`Player`. Shown by Jupyter, a
player is a MIME bundle of

* ``text/html``: a self-contained player (frames as ``data:`` URIs, ``player.css`` and
  ``player.js`` inline). With JavaScript it plays; without (an untrusted notebook) it shows frame 0
  and a grid of the frames when printed;
* :data:`MIME_TYPE`: the frames (base64 PNG), alt text, step captions and timing as JSON, which the
  book's site renders with files for frames (``fcconv_site.player``), using :func:`player_markup`.

:func:`player_markup` is the one writer of the player's HTML, for the notebook and for the site.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.text
from matplotlib.animation import AbstractMovieWriter, FuncAnimation

from .._checks import require_int

#: The MIME type of a player's data (frames, alt text, captions) in a notebook output.
MIME_TYPE = "application/vnd.fcconv.player+json"
#: Labels of a frame never render smaller than this, in CSS px, where the player shows it.
MIN_LABEL_PX = 11.0
#: Viewports up to this width (CSS px) get the narrow frames, when a player has them: above it the
#: article column is at least 656 px wide (pydata-sphinx-theme 0.15), as wide as a wide frame may be.
NARROW_MAX_PX = 700
#: The player's script and stylesheet (served as ``_static/player.js`` and ``player.css`` on the site).
STATIC = Path(__file__).parent / "static"

_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def shrink_png(data: bytes, colors: int = 64) -> bytes:
    """Re-encode a PNG with an adaptive palette of at most ``colors`` colours (no dithering).

    Figures of flat cells compress several times better this way; the result is
    deterministic (same input bytes, same output bytes).
    """
    from PIL import Image, UnidentifiedImageError

    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be the bytes of a PNG file, got {type(data).__name__}")
    colors = require_int("colors", colors, 2, 256)
    try:
        img = Image.open(io.BytesIO(data), formats=["PNG"])
    except UnidentifiedImageError:
        raise ValueError(
            f"data must be the bytes of a PNG file, got {len(data)} bytes of something else"
        ) from None
    with img:
        small = img.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
        )
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


class _FrameGrabber(AbstractMovieWriter):
    """A movie writer that keeps each frame in memory (writes no file): the RGBA pixels of the
    figure drawn by the Agg renderer, as ``savefig`` draws them for a PNG (it too lends the figure
    an Agg canvas for the draw), without encoding a PNG only to decode it again."""

    def setup(self, fig, outfile, dpi=None):
        super().setup(fig, outfile, dpi)
        self.frames: list = []

    def grab_frame(self, **savefig_kwargs):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        fig = self.fig
        own = fig.canvas
        canvas = FigureCanvasAgg(fig)  # lent for this draw, as savefig does
        try:
            canvas.draw()
            rgba = canvas.buffer_rgba()
            frame = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba).copy()
        finally:
            fig.set_canvas(own)
        self.frames.append(frame)

    def finish(self):
        pass


def _png(img, colors: int | None) -> bytes:
    """``img`` (an RGBA PIL image) as PNG bytes, its RGB with an adaptive palette of ``colors``
    colours (no dithering; ``None``: RGBA as matplotlib writes it), deterministic: the bytes of
    :func:`shrink_png` of matplotlib's PNG of the same pixels."""
    from PIL import Image

    if colors is not None:
        img = img.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
        )
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def render_frames(anim: FuncAnimation, colors: int | None = 64) -> list[bytes]:
    """Every frame of ``anim`` as PNG bytes, in order (palette of ``colors`` colours; ``None``:
    RGBA PNGs at full colour)."""
    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    if colors is not None:
        colors = require_int("colors", colors, 2, 256)
    writer = _FrameGrabber()
    anim.save("frames.png", writer=writer, dpi=anim._fig.dpi)  # the grabber writes no file
    return [_png(f, colors) for f in writer.frames]


def smallest_label_px(anim: FuncAnimation) -> float:
    """The smallest font size (px at the figure's dpi) of any visible, non-empty text of the figure."""
    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    fig = anim._fig
    sizes = [
        t.get_fontsize()
        for t in fig.findobj(mpl.text.Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]
    return min(sizes) * fig.dpi / 72.0 if sizes else float("inf")


@dataclass(frozen=True)
class Frames:
    """One drawing of an animation: PNG frames of one size and the smallest label on them (px)."""

    png: tuple[bytes, ...]
    width: int
    height: int
    label_px: float


@dataclass(frozen=True)
class Player:
    """An animation player: what :func:`player_markup` draws, as a notebook shows it
    (``_repr_mimebundle_``) or as JSON (:meth:`to_json`, the site's input)."""

    name: str
    description: str  #: alt text of the animation as a whole (frame 0)
    steps: tuple[str, ...]  #: "Step k of n: ..." per frame, announced as it shows
    wide: Frames
    narrow: Frames | None  #: portrait frames for phones, or None
    caption: str | None
    interval: int  #: milliseconds per frame when playing

    @property
    def nbytes(self) -> int:
        """Bytes of the wide frames (what a reader on a wide screen fetches)."""
        return sum(len(f) for f in self.wide.png)

    def to_json(self) -> dict:
        """The player as the JSON of :data:`MIME_TYPE` (frames as base64 PNG)."""

        def frames(f: Frames | None):
            if f is None:
                return None
            png = [base64.b64encode(p).decode("ascii") for p in f.png]
            return {"png": png, "width": f.width, "height": f.height, "label_px": round(f.label_px, 3)}

        return {
            "name": self.name,
            "description": self.description,
            "steps": list(self.steps),
            "caption": self.caption,
            "interval": self.interval,
            "wide": frames(self.wide),
            "narrow": frames(self.narrow),
        }

    def to_html(self) -> str:
        """The self-contained player: frames as ``data:`` URIs, stylesheet and script inline."""
        spec = self.to_json()

        def uris(key):
            f = spec[key]
            return None if f is None else [f"data:image/png;base64,{p}" for p in f["png"]]

        css = (STATIC / "player.css").read_text(encoding="utf-8")
        js = (STATIC / "player.js").read_text(encoding="utf-8")
        markup = player_markup(spec, uris("wide"), uris("narrow"), lazy=False)
        return f"<style>\n{css}</style>\n{markup}<script>\n{js}</script>\n"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.to_html(), MIME_TYPE: self.to_json()}


def _frames(anim: FuncAnimation, colors: int | None) -> Frames:
    from PIL import Image

    png = render_frames(anim, colors)
    with Image.open(io.BytesIO(png[0])) as img:
        width, height = img.size
    return Frames(tuple(png), width, height, smallest_label_px(anim))


def animation_player(
    anim: FuncAnimation,
    name: str,
    description: str,
    *,
    narrow: FuncAnimation | None = None,
    caption: str | None = None,
    step_labels=None,
    colors: int | None = 64,
) -> Player:
    """The animation as a :class:`Player` (its frames drawn now, re-encoded with ``colors`` colours).

    name: an identifier, the player's id on its page; description: alt text (a sentence, >= 20
    characters); narrow: the same animation drawn for a phone (same frame count), shown on
    viewports up to :data:`NARROW_MAX_PX`; caption: a visible ``<figcaption>``; step_labels: one
    text per frame, announced after "Step k of n: " (default: the animation's ``step_labels``).
    """
    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    if not isinstance(name, str) or not name or not name[0].isalpha() or not set(name) <= _NAME_CHARS:
        raise ValueError(f"name must be an identifier (letters, digits, _), got {name!r}")
    if not isinstance(description, str) or len(description.strip()) < 20:
        raise ValueError(
            f"description must be a sentence of alt text (>= 20 characters), got {description!r}"
        )
    if narrow is not None and not isinstance(narrow, FuncAnimation):
        raise TypeError(f"narrow must be a matplotlib FuncAnimation or None, got {type(narrow).__name__}")
    n = anim._save_count
    if narrow is not None and narrow._save_count != n:
        raise ValueError(f"narrow must have the same frame count as anim ({n}), got {narrow._save_count}")
    labels = getattr(anim, "step_labels", None) if step_labels is None else step_labels
    labels = [] if labels is None else [str(label) for label in labels]
    if labels and len(labels) != n:
        raise ValueError(f"step_labels must hold one label per frame ({n}), got {len(labels)}")
    steps = tuple(f"Step {k + 1} of {n}" + (f": {labels[k]}" if labels else "") for k in range(n))
    wide = _frames(anim, colors)
    small = None if narrow is None else _frames(narrow, colors)
    if len(wide.png) != n or (small is not None and len(small.png) != n):
        raise RuntimeError(f"the player {name!r} drew {len(wide.png)} frames, expected {n}")
    return Player(
        name, description, steps, wide, small, None if caption is None else str(caption), int(anim._interval)
    )


# --- the markup (the notebook's and the site's) -----------------------------------------------

_ICONS = {  # 20x20 SVG paths, filled with the text colour: |<<  <|  ||  >  |>  >>|
    "first": "M2 3h2v14H2zM11 3v14L4 10zM18 3v14l-7-7z",
    "previous": "M13 3v14L5 10zM14 3h2v14h-2z",
    "pause": "M5 3h4v14H5zM11 3h4v14h-4z",
    "play": "M5 3v14l11-7z",
    "next": "M4 3h2v14H4zM7 3v14l8-7z",
    "last": "M2 3v14l7-7zM9 3v14l7-7zM16 3h2v14h-2z",
}
_BUTTONS = [
    ("first", "First frame"),
    ("previous", "Previous frame"),
    ("pause", "Pause"),
    ("play", "Play"),
    ("next", "Next frame"),
    ("last", "Last frame"),
]


def player_markup(spec: dict, wide: list[str], narrow: list[str] | None, *, lazy: bool) -> str:
    """The HTML of a player (:meth:`Player.to_json` gives ``spec``); ``wide`` and ``narrow``:
    the URLs of its frames (``narrow`` None: one drawing); ``lazy``: frames load when near.

    Without script: frame 0 (print: every frame, in a grid); ``player.js`` shows the controls.
    """
    if not isinstance(spec, dict) or not {"name", "steps", "description", "wide", "narrow"} <= spec.keys():
        raise TypeError(f"spec must be the dict of Player.to_json(), got {type(spec).__name__}")
    esc = html.escape
    name, steps = spec["name"], spec["steps"]
    n = len(steps)
    w, nw = spec["wide"], spec["narrow"]
    if len(wide) != n or (narrow is not None and len(narrow) != n) or (narrow is None) != (nw is None):
        raise ValueError(f"player {name!r}: {n} steps, {len(wide)} wide frames, narrow {narrow is not None}")
    loading = ' loading="lazy"' if lazy else ""
    frames = []
    for k in range(n):
        source = ""
        if narrow is not None:
            source = (
                f'<source media="(max-width: {NARROW_MAX_PX}px)" srcset="{esc(narrow[k])}" '
                f'width="{nw["width"]}" height="{nw["height"]}" data-label-px="{nw["label_px"]}">'
            )
        alt = spec["description"] if k == 0 else steps[k]
        frames.append(
            f'<picture class="fcconv-frame" data-step="Step {k + 1} of {n}">{source}'
            f'<img src="{esc(wide[k])}" alt="{esc(alt)}" width="{w["width"]}" height="{w["height"]}" '
            f'data-label-px="{w["label_px"]}"{loading} decoding="async"></picture>'
        )
    buttons = "".join(
        f'<button type="button" data-action="{action}" aria-label="{label}" title="{label}">'
        f'<svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">'
        f'<path d="{_ICONS[action]}"/></svg></button>'
        for action, label in _BUTTONS
    )
    caption = "" if spec["caption"] is None else f"<figcaption>{esc(spec['caption'])}</figcaption>\n"
    return (
        f'<figure class="fcconv-player" id="player-{name}" data-interval="{int(spec["interval"])}">\n'
        f'<div class="fcconv-frames">{"".join(frames)}</div>\n'
        '<div class="fcconv-controls" hidden>'
        f'<input type="range" min="0" max="{n - 1}" value="0" step="1" aria-label="Animation step" '
        f'aria-valuetext="Step 1 of {n}">\n<div class="fcconv-buttons">{buttons}'
        '<label class="fcconv-loop"><input type="checkbox"> Loop</label></div></div>\n'
        f'<p class="fcconv-status" aria-live="polite">{esc(steps[0])}</p>\n'
        f"{caption}</figure>\n"
    )
