"""The whole book as one PDF, printed from the strictly built site by Chromium (``make pdf``).

Every page of ``_toc.yml`` is opened from ``_build/html`` in Debian's Chromium (Playwright), printed
to A4 with the theme's print stylesheet, and joined in TOC order with pypdf, one bookmark per
chapter. (Jupyter Book's LaTeX route needs ``bbm.sty``, Debian's 509 MB ``texlive-fonts-extra``,
and drops the solutions' figures.) The solutions print unfolded; each animation player prints as a
grid of its frames by its own print stylesheet (``lessons_code/pictures/static/player.css``).
Fixed document information and a document id derived from the content: a rebuild on a quiet machine
gives the same bytes (under load Chromium may set a run of text a fraction of a point off).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import time
from pathlib import Path

from bookbuild import ROOT, toc_files
from fcconv_site.extras import PDF_NAME

#: Debian's Chromium (``FCCONV_CHROMIUM`` names another), as the browser tests and the audit run it.
CHROMIUM = os.environ.get("FCCONV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
CHROMIUM_ARGS += ["--no-first-run"]

PRINT_CSS = """
*, *::before, *::after { transition: none !important; animation: none !important; }
@media print {
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .prev-next-area,
  .header-article, .bd-header-article, footer { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
  figure, img, table, div.cell_input, div.cell_output, div.highlight, pre { break-inside: avoid; }
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
}
"""

#: Wait until the page is final: the solutions unfolded, every image (the players' lazy frames too)
#: decoded, fonts loaded, two frames painted. Printing earlier gives different bytes on a busy machine.
SETTLE_JS = r"""
async () => {
  document.querySelectorAll('.solution details, details.solution').forEach(d => d.open = true);
  document.querySelectorAll('img[loading]').forEach(img => { img.loading = 'eager'; });
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
"""


def print_pages(html: Path, docs: list[str]) -> list[tuple[str, bytes, int]]:
    """(title, pdf bytes, animation players) for each page, printed by Chromium."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.emulate_media(media="print", color_scheme="light")
        for doc in docs:
            page.goto((html / f"{doc}.html").as_uri(), wait_until="load")
            page.evaluate(
                "document.documentElement.dataset.theme = document.documentElement.dataset.mode = 'light'"
            )
            page.add_style_tag(content=PRINT_CSS)
            page.evaluate(SETTLE_JS)
            players = page.locator("figure.fcconv-player").count()
            title = page.title().split("\u2014")[0].split(" - ")[0].strip() or doc
            pdf = page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                outline=False,
            )
            out.append((title, pdf, players))
        browser.close()
    return out


def join(pages: list[tuple[str, bytes, int]], title: str) -> bytes:
    """One PDF with a bookmark per page, fixed metadata and a content-derived id."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    writer = PdfWriter()
    for name, data, _ in pages:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)))  # keeps the pages, drops Chromium's dated /Info
        writer.add_outline_item(title=name, page_number=start)
    writer.add_metadata({"/Title": title, "/Producer": "tools/make_pdf.py (Chromium, pypdf)"})
    placeholder = b"\x00" * 16
    writer._ID = ArrayObject([ByteStringObject(placeholder), ByteStringObject(placeholder)])
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    buf = io.BytesIO()
    writer.write(buf)
    pdf = buf.getvalue()
    # the document id: a hash of everything else, written over the placeholder (same length)
    zeros = b"<" + b"0" * 32 + b">"
    assert pdf.count(zeros) == 2, "expected the placeholder id twice in the trailer"
    doc_id = b"<" + hashlib.sha256(pdf).hexdigest()[:32].encode() + b">"
    return pdf.replace(zeros, doc_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / PDF_NAME)
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        print(f"make_pdf: no built site in {args.html} (run make book first)", file=sys.stderr)
        return 2
    start = time.perf_counter()
    pages = print_pages(args.html.resolve(), toc_files())
    pdf = join(pages, "FC vs convolution layers: geometry and gradients")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    from pypdf import PdfReader

    n, anims = len(PdfReader(io.BytesIO(pdf)).pages), sum(p[2] for p in pages)
    print(f"{args.out}: {n} pages, {len(pdf) / 1e6:.2f} MB, {len(pages)} chapters, {anims} animations"
          f" as frame grids, {time.perf_counter() - start:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
