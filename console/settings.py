"""What the console computes with on its own side: the program's rules, the 8-minute clock,
the zones, travel and road ETAs for its recommendations, read from the same scenario file as
the hub's. Its own instances, never the hub's: the window's thread must share no mutable
object (such as the router's snap cache) with the hub's threads."""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.clocks import ClockPolicy
from dispatch.config import ProgramRules, TravelModel
from dispatch.recommend import EtaFunction
from map.zones import ServiceZones
from resources.scenario import Scenario


@dataclass(frozen=True)
class ConsoleSettings:
    rules: ProgramRules
    clock_policy: ClockPolicy
    zones: ServiceZones
    travel: TravelModel
    road_etas: EtaFunction | None
    voice: bool  # the hub has a voice channel: the push-to-talk button works

    @classmethod
    def from_scenario(cls, scenario: Scenario, road_etas: EtaFunction | None,
                      voice: bool = False) -> ConsoleSettings:
        return cls(scenario.rules(), scenario.clock_policy(), ServiceZones(scenario.zones),
                   TravelModel(), road_etas, voice)
