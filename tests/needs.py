"""What a test needs from outside the project: a tool, a server, a data file.

On a user's machine a missing one skips the test with a message saying how to get it; under
CI (`CI=true`) it fails, so a suite can never go quietly green because something was absent.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest


def missing(what: str, how: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI ({how})")
    pytest.skip(f"{what} is not present ({how})")


def tool(name: str, package: str) -> None:
    if shutil.which(name) is None:
        missing(name, f"Debian: apt-get install {package}; `make test` installs it")


def data(path: Path) -> Path:
    if not path.exists():
        missing(str(path), "the real captures in ../shared/data, beside the project")
    return path
