"""Where the hub's voice pages go on the air: its own PTT and sound card, or a radio bridge's.

A center's radio cable and the sound card wired to the radio's microphone are on the radio
operator's PC, not on the server that runs the hub; the bridge there says in its hello that it
has a voice channel (`jingbao radio-bridge --voice ...`) and speaks the pages the hub sends it
(hub/radio_link.py RemoteVoice). Both kinds answer the same two awaitables, so the engine does
not care where the channel is: `speak` returns the record the log keeps, `key` the operator's
own push-to-talk.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Protocol

from radio.voice import VoicePager


class VoiceChannel(Protocol):
    name: str

    async def speak(self, text: str) -> dict: ...

    async def key(self, on: bool) -> None: ...


class LocalVoice:
    """The hub's own channel (`jingbao hub --voice ...`): blocking work off the loop, pages one
    after the other on one worker thread."""

    name = "hub"

    def __init__(self, pager: VoicePager) -> None:
        self.pager = pager
        self.worker = concurrent.futures.ThreadPoolExecutor(1, "voice")

    async def speak(self, text: str) -> dict:
        return await asyncio.get_running_loop().run_in_executor(self.worker, self.pager.say, text)

    async def key(self, on: bool) -> None:
        # the default pool, not the worker: a page queued there waits for this channel
        await asyncio.get_running_loop().run_in_executor(None, self.pager.key, on)

    def stop(self) -> None:
        self.worker.shutdown(wait=True, cancel_futures=True)
