"""Imports point one way: no cycles between our modules, none hidden inside functions,
and the lower layers (the method, the registry, the advisor) know nothing of the ORM."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["planner", "accounts", "config"]


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        # "from planner import registry" imports the module planner.registry
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def graph() -> dict[str, set[str]]:
    ours = modules()
    edges = {}
    for name, path in ours.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {t for node in tree.body for t in imported(node) if t in ours}
        edges[name] = targets - {name}
    return edges


def test_no_imports_inside_functions():
    """Except Django's own idiom: an app's `ready()` imports its signal handlers."""
    local = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if name.endswith(".apps") and getattr(func, "name", "") == "ready":
                continue
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(func):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        local.append(f"{name}:{node.lineno}")
    assert local == []


def test_imports_between_our_modules_have_no_cycle():
    edges = graph()
    state: dict[str, str] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_method_and_the_registry_stand_on_nothing_of_ours_but_the_method():
    edges = graph()
    assert reachable("planner.levels", edges) == set()
    assert reachable("planner.registry", edges) == {"planner.levels"}


def test_the_advisor_never_reaches_the_orm():
    edges = graph()
    for name in edges:
        if name.startswith("planner.advisor"):
            reached = reachable(name, edges)
            assert "planner.models" not in reached, name
            assert "accounts.models" not in reached, name
