"""Two cold strict builds of this checkout (``make repro``), compared byte for byte: same files,
same bytes, nothing excluded.

    python tools/repro.py            # exit 0 when byte-identical, 1 otherwise (with a diff)
    python tools/repro.py --keep     # keep both builds to inspect them
    python tools/repro.py --site DIR # build 1 goes to DIR, kept for the tests (FCCONV_SITE)
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bookbuild import built


def tree(html: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``html`` (dot-files included)."""
    return {
        p.relative_to(html).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(html.rglob("*"))
        if p.is_file()
    }


def describe(a: Path, b: Path, limit: int = 12) -> str:
    """A short unified diff for text files, sizes for binary ones."""
    try:
        ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return f"    binary: {a.stat().st_size} vs {b.stat().st_size} bytes"
    # Split long single-line files (search index, minified JS) so the diff stays readable.
    sa, sb = (t.replace(">", ">\n").replace(",", ",\n").splitlines() for t in (ta, tb))
    lines = [ln for ln in difflib.unified_diff(sa, sb, lineterm="", n=0) if not ln.startswith(("---", "+++"))]
    return "\n".join("    " + ln[:160] for ln in lines[:limit])


def compare(one: Path, two: Path) -> list[str]:
    """Human-readable differences between two html trees (empty when identical)."""
    ta, tb = tree(one), tree(two)
    problems = [f"only in build 1: {p}" for p in sorted(set(ta) - set(tb))]
    problems += [f"only in build 2: {p}" for p in sorted(set(tb) - set(ta))]
    for path in sorted(set(ta) & set(tb)):
        if ta[path] != tb[path]:
            problems.append(f"differs: {path}\n{describe(one / path, two / path)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep both builds (their paths are printed)")
    parser.add_argument("--toc", type=Path, help="another table of contents (default: _toc.yml)")
    parser.add_argument("--site", type=Path, help="build 1 into this folder (emptied first) and keep it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fcconv-repro-"))
    one = args.site.resolve() if args.site else work / "one"
    shutil.rmtree(one, ignore_errors=True)
    start = time.perf_counter()
    try:
        builds = [built(out, args.toc) for out in (one, work / "two")]
        print("\n".join(f"build {i}: {b.seconds:.1f} s -> {b.html}" for i, b in enumerate(builds, 1)))
        files, problems = tree(builds[0].html), compare(builds[0].html, builds[1].html)
        if problems:
            print(f"NOT reproducible: {len(problems)} of {len(files)} files differ", *problems, sep="\n")
            return 1
        size = sum(p.stat().st_size for p in builds[0].html.rglob("*") if p.is_file())
        print(f"reproducible: {len(files)} files, {size / 1e6:.1f} MB, byte-identical")
        print(f"repro: {time.perf_counter() - start:.1f} s in all")
        return 0
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
