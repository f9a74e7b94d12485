"""No import cycle among the modules of bot/.

Every import counts, wherever it is written: at the top, inside a function (a late import is
how a cycle hides), under ``if TYPE_CHECKING:`` or in a ``try``. ``from bot.x import y`` is an
import of the module ``bot.x.y`` when there is one, else of ``bot.x``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

Graph = dict[str, set[str]]


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted name → file, for every module of ``package`` under ``root``."""
    names = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def import_graph(root: Path, package: str) -> Graph:
    """Module → the modules of ``package`` it imports."""
    modules = module_names(root, package)
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    # Relative to this module's package (a package's __init__ is its own).
                    anchor = name.split(".")
                    if not is_package:
                        anchor.pop()
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                # `import bot.a.b` or a name inside a module: the deepest module named.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle through each group of modules that import each other (Tarjan's components,
    then a path round each), shortest groups first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    found = []
    for component in sorted(components, key=len):
        start = min(component)
        # Breadth-first from the start back to itself, inside the component.
        paths = {start: [start]}
        queue = [start]
        cycle: list[str] | None = None
        while queue and cycle is None:
            node = queue.pop(0)
            for target in sorted(graph[node] & component):
                if target == start:
                    cycle = [*paths[node], start]
                    break
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    queue.append(target)
        assert cycle is not None
        found.append(cycle)
    return found


def test_no_import_cycle_among_bot_modules() -> None:
    graph = import_graph(ROOT, "bot")
    assert len(graph) > 30, "the walk found too few modules to be looking at bot/"
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)


def test_a_cycle_hidden_in_a_function_or_type_checking_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import leaf\n")
    (package / "sub" / "leaf.py").write_text("import os\n")
    (package / "a.py").write_text("import os\n\ndef late():\n    from pkg import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import C\n"
    )
    (package / "c.py").write_text("import pkg.a\nfrom pkg.sub import leaf\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.a", "pkg.sub.leaf"}
    assert graph["pkg.sub"] == {"pkg.sub.leaf"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    (package / "b.py").write_text("import os\n")
    assert cycles(import_graph(tmp_path, "pkg")) == []
