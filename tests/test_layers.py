"""The package's folders are layers, and imports only ever point down.

ARCHITECTURE.md draws the same order. A module may import from its own folder and from
any folder of a lower layer; never upwards, never sideways into a sibling of the same
layer, and never in a cycle. Imports inside functions count too: a lazy import hides a
dependency from the reader, not from the design.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "codesign"

# Lowest first. The root modules are the foundation every layer may use; `codesign`
# itself (its `__init__`, the public API) sits on top of everything.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("codesign.errors", "codesign.config", "codesign.access", "codesign.templates"),
    ("codesign.methods",),
    ("codesign.store",),
    ("codesign.people",),
    ("codesign.safety",),
    ("codesign.workshop",),
    ("codesign.intake",),
    ("codesign.advisory", "codesign.analysis"),
    ("codesign.exports",),
    ("codesign.demo",),
    ("codesign.serving",),
    ("codesign.widgets",),
    ("codesign.forms", "codesign.facilitator", "codesign.cli"),
    ("codesign",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every codesign module `path` imports, at any depth in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("codesign"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("codesign"):
            assert node.level == 0, f"{path}: relative import"
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in known else str(node.module)


def unit(module: str) -> str:
    """The layer unit a module belongs to: its folder, or itself for a root module."""
    for layer in LAYERS:
        for name in sorted(layer, key=len, reverse=True):
            if module == name or (module.startswith(name + ".") and name != "codesign"):
                return name
    return "codesign"


def rank(module: str) -> int:
    found = unit(module)
    return next(i for i, layer in enumerate(LAYERS) if found in layer)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imported(path, known)) - {name} for name, path in known.items()}


def bad_edges(edges: dict[str, set[str]]) -> list[str]:
    """Imports that point up a layer or sideways into a sibling folder of the same layer."""
    found: list[str] = []
    for src, targets in edges.items():
        for dst in targets:
            same_unit = unit(src) == unit(dst) or rank(src) == rank(dst) == 0
            if not same_unit and rank(dst) >= rank(src):
                found.append(f"{src} -> {dst}")
    return sorted(found)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle Tarjan's algorithm finds among modules (strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_layer() -> None:
    strays = [m for m in modules() if m != "codesign" and unit(m) == "codesign"]
    assert strays == [], f"modules outside every layer: {strays}"


def test_imports_point_down_only() -> None:
    assert bad_edges(graph()) == []


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"codesign.store.models": {"codesign.workshop.votes"}}, 1),  # upward
        ({"codesign.advisory.toolkit": {"codesign.analysis.tables"}}, 1),  # sideways
        ({"codesign.workshop.votes": {"codesign.store.models"}}, 0),  # downward
        ({"codesign.forms.app": {"codesign.forms.guard"}}, 0),  # same folder
    ],
)
def test_the_layer_rule_catches_upward_and_sideways_imports(
    edges: dict[str, set[str]], expected: int
) -> None:
    assert len(bad_edges(edges)) == expected


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]


def drawn_layers(text: str) -> list[set[str]]:
    """The rows of ARCHITECTURE.md's layer drawing, top first, as sets of module names."""
    drawing = text.split("## The package, layer by layer", 1)[1].split("```")[1]
    rows: list[set[str]] = []
    for line in drawing.splitlines():
        words = line.split()
        if not words or words[0].startswith("─"):
            continue
        if words[0] == "codesign/__init__":
            rows.append({"codesign"})
            continue
        names = [w for w in words if w.endswith("/") or w in ("errors", "config", "access")]
        names += ["templates"] if "templates" in words and words[0] == "errors" else []
        rows.append({"codesign." + n.rstrip("/") for n in names})
    return rows


def test_architecture_draws_the_layers_this_test_enforces() -> None:
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert drawn_layers(text) == [set(layer) for layer in reversed(LAYERS)]
