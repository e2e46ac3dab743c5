"""`jingbao export-map`: the day on one HTML map that opens with no internet.

Incidents of the day coloured by outcome (with their slip and timeline), guides' tracks,
a heat map of where accidents happened, duty posts, service zones, over the local tile pack
(or the scenario's roads where there is none).
folium writes the page; its default CDN assets are replaced by the vendored Leaflet and
Leaflet.heat, inlined as data: URIs so the file is self-contained.
"""

from __future__ import annotations

import base64
import html
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import folium
import numpy as np
from branca.element import Element, Template
from folium.map import Layer
from folium.plugins import HeatMap

from dispatch import events as ev
from dispatch.events import Event
from dispatch.lifecycle import IncidentStatus as S
from dispatch.service_hours import CHINA_TZ
from dispatch.state import CenterState, Incident
from map.day_map_tiles import inline_tile_layer
from map.projection import wgs84_to_gcj02
from map.tiles import GCJ02, TileSource
from resources.scenario import Scenario

WEB = Path(__file__).resolve().parents[1] / "resources" / "web"
OUTCOME_COLOURS = {S.CLOSED: "#2ca02c", S.CLAIM_FILED: "#2ca02c", S.REFERRED_POLICE: "#7f7f7f",
                   S.REFERRED_120: "#9467bd", S.DUPLICATE: "#c7c7c7", S.CANCELLED: "#c7c7c7"}
OPEN_COLOUR = "#d62728"
TRACK_COLOURS = ("#1f77b4", "#ff7f0e", "#17becf", "#bcbd22", "#8c564b", "#e377c2")
TRACK_SCALE = 1_000_000  # tracks go into the page in millionths of a degree
Track = tuple[Sequence[float], Sequence[float]]  # a unit's longitudes and latitudes, in order


def _inline(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _offline(fmap: folium.Map, heat: HeatMap) -> None:
    fmap.default_js = [("leaflet", _inline(WEB / "leaflet-1.9.4/leaflet.js", "text/javascript"))]
    fmap.default_css = [("leaflet_css", _inline(WEB / "leaflet-1.9.4/leaflet.css", "text/css"))]
    heat.default_js = [("leaflet-heat.js", _inline(WEB / "leaflet-heat/leaflet_heat.min.js",
                                                   "text/javascript"))]


def _local_day(moment: datetime) -> date:
    return moment.astimezone(CHINA_TZ).date()


def _popup(incident: Incident, said: Callable[[str], str]) -> str:
    e = html.escape
    steps = "<br>".join(f"{when.astimezone(CHINA_TZ):%H:%M:%S} {e(said(status))}"
                        for when, status in incident.history)
    return (f"<b>{e(incident.case)}</b> {e(incident.address)}<br>{e(incident.description)}"
            f"<br>{e(incident.unit_id or '')}<br><small>{steps}</small>")


class TrackLayer(Layer):
    """Every track in one layer, written into the page as whole numbers: a unit's longitudes
    and latitudes in millionths of a degree (0.1 m, far under a pixel at any zoom), the first
    in full and each next one as the step from the one before, which a few lines of script
    add up into polylines. numpy does the arithmetic and the text is one join of integers per
    track: GeoJSON with repr'd floats took about 40 bytes a point and most of export-map's
    time, these steps take 8 (a day of 2.27 million overview fixes: 17.9 MB; measured with
    bench/export_day.py)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup();
            {{ this.get_name() }}_data.forEach(function (t) {
                var x = 0, y = 0, points = new Array(t.x.length);
                for (var i = 0; i < t.x.length; i++) {
                    x += t.x[i];
                    y += t.y[i];
                    points[i] = [y / {{ this.scale }}, x / {{ this.scale }}];
                }
                L.polyline(points, {color: t.colour, weight: 2}).bindTooltip(t.unit)
                    .addTo({{ this.get_name() }});
            });
        {% endmacro %}
    """)

    def __init__(self, tracks: Mapping[str, Track], gcj02: bool) -> None:
        super().__init__(name="轨迹 tracks", overlay=True)
        self._name = "TrackLayer"
        self.scale = TRACK_SCALE
        drawn = []
        for n, (unit, (lons, lats)) in enumerate(sorted(tracks.items())):
            if len(lons) < 2:
                continue
            if gcj02:
                lons, lats = wgs84_to_gcj02(lons, lats)
            # escaped for the page: a roster's unit id must not close the script
            head = json.dumps({"unit": html.escape(unit), "colour": TRACK_COLOURS[
                n % len(TRACK_COLOURS)]}, ensure_ascii=False).replace("<", "\\u003c")
            drawn.append(f'{head[:-1]},"x":[{_steps(lons)}],"y":[{_steps(lats)}]}}')
        self.document = "[" + ",".join(drawn) + "]"

    def render(self, **kwargs: Any) -> None:
        """The tracks go into the page as text apart from the layer's script: branca compiles
        every rendered script as a template, which for the tracks' megabytes took seconds."""
        self.get_root().script.add_child(
            _Text(f"var {self.get_name()}_data = {self.document};"), name=f"{self.get_name()}_data")
        super().render(**kwargs)


