"""The shape of the code: no import cycle anywhere in ``app`` (imports inside function bodies
count: they hide a cycle, they do not remove it), and no module past 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in APP.rglob("*.py")}


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Imports under ``if TYPE_CHECKING:`` never run: they name types for mypy."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str) -> set[str]:
    """The app modules ``name`` imports, anywhere in its body."""
    tree = ast.parse(MODULES[name].read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("app"):
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = {name: imports_of(name) for name in MODULES}
    assert cycles(graph) == []


def test_the_cycle_check_sees_function_body_imports() -> None:
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    # __main__ imports its commands inside functions (so that `crm db` starts fast): seen too.
    assert "app.core.store_server" in imports_of("app.__main__")


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: length
        for name, path in MODULES.items()
        if (length := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_api_starts_without_the_demo_or_scikit_learn() -> None:
    """The demo data and scikit-learn load when used (seeding, fitting a model), not with the
    app: every CLI command and API process would pay for them at start-up."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, app.asgi; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    modules = set(ast.literal_eval(loaded))
    assert "app.asgi" in modules
    assert not {name for name in modules if name.split(".")[0] == "sklearn"}
    assert not {name for name in modules if name.startswith("app.demo")}
