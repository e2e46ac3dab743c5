"""Shared fixtures: the demo roster and a clean state."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# windows keep their layout and colours in the user's config folder: never the tester's own,
# and each test its own (a choice one test makes, such as selecting new alerts, must not
# change how the next test's window behaves)
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="jingbao-test-config-")


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))

from dispatch.commands import Actor  # noqa: E402
from dispatch.state import CenterState, Unit  # noqa: E402

DINGHAI = (122.1030, 30.0160)


def make_units() -> list[Unit]:
    return [
        Unit("G01", "引导员01", "guide", 100, "1001", post=DINGHAI, lon=122.1060, lat=30.0180),
        Unit("G02", "引导员02", "guide", 100, "1002", post=DINGHAI, lon=122.1300, lat=30.0100),
        Unit("P01", "铁骑01", "police_moto", 200, "2001", post=DINGHAI, lon=122.1032, lat=30.0162),
    ]


@pytest.fixture
def state() -> CenterState:
    return CenterState(make_units())


@pytest.fixture
def actor() -> Actor:
    return Actor("dispatcher:test", "ws-test")


@pytest.fixture
def running_engine(tmp_path):
    """Starts real engines on SQLite files of the test's folder (the demo scenario unless
    given one) and stops them at the end. Ask for it before `open_console`, so the windows'
    clients stop before their engine does."""
    import socket

    from db.store import EventStore
    from hub.engine import Engine
    from resources import scenario as scenarios
    from tests.recorder import Recorder

    engines = []

    def start(scenario=None):
        scenario = scenario or scenarios.load()
        path = tmp_path / f"engine-{len(engines)}.sqlite3"
        engine = Engine(EventStore.open(f"sqlite:///{path}", scenario.roster), scenario,
                        Recorder(), workstation=socket.gethostname())
        engine.start()
        engines.append(engine)
        return engine

    yield start
    for engine in engines:
        engine.stop()


@pytest.fixture
def open_console(qtbot):
    """Opens real windows following an engine over the console link, as a workstation does
    (a local session from the engine), shown and holding the hub's snapshot; their clients
    are stopped at the end of the test."""
    from console.app import attach_window
    from console.hub_client import Credentials

    clients = []

    def open_(scenario, engine, name: str = "dispatcher:test", workstation: str = "ws-test",
              role=None):
        token = engine.console_link.local_session(name, workstation, *(role,) if role else ())
        client, window = attach_window(scenario, engine.url, Credentials(token=token),
                                       workstation, voice=engine.voice is not None)
        clients.append(client)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(client.connected.is_set, timeout=10000)
        return window

    yield open_
    for client in clients:
        client.stop()


from tests.dbfixtures import db_url  # noqa: E402,F401  (fixture)
