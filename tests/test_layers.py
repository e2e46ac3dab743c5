"""dispatch/ stays pure: importing all of it must not pull in Qt, SQL or I/O modules."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import dispatch

FORBIDDEN = (
    "PySide6", "pyqtgraph", "sqlalchemy", "alembic", "psycopg", "sqlite3", "serial",
    "websockets", "asyncio", "socket", "subprocess", "threading",
)

PROBE = """
import importlib, json, sys
for name in {modules!r}:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})))
"""


def test_dispatch_imports_no_qt_sql_or_io() -> None:
    modules = [f"dispatch.{m.name}" for m in pkgutil.iter_modules(dispatch.__path__)]
    assert len(modules) >= 6
    code = PROBE.format(modules=modules, forbidden=FORBIDDEN)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == []
