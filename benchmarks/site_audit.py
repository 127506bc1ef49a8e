"""Audit of the built site as a reader's browser gets it: Lighthouse, axe-core, bytes per page.

    python benchmarks/site_audit.py                      # audit _build/html (``make audit`` builds first)
    python benchmarks/site_audit.py --site DIR --no-lighthouse

The site is served on 127.0.0.1 with gzip (:func:`serve`, as a static host serves it). For every
page of ``_toc.yml`` plus search, genindex and 404 it runs Lighthouse 12 (npm, mobile preset,
Debian's Chromium: scores, blocking time, layout shift, bytes), axe-core in light and dark mode
(rules :data:`AXE_TAGS`: violations) and a first visit at a phone's size (gzip bytes of every
response, the number ``tests/built/test_accessibility.py`` asserts), and prints one table.
Scores and times are measured and printed, never asserted.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from bookbuild import ROOT, toc_files
from make_pdf import CHROMIUM, CHROMIUM_ARGS

NODE_BIN = ROOT / "node_modules" / ".bin"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROME_FLAGS = " ".join(["--headless", *CHROMIUM_ARGS])
#: Lighthouse's mobile preset: a Moto G Power sized screen.
PHONE = {"width": 412, "height": 823}
#: Budget of the issue: first-visit transfer of a page before any animation frames.
TRANSFER_BUDGET = 400 * 1024
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map", ".inv"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text types gzip-compressed (level 9, mtime 0: the same bytes every time)."""

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix not in COMPRESSIBLE
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not path.is_file()
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(site: Path):
    """``http://127.0.0.1:<free port>`` serving ``site`` with gzip, for the ``with`` block."""
    handler = functools.partial(GzipHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def audited_pages(site: Path) -> list[str]:
    """Paths (relative to the site) of every TOC page, then search, index and 404 if built."""
    pages = [f"{doc}.html" for doc in toc_files()]
    pages += [p for p in ("search.html", "genindex.html", "404.html") if (site / p).is_file()]
    return pages


def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on an open Playwright page: the rules tagged :data:`AXE_TAGS`, or
    exactly ``rules`` (ids; experimental ones too). No exceptions."""
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async ([tags, rules]) => {
            const runOnly = rules ? {type: 'rule', values: rules} : {type: 'tag', values: tags};
            const r = await axe.run(document, {runOnly, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n =>
                n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(0, 2).join(' '))}));
        }""",
        [AXE_TAGS, rules],
    )


def open_page(browser, url: str, *, dark: bool = False, viewport=None):
    """A fresh context (first visit), the page loaded and idle; returns (context, page, sizes)."""
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900},
        color_scheme="dark" if dark else "light",
        device_scale_factor=1,
    )
    page = context.new_page()
    sizes: dict[str, int] = {}

    def on_finished(request):
        try:
            sizes[request.url] = request.sizes()["responseBodySize"]
        except Exception:  # pragma: no cover - a request torn down with the page
            sizes.setdefault(request.url, 0)

    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => null)")
    page.wait_for_load_state("networkidle")
    return context, page, sizes


