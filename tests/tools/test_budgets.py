"""tools/budgets.py: the page and player budgets and how a page is weighed, on hand-made pages."""

from __future__ import annotations

import base64

from budgets import ANIMATION_BUDGET, PAGE_BUDGET, animation_players, over_budget, page_weight

FRAME = "data:image/png;base64," + base64.b64encode(b"x" * 300).decode()


def player(frames: int, figure: bool) -> str:
    script = "".join(f'frames[{i}] = "{FRAME}";\n' for i in range(frames))
    bare = (
        '<div class="animation"><img id="_anim_img"></div>\n'
        f"<script>{script}setTimeout(function() {{ a = new Animation(frames, 1); }}, 0);</script>"
    )
    if not figure:
        return bare
    return f'<figure class="fcconv-animation" id="anim-x"><img alt="still" src="{FRAME}">{bare}<figcaption>c</figcaption></figure>'


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


def test_players_are_the_wrapping_figure_or_the_bare_player(tmp_path):
    wrapped, bare = player(3, figure=True), player(2, figure=False)
    found = animation_players(f"<p>intro</p>{wrapped}<p>between</p>{bare}<p>end</p>")
    assert found == [wrapped, bare]
    page = write_page(tmp_path, wrapped + bare, {})
    assert page_weight(page).players == (len(wrapped.encode()), len(bare.encode()))


def test_over_budget_names_the_page_and_the_player(tmp_path):
    frames = ANIMATION_BUDGET // len(FRAME) + 1
    heavy = player(frames, figure=False)
    page = write_page(tmp_path, heavy + '<img src="_images/big.png">', {"_images/big.png": PAGE_BUDGET})
    lines = over_budget("book/x", page_weight(page))
    assert len(lines) == 2
    assert lines[0].startswith("page book/x:") and lines[1].startswith("animation 0 on book/x:")
    light = write_page(tmp_path, player(2, figure=True), {})
    assert over_budget("book/x", page_weight(light)) == []
