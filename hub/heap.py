"""Keeping Python's full garbage collections short in a long-running process.

A full collection walks every object that survived two younger ones: the modules, Qt's
wrappers, the road graph, the replica. Measured in the console under a centre's load
(`bench/alert_to_row.py`), three of them in a minute held the UI thread 190–310 ms each, the
worst alerts' whole delay. What a process holds once it has started and loaded its state
rarely becomes garbage, so it is frozen (`gc.freeze`): later full collections walk only what
came after it.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """After a start or a new snapshot: collect once (the replaced state's cycles, which a
    freeze would otherwise keep for good), then freeze what is left."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
