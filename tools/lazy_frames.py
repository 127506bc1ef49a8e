"""Sphinx extension: the animation players' frames load when the reader comes to them.

``lessons_code.pictures.player.animation_html`` makes a self-contained player: matplotlib's
``to_jshtml`` script holds every frame as ``frames[i] = "data:image/png;base64,..."`` (the exported
notebooks and the GIF command rely on that). On the built site the browser would have to download
every frame of every player before the page's first paint. Once the build is done this extension
rewrites each such player of each written HTML page:

* frame 0 stays in the page, as the ``src`` of the frame ``<img>``, where the script takes it
  from (the player shows it at once, with no request, and with JavaScript off too);
* frames 1..n-1 move, verbatim, to one static file per player,
  ``_static/frames/<player name>-<hash of its bytes>.js``, which hands them to the player; the
  ``<figure>`` names it in ``data-frames`` and its frame count in ``data-frame-count``;
* the player fetches that file when it comes near the screen (an ``IntersectionObserver`` with a
  margin of :data:`ROOT_MARGIN`, started after the page's ``load`` event) or when the reader first
  touches, clicks or focuses its controls, whichever is first. Until the frames are there, a step,
  the slider or Play waits for them (the reader's actions are carried out in order when they
  arrive; the status line and the slider's ``aria-valuetext`` change with the frame): no blank
  frame, no frame 0 shown in place of another.

Everything is a plain text edit of the markup ``animation_html`` writes (:func:`lazy_page`,
tested on sample and real markup in ``tests/tools/test_lazy_frames.py``), independent of the
page's ``<head>``; names and bytes are deterministic (two builds stay byte-identical). Players
already rewritten (an incremental build leaves unchanged pages alone) are recognised and kept;
frame files no page names any more are deleted.

Standard library only at import time (``tools/budgets.py`` and ``tools/site_audit.py`` use
:func:`frame_files` and :func:`split_frames`).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

#: Where the frame files go, relative to the site root.
FRAMES_DIR = "_static/frames"
#: How far outside the screen a player starts loading its frames (one screen height above/below).
ROOT_MARGIN = "100% 0px"

_FIGURE = re.compile(r'<figure class="fcconv-animation" id="anim-([A-Za-z][A-Za-z0-9_]*)"')
_FRAME_LINE = re.compile(r'[ \t]*frames\[(\d+)\] = "data:image/png;base64,[A-Za-z0-9+/=\\\n]*"[ \t]*;?\n')
_FRAMES_ATTR = re.compile(r'\sdata-frames="([^"]+)"')


def _instantiation(markup: str, name: str) -> re.Match | None:
    """matplotlib's script that fills ``frames`` and starts the player ``name``."""
    return re.search(
        r'<script language="javascript">\s*/\* Instantiate the Animation class\. \*/'
        rf'.*?var img_id = "_anim_img{name}";.*?var frames = new Array\((\d+)\);.*?</script>',
        markup,
        flags=re.S,
    )


def split_frames(script: str) -> dict[int, str]:
    """Frame index -> the whole ``frames[i] = "data:..."`` line, for every frame line of ``script``."""
    out: dict[int, str] = {}
    for m in _FRAME_LINE.finditer(script):
        index = int(m.group(1))
        if index in out:
            raise ValueError(f"frame {index} is given twice")
        out[index] = m.group(0)
    return out


def frames_js(name: str, lines: list[str], first: int, last: int) -> str:
    """The static file that hands frames ``first``..``last`` (their ``frames[i] = ...`` lines) to
    the player ``name`` (see :data:`LOADER`)."""
    return (
        f"/* Frames {first}-{last} of the animation player {name!r}: its page loads this file when the\n"
        "   reader comes to the player (tools/lazy_frames.py). */\n"
        "(function () {\n  var frames = {};\n"
        + "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        + f'  window.fcconvFrames["{name}"](frames);\n}})();\n'
    )


