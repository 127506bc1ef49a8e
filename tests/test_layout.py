"""The package's layout rules, read from the imports with ``ast`` (nothing is imported here).

* no import cycle inside ``lessons_code``;
* the lesson core imports numpy, the standard library and itself only;
* ``experiments`` trains and never draws (no matplotlib, no ``pictures``);
* ``pictures`` draws from data and never trains (no ``experiments``);
* the package never picks a matplotlib backend or touches pyplot.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lessons_code"
CORE = {
    "lessons_code._checks",
    "lessons_code.backward_map",
    "lessons_code.claims",
    "lessons_code.conv",
    "lessons_code.conv_layer",
    "lessons_code.fc",
    "lessons_code.fc_vs_conv",
    "lessons_code.geometry",
    "lessons_code.gradcheck",
    "lessons_code.gradient_flow",
    "lessons_code.matrix_view",
    "lessons_code.param_counts",
    "lessons_code.tables",
    "lessons_code.backward_rules",
    "lessons_code.conv1d",
    "lessons_code.layer_checks",
    "lessons_code.pooling",
    "lessons_code.receptive",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved; ``from . import x`` gives ``pkg.x``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            found.add(base)
            for alias in node.names:  # `from . import conv` imports the module lessons_code.conv
                if (PACKAGE.parent / f"{base}.{alias.name}".replace(".", "/")).with_suffix(".py").exists():
                    found.add(f"{base}.{alias.name}")
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


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


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"numpy"}}) is None


def test_no_import_cycle_inside_the_package():
    # A package imports its submodules' parent, not the other way round: ignore child -> parent edges.
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph().items()}
    assert find_cycle(edges) is None


def test_every_core_module_exists():
    assert CORE <= set(graph())


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_imports_numpy_and_itself_only(module):
    stdlib = set(sys.stdlib_module_names)
    for dep in graph()[module]:
        top = dep.split(".")[0]
        assert dep in CORE or dep == "lessons_code" or top in {"numpy", "__future__"} or top in stdlib, (
            f"{module} imports {dep}"
        )


def test_experiments_never_draw_and_pictures_never_train():
    for module, deps in graph().items():
        if module.startswith("lessons_code.experiments"):
            assert not any(d.startswith(("matplotlib", "lessons_code.pictures")) for d in deps), module
        if module.startswith("lessons_code.pictures"):
            assert not any(d.startswith("lessons_code.experiments") for d in deps), module


def test_no_backend_is_chosen_and_pyplot_is_never_imported():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "matplotlib.use(" not in text and "mpl.use(" not in text, path
        assert "matplotlib.pyplot" not in imports_of(path), path
