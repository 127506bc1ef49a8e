"""The package's layout rules, read with ``ast`` (nothing of the package is imported here).

* the parts and their import directions: the lesson (the top level) imports numpy, the standard
  library and itself only; ``checks`` the lesson; ``experiments`` the lesson and ``checks``;
  ``pictures`` the lesson (and matplotlib); ``pages`` any part; SciPy only in ``checks.stats``;
* no import cycle;
* no module imports another module's ``_private`` name (``_checks``, the shared validators, aside);
* ``check_`` has one meaning: a ``check_*`` function asserts a claim through ``require``;
* the chapters import the package under its modules' real names (no ``as``);
* the package never picks a matplotlib backend or touches pyplot.

Every rule is a function of source text, and each is shown failing on a planted violation.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lessons_code"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

#: What each part may import besides the standard library: parts of the package and third parties.
ALLOWED = {
    "lesson": ({"lesson"}, {"numpy"}),
    "checks": ({"lesson", "checks"}, {"numpy"}),
    "experiments": ({"lesson", "checks", "experiments"}, {"numpy"}),
    "pictures": ({"lesson", "pictures"}, {"numpy", "matplotlib", "PIL", "IPython"}),
    "pages": ({"lesson", "checks", "experiments", "pictures", "pages"}, {"numpy"}),
}
#: The one module that may use SciPy (the statistics the checks quote).
SCIPY_HOME = "lessons_code.checks.stats"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """``lesson`` for the top level, else the subpackage's name."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "lesson"


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[str, str | None]]:
    """``(module, name)`` for every import in ``source`` (relative imports resolved; ``name`` is None
    for ``import x``). ``from . import conv`` gives ``("lessons_code", "conv")``."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            found += [(base, alias.name) for alias in node.names]
    return found


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports: ``from lessons_code import conv`` imports ``lessons_code.conv``."""
    out = set()
    for base, name in imported_names(source, module, is_package):
        out.add(base)
        if (
            name
            and base.startswith("lessons_code")
            and (PACKAGE.parent / f"{base}.{name}".replace(".", "/")).with_suffix(".py").exists()
        ):
            out.add(f"{base}.{name}")
        if (
            name
            and base.startswith("lessons_code")
            and (PACKAGE.parent / f"{base}.{name}".replace(".", "/")).is_dir()
        ):
            out.add(f"{base}.{name}")
    return out


@functools.cache
def sources() -> dict[str, tuple[str, bool]]:
    return {
        module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
        for p in sorted(PACKAGE.rglob("*.py"))
    }


@functools.cache
def graph() -> dict[str, set[str]]:
    return {m: imports_of(src, m, pkg) for m, (src, pkg) in sources().items()}


# --- the rules, each a function of source text ---------------------------------------------------


def direction_problems(module: str, deps: set[str]) -> list[str]:
    """Imports of ``module`` that its part may not make."""
    parts, third = ALLOWED[part_of(module)]
    if module == SCIPY_HOME:
        third = third | {"scipy"}
    problems = []
    for dep in sorted(deps):
        top = dep.split(".")[0]
        if top == "lessons_code":
            if dep == "lessons_code" or dep == "lessons_code._checks":
                continue
            if part_of(dep) not in parts:
                problems.append(f"{module} ({part_of(module)}) imports {dep} ({part_of(dep)})")
        elif top not in STDLIB and top not in third:
            problems.append(f"{module} ({part_of(module)}) imports {dep}")
    return problems


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle among the keys of ``edges`` (as a path that ends where it starts), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def private_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """``_private`` names ``source`` takes from another module of the package (``_checks`` aside):
    imported by name, or read as an attribute of an imported module (``nets._labels``)."""
    found, modules = [], set()
    for base, name in imported_names(source, module, is_package):
        if not (base and base.startswith("lessons_code")) or not name:
            continue
        if (PACKAGE.parent / f"{base}.{name}".replace(".", "/")).with_suffix(".py").exists():
            modules.add(name)  # `from . import nets`: nets is a module
        elif name.startswith("_") and base != "lessons_code._checks":
            found.append(f"{module} imports {name} from {base}")
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):  # fmt: skip
            found.append(f"{module} reads {node.value.id}.{node.attr}")
    return found


