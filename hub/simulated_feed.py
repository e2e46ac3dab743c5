"""A simulated 110 call center for the demo: alert slips shaped like the seed article's.

Most are minor two-car collisions inside the service zones; some report injuries (must go to
120), some have cars that cannot move or a large loss (police), a few fall outside the zones.
It connects as a real websocket client, so the demo exercises the same path as production.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from datetime import datetime, timedelta, timezone
from typing import Any

from websockets.asyncio.client import connect

from dispatch import geodesy
from map.roads import named_road_points
from resources.scenario import Scenario

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8))
PLATE_LETTERS = "ABCDEFGHJKLMN"

STORIES: list[tuple[float, str, dict[str, Any]]] = [
    (0.40, "{a}两车追尾,无人受伤,车辆能动,堵住一条车道",
     {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 2500, "vehicles": 2}),
    (0.20, "{a}电动车与小车剐蹭,双方没有受伤,要求保险处理",
     {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 800, "vehicles": 2}),
    (0.12, "{a}路口两车碰撞,报警人说无人伤,车门变形",
     {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 6000, "vehicles": 2}),
    (0.10, "{a}车辆相撞,有人受伤流血,需要救护车",
     {"injuries": True, "vehicles_movable": False, "vehicles": 2}),
    (0.08, "{a}三车连环追尾,车动不了,估计损失较大",
     {"injuries": False, "vehicles_movable": False, "estimated_loss_cny": 18000, "vehicles": 3}),
    (0.10, "{a}倒车时刮到停放车辆,对方车主在场",
     {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 1200, "vehicles": 2}),
]


Street = tuple[float, float, str]  # lon, lat, the street's name


def _in_town(town: dict, lon: float, lat: float) -> bool:
    (cx, cy), (hx, hy) = town["center"], town["half_size"]
    return abs(lon - cx) <= hx and abs(lat - cy) <= hy


def _address(town: str, street: str) -> str:
    """"定海解放路" as a Chinese caller says it; "Keskusta Mannerheimintie" with a space."""
    cjk = "\u4e00" <= town[-1] <= "\u9fff" and "\u4e00" <= street[0] <= "\u9fff"
    return f"{town}{street}" if cjk else f"{town} {street}"


class SlipFactory:
    """Slips in the scenario's towns. With `streets` (the named road points of a real road
    extract), or else the scenario's own named roads, a slip stands on a street and carries
    its name, or the two names of a junction; without named streets, it falls anywhere in a
    town's box with one of the town's `addresses`."""

    def __init__(self, scenario: Scenario, seed: int | None = None,
                 streets: list[Street] | None = None) -> None:
        self.scenario = scenario
        self.random = random.Random(seed)
        self.count = 0
        self.streets: dict[str | None, list[Street]] | None = None
        streets = streets or named_road_points(scenario.roads)
        if streets:
            self.streets = {name: [p for p in streets if _in_town(town, p[0], p[1])]
                            for name, town in scenario.towns.items()}
            self.streets[None] = [p for p in streets  # outside every town
                                  if not any(_in_town(t, p[0], p[1])
                                             for t in scenario.towns.values())]

    def _on_street(self, name: str) -> tuple[float, float, str]:
        outside = self.streets[None]
        if outside and self.random.random() < 0.1:  # a street outside every service zone
            lon, lat, street = self.random.choice(outside)
            return lon, lat, street
        pool = self.streets[name] or [p for points in self.streets.values() for p in points]
        lon, lat, street = self.random.choice(pool)
        lon, lat = geodesy.offset(lon, lat, self.random.uniform(-5, 5),
                                  self.random.uniform(-5, 5))  # the kerb, not the centre line
        return lon, lat, _address(name, street)

    def _place(self) -> tuple[float, float, str]:
        towns = list(self.scenario.towns.items())
        name, town = self.random.choice(towns)
        if self.streets is not None:
            return self._on_street(name)
        (cx, cy), (hx, hy) = town["center"], town["half_size"]
        if self.random.random() < 0.1:  # a rural road outside every service zone
            lon, lat = geodesy.offset(cx, cy, self.random.choice([-1, 1]) * 4500,
                                      self.random.uniform(2500, 4000))
            return lon, lat, f"{name}郊外乡村道路"
        lon = cx + self.random.uniform(-hx, hx) * 0.8
        lat = cy + self.random.uniform(-hy, hy) * 0.8
        street = self.random.choice(self.scenario.addresses.get(name, ["街道"]))
        return lon, lat, f"{name}{street}"

    def _plate(self) -> str:
        """A number plate in the scenario's form (Zhoushan's 浙L@#####, Helsinki's @@@-###)."""
        return "".join(self.random.choice(PLATE_LETTERS) if c == "@" else
                       str(self.random.randint(0, 9)) if c == "#" else c
                       for c in self.scenario.plates)

    def make(self) -> dict[str, Any]:
        self.count += 1
        lon, lat, address = self._place()
        weights = [w for w, _, _ in STORIES]
        _, text, structured = self.random.choices(STORIES, weights)[0]
        now = datetime.now(CHINA)
        plates = [self._plate() for _ in range(structured.get("vehicles", 2))]
        return {
            "alert_id": f"110-{now:%Y%m%d}-{now:%H%M%S}-{self.count:04d}",
            "received_at": now.isoformat(timespec="seconds"),
            "caller_phone": f"13{self.random.randint(100000000, 999999999)}",
            "location": {"lon": round(lon, 6), "lat": round(lat, 6), "address": address},
            "description": text.format(a=address),
            "structured": {**structured, "plates": plates},
        }


async def run_simulated_feed(url: str, factory: SlipFactory, first_after_s: float = 2.0,
                             interval_s: tuple[float, float] = (20.0, 60.0),
                             token: str | None = None) -> None:
    """Send slips forever, reconnecting with back-off if the hub goes away; with the feed
    token the hub gave this simulated 110, as a real one presents its own."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    delay = first_after_s
    backoff = 1.0
    while True:
        try:
            async with connect(url, additional_headers=headers) as ws:
                backoff = 1.0
                while True:
                    await asyncio.sleep(delay)
                    await ws.send(json.dumps(factory.make(), ensure_ascii=False))
                    reply = json.loads(await ws.recv())
                    if reply.get("type") != "ack":
                        log.warning("simulated 110 slip refused: %s", reply)
                    delay = factory.random.uniform(*interval_s)
        except (OSError, ConnectionError) as exc:
            log.warning("simulated 110 feed: %s; retrying in %.0f s", exc, backoff)
        except Exception as exc:  # noqa: BLE001 - websockets closes with several types
            log.warning("simulated 110 feed lost: %s; retrying in %.0f s", exc, backoff)
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, 30.0)
