"""APRS position ambiguity, the !DAO! extension, objects and items.

Expected values are worked out by hand below from the APRS Protocol Reference 1.0.1 (ch. 8
position ambiguity, ch. 10 Mic-E, ch. 11 objects and items) and the DAO note of APRS 1.2, and
were checked once against the independent aprslib 0.7.2 decoder (GPL, so not a dependency):
it gives the same numbers for every packet here except the level-2 latitude with a full
longitude, which aprslib refuses while the reference says the latitude's level rules both.
"""

from __future__ import annotations

import json

import pytest

from radio.decode_file import decode_bytes
from radio.protocols import aprs
from radio.report_wire import from_wire, to_wire
from radio.reports import PositionReport, Rejected

MINUTE_M = 1852.0  # one minute of latitude


@pytest.mark.parametrize(("packet", "lat", "lon", "uncertainty_m"), [
    # exact: 29°59.40' = 29.99, 122°12.30' = 122.205
    (b"G07>APRS:!2959.40N/12212.30E>guide", 29.99, 122.205, 0.0),
    # level 1, a 0.1' box: 59.4' → centre 59.45' = 29.9908333; 12.3' → 12.35'
    (b"G07>APRS:!2959.4 N/12212.3 E>guide", 29 + 59.45 / 60, 122 + 12.35 / 60, 0.05 * MINUTE_M),
    # level 2, a 1' box: 59' → 59.5' = 29.9916667, 12' → 12.5' = 122.2083333; ± 926 m
    (b"G07>APRS:!2959.  N/12212.  E>guide", 29 + 59.5 / 60, 122 + 12.5 / 60, 0.5 * MINUTE_M),
    # level 3, a 10' box: 5x' → 55' = 29.9166667, 1x' → 15' = 122.25
    (b"G07>APRS:!295 .  N/1221 .  E>guide", 29 + 55 / 60, 122.25, 5 * MINUTE_M),
    # level 4, a 1° box: 29° → 29.5, 122° → 122.5
    (b"G07>APRS:!29  .  N/122  .  E>guide", 29.5, 122.5, 30 * MINUTE_M),
    # the latitude's level rules the longitude too: 12.34' in a 1' box is 12.5'
    (b"G07>APRS:!2959.  N/12212.34E>guide", 29 + 59.5 / 60, 122 + 12.5 / 60, 0.5 * MINUTE_M),
    # south and west: the centre lies further from the equator and the meridian, 33°52.5'S
    (b"G07>APRS:!3352.  S/15112.  W>guide", -33.875, -(151 + 12.5 / 60), 0.5 * MINUTE_M),
])
def test_ambiguity_decodes_to_the_centre_of_its_box(packet, lat, lon, uncertainty_m) -> None:
    report = aprs.parse_tnc2(packet)
    assert isinstance(report, PositionReport)
    assert (report.lat, report.lon) == (pytest.approx(lat, abs=1e-9),
                                        pytest.approx(lon, abs=1e-9))
    assert report.uncertainty_m == pytest.approx(uncertainty_m)


def test_the_corner_was_0_9_km_off_at_level_2() -> None:
    """The issue's measure: the decoded point moved by half a box from the corner."""
    report = aprs.parse_tnc2(b"G07>APRS:!2959.  N/12212.  E>guide")
    assert (report.lat - 29 - 59 / 60) * 60 * MINUTE_M == pytest.approx(926.0)


def test_a_blank_before_a_digit_is_refused() -> None:
    assert isinstance(aprs.parse_tnc2(b"G07>APRS:!29 9.40N/12212.30E>guide"), Rejected)


@pytest.mark.parametrize(("packet", "lat", "lon"), [
    # !W37!: 3 and 7 thousandths of a minute: 59.403' = 29.99005, 12.307' = 122.2051167
    (b"G07>APRS:!2959.40N/12212.30E>guide!W37!", 29 + 59.403 / 60, 122 + 12.307 / 60),
    # !wAb!: base-91 'A' = 32, 'b' = 65, in 91ths of a hundredth of a minute
    (b"G07>APRS:!2959.40N/12212.30E>guide!wAb!", 29 + (59.40 + 32 / 91 / 100) / 60,
     122 + (12.30 + 65 / 91 / 100) / 60),
    # in the middle of the comment, south and west: the extra digits add to the magnitude
    (b"G07>APRS:!3352.10S/15112.20W>on !W55! patrol", -(33 + 52.105 / 60),
     -(151 + 12.205 / 60)),
    # on an ambiguous position DAO means nothing and is ignored
    (b"G07>APRS:!2959.  N/12212.  E>guide!W99!", 29 + 59.5 / 60, 122 + 12.5 / 60),
])
def test_dao_adds_its_digits(packet, lat, lon) -> None:
    report = aprs.parse_tnc2(packet)
    assert (report.lat, report.lon) == (pytest.approx(lat, abs=1e-9),
                                        pytest.approx(lon, abs=1e-9))


