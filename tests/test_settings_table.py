"""Every setting is in Config, read from the environment, and in the README's table.

- Config: every name the app reads from `app.config` / `current_app.config` is an attribute
  of Config (no `config.get(KEY, default)` with a default only the reader knows).
- Environment: the names app/config.py reads from the environment (os.environ.get, _int,
  _float, _bool, _planning) are exactly the names of the README's settings table.
"""

import ast
import re
from pathlib import Path

from app.config import Config

ROOT = Path(__file__).resolve().parent.parent
READERS = {"_int", "_float", "_bool", "_planning"}
# Flask and flask-smorest read these; they are fixed, not settings of Tapline.
FRAMEWORK = {"TESTING", "DEBUG", "PROPAGATE_EXCEPTIONS", "SERVER_NAME", "APPLICATION_ROOT"}


def _env_names():
    """Names app/config.py reads from the environment."""
    names = set()
    for node in ast.walk(ast.parse((ROOT / "app/config.py").read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        func = node.func
        is_reader = isinstance(func, ast.Name) and func.id in READERS
        is_environ = (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        if (is_reader or is_environ) and isinstance(first, ast.Constant):
            names.add(first.value)
    return names


def _readme_names():
    """Names in the first column of the README's "Settings" table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Settings\n", 1)[1].split("\n#", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def _read_keys():
    """Every constant key the application reads from a Flask config."""
    keys = set()
    for path in list((ROOT / "app").rglob("*.py")) + [ROOT / "worker.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            target = None
            if isinstance(node, ast.Subscript):
                target, key = node.value, node.slice
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get":
                target, key = node.func.value, node.args[0] if node.args else None
            if (
                isinstance(target, ast.Attribute | ast.Name)
                and getattr(target, "attr", getattr(target, "id", None)) == "config"
                and isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and key.value.isupper()
            ):
                keys.add(key.value)
    return keys


def test_every_setting_read_is_in_config():
    missing = sorted(k for k in _read_keys() - FRAMEWORK if not hasattr(Config, k))
    assert not missing, f"add to Config (app/config.py) and the README table: {missing}"


def test_the_readme_table_and_config_read_the_same_environment():
    env, readme = _env_names(), _readme_names()
    assert readme, "README.md has no '### Settings' table"
    assert not env - readme, f"read from the environment, missing in README: {sorted(env - readme)}"
    assert not readme - env, f"in README, not read by app/config.py: {sorted(readme - env)}"


def test_every_periodic_interval_names_a_setting():
    import importlib

    from app import DOMAIN_MODULES

    for name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(f"app.{name}.jobs")
        except ModuleNotFoundError:
            continue
        for path, _queue, seconds in getattr(module, "PERIODIC", ()):
            assert isinstance(seconds, str) and hasattr(Config, seconds), (path, seconds)


def test_only_app_config_reads_the_environment():
    """A setting read elsewhere would escape Config, the README table and the tests above."""
    readers = []
    for path in list((ROOT / "app").rglob("*.py")) + [ROOT / "worker.py", ROOT / "asgi.py"]:
        if path == ROOT / "app/config.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr == "environ") or (
                isinstance(node, ast.Attribute) and node.attr == "getenv"
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not readers, f"read settings through Config (app/config.py), not here: {readers}"
