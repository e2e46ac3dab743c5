"""The current posts against the proposed ones on one offline HTML map.

Each held-out accident is coloured by who reaches it within the ride budget — both, only the
proposal, only the current posts, neither — so a shift lead sees where the proposal gains and
what it gives up, not only a share. The page carries the vendored Leaflet inline (no internet);
main roads are drawn from the graph instead of tiles.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

import folium
import numpy as np

from dispatch.config import ROAD_CLASSES
from map.day_map import WEB
from map.roads import RoadGraph

MAIN_ROADS = {ROAD_CLASSES.index(c) for c in ("trunk", "primary", "secondary", "tertiary")}
REACH_COLOURS = {(True, True): ("#2ca02c", "两者可达 both reach"),
                 (True, False): ("#1f77b4", "仅建议方案可达 proposal only"),
                 (False, True): ("#ff7f0e", "仅现有点位可达 current only"),
                 (False, False): ("#d62728", "均不可达 neither")}


def _inline(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _roads(graph: RoadGraph) -> list[list[tuple[float, float]]]:
    main = np.isin(graph.edge_class, list(MAIN_ROADS)) & (graph.edge_from < graph.edge_to)
    f, t = graph.edge_from[main], graph.edge_to[main]
    return [[(graph.lat[a], graph.lon[a]), (graph.lat[b], graph.lon[b])]
            for a, b in zip(f.tolist(), t.tolist(), strict=True)]


def post_map(graph: RoadGraph, accidents: tuple[np.ndarray, np.ndarray],
             current: Sequence[tuple[float, float]], proposed: Sequence[tuple[float, float]],
             by_current: np.ndarray, by_proposed: np.ndarray, title: str) -> folium.Map:
    """`accidents` as (lon, lat) arrays; `by_*` whether each is reached from those posts."""
    lon, lat = accidents
    fmap = folium.Map(location=[float(np.median(lat)), float(np.median(lon))], zoom_start=12,
                      tiles=None)
    folium.PolyLine(_roads(graph), color="#999", weight=1, name="主要道路 main roads").add_to(fmap)
    for (proposal, now), (colour, label) in REACH_COLOURS.items():
        layer = folium.FeatureGroup(name=label)
        for x, y in zip(lon[(by_proposed == proposal) & (by_current == now)],
                        lat[(by_proposed == proposal) & (by_current == now)], strict=True):
            folium.CircleMarker((y, x), radius=3, color=colour, fill=True,
                                fill_opacity=0.8).add_to(layer)
        layer.add_to(fmap)
    for name, posts, colour in (("现有执勤点 current posts", current, "#555"),
                                ("建议执勤点 proposed posts", proposed, "#1f4e9c")):
        layer = folium.FeatureGroup(name=name)
        for n, (x, y) in enumerate(sorted(set(posts))):
            guides = sum(p == (x, y) for p in posts)
            folium.CircleMarker((y, x), radius=7 + 2 * guides, color=colour, weight=3,
                                fill=True, fill_color="#fff", fill_opacity=0.6,
                                tooltip=f"{name} {n + 1}: {guides} 名引导员 guides").add_to(layer)
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(
        "<div style='position:fixed;top:8px;left:50px;z-index:999;background:white;"
        f"padding:4px 8px;font:bold 14px sans-serif'>{html.escape(title)}</div>"))
    fmap.default_js = [("leaflet", _inline(WEB / "leaflet-1.9.4/leaflet.js", "text/javascript"))]
    fmap.default_css = [("leaflet_css", _inline(WEB / "leaflet-1.9.4/leaflet.css", "text/css"))]
    return fmap
