"""Package dependencies under app/ run one way: no package-level import cycle.

Static: every `import` in every module under app/ (function-level ones too, so a cycle cannot
hide inside a function) becomes an edge between the packages (app/<name>/) or top-level
modules (app/<name>.py) involved; any cycle in that graph fails, and names its edges.

`app/__init__.py` is the composition root: it imports every package to build the app, and
an entry point (a worker job building its app) may import `create_app` from it; imports of
the root itself are therefore not edges.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def _module_name(path, root):
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(module, root):
    path = root.parent.joinpath(*module.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def _unit(module):
    """The node a module belongs to: app.<first part>, or None for the root itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else None


def _imported(node, module, is_package, root):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module
    # `from app import jobs` imports the module app.jobs, not the root package.
    names = [f"{source}.{alias.name}" for alias in node.names]
    return [name for name in names if _exists(name, root)] or [source]


def import_edges(root=APP):
    """{unit: {imported unit: [where, ...]}} for every import between units under `root`."""
    edges = defaultdict(lambda: defaultdict(list))
    for path in sorted(root.rglob("*.py")):
        if "static" in path.relative_to(root).parts:
            continue
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, module, path.name == "__init__.py", root):
                if not target or target.split(".")[0] != "app":
                    continue
                here, there = _unit(module), _unit(target)
                if here and there and here != there:
                    edges[here][there].append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return edges


def cycles(edges):
    """Strongly connected components with more than one unit (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(unit):
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        on_stack.add(unit)
        for other in edges.get(unit, ()):
            if other not in index:
                visit(other)
                low[unit] = min(low[unit], low[other])
            elif other in on_stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == unit:
                    break
            if len(component) > 1:
                found.append(component)

    for unit in list(edges):
        if unit not in index:
            visit(unit)
    return found


def test_no_package_level_import_cycle():
    edges = import_edges()
    problems = []
    for component in cycles(edges):
        inside = [
            f"  {a} -> {b}: {', '.join(where)}"
            for a in sorted(component)
            for b, where in sorted(edges[a].items())
            if b in component
        ]
        problems.append(f"cycle among {sorted(component)}:\n" + "\n".join(inside))
    assert not problems, "\n".join(problems)


def test_the_bottom_imports_no_domain():
    """app.common and the infrastructure modules import nothing above them."""
    bottom = {"app.common", "app.database", "app.errors", "app.extensions", "app.config"}
    edges = import_edges()
    upward = {
        f"{a} -> {b}": where
        for a in bottom
        for b, where in edges.get(a, {}).items()
        if b not in bottom
    }
    assert not upward, upward


@pytest.mark.parametrize(
    "changed, cyclic",
    [
        ({}, False),  # a -> b -> c: one way
        ({"c/z.py": "from app import a\n"}, True),  # the package itself, by from-import
        ({"c/z.py": "def f():\n    import app.a.x\n"}, True),  # hidden in a function
        ({"c/z.py": "from ..a import x\n"}, True),  # relative
    ],
)
def test_the_check_sees_every_kind_of_import(tmp_path, changed, cyclic):
    root = tmp_path / "app"
    files = {
        "__init__.py": "",
        "a/__init__.py": "",
        "a/x.py": "def f():\n    from app.b import y\n",
        "b/__init__.py": "",
        "b/y.py": "from app.c import z\n",
        "c/__init__.py": "",
        "c/z.py": "",
    }
    for name, text in {**files, **changed}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert bool(cycles(import_edges(root))) is cyclic


def test_tests_import_helpers_from_modules_not_conftest():
    """pytest imports conftest.py itself; tests share helpers through modules (tests/*/kit.py)."""
    tests = Path(__file__).resolve().parent
    found = [
        f"{path.relative_to(tests)}:{node.lineno}"
        for path in tests.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("conftest")
    ]
    assert not found, f"import from tests/<area>/kit.py instead: {found}"
