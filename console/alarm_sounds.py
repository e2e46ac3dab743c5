"""The console's alarms as real sounds, one for each kind, so a dispatcher knows by ear.

`QApplication.beep()` is the X bell, silent on most PCs, and one sound for everything says
nothing. Each alarm here is a distinct tone pattern (a rising chime for a new alert, one
mid tone for the 6-minute warning, three high pulses for a breach, a two-tone siren for a
radio emergency, a falling pair for a page that failed), synthesised once with numpy into WAV
files in the user's cache folder, scaled to the volume, and played by the system's player
(`aplay` on Linux, `winsound` on Windows) on a worker thread, so the UI never waits for audio.
QtMultimedia would do it too but is not in PySide6-Essentials (it drags in FFmpeg).
"""

from __future__ import annotations

import concurrent.futures
import logging
import shutil
import subprocess
import sys
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import platformdirs

log = logging.getLogger(__name__)

RATE = 22_050
# alarm → (frequency Hz, seconds) steps; 0 Hz is a pause
PATTERNS: dict[str, tuple[tuple[float, float], ...]] = {
    "new_alert": ((660, 0.15), (0, 0.05), (880, 0.15), (0, 0.05), (1320, 0.25)),
    "warning": ((740, 0.45),),
    "breach": ((1400, 0.12), (0, 0.08), (1400, 0.12), (0, 0.08), (1400, 0.12)),
    "emergency": ((960, 0.25), (640, 0.25), (960, 0.25), (640, 0.25)),
    "page_failed": ((520, 0.2), (0, 0.05), (390, 0.35)),
}


def synthesize(steps: Sequence[tuple[float, float]], volume: float) -> np.ndarray:
    """16-bit samples; each tone fades in and out over 10 ms so it does not click."""
    parts = []
    for frequency, seconds in steps:
        t = np.arange(int(RATE * seconds)) / RATE
        tone = np.sin(2 * np.pi * frequency * t) if frequency else np.zeros_like(t)
        ramp = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)
        parts.append(tone * ramp)
    return (np.concatenate(parts) * 0.8 * volume * 32767).astype("<i2")


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())


def default_player() -> tuple[str, ...] | None:
    if sys.platform == "win32":
        return None  # winsound
    for player in (("aplay", "-q"), ("paplay",), ("afplay",)):
        if shutil.which(player[0]):
            return player
    return None


class AlarmSounds:
    def __init__(self, volume: float = 0.8, player: tuple[str, ...] | None = None,
                 folder: Path | None = None) -> None:
        self.folder = folder or Path(platformdirs.user_cache_dir("jingbao", "jingbao")) / "sounds"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.player = player if player is not None else default_player()
        self.muted = False
        self.volume = volume
        self._worker: concurrent.futures.ThreadPoolExecutor | None = None  # one at a time
        self.played: list[str] = []  # what was handed to the player, for the log and tests
        self._said_failure = False  # a PC without a sound card is told once, not per alert

    def path(self, alarm: str) -> Path:
        """The alarm's WAV at the current volume (made on first use)."""
        path = self.folder / f"{alarm}-{round(self.volume * 100)}.wav"
        if not path.exists():
            write_wav(path, synthesize(PATTERNS[alarm], self.volume))
        return path

    def play(self, alarm: str) -> concurrent.futures.Future | None:
        if self.muted or self.volume <= 0:
            return None
        path = self.path(alarm)
        self.played.append(alarm)
        if self._worker is None:  # made on first use, again after a window closed
            self._worker = concurrent.futures.ThreadPoolExecutor(1, "sound")
        return self._worker.submit(self._play, path)

    def _play(self, path: Path) -> bool:
        """True once the player played it; a missing sound card is logged, never raised."""
        try:
            if self.player is None and sys.platform == "win32":
                import winsound

                winsound.PlaySound(str(path), winsound.SND_FILENAME)
                return True
            if self.player is None:
                log.warning("no sound player found (install alsa-utils): %s not played", path)
                return False
            subprocess.run([*self.player, str(path)], capture_output=True, timeout=10,
                           check=True)
            return True
        except (OSError, subprocess.SubprocessError) as exc:  # no sound card: say it once, go on
            log.log(logging.DEBUG if self._said_failure else logging.WARNING,
                    "alarm sound %s not played: %s", path.name, exc)
            self._said_failure = True
            return False

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)
            self._worker = None
