"""The size budgets of the built site and how a page's weight is counted: the one home of both.

``benchmarks/report.py`` prints the sizes and flags what is over; ``tests/built/test_site.py`` and the
page tests assert the same numbers with the same arithmetic (``tools`` is on pytest's pythonpath).

* a **page** weighs its HTML file (inline ``data:`` URIs included) plus the image files it shows
  outside its players (each once; not the theme's ``_static`` files, not external URLs);
* an **animation player** (``<figure class="fcconv-player">``, ``lessons_code.pictures.player``)
  weighs the frame files of its larger drawing (wide ``<img>`` or narrow ``<source>``): a reader
  fetches one drawing, when the player comes near (its markup is part of the page's HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

#: One page: HTML (inline data included) + its own images, in bytes (1.5 MB).
PAGE_BUDGET = 1536 * 1024
#: One animation player: the frames of one drawing, in bytes (400 KB).
ANIMATION_BUDGET = 400 * 1024


@dataclass
class PlayerFrames:
    """The frame URLs of one player, as its page writes them."""

    name: str
    wide: list[str]
    narrow: list[str]


@dataclass
class PageImages:
    """The image URLs of a page: ``images`` (outside players, ``data:`` URIs included) and
    ``players`` (each player's frames)."""

    images: list[str]
    players: list[PlayerFrames]


def read_images(text: str) -> PageImages:
    soup, players = BeautifulSoup(text, "html.parser"), []
    for figure in soup.select("figure.fcconv-player"):
        srcs = [img["src"] for img in figure.find_all("img", src=True)]
        narrow = [source["srcset"] for source in figure.find_all("source", srcset=True)]
        players.append(PlayerFrames(figure.get("id", ""), srcs, narrow))
        figure.extract()  # what is left are the page's own images
    return PageImages([img["src"] for img in soup.find_all("img", src=True)], players)


def frame_files(page: Path, urls: list[str]) -> list[Path]:
    """The site's files that ``urls`` on ``page`` name, each once, in order (``data:``, external
    and ``_static`` URLs are not the page's)."""
    out: dict[Path, None] = {}
    for url in urls:
        if not (url.startswith("data:") or urlsplit(url).scheme or "_static/" in url):
            target = (Path(page).parent / unquote(urlsplit(url).path)).resolve()
            out.update(dict.fromkeys([target] if target.is_file() else []))
    return list(out)


@dataclass(frozen=True)
class PageWeight:
    """The weight of one built page, in bytes (see the module docstring)."""

    html: int  #: the HTML file
    inline: int  #: of which inline ``data:`` images
    images: int  #: the page's own image files (not the players' frames)
    players: tuple[int, ...]  #: each animation player: the frame files of its larger drawing

    @property
    def total(self) -> int:
        """What the page budget counts: the HTML plus the page's own images."""
        return self.html + self.images


def page_weight(path: Path) -> PageWeight:
    """Weigh the built page at ``path`` (an ``.html`` file of the site)."""
    text = Path(path).read_text(encoding="utf-8")
    found = read_images(text)

    def size(urls):
        return sum(f.stat().st_size for f in frame_files(path, urls))

    return PageWeight(
        html=len(text.encode()),
        inline=sum(len(u.encode()) for u in found.images if u.startswith("data:")),
        images=size(found.images),
        players=tuple(max(size(p.wide), size(p.narrow)) for p in found.players),
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
