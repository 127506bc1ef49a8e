"""The animation players on the site: a myst-nb MIME renderer and a docutils node.

:class:`PlayerMime` (entry point ``myst_nb.mime_renderers``) renders a cell output of
:data:`~lessons_code.pictures.player.MIME_TYPE` (:meth:`Player.to_json`): each frame becomes a file
beside the page's other outputs and an image node, which Sphinx copies to ``_images/`` like any
figure; the :class:`player` node writes :func:`player_markup` with those URLs (frames lazy). Pages
get ``player.css``, pages with a player ``player.js`` (from ``lessons_code/pictures/static``, which the
notebook's self-contained player inlines).
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from urllib.parse import quote

from docutils import nodes

from lessons_code.pictures.player import MIME_TYPE, STATIC, player_markup


class player(nodes.General, nodes.Element):
    """An animation player; ``spec``: the player's JSON without frames; children: its frames
    (image nodes, the wide frames then the narrow ones)."""


class PlayerMime:
    """myst-nb MIME renderer plugin for :data:`MIME_TYPE` (preferred over text/html on the site)."""

    mime_priority_overrides = (("html", MIME_TYPE, 1), ("dirhtml", MIME_TYPE, 1))

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != MIME_TYPE:
            return None
        spec = dict(data.content)
        node = player(spec={k: v for k, v in spec.items() if k not in ("wide", "narrow")})
        for key in ("wide", "narrow"):
            frames = spec[key] or {"png": []}
            node["spec"][key] = spec[key] and {k: v for k, v in frames.items() if k != "png"}
            for b64 in frames["png"]:
                png = base64.b64decode(b64)
                name = f"{spec['name']}-{hashlib.sha256(png).hexdigest()[:16]}.png"
                uri = renderer.write_file([name], png, overwrite=False, exists_ok=True)
                node += nodes.image(uri=uri, alt="", classes=[key])
        return [node]


def visit_player(self, node: player) -> None:
    """HTML: :func:`player_markup` with the frames' URLs as Sphinx copied them to ``_images/``."""
    urls = {"wide": [], "narrow": []}
    for image in node.findall(nodes.image):
        name = quote(self.builder.images[image["uri"]])
        urls[image["classes"][0]].append(posixpath.join(self.builder.imgpath, name))
    self.body.append(player_markup(node["spec"], urls["wide"], urls["narrow"] or None, lazy=True))
    raise nodes.SkipNode


def _page_script(app, pagename, templatename, context, doctree) -> None:
    if doctree is not None and next(doctree.findall(player), None) is not None:
        app.add_js_file("player.js", defer="defer")


def setup(app):
    app.add_node(player, html=(visit_player, None))
    app.connect("config-inited", lambda app, config: config.html_static_path.append(str(STATIC)))
    app.add_css_file("player.css")  # on every page: one stylesheet bundle for the whole site
    app.connect("html-page-context", _page_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
