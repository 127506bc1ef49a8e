"""The size budgets of the built site and how a page's weight is counted: the one home of both.

``tools/report.py`` prints the sizes and flags what is over; ``tests/built/test_site.py`` and the
page tests assert the same numbers with the same arithmetic (``tools`` is on pytest's pythonpath).

* a **page** weighs its HTML file (inline ``data:`` URIs included) plus the image files it shows
  itself (each counted once; the theme's ``_static`` files and external URLs are not the page's);
* an **animation player** weighs its markup with every embedded frame: the
  ``<figure class="fcconv-animation">`` that ``lessons_code.pictures.player.animation_html`` wraps
  around matplotlib's player (caption and still image included), or, for a bare matplotlib player,
  from its ``<div class="animation">`` to the end of the ``<script>`` that starts it; on the built
  site (``tools/lazy_frames.py``) the player's frames 1..n-1 live in a file of
  ``_static/frames/`` that the figure names in ``data-frames``: that file counts too.

Standard library only: the report runs without the test dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lazy_frames import frame_files

#: One page: HTML (inline data included) + its own images, in bytes (1.5 MB).
PAGE_BUDGET = 1536 * 1024
#: One animation player, markup and frames, in bytes (400 KB).
ANIMATION_BUDGET = 400 * 1024

_INLINE_RE = re.compile(r"data:[a-z]+/[a-z+.-]+;base64,[A-Za-z0-9+/=]+")
_IMG_SRC_RE = re.compile(r'<img[^>]*?\ssrc="([^"]+)"')
_PLAYER_RE = re.compile(r'<div class="animation">')
_FIGURE_RE = re.compile(r'<figure class="fcconv-animation"')


@dataclass(frozen=True)
class PageWeight:
    """The weight of one built page, in bytes (see the module docstring)."""

    html: int  #: the HTML file
    inline: int  #: of which inline ``data:`` URIs
    images: int  #: the page's own image files
    players: tuple[int, ...]  #: each animation player (its markup, part of ``html``, + its frame file)

    @property
    def total(self) -> int:
        """What the page budget counts: the HTML plus the page's own images."""
        return self.html + self.images


def animation_players(text: str) -> list[str]:
    """The markup of every animation player of a page, in page order (see the module docstring)."""
    out = []
    for m in _PLAYER_RE.finditer(text):
        script = text.find("new Animation(", m.start())
        end = text.find("</script>", script) if script >= 0 else -1
        if end < 0:
            continue
        end += len("</script>")
        start = m.start()
        figure = text.rfind("<figure", 0, start)
        if figure >= 0 and _FIGURE_RE.match(text, figure) and text.find("</figure>", figure) > end:
            start, end = figure, text.find("</figure>", figure) + len("</figure>")
        out.append(text[start:end])
    return out


def page_weight(path: Path) -> PageWeight:
    """Weigh the built page at ``path`` (an ``.html`` file of the site)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    images, seen = 0, set()
    for src in _IMG_SRC_RE.findall(text):
        if src.startswith("data:") or urlsplit(src).scheme or "_static/" in src:
            continue
        target = (path.parent / unquote(urlsplit(src).path)).resolve()
        if target.is_file() and target not in seen:
            seen.add(target)
            images += target.stat().st_size
    return PageWeight(
        html=len(text.encode()),
        inline=sum(len(m) for m in _INLINE_RE.findall(text)),
        images=images,
        players=tuple(
            len(p.encode()) + sum(f.stat().st_size for f in frame_files(path, p))
            for p in animation_players(text)
        ),
    )


def over_budget(doc: str, weight: PageWeight) -> list[str]:
    """One line per budget the page ``doc`` breaks (empty if it fits)."""
    lines = []
    if weight.total > PAGE_BUDGET:
        lines.append(f"page {doc}: {weight.total / 1024:,.0f} KB > {PAGE_BUDGET / 1024:,.0f} KB")
    lines += [
        f"animation {i} on {doc}: {size / 1024:,.0f} KB > {ANIMATION_BUDGET / 1024:,.0f} KB"
        for i, size in enumerate(weight.players)
        if size > ANIMATION_BUDGET
    ]
    return lines
