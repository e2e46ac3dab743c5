"""Each alarm its own sound: the WAVs measured by sox (an independent reader), played by the
real player (aplay to ALSA's null device), and chosen by the window from what the hub sends."""

from __future__ import annotations

import pytest

from console.alarm_sounds import PATTERNS, AlarmSounds
from tests import needs
from tests.test_voice import sox_stat


def test_the_alarms_sound_different_and_the_volume_scales(tmp_path) -> None:
    needs.tool("sox", "sox")
    loud = AlarmSounds(volume=1.0, folder=tmp_path)
    stats = {alarm: sox_stat(loud.path(alarm)) for alarm in PATTERNS}
    lengths = {alarm: s["Length (seconds)"] for alarm, s in stats.items()}
    # written down once from the patterns: 0.65, 0.45, 0.52, 1.00 and 0.60 s
    assert lengths == pytest.approx({"new_alert": 0.65, "warning": 0.45, "breach": 0.52,
                                     "emergency": 1.0, "page_failed": 0.6}, abs=0.01)
    pitch = {alarm: s["Rough   frequency"] for alarm, s in stats.items()}
    assert pitch["breach"] > pitch["warning"] > pitch["page_failed"]  # urgent is high
    quiet = AlarmSounds(volume=0.25, folder=tmp_path)
    ratio = sox_stat(quiet.path("warning"))["RMS     amplitude"] / stats["warning"][
        "RMS     amplitude"]
    assert ratio == pytest.approx(0.25, rel=0.02)


def test_played_by_the_real_player_and_silent_when_muted(tmp_path) -> None:
    needs.tool("aplay", "alsa-utils")
    sounds = AlarmSounds(folder=tmp_path, player=("aplay", "-q", "-D", "null"))
    assert sounds.play("new_alert").result(10)  # aplay took the file and played it
    sounds.muted = True
    assert sounds.play("breach") is None
    assert sounds.played == ["new_alert"]
    sounds.stop()


def test_the_window_rings_for_a_new_alert_and_not_when_muted(qtbot, open_console,
                                                             tmp_path) -> None:
    import asyncio
    import socket

    from db.store import EventStore
    from hub.engine import Engine
    from resources import scenario as scenarios
    from tests.recorder import Recorder
    from tests.test_faults import send, slip

    needs.tool("aplay", "alsa-utils")
    scenario = scenarios.load()
    store = EventStore.open(f"sqlite:///{tmp_path / 's.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    window = open_console(scenario, engine)
    window.sounds.player = ("aplay", "-q", "-D", "null")
    try:
        asyncio.run(send(f"{engine.url}/feed", [slip(1)]))
        qtbot.waitUntil(lambda: window.sounds.played == ["new_alert"], timeout=5000)
        window.toggle_mute()
        asyncio.run(send(f"{engine.url}/feed", [slip(2)]))
        qtbot.waitUntil(lambda: len(window.state.incidents) == 2, timeout=5000)
        qtbot.wait(200)
        assert window.sounds.played == ["new_alert"]
    finally:
        engine.stop()