def check_meaning_problems(source: str, module: str) -> list[str]:
    """``check_*`` functions that assert nothing through ``require``, and private ``_check*`` helpers
    (a validator is ``_require_*``/``require_*``, a comparison ``compare_*``, a grader ``grade_*``)."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        if node.name.startswith("_check"):
            problems.append(f"{module}.{node.name}: a private check_ (name it for what it does)")
        if node.name.startswith("check_"):
            calls = {
                c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            }
            if "require" not in calls and not any(c.startswith("check_") for c in calls):
                problems.append(f"{module}.{node.name}: a check_ function that asserts no claim (no require)")
    return problems


CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def cell_sources(markdown: str) -> list[str]:
    """The Python of every code cell of a MyST page (its YAML options and IPython magics removed)."""
    out = []
    for body in CODE_CELL.findall(markdown):
        if body.startswith("---\n"):
            body = body.split("\n---\n", 1)[1]
        lines = body.splitlines()
        while lines and lines[0].startswith(":"):  # short-form options (:tags: [remove-cell])
            lines.pop(0)
        body = "\n".join(lines)
        out.append(
            "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in body.splitlines())
        )
    return out


def aliased_imports(markdown: str) -> list[str]:
    """``import lessons_code... as x`` and ``from lessons_code... import y as x`` in the code cells."""
    found = []
    for src in cell_sources(markdown):
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Import):
                found += [
                    f"import {a.name} as {a.asname}"
                    for a in node.names
                    if a.asname and a.name.startswith("lessons_code")
                ]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lessons_code"):
                found += [f"from {node.module} import {a.name} as {a.asname}" for a in node.names if a.asname]
    return found


# --- the rules on the package ------------------------------------------------------------------


def test_every_part_exists_and_is_a_package():
    assert {part_of(m) for m in graph()} == set(ALLOWED)
    folders = {p.parent for p in PACKAGE.rglob("*.py")} - {PACKAGE}
    assert [f.name for f in sorted(folders) if not (f / "__init__.py").exists()] == []  # no namespace package


@pytest.mark.parametrize("module", sorted(graph()))
def test_each_module_imports_only_what_its_part_may(module):
    assert direction_problems(module, graph()[module]) == []


def test_no_import_cycle_inside_the_package():
    # A package imports its submodules' parent, not the other way round: ignore child -> parent edges.
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph().items()}
    assert find_cycle(edges) is None


def test_no_module_imports_another_modules_private_names():
    assert [p for m, (src, pkg) in sources().items() for p in private_imports(src, m, pkg)] == []


def test_check_has_one_meaning():
    assert [p for m, (src, _) in sources().items() for p in check_meaning_problems(src, m)] == []


def test_the_chapters_import_the_package_under_its_real_names():
    cells = {
        p.name: aliased_imports(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "book").glob("*.md"))
    }
    assert sum(len(cell_sources((ROOT / "book" / name).read_text(encoding="utf-8"))) for name in cells) > 50
    assert {name: found for name, found in cells.items() if found} == {}


def test_no_backend_is_chosen_and_pyplot_is_never_imported():
    for module, (src, pkg) in sources().items():
        assert "matplotlib.use(" not in src and "mpl.use(" not in src, module
        assert "matplotlib.pyplot" not in imports_of(src, module, pkg), module


# --- each rule fails on a planted violation ------------------------------------------------------


def test_the_direction_rule_fails_on_planted_imports():
    def problems(module, source):
        return direction_problems(module, imports_of(source, module))

    assert problems("lessons_code.conv", "from .checks import claims") != []  # the lesson imports checks
    assert problems("lessons_code.conv", "import matplotlib") != []  # the lesson draws
    assert problems("lessons_code.checks.claims", "from ..experiments import runs") != []
    assert problems("lessons_code.checks.claims", "import scipy.stats") != []  # SciPy outside stats
    assert problems("lessons_code.pictures.figures", "from ..experiments import nets") != []
    assert problems("lessons_code.experiments.nets", "from ..pictures import figures") != []
    assert problems("lessons_code.experiments.nets", "from ..pages import takeaways") != []
    # and the allowed directions pass
    assert (
        problems("lessons_code.checks.stats", "import scipy.stats\nfrom .._checks import require_int") == []
    )
    assert (
        problems(
            "lessons_code.experiments.runs", "from ..checks.stats import mean_interval\nfrom .. import conv"
        )
        == []
    )
    assert (
        problems(
            "lessons_code.pages.takeaways", "from ..experiments import digits\nfrom ..checks import stats"
        )
        == []
    )


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"numpy"}}) is None


def test_the_private_import_rule_fails_on_a_planted_import():
    planted = "from ..fc import _fc_forward_batch\nfrom .._checks import as_pair\nfrom .. import _checks"
    assert private_imports(planted, "lessons_code.experiments.nets") == [
        "lessons_code.experiments.nets imports _fc_forward_batch from lessons_code.fc"
    ]
    assert private_imports("from .conv_layer import _pad", "lessons_code.backward_rules") != []
    assert private_imports("from numpy.lib import _utils", "lessons_code.conv") == []  # not the package's
    planted = "from . import nets\n\ndef f(x, spec):\n    return nets._images(x, spec)"
    assert private_imports(planted, "lessons_code.experiments.gradient_study") == [
        "lessons_code.experiments.gradient_study reads nets._images"
    ]


def test_the_check_rule_fails_on_planted_functions():
    assert check_meaning_problems("def check_shape(a):\n    if a: raise ValueError", "m") != []  # a validator
    assert check_meaning_problems("def _check_fits(a):\n    pass", "m") != []
    assert check_meaning_problems("def check_rank(a):\n    require(a, 'c', 'd')\n    return a", "m") == []


def test_the_alias_rule_fails_on_planted_cells():
    page = (
        "```{code-cell} ipython3\n---\ntags: [hide-input]\n---\nimport numpy as np\n"
        "from lessons_code.experiments import nets as models\n```\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\n%matplotlib inline\nimport lessons_code.conv as c\n"
        "from lessons_code import (\n    conv,\n    fc as dense,\n)\n```\n"
    )
    assert aliased_imports(page) == [
        "from lessons_code.experiments import nets as models",
        "import lessons_code.conv as c",
        "from lessons_code import fc as dense",
    ]
    assert (
        aliased_imports("```{code-cell} ipython3\nimport numpy as np\nfrom lessons_code import conv\n```\n")
        == []
    )