class _Text(Element):
    """Text put into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _steps(degrees: Sequence[float]) -> str:
    """The track's first coordinate in millionths of a degree, then each step from the one
    before: their running sum gives every point back, to the millionth."""
    whole = np.rint(np.asarray(degrees, dtype=float) * TRACK_SCALE).astype(np.int64)
    return ",".join(map(str, np.diff(whole, prepend=0).tolist()))


def build_day_map(events: Iterable[Event], scenario: Scenario, day: date,
                  tiles: TileSource | None = None, *, state: CenterState | None = None,
                  tracks: Mapping[str, Track] = {},  # noqa: B006 - read only
                  status_text: Callable[[str], str] = str) -> tuple[folium.Map, int]:
    """The folium map of `day` (China time) and how many incidents of that day it shows.
    Statuses are named by `status_text` (the export passes the user's language).
    `events` are folded onto `state` (a snapshot from before the day; by default the roster's
    empty state), `tracks` are the day's fixes read from the track store; fixes among the
    events are drawn too. With a tile pack its tiles are inlined as the basemap (overlays moved
    onto GCJ-02 if the pack is drawn in it); without one the scenario's roads stand in for it."""
    state = CenterState(scenario.roster()) if state is None else state
    logged: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for event in events:
        state.apply(event)
        if event.type == ev.UNIT_POSITION and _local_day(event.time) == day:
            lons, lats = logged[event.payload["unit"]]
            lons.append(event.payload["lon"])
            lats.append(event.payload["lat"])
    drawn = {**tracks, **{unit: ([*tracks.get(unit, ((), ()))[0], *lons],
                                 [*tracks.get(unit, ((), ()))[1], *lats])
                          for unit, (lons, lats) in logged.items()}}
    incidents = [i for i in state.incidents.values() if _local_day(i.received_at) == day]
    gcj02 = tiles is not None and tiles.datum == GCJ02

    def at(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """(lon, lat) WGS-84 → folium's (lat, lon) in the basemap's datum."""
        if not points:
            return []
        lon, lat = zip(*points, strict=True)
        if gcj02:
            lon, lat = wgs84_to_gcj02(lon, lat)
        return [(float(y), float(x)) for x, y in zip(lon, lat, strict=True)]

    r = scenario.region
    fmap = folium.Map(location=at([((r.min_lon + r.max_lon) / 2, (r.min_lat + r.max_lat) / 2)])[0],
                      zoom_start=12, tiles=None, control_scale=True)
    layers = []
    if tiles is not None:
        layers.append(inline_tile_layer(tiles, r)[0])
    else:
        roads = folium.FeatureGroup(name="道路 roads")
        for road in scenario.roads:
            folium.PolyLine(at(road.line), color="#999", weight=1).add_to(roads)
        layers.append(roads)
    zones = folium.FeatureGroup(name="服务区 zones")
    for name, (_kind, ring) in scenario.zones.items():
        folium.Polygon(at(ring), color="#2a7", fill=True, fill_opacity=0.08,
                       tooltip=name).add_to(zones)
    posts = folium.FeatureGroup(name="执勤点 posts")
    for name, point in scenario.posts.items():
        folium.CircleMarker(at([point])[0], radius=4, color="#333", fill=True,
                            tooltip=name).add_to(posts)
    ways = TrackLayer(drawn, gcj02)
    marks = folium.FeatureGroup(name="案件 incidents")
    spots = at([(i.lon, i.lat) for i in incidents])
    for i, spot in zip(incidents, spots, strict=True):
        folium.CircleMarker(spot, radius=7, weight=1, color="#222", fill=True,
                            fill_color=OUTCOME_COLOURS.get(i.status, OPEN_COLOUR), fill_opacity=0.9,
                            tooltip=f"{i.case} {status_text(i.status)}",
                            popup=folium.Popup(_popup(i, status_text),
                                               max_width=320)).add_to(marks)
    heat = HeatMap(spots or [(r.min_lat, r.min_lon, 0)], name="热力 heat map", radius=18)
    for layer in (*layers, zones, posts, ways, heat, marks):
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    title = f"警保联动 {day.isoformat()} · {len(incidents)} 起" + (
        " · 演示数据 DEMO DATA" if scenario.demo else "")
    fmap.get_root().html.add_child(folium.Element(
        f"<div style='position:fixed;top:8px;left:50px;z-index:999;background:white;"
        f"padding:4px 8px;font:bold 14px sans-serif'>{html.escape(title)}</div>"))
    _offline(fmap, heat)
    return fmap, len(incidents)


def export_day_map(events: Iterable[Event], scenario: Scenario, day: date, out: Path,
                   tiles: TileSource | None = None, *, state: CenterState | None = None,
                   tracks: Mapping[str, Track] = {},  # noqa: B006 - read only
                   status_text: Callable[[str], str] = str) -> int:
    """Write the page; returns how many incidents of the day it shows."""
    fmap, count = build_day_map(events, scenario, day, tiles, state=state, tracks=tracks,
                                status_text=status_text)
    fmap.save(str(out))
    return count
