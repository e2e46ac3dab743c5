"""Voice paging: real espeak-ng audio measured with sox, PTT sequenced on pyserial's loop://
port (which echoes RTS on CTS, so the test reads back what the radio's PTT input would see)."""

from __future__ import annotations

import re
import subprocess
import threading
import time

import pytest
import serial

from radio.voice import VoiceConfig, VoicePager
from tests import needs


def _need(tool: str) -> None:
    needs.tool(tool, tool)


def sox_stat(path) -> dict[str, float]:
    out = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True,
                         check=True).stderr
    return {k.strip(): float(v) for k, v in re.findall(r"^([A-Za-z ()]+):\s+(-?[\d.]+)$", out,
                                                        re.M)}


def test_mandarin_page_is_synthesised_and_measurable(tmp_path) -> None:
    _need("espeak-ng")
    _need("sox")
    pager = VoicePager(VoiceConfig("loop://"), tmp_path)
    clip = pager.synthesize("引导员零七,警保联动一零零一,定海解放路,两车追尾,请前往")
    stat = sox_stat(clip.path)
    assert 2.0 < stat["Length (seconds)"] < 20.0
    assert stat["Length (seconds)"] == pytest.approx(clip.duration_s, abs=0.01)
    assert stat["RMS     amplitude"] > 0.02  # speech, not silence
    assert clip.rms == pytest.approx(stat["RMS     amplitude"], rel=0.02)
    assert clip.path.name == f"{clip.sha256}.wav"


def test_ptt_keys_before_audio_and_releases_after(tmp_path) -> None:
    _need("espeak-ng")
    _need("sox")
    port = serial.serial_for_url("loop://", timeout=0.1)
    cts_during_audio: list[bool] = []

    def play(path) -> None:  # sox plays to the null device: real audio work, no sound card
        cts_during_audio.append(port.cts)
        subprocess.run(["sox", str(path), "-n"], check=True)
        cts_during_audio.append(port.cts)

    samples: list[tuple[float, bool]] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            samples.append((time.monotonic(), port.cts))
            time.sleep(0.005)

    pager = VoicePager(VoiceConfig("loop://", line="RTS", lead_s=0.25, tail_s=0.2), tmp_path,
                       play=play)
    clip = pager.synthesize("测试呼叫")
    watcher = threading.Thread(target=watch)
    watcher.start()
    sent = pager.transmit(clip, port)
    time.sleep(0.05)
    stop.set()
    watcher.join()
    assert cts_during_audio == [True, True]
    assert port.cts is False  # released
    assert sent.audio_started - sent.keyed_at >= 0.25
    assert sent.released_at - sent.audio_ended >= 0.2
    on = [t for t, cts in samples if cts]
    assert on and on[0] >= sent.keyed_at - 0.01 and on[-1] <= sent.released_at + 0.01


def test_ptt_is_released_when_playback_fails(tmp_path) -> None:
    _need("espeak-ng")
    port = serial.serial_for_url("loop://")

    def broken(path) -> None:
        raise RuntimeError("sound card unplugged")

    pager = VoicePager(VoiceConfig("loop://", line="DTR", lead_s=0, tail_s=0), tmp_path,
                       play=broken)
    with pytest.raises(RuntimeError):
        pager.transmit(pager.synthesize("测试"), port)
    assert port.dtr is False


def test_dispatch_speaks_the_page_and_logs_the_clip(tmp_path) -> None:
    _need("espeak-ng")
    _need("sox")
    import socket

    from db.store import EventStore
    from dispatch import events as ev
    from dispatch.alerts import parse_alert_slip
    from dispatch.commands import Actor, receive_alert
    from hub.engine import Engine
    from resources import scenario as scenarios
    from tests.recorder import Recorder
    from tests.test_dispatch_core import SLIP

    scenario = scenarios.load()
    recorder = Recorder()
    store = EventStore.open(f"sqlite:///{tmp_path / 'v.sqlite3'}", scenario.roster)
    voice = VoicePager(VoiceConfig("loop://", lead_s=0.05, tail_s=0.05,
                                   player=("sox",)), tmp_path / "voice",
                       play=lambda path: subprocess.run(["sox", str(path), "-n"], check=True))
    engine = Engine(store, scenario, recorder, workstation=socket.gethostname(), voice=voice)
    engine.start(feed_port=None)
    actor = Actor("dispatcher:t", "ws")
    try:
        engine.submit(store.append, [receive_alert(parse_alert_slip(SLIP, scenario.region),
                                                   actor)]).result(timeout=5)
        engine.submit(engine.override_triage, "1001", "test", actor).result(timeout=5)
        engine.submit(engine.dispatch, "1001", "G01", actor).result(timeout=5)
        spoken = recorder.wait_for(lambda e: e.type == ev.VOICE_PAGE, timeout=30)
        assert spoken.payload["ok"] and spoken.payload["unit"] == "G01"
        assert spoken.payload["text"].startswith("引导员01,请注意。警保联动1001")
        assert sox_stat(spoken.payload["audio"])["Length (seconds)"] == pytest.approx(
            spoken.payload["duration_s"], abs=0.01)
    finally:
        engine.stop()


def test_operator_push_to_talk_holds_the_line(tmp_path) -> None:
    port = serial.serial_for_url("loop://")
    pager = VoicePager(VoiceConfig("loop://", line="RTS"), tmp_path, open_port=lambda url: port)
    pager.key(True)
    assert port.cts is True  # the radio is keyed while the operator holds the button
    assert pager._channel.locked()  # a page now would wait for the operator to let go
    pager.key(False)
    assert port.rts is False and not port.is_open and not pager._channel.locked()
