"""Fill missing zh_CN translations in the .ts from a small table, then drop obsolete entries.

A helper for developers without Qt Linguist at hand: `python scripts/fill_translations.py`
after `make translations` listed unfinished strings; add their Chinese here first.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parents[1] / "resources/i18n/jingbao_zh_CN.ts"

ZH = {
    "Users…": "用户管理…",
    "Users": "用户",
    "Role": "角色",
    "Insurer": "保险公司",
    "Active": "启用",
    "Add": "新增",
    "Set password": "设置密码",
    "Set role": "设置角色",
    "Disable": "停用",
    "Enable": "启用账号",
    "%1: done": "%1:已完成",
    "Log #%1 · %2": "日志链 #%1 · %2",
    "Head of the event log's hash chain; compare with `jingbao audit verify`: %1":
        "事件日志哈希链头;可与 `jingbao audit verify` 的结果核对:%1",
    "Log in to the center": "登录指挥中心",
    "User": "用户名",
    "Password": "密码",
    "Keys: T triage · O override into the program · Enter dispatch #1 · 1–3 pick · "
    "P refer police · A refer 120 · C close":
        "按键:T 初分 · O 改判纳入警保联动 · Enter 派第1推荐 · 1–3 选择 · P 移交交警 · "
        "A 移交120 · C 结案",
    "Override triage": "改判初分",
    "Why does case %1 qualify despite the rules?": "案件 %1 不符合规则,为何仍纳入警保联动?",
    "Override": "改判",
    "Joint assignment of pending incidents": "待派案件联合分配",
    "No triaged incidents or no free guides": "没有已初分的待派案件或没有空闲引导员",
    "Late beyond 8 min: joint %1, one-by-one nearest %2; %3 min of lateness saved.":
        "超过8分钟到场:联合分配 %1 起,逐一就近 %2 起;共减少超时 %3 分钟。",
    "Joint assignment": "联合分配",
    "Mute sounds": "静音",
    "/d 1023 G07 dispatch · /s G07 av status · /r 1023 police refer · /m 1023 1019 merge · Tab":
        "/d 1023 G07 派遣 · /s G07 av 状态 · /r 1023 police 移交 · /m 1023 1019 合并 · Tab 补全",
    "Likely duplicate of (M merge · K not a duplicate)": "可能重复(M 合并 · K 不是重复)",
    "Keys: T triage · O override into the program · Enter dispatch #1 · 1–3 pick · "
    "P refer police · A refer 120 · C close · J joint · / command line · F1 help":
        "按键:T 初分 · O 改判纳入 · Enter 派第1推荐 · 1–3 选择 · P 移交交警 · A 移交120 · "
        "C 结案 · J 联合分配 · / 命令行 · F1 帮助",
    "Command": "命令",
    "Merge into the likely duplicate": "并入可能重复的案件",
    "Not a duplicate": "不是重复",
    "Command line": "命令行",
    "Keyboard help": "键盘帮助",
    "No likely duplicate": "没有可能重复的案件",
    "Merge": "合并",
    "Duplicate of": "重复于",
    "Merged alerts": "已合并警单",
    "Muted": "已静音",
    "Sound on": "声音开",
    "Acknowledge emergency": "确认紧急报警",
    "EMERGENCY from %1 — Ctrl+E to acknowledge": "紧急报警:%1 — 按 Ctrl+E 确认",
    "Acknowledge": "确认",
    "EMERGENCY": "紧急报警",
    "GPS stuck": "GPS卡滞",
    "Filter by unit or port": "按单位或端口筛选",
    "Raw frames": "原始帧",
    "Unknown radios (map with /map): ": "未登记电台(用 /map 登记):",
    "Save the map as PNG": "地图另存为PNG",
    "Map: all open incidents": "地图:显示全部未结案件",
    "Map saved to %1": "地图已保存到 %1",
    "Layers": "图层",
    "Basemap": "底图",
    "Land": "陆地",
    "Service zones": "服务区",
    "Roads": "道路",
    "Duty posts": "执勤点",
    "Incidents": "案件",
    "Units": "单位",
    "Unit names": "单位名称",
    "Nothing found for %1": "没有找到 %1",
    "Hold to talk (PTT)": "按住讲话(PTT)",
    "Keys the radio while held; needs --voice": "按住时电台发射;需要配置 --voice",
    "Distance: %1 m": "距离:%1 米",
    "Dispatch %1 (ETA %2 min)": "派遣 %1(约 %2 分钟)",
    "Trails": "轨迹",
    "Dispatching %1 to case %2": "正在派遣 %1 前往案件 %2",
    "History hot spots": "历史热点",
    "Page %1 again": "再次呼叫 %1",
    "Details…": "详情…",
    "Case %1": "案件 %1",
    "Page": "呼叫",
}


def main() -> int:
    tree = ET.parse(TS)
    missing = []
    for context in tree.getroot().iter("context"):
        for message in list(context.iter("message")):
            translation = message.find("translation")
            kind = translation.get("type")
            if kind in ("obsolete", "vanished"):
                context.remove(message)
            elif kind == "unfinished":
                source = message.findtext("source")
                if source in ZH:
                    translation.text = ZH[source]
                    del translation.attrib["type"]
                else:
                    missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print(f"no translation for: {source}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
