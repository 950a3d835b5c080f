"""The contracts package has no import circle, and each module imports alone.

A contract module is a leaf: payloads and topics. The catalog imports them all to
build the registry; nothing in the package imports the catalog back, the
package's `__init__` included (importing `contracts.x` runs it first).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import trellis_shared.contracts

pytestmark = pytest.mark.unit

PACKAGE = "trellis_shared.contracts"
SOURCE = Path(trellis_shared.contracts.__file__).parent
CATALOG = f"{PACKAGE}.catalog"


def _modules() -> dict[str, Path]:
    found = {PACKAGE: SOURCE / "__init__.py"}
    for path in sorted(SOURCE.glob("*.py")):
        if path.stem != "__init__":
            found[f"{PACKAGE}.{path.stem}"] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_at_import_time(body: list[ast.stmt]) -> Iterator[str]:
    """Modules named by the imports that run when the module is imported: not those
    inside functions (they run later) nor those only for the type checker."""
    for node in body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports_at_import_time(node.orelse)
        else:  # class bodies, if/try/with/for blocks: they run at import
            for field in ("body", "orelse", "finalbody"):
                yield from _imports_at_import_time(getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                yield from _imports_at_import_time(handler.body)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the package modules it imports, with the implicit edge from each
    submodule to its package (Python runs the package's `__init__` first)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set(_imports_at_import_time(ast.parse(path.read_text()).body))
        prefixes = {".".join(t.split(".")[:i]) for t in targets for i in range(1, t.count(".") + 2)}
        graph[name] = {m for m in prefixes if m in modules and m != name}
        if name != PACKAGE:
            graph[name].add(PACKAGE)
    return graph


def test_the_contracts_import_graph_has_no_cycle() -> None:
    graph = import_graph(_modules())
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as circle:
        circle_in_import_order = " -> ".join(reversed(circle.args[1]))
        pytest.fail(f"import circle in {PACKAGE}: {circle_in_import_order}")


def _probe(module: str) -> str:
    """Import `module` alone; a contract module must not bring in the catalog."""
    check = ""
    if module not in (CATALOG, f"{PACKAGE}.export"):
        check = f"assert {CATALOG!r} not in sys.modules, 'it built the catalog'\n"
    return f"import sys\nimport {module}\n{check}"


def test_each_contracts_module_imports_alone_in_a_fresh_interpreter() -> None:
    # One interpreter per module, all at once (each pays for pydantic's import).
    running = {
        module: subprocess.Popen(
            [sys.executable, "-c", _probe(module)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for module in sorted(_modules())
    }
    failed = {}
    for module, process in running.items():
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            failed[module] = stderr.strip().splitlines()[-1]
    assert not failed, failed
