"""The interface is Chinese by default through Qt's translator; English stays available."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from console.app import I18N, install_translators
from console.texts import status_text

pytestmark = pytest.mark.gui


def test_every_string_in_the_catalogue_is_translated() -> None:
    tree = ET.parse(I18N / "jingbao_zh_CN.ts")
    unfinished = [m.findtext("source") for m in tree.iter("message")
                  if m.find("translation").get("type") in ("unfinished", "obsolete")]
    assert unfinished == []


def test_catalogue_covers_the_code(tmp_path) -> None:
    """lupdate over the sources finds nothing the committed catalogue lacks."""
    fresh = tmp_path / "fresh.ts"
    root = I18N.parents[1]
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = [str(p) for p in sorted(root.glob("console/*.py"))] + [str(root / "map/view.py")]
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    found = {m.findtext("source") for m in ET.parse(fresh).iter("message")}
    known = {m.findtext("source") for m in ET.parse(I18N / "jingbao_zh_CN.ts").iter("message")}
    assert found - known == set()


def test_chinese_by_default_english_on_request(qapp) -> None:
    translators = install_translators(qapp, "zh_CN")
    try:
        assert status_text("on_scene") == "已到场"
        assert QCoreApplication.translate("MainWindow", "Jingbao Console") == "警保联动指挥台"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert install_translators(qapp, "en") == []
    assert status_text("on_scene") == "On scene"


def test_the_cores_refusals_read_in_the_consoles_language(qapp) -> None:
    """A refusal reaches the console as a code and values (dispatch/refusals.py); a Chinese
    desk reads it in Chinese with the statuses in Chinese, an unknown code falls back to the
    hub's sentence."""
    from console.texts import refusal_text
    from dispatch.lifecycle import IllegalTransition
    from dispatch.lifecycle import IncidentStatus as S

    refusal = IllegalTransition("1023", S.RECEIVED, S.DISPATCHED)
    translators = install_translators(qapp, "zh_CN")
    try:
        text = refusal_text(refusal.code, refusal.values, str(refusal))
        assert text == "案件 1023 不能从「新警单」转为「已派遣」"
        assert refusal_text("from_a_newer_hub", {}, "as the hub said") == "as the hub said"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert refusal_text(refusal.code, refusal.values, "") == (
        "Case 1023 cannot go from New alert to Dispatched")
