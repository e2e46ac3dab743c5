"""Subcommands of `jingbao`; each imports its heavy modules only when it runs."""

from __future__ import annotations
