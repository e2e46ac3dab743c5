"""What a center installs: the offline wheelhouse, the license and notices, the menu entry.

The wheelhouse test is slow (a fresh venv and ~300 MB of wheels): `make test-install` builds
the wheelhouse and runs it; the default `make test` leaves it out (`-m "not slow"`).
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import signal
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = ROOT / "dist" / "wheelhouse"


def runtime_distributions() -> set[str]:
    """The project's dependencies, transitively, as installed here (their own metadata)."""
    names: set[str] = set()
    todo = ["jingbao-console"]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker-excluded dependency (e.g. tomli on 3.11+)
        key = dist.name.lower().replace("_", "-")
        if key in names:
            continue
        names.add(key)
        for requirement in dist.requires or []:
            if "extra ==" in requirement and "binary" not in requirement:
                continue
            todo.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
    return names - {"jingbao-console"}


def test_the_notices_name_every_runtime_dependency() -> None:
    notices = (ROOT / "THIRD_PARTY_NOTICES").read_text(encoding="utf-8").lower()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert len(runtime_distributions()) >= len(declared["dependencies"]) - 1  # one per Python
    missing = sorted(n for n in runtime_distributions()
                     if n not in notices and n.replace("-", "_") not in notices)
    assert missing == []
    for lgpl in ("pyside6", "shiboken6", "psycopg", "geos"):
        assert lgpl in notices.split("2. components under permissive")[0]


def test_the_license_is_the_full_apache_2_text() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "9. Accepting Warranty or Additional Liability." in text
    assert "END OF TERMS AND CONDITIONS" in text
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert declared["license"] == "Apache-2.0"


@pytest.mark.gui
def test_the_desktop_entry_starts_the_console_with_the_icon(qapp) -> None:
    from PySide6.QtSvg import QSvgRenderer

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "jingbao.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert (desktop["Type"], desktop["Exec"], desktop["Icon"]) == ("Application",
                                                                   "jingbao console", "jingbao")
    assert desktop["Name[zh_CN]"] == "警保联动指挥台"
    icon = QSvgRenderer(str(ROOT / "resources" / "icons" / "jingbao.svg"))
    assert icon.isValid() and icon.defaultSize().width() == 256
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", ROOT / "resources" / "jingbao.desktop"],
                       check=True)


def offline_prefix() -> list[str]:
    """Run in a network namespace holding only loopback when the kernel allows it (nothing
    can be fetched); otherwise proxies that lead nowhere do the same for pip."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"]).returncode == 0:
        return ["unshare", "-rn"]
    return []


@pytest.mark.slow
def test_the_wheelhouse_installs_and_runs_without_network(tmp_path) -> None:
    assert (WHEELHOUSE / "install.sh").exists(), "build it first: make wheelhouse"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PIP_", "VIRTUAL_ENV")) and key.lower() not in (
               "http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               PIP_CONFIG_FILE=os.devnull, XDG_DATA_HOME=str(tmp_path / "share"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               PYTHON=sys.executable, QT_QPA_PLATFORM="offscreen")
    offline = offline_prefix()
    target = tmp_path / "venv"
    subprocess.run([*offline, "bash", WHEELHOUSE / "install.sh", target], env=env, check=True,
                   cwd=tmp_path, timeout=600)
    jingbao = target / "bin" / "jingbao"
    version = subprocess.run([*offline, jingbao, "--version"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert version.strip() == f"jingbao {declared}"
    entry = (tmp_path / "share" / "applications" / "jingbao.desktop").read_text("utf-8")
    assert f"Exec={jingbao} console" in entry
    hub = subprocess.Popen([*offline, jingbao, "hub", "--demo", "--feed-port", "0", "--db",
                            f"sqlite:///{tmp_path / 'demo.sqlite3'}"], env=env, cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = hub.stdout.readline()
        assert line.startswith("hub: 110 feed on ws://127.0.0.1:"), hub.stderr.read()
        installed = subprocess.run([target / "bin" / "python", "-c",
                                    "import hub; print(hub.__file__)"], env=env, cwd=tmp_path,
                                   capture_output=True, text=True, check=True).stdout
        assert installed.startswith(str(target))  # the wheel's code, not this checkout's
    finally:
        hub.send_signal(signal.SIGTERM)
        assert hub.wait(timeout=30) == 0
