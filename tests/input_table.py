"""Print the input-policy table: every public function x kind of bad input -> outcome.

Runs every case of ``tests/input_cases.py`` (the cases ``tests/test_input_policy.py`` asserts) and
prints a Markdown table. A cell lists the outcomes seen (``TypeError``, ``ValueError``, ``value``:
the right value, ``FAIL``: a self-check's FAIL verdict), ``–`` when the kind does not apply (the
function has no argument of that kind). Any case that does not end as the table says is printed
as ``WRONG`` and the script exits with status 1.

    python tests/input_table.py
"""

from __future__ import annotations

import contextlib
import io
import sys

from input_cases import KINDS, all_cases


def outcome(case) -> str:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            result = case.call()
        except (TypeError, ValueError) as err:
            seen = type(err).__name__
        else:
            if case.outcome == "FAIL":
                seen = "FAIL" if result is False and "FAIL" in out.getvalue() else "WRONG"
            else:
                seen = "value" if case.check is not None and case.check(result) else "WRONG"
    return seen if seen == case.outcome else f"WRONG ({seen}, table: {case.outcome})"


def main() -> int:
    cells: dict[str, dict[str, set[str]]] = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the self-checks print while cases are built
        cases = all_cases()
    for case in cases:
        cells.setdefault(case.function, {}).setdefault(case.kind, set()).add(outcome(case))
    print("| function | " + " | ".join(KINDS) + " |")
    print("| --- | " + " | ".join("---" for _ in KINDS) + " |")
    wrong = 0
    for function in sorted(cells):
        row = []
        for kind in KINDS:
            seen = sorted(cells[function].get(kind, ()))
            wrong += sum(s.startswith("WRONG") for s in seen)
            row.append(" / ".join(seen) if seen else "–")
        print(f"| `{function}` | " + " | ".join(row) + " |")
    n = sum(len(v) for c in cells.values() for v in c.values())
    print(f"\n{len(cells)} functions, {n} distinct cells, {wrong} wrong", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
