"""The bot runs in one process: no module of bot/ starts another (the index build forked
once; it is built in one process now, and the server's replicas are separate processes)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
#: Modules and names that start or fork processes.
FORBIDDEN_MODULES = {"multiprocessing", "concurrent.futures.process"}
FORBIDDEN_NAMES = {"ProcessPoolExecutor", "fork", "forkpty"}


def _forbidden(name: str) -> bool:
    return name.rsplit(".", 1)[-1] in FORBIDDEN_NAMES or any(
        name == module or name.startswith(f"{module}.") for module in FORBIDDEN_MODULES
    )


def _offences(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):  # every import, inside functions and TYPE_CHECKING too
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):  # from x import y: x.y
            names = [f"{node.module or ''}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Attribute):  # os.fork()
            names = [node.attr]
        else:
            continue
        found += [f"line {node.lineno}: {name}" for name in names if _forbidden(name)]
    return found


def test_no_module_of_the_bot_starts_a_process() -> None:
    sources = sorted(BOT.rglob("*.py"))
    assert len(sources) > 20
    offences = {
        str(path.relative_to(BOT)): found
        for path in sources
        if (found := _offences(ast.parse(path.read_text(encoding="utf-8"), str(path))))
    }
    assert offences == {}


def test_the_check_sees_every_way_of_asking_for_a_process() -> None:
    source = """
import multiprocessing
import multiprocessing.pool as pool
from multiprocessing import Process
from concurrent.futures import ProcessPoolExecutor
def later():
    import os
    os.fork()
"""
    assert len(_offences(ast.parse(source))) == 5
    assert (
        _offences(ast.parse("import os\nfrom concurrent.futures import ThreadPoolExecutor")) == []
    )