def test_mic_e_ambiguity_and_dao() -> None:
    """Destination RYUYZL: R Y U = 2 9 5 with message bits 1 1 1 (custom, no emergency);
    Y = 9, north; Z = blank, longitude offset +100; L = blank, east: 29°5x.  ' level 2.
    Information: d+28 = 50 → 122° with the offset, m+28 = 40 → 12', h+28 = 58 → .30."""
    info = b"`" + bytes([50, 40, 58, 28, 28, 28]) + b">/"
    report = aprs.parse_info("G07", "RYUYZL", info, b"raw")
    assert (report.lat, report.lon) == (pytest.approx(29 + 59.5 / 60, abs=1e-9),
                                        pytest.approx(122 + 12.5 / 60, abs=1e-9))
    assert report.uncertainty_m == pytest.approx(926.0) and not report.emergency
    # no blanks: RYUYY4 = 29°59.94'N (Y = 9 with the offset, 4 = 4 east), then !W21!
    exact = aprs.parse_info("G07", "RYUYY4", info + b"!W21!", b"raw")
    assert (exact.lat, exact.lon) == (pytest.approx(29 + 59.942 / 60, abs=1e-9),
                                      pytest.approx(122 + 12.301 / 60, abs=1e-9))
    assert exact.uncertainty_m == 0.0


@pytest.mark.parametrize(("packet", "kind", "name", "alive", "lat", "lon", "comment"), [
    (b"G07>APRS:;ACCIDENT1*021330z2959.40N/12212.30E!car crash", "object", "ACCIDENT1", True,
     29.99, 122.205, "car crash"),
    (b"G07>APRS:;LEAVING  _021330z2959.40N/12212.30E!", "object", "LEAVING", False,
     29.99, 122.205, ""),
    # the reference's compressed example inside an object: 49°30'N 72°45'W
    (b"G07>APRS:;OBJC     *092345z/5L!!<*e7>7P[", "object", "OBJC", True, 49.5, -72.75, ""),
    (b"G07>APRS:)AID#2!2959.4 N/12212.3 E!first aid", "item", "AID#2", True,
     29 + 59.45 / 60, 122 + 12.35 / 60, "first aid"),
    (b"G07>APRS:)CONE_2959.40N/12212.30E/", "item", "CONE", False, 29.99, 122.205, ""),
])
def test_objects_and_items_are_what_they_are(packet, kind, name, alive, lat, lon,
                                             comment) -> None:
    found = aprs.parse_tnc2(packet)
    assert isinstance(found, aprs.AprsObject)
    assert (found.kind, found.name, found.alive, found.comment, found.source) == (
        kind, name, alive, comment, "G07")
    assert (found.lat, found.lon) == (pytest.approx(lat, abs=1e-5), pytest.approx(lon, abs=1e-5))


@pytest.mark.parametrize("packet", [b"G07>APRS:;SHORT*0213", b"G07>APRS:)AB!2959.40N/12212.30E!",
                                    b"G07>APRS:;ACCIDENT1*021330z9959.40N/12212.30E!"])
def test_malformed_objects_are_rejected(packet) -> None:
    assert isinstance(aprs.parse_tnc2(packet), Rejected)


def test_radio_decode_names_objects_and_carries_the_uncertainty() -> None:
    capture = (b"G07>APRS:)AID#2!2959.40N/12212.30E!first aid\n"
               b"G07>APRS:!2959.  N/12212.  E>guide\n")
    item, fix = decode_bytes(capture, "tnc2")
    assert item == {"kind": "item", "from": "G07", "name": "AID#2", "alive": True,
                    "lon": 122.205, "lat": 29.99, "uncertainty_m": 0.0, "comment": "first aid"}
    assert (fix["kind"], fix["uncertainty_m"]) == ("position", 926.0)
    wired = from_wire(json.loads(json.dumps(to_wire(aprs.parse_tnc2(capture.split(b"\n")[1])))))
    assert wired.uncertainty_m == pytest.approx(926.0)
