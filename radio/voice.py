"""Voice paging: most guides carry plain walkie-talkies, so the center calls them on the air.

Speak the page in Mandarin with an offline engine (espeak-ng's `cmn` voice), key the radio's
PTT through the serial port's RTS or DTR line, wait the lead time so the radio is on the air,
play the audio to the sound device wired to the radio's microphone input, wait the tail, and
release. Every clip is kept on disk under its SHA-256 so the log can point at exactly what
went out. Blocking by nature (it takes seconds): the caller runs it off the event loop.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import serial


class VoiceError(RuntimeError):
    """Synthesis or playback failed; the page is reported as not spoken."""


@dataclass(frozen=True)
class VoiceConfig:
    ptt_url: str  # serial device (or pyserial URL) whose RTS/DTR keys the radio
    line: str = "RTS"
    lead_s: float = 0.3  # keyed before audio: radios need time to switch to transmit
    tail_s: float = 0.3  # keyed after audio: so the last syllable is not clipped
    voice: str = "cmn"
    words_per_minute: int = 150
    player: tuple[str, ...] = ("aplay", "-q")  # + ["-D", device] for a specific sound card
    device: str | None = None

    def __post_init__(self) -> None:
        if self.line not in ("RTS", "DTR"):
            raise ValueError("PTT line must be RTS or DTR")


@dataclass(frozen=True)
class Clip:
    path: Path
    sha256: str
    duration_s: float
    rms: float  # 0..1 of full scale


@dataclass(frozen=True)
class Transmission:
    keyed_at: float
    audio_started: float
    audio_ended: float
    released_at: float
    timeline: list[tuple[float, str]] = field(default_factory=list)


def _measure(path: Path) -> tuple[float, float]:
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        duration = w.getnframes() / w.getframerate()
        width = w.getsampwidth()
    if width != 2 or not frames:
        return duration, 0.0
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    return duration, float(np.sqrt(np.mean(samples ** 2)))


class VoicePager:
    def __init__(self, config: VoiceConfig, folder: Path,
                 play: Callable[[Path], None] | None = None,
                 open_port: Callable[[str], serial.SerialBase] | None = None) -> None:
        self.config = config
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._play = play or self._play_with_player
        self._open_port = open_port or (lambda url: serial.serial_for_url(url, do_not_open=False))
        self._channel = threading.Lock()  # one transmission at a time on the channel
        self._talk_port: serial.SerialBase | None = None

    def key(self, on: bool) -> None:
        """The operator's own push-to-talk: hold the channel and the PTT line while talking.
        A page waiting to be spoken goes on the air after the operator lets go."""
        if on:
            self._channel.acquire()
            try:
                self._talk_port = self._open_port(self.config.ptt_url)
                self._set_line(self._talk_port, True)
            except Exception:
                self._channel.release()
                raise
        elif self._talk_port is not None:
            port, self._talk_port = self._talk_port, None
            try:
                self._set_line(port, False)
                port.close()
            finally:
                self._channel.release()

    def synthesize(self, text: str) -> Clip:
        if shutil.which("espeak-ng") is None:
            raise VoiceError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
        scratch = self.folder / f".tmp-{threading.get_ident()}.wav"
        result = subprocess.run(["espeak-ng", "-v", self.config.voice, "-s",
                                 str(self.config.words_per_minute), "-w", str(scratch), text],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0 or not scratch.exists():
            raise VoiceError(f"espeak-ng failed: {result.stderr.strip()}")
        digest = hashlib.sha256(scratch.read_bytes()).hexdigest()
        path = self.folder / f"{digest}.wav"
        scratch.replace(path)
        duration, rms = _measure(path)
        return Clip(path, digest, duration, rms)

    def _play_with_player(self, path: Path) -> None:
        command = [*self.config.player, *(["-D", self.config.device] if self.config.device
                                          else []), str(path)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise VoiceError(f"{command[0]} failed: {result.stderr.strip()}")

    def _set_line(self, port: serial.SerialBase, on: bool) -> None:
        if self.config.line == "RTS":
            port.rts = on
        else:
            port.dtr = on

    def transmit(self, clip: Clip, port: serial.SerialBase | None = None) -> Transmission:
        """Key, lead, play, tail, release — the PTT is released even if playback fails."""
        with self._channel:
            own = port is None
            port = port or self._open_port(self.config.ptt_url)
            timeline: list[tuple[float, str]] = []
            try:
                self._set_line(port, True)
                keyed = time.monotonic()
                timeline.append((keyed, "ptt on"))
                time.sleep(self.config.lead_s)
                started = time.monotonic()
                timeline.append((started, "audio start"))
                self._play(clip.path)
                ended = time.monotonic()
                timeline.append((ended, "audio end"))
                time.sleep(self.config.tail_s)
            finally:
                self._set_line(port, False)
                released = time.monotonic()
                timeline.append((released, "ptt off"))
                if own:
                    port.close()
            return Transmission(keyed, started, ended, released, timeline)

    def say(self, text: str) -> dict:
        """Synthesize and transmit one page; what the log keeps of it (the clip by its hash,
        how long the radio was keyed). The same record wherever the channel is, hub or bridge."""
        clip = self.synthesize(text)
        sent = self.transmit(clip)
        return {"audio": str(clip.path), "sha256": clip.sha256,
                "duration_s": round(clip.duration_s, 3), "rms": round(clip.rms, 4),
                "keyed_s": round(sent.released_at - sent.keyed_at, 3), "ok": True}


VOICE_OPTIONS = {"line": ("line", str), "device": ("device", str), "lead": ("lead_s", float),
                 "tail": ("tail_s", float), "voice": ("voice", str)}


def pager_from_spec(spec: str, folder: Path) -> VoicePager:
    """`/dev/ttyUSB1,line=DTR,device=hw:1,lead=0.3,tail=0.3` (the `--voice` option of the hub
    and of a radio bridge): the PTT port and its options; clips are kept in `folder`."""
    url, *options = spec.split(",")
    settings: dict = {}
    for option in options:
        key, _, value = option.partition("=")
        if key not in VOICE_OPTIONS:
            raise ValueError(f"--voice: unknown option {key!r}; known: {', '.join(VOICE_OPTIONS)}")
        name, kind = VOICE_OPTIONS[key]
        settings[name] = kind(value)
    return VoicePager(VoiceConfig(url, **settings), folder)