#: Defined once per page (each player's script defines it if missing): hooks a player to its file.
LOADER = (
    """<script>
/* tools/lazy_frames.py: frames 1..n-1 of this player load from the file named in data-frames. */
window.fcconvLazyFrames = window.fcconvLazyFrames || function (anim, name) {
  var figure = document.getElementById("anim-" + name);
  var state = 0, waiting = [], seen = null;
  function load() {
    if (state) return;
    state = 1;
    var s = document.createElement("script");
    s.src = figure.getAttribute("data-frames");
    s.onerror = function () { state = 0; s.remove(); };
    document.head.appendChild(s);
  }
  window.fcconvFrames = window.fcconvFrames || {};
  window.fcconvFrames[name] = function (frames) {
    for (var i in frames) anim.frames[i].src = frames[i];
    state = 2;
    if (seen) seen.disconnect();
    figure.setAttribute("data-frames-loaded", "true");
    var actions = waiting;
    waiting = [];
    actions.forEach(function (action) { action(); });
  };
  /* Until the frames are there, the controls' actions wait for them, in order. */
  function gate(method) {
    var run = anim[method];
    anim[method] = function () {
      var args = arguments;
      if (state === 2) return run.apply(anim, args);
      waiting.push(function () { anim[method].apply(anim, args); });
      load();
    };
  }
  ["next_frame", "previous_frame", "play_animation", "reverse_animation", "pause_animation"].forEach(gate);
  /* set_frame (the slider, first and last frame) is gated outside the status line's own wrapper
     (player.py's _status_script wraps it once the player exists): a step that waits for its frame
     leaves the status line and the slider's aria-valuetext as they are until the frame shows. */
  var status = document.getElementById("_anim_status" + name);
  (function wrap(tries) {
    if (status && anim.set_frame === Object.getPrototypeOf(anim).set_frame && tries < 200) {
      setTimeout(function () { wrap(tries + 1); }, 10);
      return;
    }
    gate("set_frame");
  })(0);
  ["pointerdown", "focusin", "keydown"].forEach(function (type) {
    figure.addEventListener(type, load, {once: true});
  });
  function observe() {
    if (state || !("IntersectionObserver" in window)) return;
    seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); load(); }
    }, {rootMargin: "ROOT_MARGIN"});
    seen.observe(figure);
  }
  if (document.readyState === "complete") observe();
  else window.addEventListener("load", observe, {once: true});
};
</script>
"""
).replace("ROOT_MARGIN", ROOT_MARGIN)


def lazy_player(figure: str, name: str, frames_url) -> tuple[str, str, str]:
    """One ``<figure class="fcconv-animation">`` player -> (its lazy markup, the name of its frame
    file, the file's text).

    ``frames_url(file name)`` is the URL of a file of :data:`FRAMES_DIR` as the page links it.
    Raises ``ValueError`` if the markup is not the player ``animation_html`` writes or its frame
    lines are not exactly 0..n-1.
    """
    script = _instantiation(figure, name)
    if script is None:
        raise ValueError(f"player {name!r}: no matplotlib script that starts it")
    n = int(script.group(1))
    lines = split_frames(script.group(0))
    if sorted(lines) != list(range(n)):
        raise ValueError(f"player {name!r}: frame lines {sorted(lines)}, expected 0..{n - 1}")
    if n < 2:
        raise ValueError(f"player {name!r}: {n} frame, nothing to load later")
    body = frames_js(name, [lines[i] for i in range(1, n)], 1, n - 1)
    file = f"{name}-{hashlib.sha256(body.encode()).hexdigest()[:12]}.js"
    new_script = script.group(0)
    for i in range(1, n):
        new_script = new_script.replace(lines[i], "", 1)
    # Frame 0 moves into the <img> itself (shown before any script runs, and with JavaScript
    # off); the script takes it from there. Until the file is there, frames 1..n-1 are frame 0
    # (never shown: the controls wait for the file).
    first = re.search(r'"(data:image/png;base64,[^"]*)"', lines[0])
    img = f'<img id="_anim_img{name}" '
    if first is None or figure.count(img) != 1:
        raise ValueError(f"player {name!r}: cannot put frame 0 in its <img>")
    new_script = new_script.replace(
        lines[0],
        '    frames[0] = document.getElementById(img_id).getAttribute("src");\n'
        "    for (var k = 1; k < frames.length; k++) frames[k] = frames[0];\n",
        1,
    )
    start = re.search(rf"anim{name} = new Animation\([^;]*\);", new_script)
    if start is None:
        raise ValueError(f"player {name!r}: cannot find where the player starts")
    new_script = new_script.replace(
        start.group(0), start.group(0) + f'\n        fcconvLazyFrames(anim{name}, "{name}");', 1
    )
    out = figure.replace(script.group(0), LOADER + new_script, 1)
    out = out.replace(img, f'{img}src="{first.group(1).replace(chr(92) + chr(10), "")}" ', 1)
    head = f'<figure class="fcconv-animation" id="anim-{name}"'
    out = out.replace(
        head,
        f'{head} data-frames="{html.escape(frames_url(file), quote=True)}" data-frame-count="{n}"',
        1,
    )
    return out, file, body


