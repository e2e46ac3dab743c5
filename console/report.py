"""`jingbao report`: the KPIs of a date range as an HTML page with charts and an Excel workbook.

Every figure comes from dispatch/kpi.py over the events the database holds for the range, so
the report, the dashboard and a replay agree. The HTML is one self-contained file (inline SVG
charts, no scripts, no web fonts) because a center works offline; the workbook holds the same
tables for the people who answer for the figures and want to sort and filter them.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

import xlsxwriter

from dispatch import kpi
from dispatch.events import Event

log = logging.getLogger(__name__)
Table = tuple[list[str], list[list[object]]]
CAUSE_LABELS = {kpi.NO_UNIT_FREE: "无空闲引导员 no unit free", kpi.FAR: "距离远 far",
                kpi.LATE_ACK: "应答迟 late acknowledgement", kpi.OTHER: "其他 other"}
STAGE_LABELS = {"receipt_to_dispatch": "接警→派警", "dispatch_to_ack": "派警→应答",
                "ack_to_arrival": "应答→到达", "arrival_to_clearance": "到达→处置完毕"}
DISPOSITION_LABELS = {"settled": "现场协商处理 settled on the spot",
                      "claim": "报保险理赔 claim filed", "police": "交警接手 police took over",
                      "left": "当事人已离开 parties had left",
                      "no_accident": "无事故 no accident", kpi.UNKNOWN: "未记录 not recorded"}
GROUP_HEADER = ["已处置 handled", "8分钟到达率", "p50 (s)", "p90 (s)"]
ZoneOf = Callable[[float, float], list[str]]
DayMap = Callable[[date, Path], int]  # writes the day's map to the path, returns its incidents


def _seconds(value: float) -> object:
    """Seconds for a cell: rounded, or the words for never / no data (a workbook cell cannot
    hold inf or nan)."""
    if math.isnan(value):
        return "—"
    return "未到达 never" if math.isinf(value) else round(value)


def _percent(value: float) -> str:
    return "—" if math.isnan(value) else f"{100 * value:.1f}%"


@dataclass(frozen=True)
class Report:
    title: str
    tables: dict[str, Table]  # sheet name → (header, rows)
    charts: dict[str, list[tuple[str, float]]]  # chart title → (label, value) bars


def _group_rows(groups: dict[str, list[kpi.Timeline]], unknown: str) -> list[list[object]]:
    return [[g.name or unknown, g.handled, _percent(g.arrival_rate), _seconds(g.p50_s),
             _seconds(g.p90_s)] for g in kpi.group_figures(groups)]


def build(events: Iterable[Event], cases_before: int, tz: tzinfo, title: str,
          zone_of: ZoneOf | None = None) -> Report:
    """The report's tables and charts from the range's events; per service zone too when
    `zone_of` names the zones of a place."""
    lines = list(kpi.timelines(events, cases_before).values())
    percentiles = kpi.response_percentiles(lines)
    peak = kpi.peak_day(lines, tz)
    found = kpi.breaches(lines)
    summary = [["已处置 handled", len(kpi.handled(lines))],
               ["8分钟到达率 8-minute arrival rate", _percent(kpi.arrival_rate(lines))],
               *[[f"到达用时 p{q} (s)", _seconds(v)] for q, v in percentiles.items()],
               ["处置成功率 success rate", _percent(kpi.success_rate(lines))],
               ["高峰日 peak day", f"{peak[0]} ({peak[1]})" if peak else "—"],
               ["超时 breaches", len(found)]]
    stages = [[STAGE_LABELS[name], *map(_seconds, values.values())]
              for name, values in kpi.stage_percentiles(lines).items()]
    per_day = kpi.handled_per_day(lines, tz)
    per_hour = kpi.peak_hours(lines, tz)
    causes = kpi.breach_causes(found)
    referrals = kpi.referrals_by_reason(lines)
    tables: dict[str, Table] = {
        "概要 summary": (["指标 figure", "值 value"], summary),
        "环节 stages": (["环节 stage", "p50 (s)", "p90 (s)", "p95 (s)"], stages),
        "每日 per day": (["日期 day", "已处置 handled"], [[str(d), n] for d, n in per_day.items()]),
        "时段 per hour": (["小时 hour", "已处置 handled"], [[h, n] for h, n in per_hour.items()]),
        "引导员 per unit": (["单位 unit", *GROUP_HEADER],
                           _group_rows(kpi.by_unit(lines), "—")),
        "保险公司 per insurer": (["保险公司 insurer", *GROUP_HEADER],
                              _group_rows(kpi.by_insurer(lines), "未注明 not named")),
        "结案方式 dispositions": (["结案方式 disposition", "件数 count"],
                               [[DISPOSITION_LABELS.get(d, d), n]
                                for d, n in kpi.dispositions(lines).items()]),
        "移交 referrals": (["理由 reason", "次数 count"], [[r, n] for r, n in referrals.items()]),
        "超时 breaches": (["案件 case", "用时 (s)", "原因 causes"],
                          [[b.case, _seconds(b.response_s),
                            ", ".join(CAUSE_LABELS[c] for c in b.causes)] for b in found]),
    }
    if zone_of is not None:
        tables["服务区 per area"] = (["服务区 area", *GROUP_HEADER],
                                  _group_rows(kpi.by_area(lines, zone_of), "区外 outside"))
    charts = {
        "每日已处置 handled per day": [(str(d)[5:], n) for d, n in per_day.items()],
        "各时段已处置 handled by hour": [(f"{h:02d}", n) for h, n in per_hour.items()],
        "超时原因 breach causes": [(CAUSE_LABELS[c], n) for c, n in causes.items()],
        "到达用时分布 response time (min)": _histogram(
            [t.response_s() for t in kpi.handled(lines)]),
    }
    return Report(title, tables, charts)


def _histogram(seconds: list[float]) -> list[tuple[str, float]]:
    """Counts by whole minute up to 15, then one bar for later and one for never reached."""
    bins = [0] * 17
    for s in seconds:
        bins[16 if math.isinf(s) else min(15, int(s // 60))] += 1
    labels = [f"{m}" for m in range(15)] + ["15+", "未到"]
    return list(zip(labels, bins, strict=True))


def _svg_bars(bars: list[tuple[str, float]], width: int = 640, height: int = 220) -> str:
    """A bar chart as inline SVG: drawn here so the page needs no script or web asset."""
    if not bars:
        return "<p>无数据 no data</p>"
    top = max(v for _, v in bars) or 1
    step = (width - 40) / len(bars)
    parts = [f'<svg width="{width}" height="{height + 40}" role="img" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="11">']
    for n, (label, value) in enumerate(bars):
        h = (height - 20) * value / top
        x = 30 + n * step
        parts.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{step * 0.8:.1f}" '
                     f'height="{h:.1f}" fill="#3572b0"><title>{html.escape(label)}: '
                     f'{value:g}</title></rect>')
        parts.append(f'<text x="{x + step * 0.4:.1f}" y="{height - h - 3:.1f}" '
                     f'text-anchor="middle">{value:g}</text>')
        parts.append(f'<text x="{x + step * 0.4:.1f}" y="{height + 14}" '
                     f'text-anchor="middle">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _maps_section(maps: dict[date, Path], shown: date | None, page: Path) -> str:
    """The day maps: the busiest day's in the page, every day's a link (each an offline HTML
    file beside the report)."""
    if not maps:
        return ""
    links = " · ".join(f'<a href="{html.escape(p.relative_to(page.parent).as_posix())}">'
                       f"{d}</a>" for d, p in maps.items())
    day = shown if shown in maps else next(iter(maps))
    frame = maps[day].relative_to(page.parent).as_posix()
    return (f"<h2>当日地图 day map: {day}</h2><p>{links}</p>"
            f'<iframe src="{html.escape(frame)}" title="{day}" '
            'style="width:100%;height:640px;border:1px solid #bbb"></iframe>')


def write_html(report: Report, path: Path, maps: dict[date, Path] | None = None,
               shown: date | None = None) -> None:
    sections = [f"<h2>{html.escape(t)}</h2>{_svg_bars(bars)}"
                for t, bars in report.charts.items()]
    sections.append(_maps_section(maps or {}, shown, path))
    sections += [f"<h2>{html.escape(name)}</h2>{_html_table(*table)}"
                 for name, table in report.tables.items()]
    path.write_text(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(report.title)}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:2px 8px;text-align:left}</style></head><body>"
        f"<h1>{html.escape(report.title)}</h1>{''.join(sections)}</body></html>",
        encoding="utf-8")


def write_workbook(report: Report, path: Path) -> None:
    """One sheet per table, and the per-day counts as a native Excel chart."""
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    for name, (header, rows) in report.tables.items():
        sheet = book.add_worksheet(name[:31])
        sheet.write_row(0, 0, header, bold)
        for n, row in enumerate(rows, start=1):
            sheet.write_row(n, 0, row)
        sheet.set_column(0, len(header) - 1, 24)
        if name.startswith("每日") and rows:
            chart = book.add_chart({"type": "column"})
            chart.add_series({"name": header[1], "categories": [sheet.name, 1, 0, len(rows), 0],
                              "values": [sheet.name, 1, 1, len(rows), 1]})
            sheet.insert_chart("D2", chart)
    book.close()


def write(events: Iterable[Event], cases_before: int, tz: tzinfo, first: date, last: date,
          out: Path, progress: Callable[[str], None] = print, *, zone_of: ZoneOf | None = None,
          day_map: DayMap | None = None) -> tuple[Path, Path]:
    """Both files into `out`, and with `day_map` each day's map in out/maps; `progress` hears
    each step (a long range takes a while)."""
    out.mkdir(parents=True, exist_ok=True)
    events = list(events)
    progress("计算指标 computing the figures")
    report = build(events, cases_before, tz, f"警保联动 KPI 报告 {first} — {last}", zone_of)
    page, book = out / "report.html", out / "report.xlsx"
    maps: dict[date, Path] = {}
    days = (last - first).days + 1
    for n in range(days if day_map is not None else 0):
        day = first + timedelta(days=n)
        path = out / "maps" / f"{day}.html"
        path.parent.mkdir(exist_ok=True)
        try:
            count = day_map(day, path)
        except Exception:  # one unreadable day must not cost the whole report
            log.exception("the map of %s could not be drawn", day)
            progress(f"地图 day map {n + 1}/{days}: {day} 失败 failed (see the log)")
            continue
        maps[day] = path
        progress(f"地图 day map {n + 1}/{days}: {day} ({count} incidents)")
    peak = kpi.peak_day(kpi.timelines(events, cases_before).values(), tz)
    progress(f"写入 {page}")
    write_html(report, page, maps, peak[0] if peak else None)
    progress(f"写入 {book}")
    write_workbook(report, book)
    return page, book


def local_range(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) on the center's clock."""
    start = datetime.combine(first, datetime.min.time(), tz)
    return start, datetime.combine(last, datetime.min.time(), tz) + timedelta(days=1)
