"""dispatch/ stays pure: no Qt, SQL, network or file I/O, directly or through what it imports.

Two checks: nothing of dispatch pulls in a UI, database or network framework even indirectly
(scipy may import `threading` for its own pools, which is not dispatch doing I/O); and no
module of dispatch imports an I/O module itself.
"""

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import dispatch

NEVER_LOADED = (
    "PySide6", "pyqtgraph", "sqlalchemy", "alembic", "psycopg", "sqlite3", "serial",
    "websockets", "asyncio", "osmium",
)
NEVER_IMPORTED = NEVER_LOADED + (
    "os", "io", "pathlib", "socket", "subprocess", "threading", "select", "tty", "shutil",
)
ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, json, sys
for name in {modules!r}:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})))
"""


def _modules() -> list[str]:
    return [f"dispatch.{m.name}" for m in pkgutil.iter_modules(dispatch.__path__)]


def test_dispatch_loads_no_qt_sql_or_network_framework() -> None:
    modules = _modules()
    assert len(modules) >= 6
    code = PROBE.format(modules=modules, forbidden=NEVER_LOADED)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == []


def test_dispatch_modules_import_no_io_module() -> None:
    offenders = []
    for path in sorted((ROOT / "dispatch").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in NEVER_IMPORTED]
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                offenders.append(f"{path.name}: open()")
    assert offenders == []


def test_the_core_and_the_scenario_import_nothing_above_them() -> None:
    """dispatch/ is the bottom layer (geodesy included) and resources/ reads scenarios for
    map/ and hub/, never the other way: no import cycle between folders."""
    above = {"dispatch": {"map", "resources", "hub", "console", "db", "radio"},
             "resources": {"map", "hub", "console", "db"}}
    offenders = []
    for folder, forbidden in above.items():
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                offenders += [f"{folder}/{path.name}: {n}" for n in names
                              if n.split(".")[0] in forbidden]
    assert offenders == []
