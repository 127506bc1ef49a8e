"""tools/fcconv_site/player.py: a player's MIME data becomes frame files, image nodes and markup."""

from __future__ import annotations

import base64
import hashlib
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from fcconv_site import player as site_player
from PIL import Image

from lessons_code.pictures.player import MIME_TYPE


def _png(colour: int, size=(6, 4)) -> bytes:
    import io

    buf = io.BytesIO()
    Image.new("L", size, colour).save(buf, format="PNG")
    return buf.getvalue()


SPEC = {
    "name": "demo",
    "description": "A demo animation of three steps, for a test.",
    "steps": ["Step 1 of 3: a", "Step 2 of 3: b", "Step 3 of 3: c"],
    "caption": "Demo.",
    "interval": 500,
    "wide": {"png": [base64.b64encode(_png(c)).decode() for c in (0, 80, 160)], "width": 6, "height": 4,
             "label_px": 12.0},
    "narrow": {"png": [base64.b64encode(_png(c, (3, 5))).decode() for c in (0, 80, 160)], "width": 3,
               "height": 5, "label_px": 11.5},
}  # fmt: skip


class FakeRenderer:
    """What handle_mime uses of myst-nb's NbElementRenderer: write_file."""

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def write_file(self, path, content, overwrite=False, exists_ok=False):
        self.files["/".join(path)] = content
        return "/_build/jupyter_execute/" + "/".join(path)


def test_frames_become_files_and_image_nodes():
    renderer = FakeRenderer()
    data = SimpleNamespace(mime_type=MIME_TYPE, content=SPEC)
    (node,) = site_player.PlayerMime.handle_mime(renderer, data, False)
    images = list(node.findall(nodes.image))
    assert [i["classes"] for i in images] == [["wide"]] * 3 + [["narrow"]] * 3
    pngs = [base64.b64decode(s) for key in ("wide", "narrow") for s in SPEC[key]["png"]]
    names = [f"demo-{hashlib.sha256(p).hexdigest()[:16]}.png" for p in pngs]
    assert [i["uri"] for i in images] == [f"/_build/jupyter_execute/{n}" for n in names]
    assert renderer.files == dict(zip(names, pngs, strict=True))
    assert "png" not in node["spec"]["wide"] and node["spec"]["narrow"]["width"] == 3
    assert site_player.PlayerMime.handle_mime(renderer, data, True) is None  # inline: not ours
    other = SimpleNamespace(mime_type="text/html", content="<p>")
    assert site_player.PlayerMime.handle_mime(renderer, other, False) is None


def test_the_node_writes_the_player_with_the_copied_frames():
    renderer = FakeRenderer()
    (node,) = site_player.PlayerMime.handle_mime(
        renderer, SimpleNamespace(mime_type=MIME_TYPE, content=SPEC), False
    )
    copied = {i["uri"]: f"copy{k}.png" for k, i in enumerate(node.findall(nodes.image))}
    translator = SimpleNamespace(body=[], builder=SimpleNamespace(images=copied, imgpath="../_images"))
    with pytest.raises(nodes.SkipNode):
        site_player.visit_player(translator, node)
    soup = BeautifulSoup("".join(translator.body), "html.parser")
    imgs = soup.select("figure#player-demo img")
    assert [i["src"] for i in imgs] == [
        "../_images/copy0.png",
        "../_images/copy1.png",
        "../_images/copy2.png",
    ]
    assert [i["loading"] for i in imgs] == ["lazy"] * 3 and imgs[0]["alt"] == SPEC["description"]
    assert [s["srcset"] for s in soup.select("source")] == [f"../_images/copy{k}.png" for k in (3, 4, 5)]
    assert soup.select_one("figure")["data-interval"] == "500"
