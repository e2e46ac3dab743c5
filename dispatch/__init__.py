"""The core: events, the incident lifecycle, eligibility and recommendation.

Pure Python by contract: no Qt, no SQL, no I/O (tests/test_layers.py enforces it), so every rule
can be tested in microseconds and reused by the hub, the console and reports alike.
"""
