"""The layout's rules, read from the imports: db is the ground floor, the scheduler sends through
features' message modules, and no module imports one that imports it back."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "scheduler", "db")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
           if "migrations" not in p.parts}


def imports(name: str) -> set[str]:
    """The project modules `name` imports, at module level or inside a function."""
    nodes = ast.walk(ast.parse(MODULES[name].read_text()))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` depends on that module; `from module import name` on the module.
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    # Importing a.b.c runs a/__init__.py and a/b/__init__.py first (unless `name` is inside them).
    parents = {".".join(module.split(".")[:i]) for module in found for i in range(1, module.count(".") + 1)}
    parents = {parent for parent in parents if not name.startswith(parent + ".")}
    return {module for module in found | parents if module in MODULES}


def test_db_imports_nothing_above_it():
    offenders = {name: sorted(m for m in imports(name) if m.split(".")[0] in ("bot", "handlers", "scheduler"))
                 for name in MODULES if name.split(".")[0] == "db"}
    assert {name: found for name, found in offenders.items() if found} == {}


def defines_router(name: str) -> bool:
    """A dialog module: one that makes a router at module level."""
    tree = ast.parse(MODULES[name].read_text())
    return any(isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
               and getattr(node.value.func, "id", None) == "Router" for node in tree.body)


def test_the_scheduler_imports_no_router_module():
    offenders = {name: sorted(m for m in imports(name) if m.startswith("handlers") and defines_router(m))
                 for name in MODULES if name.startswith("scheduler")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_circular_imports():
    graph = {name: imports(name) - {name} for name in MODULES}
    cycles = []

    def visit(name: str, path: list[str], done: set[str]) -> None:
        for target in graph[name]:
            if target in path:
                cycles.append(path[path.index(target):] + [target])
            elif target not in done:
                visit(target, path + [target], done)
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name], done)
    assert cycles == []


@pytest.mark.parametrize("name", ["db.segments", "handlers.segments"])
def test_the_rule_reads_real_imports(name):
    """The checks above see imports at all: a module known to import db.models is found doing so."""
    assert "db.models" in imports(name)


def test_the_rules_see_dialog_modules_and_parent_packages():
    assert defines_router("handlers.kpi.reports") and not defines_router("handlers.kpi.messages")
    assert {"handlers", "handlers.kpi"} <= imports("scheduler.jobs")