def figures(page_html: str) -> list[re.Match]:
    """Every ``<figure class="fcconv-animation" id="anim-NAME">...</figure>`` of a page (group 1:
    NAME; ``.group(0)``: the figure's markup), in page order."""
    return list(
        re.finditer(
            r'<figure class="fcconv-animation" id="anim-([A-Za-z][A-Za-z0-9_]*)".*?</figure>',
            page_html,
            flags=re.S,
        )
    )


def lazy_page(page_html: str, frames_url) -> tuple[str, dict[str, str]]:
    """``page_html`` with every not yet rewritten player made lazy (:func:`lazy_player`), and the
    frame files it needs ({file name: text}). A page without players comes back unchanged."""
    files: dict[str, str] = {}
    pieces, pos = [], 0
    for m in figures(page_html):
        figure = m.group(0)
        pieces.append(page_html[pos : m.start()])
        if _FRAMES_ATTR.search(figure[: figure.find(">")]):  # rewritten by an earlier build
            pieces.append(figure)
        else:
            new, file, body = lazy_player(figure, m.group(1), frames_url)
            files[file] = body
            pieces.append(new)
        pos = m.end()
    pieces.append(page_html[pos:])
    return "".join(pieces), files


def player_frames(figure: str, frames_file: str) -> dict[int, str]:
    """Every frame of a lazy player: frame index -> its ``data:`` URI, from the figure's markup
    (frame 0, the ``src`` of its ``<img>``) and its frame file's text (frames 1..n-1).

    Raises ``ValueError`` unless frame 0 is in the ``<img>`` and no other frame in the page, the
    file holds exactly frames 1..n-1 with n the figure's ``data-frame-count``, and the file hands
    them to this player.
    """
    head = _FIGURE.match(figure)
    count = re.search(r'\sdata-frame-count="(\d+)"', figure[: figure.find(">")])
    if head is None or count is None:
        raise ValueError('not a lazy player: no <figure class="fcconv-animation"> with data-frame-count')
    name, n = head.group(1), int(count.group(1))
    inline, later = split_frames(figure), split_frames(frames_file)
    first = re.search(
        rf'<img id="_anim_img{name}"[^>]*?\ssrc="(data:image/png;base64,[A-Za-z0-9+/=]*)"', figure
    )
    if inline or first is None:
        raise ValueError(
            f"player {name!r}: the page holds frame lines {sorted(inline)} and "
            f"{'no' if first is None else 'a'} frame 0 in its <img>, expected only the <img>"
        )
    if sorted(later) != list(range(1, n)):
        raise ValueError(f"player {name!r}: its frame file holds frames {sorted(later)}, expected 1..{n - 1}")
    if f'window.fcconvFrames["{name}"](frames);' not in frames_file:
        raise ValueError(f"player {name!r}: its frame file does not hand the frames to it")
    uris = {0: first.group(1)}
    for i in range(1, n):
        uris[i] = re.search(r'"(data:[^"]*)"', later[i]).group(1).replace("\\\n", "")
    return uris


def page_players(page: Path) -> dict[str, dict[int, str]]:
    """Every lazy player of a built page: its name -> all its frames (:func:`player_frames`, the
    frame file read from the site)."""
    text = Path(page).read_text(encoding="utf-8")
    out = {}
    for m in figures(text):
        (file,) = frame_files(page, m.group(0)[: m.group(0).find(">")])
        out[m.group(1)] = player_frames(m.group(0), file.read_text(encoding="utf-8"))
    return out


def frame_files(page: Path, markup: str) -> list[Path]:
    """The frame files (paths) that the players in ``markup``, a part of the page ``page``, load."""
    return [(Path(page).parent / html.unescape(url)).resolve() for url in _FRAMES_ATTR.findall(markup)]


def _build_finished(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    out = Path(app.outdir)
    folder = out / FRAMES_DIR
    wanted: set[Path] = set()
    for page in sorted(out.rglob("*.html")):
        if "_static" in page.relative_to(out).parts:
            continue
        text = page.read_text(encoding="utf-8")
        if 'class="fcconv-animation"' not in text:
            continue
        prefix = Path(os.path.relpath(folder, page.parent)).as_posix()
        try:
            new, files = lazy_page(text, lambda f, prefix=prefix: f"{prefix}/{f}")
        except ValueError as err:
            logger.warning(f"lazy_frames: {page.relative_to(out)}: {err}")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for file, body in files.items():
            (folder / file).write_text(body, encoding="utf-8")
        if new != text:
            page.write_text(new, encoding="utf-8")
        wanted.update(frame_files(page, new))
    if folder.is_dir():
        for stale in sorted(folder.glob("*.js")):
            if stale.resolve() not in wanted:
                stale.unlink()


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
