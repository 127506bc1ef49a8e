"""tools/budgets.py: the page and player budgets and how a page is weighed, on hand-made pages."""

from __future__ import annotations

import base64

from budgets import ANIMATION_BUDGET, PAGE_BUDGET, over_budget, page_weight, read_images

FRAME = "data:image/png;base64," + base64.b64encode(b"x" * 300).decode()


def player(name: str, wide: list[str], narrow: list[str]) -> str:
    """A player as lessons_code.pictures.player writes it: one <picture> per frame."""
    frames = "".join(
        f'<picture class="fcconv-frame">{f"<source srcset={n!r}>" if n else ""}<img src="{w}" alt="f"></picture>'
        for w, n in zip(wide, narrow or [None] * len(wide), strict=True)
    )
    return (
        f'<figure class="fcconv-player" id="player-{name}"><div class="fcconv-frames">{frames}</div>'
        "<figure><img src='_images/inner.png'></figure><figcaption>c</figcaption></figure>"
    )


def write_page(tmp_path, body: str, images: dict[str, int]) -> object:
    (tmp_path / "_images").mkdir(exist_ok=True)
    (tmp_path / "_static").mkdir(exist_ok=True)
    for name, size in images.items():
        (tmp_path / name).write_bytes(b"\0" * size)
    page = tmp_path / "page.html"
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return page


def test_budgets_are_the_documented_numbers():
    assert PAGE_BUDGET == 1.5 * 1024 * 1024
    assert ANIMATION_BUDGET == 400 * 1024


def test_a_page_weighs_its_html_and_each_own_image_once(tmp_path):
    body = (
        '<img src="_images/a.png"><img src="_images/a.png"><img src="_images/b.png">'
        '<img src="_static/logo.png"><img src="https://example.org/c.png">'
        f'<img src="{FRAME}">'
    )
    page = write_page(tmp_path, body, {"_images/a.png": 1000, "_images/b.png": 500, "_static/logo.png": 7000})
    w = page_weight(page)
    assert w.html == len(page.read_bytes())
    assert w.images == 1500  # a.png once, b.png; not the theme's logo, not the external or inline image
    assert w.inline == len(FRAME)
    assert w.total == w.html + 1500 and w.players == ()


def test_a_player_weighs_its_larger_drawing_and_not_the_page(tmp_path):
    files = {f"_images/w{k}.png": 100 for k in range(3)} | {f"_images/n{k}.png": 70 for k in range(3)}
    files |= {"_images/inner.png": 5, "_images/fig.png": 1000}
    wide = [f"_images/w{k}.png" for k in range(3)]
    narrow = [f"_images/n{k}.png" for k in range(3)]
    body = player("a", wide, narrow) + '<img src="_images/fig.png">' + player("b", narrow, None)
    page = write_page(tmp_path, body, files)
    found = read_images(page.read_text(encoding="utf-8"))
    assert [(p.name, p.wide, p.narrow) for p in found.players] == [
        ("player-a", [*wide, "_images/inner.png"], narrow),
        ("player-b", [*narrow, "_images/inner.png"], []),
    ]  # a figure nested in a player belongs to the player
    assert found.images == ["_images/fig.png"]
    w = page_weight(page)
    assert w.players == (305, 215) and w.images == 1000


def test_over_budget_names_the_page_and_the_player(tmp_path):
    big = [f"_images/f{k}.png" for k in range(5)]
    files = dict.fromkeys(big, ANIMATION_BUDGET // 5 + 1) | {"_images/big.png": PAGE_BUDGET}
    page = write_page(tmp_path, player("x", big, None) + '<img src="_images/big.png">', files)
    lines = over_budget("book/x", page_weight(page))
    assert len(lines) == 2
    assert lines[0].startswith("page book/x:") and lines[1].startswith("animation 0 on book/x:")
    files = dict.fromkeys(big, ANIMATION_BUDGET // 5)
    light = write_page(tmp_path, player("x", big, None), files)
    assert over_budget("book/x", page_weight(light)) == []
