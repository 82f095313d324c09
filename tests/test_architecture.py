"""The shape of the code (docs/decisions/0001-layers.md): layers, no cycles, no hidden imports, small files.

The layers themselves are import-linter's contracts (`pyproject.toml`, run by `make test`); these tests
hold what import-linter does not: no import cycle between our modules, no function-local import of our
own code (the usual way to hide a cycle), and no product Python file over 600 lines.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "units", "indicators", "entry", "imports", "dashboards", "reports", "plans", "cds_portal")
OURS = tuple(p for p in PACKAGES if (ROOT / p).is_dir())
MAX_LINES = 600


def product_files():
    for package in OURS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def test_import_linter_contracts_are_kept():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in OURS)
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n.split(".")[0] in OURS)
             for m in modules}
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_module_of_ours_is_part_of_an_import_cycle():
    graph = grimp.build_graph(*OURS, include_external_packages=False)
    assert _cycles(graph) == []


def _local_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def visit_FunctionDef(self, node):
            # AppConfig.ready() is where Django wants signal wiring imported.
            if path.name == "apps.py" and node.name == "ready":
                return
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef

        def _ours(self, name: str | None, level: int) -> bool:
            return level > 0 or (name or "").split(".")[0] in OURS

        def visit_Import(self, node):
            if self.depth and any(self._ours(a.name, 0) for a in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")

        def visit_ImportFrom(self, node):
            if self.depth and self._ours(node.module, node.level):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")

    Visitor().visit(tree)
    return found


def test_no_function_imports_our_own_code():
    assert [hit for path in product_files() for hit in _local_imports(path)] == []


def test_no_product_file_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in product_files()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create", "save"}
DOOR = ROOT / "indicators" / "services"


def _mentions_datavalue(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "DataValue" for n in ast.walk(node))


def _value_writes(path: Path) -> list[str]:
    """`DataValue…​.create/update/delete/…(…)` and `DataValue(…).save()` calls, and SQL naming the table."""
    tree = ast.parse(path.read_text())
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            if _mentions_datavalue(node.func.value):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}()")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = " ".join(node.value.upper().split())
            if any(f"{verb} INDICATORS_DATAVALUE" in text for verb in ("INTO", "UPDATE", "DELETE FROM")):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno} SQL")
    return hits


def test_only_the_write_door_writes_datavalue_rows():
    """`indicators.services.record_values` is the one writer of values (issue 14): no other product module
    creates, updates, deletes or saves a `DataValue`, through the ORM or SQL naming its table."""
    outside = [
        hit for path in product_files() if DOOR not in path.parents for hit in _value_writes(path)
    ]
    assert outside == []
    assert [hit for path in DOOR.rglob("*.py") for hit in _value_writes(path)] != []  # the check sees writes
