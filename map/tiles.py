"""Basemap tile sources for a center without internet: an MBTiles or PMTiles file, or an
internal XYZ tile server with a disk cache. Reading is blocking: the map calls `get` off the
UI thread.

Each source declares its datum (WGS-84, or GCJ-02 for Chinese providers) so the map can put
WGS-84 overlays where the tiles draw them, and its attribution, which the map shows.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import mmap
import sqlite3
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pmtiles.tile import Entry, deserialize_directory, deserialize_header, find_tile, zxy_to_tileid

log = logging.getLogger(__name__)

WGS84, GCJ02 = "wgs84", "gcj02"


class TileSource(Protocol):
    name: str
    datum: str
    attribution: str
    min_zoom: int
    max_zoom: int

    def get(self, z: int, x: int, y: int) -> bytes | None: ...


class MBTilesSource:
    """An MBTiles file (SQLite). Its rows count from the south: row = 2^z − 1 − y."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"MBTiles file {self.path} not found")
        self._local = threading.local()
        meta = dict(self._db().execute("SELECT name, value FROM metadata").fetchall())
        self.name = meta.get("name", self.path.stem)
        self.attribution = meta.get("attribution", "")
        self.datum = meta.get("datum", WGS84)  # not in the MBTiles spec: our own key
        self.min_zoom = int(meta.get("minzoom", 0))
        self.max_zoom = int(meta.get("maxzoom", 18))

    def _db(self) -> sqlite3.Connection:
        """One read-only connection per thread (sqlite3 objects stay on their thread)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return db

    def get(self, z: int, x: int, y: int) -> bytes | None:
        row = self._db().execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (1 << z) - 1 - y)).fetchone()
        return bytes(row[0]) if row else None


class PMTilesSource:
    """A PMTiles v3 file, memory-mapped. The `pmtiles` reader re-reads the header and
    re-inflates every directory on each `get` (about a millisecond per tile for a city pack);
    here the header is read once and each directory is inflated once and kept."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as f:
            self._bytes = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._header = deserialize_header(self._bytes[0:127])
        self._directories: dict[tuple[int, int], list[Entry]] = {}
        self._lock = threading.Lock()
        h = self._header
        raw = self._bytes[h["metadata_offset"]:h["metadata_offset"] + h["metadata_length"]]
        meta = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw or b"{}")
        self.name = meta.get("name", self.path.stem)
        self.attribution = meta.get("attribution", "")
        self.datum = meta.get("datum", WGS84)
        self.min_zoom, self.max_zoom = h["min_zoom"], h["max_zoom"]

    def _directory(self, offset: int, length: int) -> list[Entry]:
        key = (offset, length)
        with self._lock:  # tile workers share the cache
            entries = self._directories.get(key)
            if entries is None:
                entries = deserialize_directory(self._bytes[offset:offset + length])
                self._directories[key] = entries
        return entries

    def get(self, z: int, x: int, y: int) -> bytes | None:
        h = self._header
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = h["root_offset"], h["root_length"]
        for _depth in range(4):  # the spec allows at most three levels of leaves
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length:
                start = h["tile_data_offset"] + entry.offset
                return self._bytes[start:start + entry.length]
            offset, length = h["leaf_directory_offset"] + entry.offset, entry.length
        return None


def open_pack(path: Path | str) -> TileSource:
    """A tile pack by its file name: .pmtiles, else MBTiles."""
    return PMTilesSource(path) if str(path).endswith(".pmtiles") else MBTilesSource(path)


@dataclass
class XyzSource:
    """An XYZ URL template ({z}/{x}/{y}) on an internal tile server, cached on disk so the
    map keeps working when the server or the network is down."""

    url: str
    cache: Path
    datum: str = WGS84
    attribution: str = ""
    name: str = "xyz"
    min_zoom: int = 0
    max_zoom: int = 18
    timeout_s: float = 5.0

    def get(self, z: int, x: int, y: int) -> bytes | None:
        path = self.cache / str(z) / str(x) / f"{y}.tile"
        if path.exists():
            return path.read_bytes()
        try:
            with urllib.request.urlopen(self.url.format(z=z, x=x, y=y),
                                        timeout=self.timeout_s) as response:
                data = response.read()
        except (urllib.error.URLError, OSError) as exc:
            log.debug("tile %d/%d/%d unavailable: %s", z, x, y, exc)
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)
        return data


def source_from_spec(spec: str, cache_root: Path) -> TileSource:
    """`mbtiles:PATH`, `pmtiles:PATH` or `xyz:http://tiles.local/{z}/{x}/{y}.png[,datum=gcj02]`."""
    kind, _, rest = spec.partition(":")
    if kind == "mbtiles":
        return MBTilesSource(rest)
    if kind == "pmtiles":
        return PMTilesSource(rest)
    if kind == "xyz":
        url, *options = rest.split(",")
        settings = dict(option.split("=", 1) for option in options)
        folder = hashlib.sha1(url.encode()).hexdigest()[:16]  # stable across runs
        return XyzSource(url, cache_root / "tiles" / folder,
                         datum=settings.get("datum", WGS84),
                         attribution=settings.get("attribution", ""))
    raise ValueError(f"tile source {spec!r}: expected mbtiles:PATH, pmtiles:PATH or xyz:URL")
