"""Backups a running center can take without stopping: a consistent copy of the whole database.

SQLite goes through its online backup API (a consistent snapshot even while the hub writes,
which copying the file is not in WAL mode); PostgreSQL through `pg_dump --format=custom`, the
server's own tool, restored with `pg_restore`. Both copies restore to a database on which the
hub starts as it was and `jingbao audit verify` passes.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def backup(url: str, out: Path) -> str:
    """Write the backup of the database at `url` to `out`; returns how it was made."""
    parsed = make_url(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    if parsed.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        how = "SQLite online backup"
    else:
        if shutil.which("pg_dump") is None:
            raise RuntimeError("pg_dump is not installed (Debian: postgresql-client)")
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "--format=custom", f"--file={partial}", conninfo],
                       check=True, capture_output=True, text=True)
        how = "pg_dump --format=custom (restore with pg_restore --dbname=URL FILE)"
    partial.replace(out)  # only a complete backup ever carries the name asked for
    return how