def transfer_bytes(browser, base: str, path: str) -> dict[str, int]:
    """URL -> gzip body bytes of every request a first visit on a phone makes (no scrolling)."""
    context, _page, sizes = open_page(browser, f"{base}/{path}", viewport=PHONE)
    context.close()
    return sizes


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile preset): scores 0-100, TBT ms, CLS, total bytes."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    cmd = [str(NODE_BIN / "lighthouse"), url, "--quiet", "--output=json", f"--output-path={out}"]
    cmd += [
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    subprocess.run(cmd, check=True, env=env, timeout=300, capture_output=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    cats, audits = report["categories"], report["audits"]
    score = {k: round(cats[c]["score"] * 100) for k, c in (("perf", "performance"), ("a11y", "accessibility"),
             ("bp", "best-practices"), ("seo", "seo"))}  # fmt: skip
    return {
        **score,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        # Lighthouse's CPU benchmark of the machine at the time (a quiet desktop: ~1500-2500);
        # blocking time and the performance score scale with it.
        "bench": round(report["environment"]["benchmarkIndex"]),
        "failed": sorted(_failed(cats, audits)),
    }


def _failed(cats: dict, audits: dict):
    """The ids of the weighted audits that scored below 0.9."""
    for cat in cats.values():
        for ref in cat["auditRefs"]:
            score = audits.get(ref["id"], {}).get("score")
            if ref["weight"] > 0 and score is not None and score < 0.9:
                yield ref["id"]


def animation_frame_bytes(site: Path, path: str, sizes: dict[str, int] | None = None) -> int:
    """Bytes of the page's animation frames (PNG files, served as they are): of each player, its
    larger drawing (a reader fetches one, ``budgets.page_weight``); with ``sizes`` (URL -> bytes
    of a visit, :func:`transfer_bytes`) only the frames that visit loaded."""
    from urllib.parse import unquote, urlsplit

    from budgets import frame_files, page_weight, read_images

    page = site / path
    if sizes is None:
        return sum(page_weight(page).players)
    loaded = {(site / unquote(urlsplit(u).path).lstrip("/")).resolve() for u in sizes}
    players = read_images(page.read_text(encoding="utf-8")).players
    files = {f for p in players for f in frame_files(page, p.wide + p.narrow) if f in loaded}
    return sum(f.stat().st_size for f in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--no-lighthouse", action="store_true", help="axe and bytes only (fast)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--verbose", action="store_true", help="list every violation and failed audit")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"site_audit: no built site in {args.site} (run make book)")
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(args.site) as base, sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in audited_pages(args.site):
            row = {"page": path}
            sizes = transfer_bytes(browser, base, path)
            row["transfer"] = sum(sizes.values())
            row["frames"] = animation_frame_bytes(args.site, path, sizes)
            row["frames_later"] = animation_frame_bytes(args.site, path) - row["frames"]
            for mode in ("light", "dark"):
                context, page, _ = open_page(browser, f"{base}/{path}", dark=mode == "dark")
                violations = run_axe(page)
                context.close()
                row[f"axe_{mode}"] = sum(len(v["nodes"]) for v in violations)
                row[f"axe_{mode}_detail"] = violations
            if not args.no_lighthouse:
                row.update(lighthouse(f"{base}/{path}", Path(tmp) / "lh.json"))
            rows.append(row)
            print(f"  audited {path}", file=sys.stderr, flush=True)
        browser.close()
    print_table(rows, lighthouse_ran=not args.no_lighthouse)
    if args.verbose:
        for row in rows:
            for mode in ("light", "dark"):
                for v in row[f"axe_{mode}_detail"]:
                    print(f"{row['page']} [{mode}] {v['id']} ({v['impact']}): {v['help']}")
                    for n in v["nodes"][:6]:
                        print(f"      {n[:220]}")
            if row.get("failed"):
                print(f"{row['page']}: Lighthouse audits below 0.9: {', '.join(row['failed'])}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return 0


def print_table(rows: list[dict], lighthouse_ran: bool) -> None:
    head = f"{'page':<26}"
    if lighthouse_ran:
        head += f"{'perf':>5}{'a11y':>5}{'bp':>5}{'seo':>5}{'TBT ms':>8}{'CLS':>7}{'LCP s':>7}"
        head += f"{'LH KB':>8}{'bench':>6}"
    head += f"{'KB 1st visit':>13}{'of it frames':>13}{'frames later':>13}{'axe light':>10}{'axe dark':>9}"
    print(head)
    print("-" * len(head))
    for r in rows:
        line = f"{r['page']:<26}"
        if lighthouse_ran:
            line += (
                f"{r['perf']:>5}{r['a11y']:>5}{r['bp']:>5}{r['seo']:>5}{r['tbt']:>8.0f}{r['cls']:>7.3f}"
                f"{r['lcp'] / 1000:>7.1f}{r['bytes'] / 1024:>8.0f}{r['bench']:>6}"
            )
        line += (
            f"{r['transfer'] / 1024:>13.0f}{r['frames'] / 1024:>13.0f}{r['frames_later'] / 1024:>13.0f}"
            f"{r['axe_light']:>10}{r['axe_dark']:>9}"
        )
        print(line)
    if lighthouse_ran:
        print("bench: Lighthouse's CPU benchmark index during that run (higher = faster machine).")
    print(
        "KB 1st visit: gzip bytes of every response of a first visit at 412x823 (before scrolling);"
        " 'of it frames': the animation frames inside it (the budget of 400 KB excludes them);"
        " 'frames later': the players' frame files that visit did not load (they load near the player)."
    )


if __name__ == "__main__":
    sys.exit(main())
