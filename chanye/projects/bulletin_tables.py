"""The monthly bulletin (月通报, YY-P-3) as titled sections of text and tables (headers, rows, a total row, the chart
each goes with), built once from what `chanye.projects.bulletin` computed and laid out by `chanye.projects.reports`
as .docx and .xlsx; and `number_text`, how a figure reads in a document. Nothing is counted here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def number_text(v: Any) -> str:
    """A number for a document cell: no trailing zeros, — for none."""
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        v = v.quantize(Decimal("0.01")) if v.as_tuple().exponent < -2 else v  # type: ignore[operator]
        return f"{v.normalize():f}"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _month_label(m: dt.date) -> str:
    return f"{m.year}年{m.month}月"


# ---------------------------------------------------------------- the sections, once for both formats


def tables(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The bulletin as titled sections of text and tables (headers, rows, a total row), shared by .docx and .xlsx."""
    out: list[dict[str, Any]] = []
    b, mv, ch, od = d["board"], d["movements"], d["changes"], d["overdue"]
    colours = d["colours"]
    out.append({"key": "summary", "title": "总体情况", "text": [d["summary"]], "tables": []})
    out.append(
        {
            "key": "board",
            "title": "项目四色分布（XN-XM-4）",
            "text": [
                f"按{_month_label(d['month'])}末状态统计：绿色为建成投产，蓝色为开工在建，黄色为签约或入库未开工，红色为退出。"
                + (
                    "本月已评定，采用月度评定结果。"
                    if b["graded"]
                    else "本月尚未评定，按项目签约、开工、投产、退出日期推算。"
                )
            ],
            "tables": [
                {
                    "name": "四色分布",
                    "headers": ["区县", *[c["label"] for c in colours], "合计"],
                    "rows": [
                        [r["region"].name, *[r["counts"][c["code"]] for c in colours], r["total"]] for r in b["rows"]
                    ],
                    "total": ["合计", *[b["totals"][c["code"]] for c in colours], b["total"]],
                    "chart": "board",
                }
            ],
        }
    )
    t = mv["totals"]
    out.append(
        {
            "key": "movements",
            "title": "本月项目动态",
            "text": [
                f"本月新签约{t['signed']}个、新开工{t['started']}个、新投产{t['producing']}个、退出{t['exited']}个。"
            ],
            "tables": [
                {
                    "name": "本月动态",
                    "headers": ["区县", "新签约", "新开工", "新投产", "退出"],
                    "rows": [
                        [r["region"].name, r["signed"], r["started"], r["producing"], r["exited"]] for r in mv["rows"]
                    ],
                    "total": ["合计", t["signed"], t["started"], t["producing"], t["exited"]],
                }
            ],
        }
    )
    ct = ch["totals"]
    prev_note = "" if ch["previous_graded"] else "（上月未评定，按日期推算）"
    out.append(
        {
            "key": "changes",
            "title": "四色变化",
            "text": [
                f"与{_month_label(ch['previous'])}末{prev_note}相比，颜色变化的项目{ch['changed']}个：升色{ct['up']}个、"
                f"降色{ct['down']}个（其中转红{ct['to_red']}个）；本月新入库{ct['new']}个。"
            ],
            "tables": [
                {
                    "name": "变化类型",
                    "headers": ["变化", "项目数"],
                    "rows": [[x["label"], x["n"]] for x in ch["transitions"]],
                    "total": ["合计", ch["changed"]],
                    "chart": "changes",
                },
                {
                    "name": "分区县",
                    "headers": ["区县", "升色", "降色", "其中转红", "新入库"],
                    "rows": [[r["region"].name, r["up"], r["down"], r["to_red"], r["new"]] for r in ch["rows"]],
                    "total": ["合计", ct["up"], ct["down"], ct["to_red"], ct["new"]],
                },
                {
                    "name": "变化项目",
                    "headers": ["项目编号", "项目名称", "区县", "总投资(亿元)", "上月", "本月"],
                    "rows": [
                        [p["code"], p["name"], p["county_name"], p["investment"], p["was_label"], p["now_label"]]
                        for p in ch["projects"]
                    ],
                    "note": f"按总投资列前{len(ch['projects'])}个。" if ch["changed"] > len(ch["projects"]) else "",
                },
            ],
        }
    )
    out.append(
        {
            "key": "overdue",
            "title": "节点逾期",
            "text": [
                f"{od['note']}。"
                if od.get("note")
                else f"截至月末，计划完成日期已过仍未完成的节点{od['milestones']}个，涉及项目{od['project_count']}个"
                "（已退出项目不计）。"
            ],
            "tables": [
                {
                    "name": "分区县",
                    "headers": ["区县", "逾期节点", "涉及项目"],
                    "rows": [[r["region"].name, r["milestones"], r["projects"]] for r in od["rows"]],
                    "total": ["合计", od["milestones"], od["project_count"]],
                    "chart": "overdue",
                },
                {
                    "name": "分节点",
                    "headers": ["节点", "逾期个数"],
                    "rows": [[m["name"], m["n"]] for m in od["by_milestone"]],
                },
                {
                    "name": "逾期较多的项目",
                    "headers": ["项目编号", "项目名称", "区县", "逾期节点"],
                    "rows": [[p["code"], p["name"], p["county"], p["n"]] for p in od["projects"]],
                },
            ],
        }
    )
    out.append(_speed_section(d["start_speed"], d["production_speed"]))
    kp = d["key_projects"]
    kt = kp["targets"]
    target_text = ""
    if kt.get("landed") is not None or kt.get("producing") is not None:
        target_text = (
            f"年度目标：新增落地{number_text(kt.get('landed'))}个、建成投产{number_text(kt.get('producing'))}个"
            + (f"、新开工{number_text(kt.get('started'))}个" if kt.get("started") is not None else "")
            + "。"
        )
    kt_ = kp["totals"]
    out.append(
        {
            "key": "key_projects",
            "title": "重点工业项目（XN-GS-8）",
            "text": [
                f"今年新增落地（签约）{kt_['landed']}个、新开工{kt_['started']}个、建成投产{kt_['producing']}个、"
                f"新入库储备{kt_['reserve']}个。{target_text}"
            ],
            "tables": [
                {
                    "name": "重点项目",
                    "headers": ["区县", "落地(签约)", "开工", "投产", "储备(入库)", "储备目标"],
                    "rows": [
                        [r["region"].name, r["landed"], r["started"], r["producing"], r["reserve"], r["reserve_target"]]
                        for r in kp["rows"]
                    ],
                    "total": ["合计", kt_["landed"], kt_["started"], kt_["producing"], kt_["reserve"], None],
                }
            ],
        }
    )
    g = d["growth"]
    gt = ""
    if g["target_n"] is not None:
        gt = f"年度目标：入库{number_text(g['target_n'])}个、预增产值{number_text(g['target_output'])}亿元。"
    out.append(
        {
            "key": "growth",
            "title": "工业增长点（XN-GS-9）",
            "text": [
                f"预计新增产值{number_text(g['threshold'])}万元及以上的项目为工业增长点。今年入库{g['n']}个，预增产值{number_text(g['output'])}亿元。{gt}"
            ],
            "tables": [
                {
                    "name": "增长点",
                    "headers": ["区县", "今年入库", "年度目标", "预增产值(亿元)"],
                    "rows": [[r["region"].name, r["n"], r["target"], r["output"]] for r in g["rows"]],
                    "total": ["合计", g["n"], g["target_sum"], g["output"]],
                }
            ],
        }
    )
    te = d["tech"]
    out.append(
        {
            "key": "tech",
            "title": "技术改造（XN-JG-1、XN-JG-2）",
            "text": [
                f"今年入库投资{number_text(te['threshold_wan'])}万元以上的技改项目{te['n']}个，其中{number_text(te['major_threshold'])}亿元以上"
                f"{te['major']}个，总投资{number_text(te['investment'])}亿元"
                + (f"；年度目标{number_text(te['target_n'])}个" if te["target_n"] is not None else "")
                + "。"
            ],
            "tables": [
                {
                    "name": "技改",
                    "headers": [
                        "区县",
                        f"{number_text(te['threshold_wan'])}万元以上",
                        "年度目标",
                        f"{number_text(te['major_threshold'])}亿元以上",
                        "年度目标",
                        "总投资(亿元)",
                    ],
                    "rows": [
                        [r["region"].name, r["n"], r["target"], r["major"], r["major_target"], r["investment"]]
                        for r in te["rows"]
                    ],
                    "total": ["合计", te["n"], None, te["major"], None, te["investment"]],
                }
            ],
        }
    )
    if d["targets"]:
        out.append(
            {
                "key": "targets",
                "title": "年度目标完成情况",
                "text": ["每年目标按当年已过时间折算应达进度。"],
                "tables": [
                    {
                        "name": "目标",
                        "headers": ["规则", "目标", "范围", "目标值", "当前值", "完成(%)", "应达", "状态"],
                        "rows": [
                            [
                                r["target"].rule,
                                r["target"].label,
                                r["scope"],
                                r["target"].value,
                                r["value"],
                                r["percent"],
                                r["expected"],
                                r["status_label"],
                            ]
                            for r in d["targets"]
                        ],
                    }
                ],
            }
        )
    i = d["issues"]
    out.append(
        {
            "key": "issues",
            "title": "问题办理（一单三制，YY-P-2）",
            "text": [
                f"截至月末累计交办问题{i['total']}个，已销号{i['closed_total']}个（销号率{number_text(i['rate'])}%），"
                f"未销号{i['open']}个，其中超过办结时限{i['overdue']}个；本月新提出{i['raised']}个、销号{i['closed']}个。"
            ],
            "tables": [
                {
                    "name": "分责任单位",
                    "headers": ["责任单位", "问题数", "已销号", "销号率(%)", "平均办结天数", "未销号", "超期"],
                    "rows": [
                        [
                            x["department"],
                            x["total"],
                            x["closed_total"],
                            x["rate"],
                            x["avg_days"],
                            x["open"],
                            x["overdue"],
                        ]
                        for x in i["departments"]
                    ],
                }
            ],
        }
    )
    return out


def _speed_section(ss: dict[str, Any], ps: dict[str, Any]) -> dict[str, Any]:
    """建设速度: against the pack's clocks (XN-XM-1/2); for a pack that states none, counts and average durations only,
    with the note that the city's policy sets no limit (no “超期”)."""
    avg = f"，平均{number_text(ss['ytd']['avg_days'])}天" if ss["ytd"]["avg_days"] is not None else ""
    pavg = f"，平均用时{number_text(ps['avg_months'])}个月" if ps["avg_months"] is not None else ""
    text, tabs = [], []
    if ss["limit"] is not None:
        lim = ss["limit"]
        text.append(
            f"签约到开工（{lim}天内）：今年开工{ss['ytd']['n']}个，{lim}天内开工{ss['ytd']['within']}个、"
            f"超期{ss['ytd']['over']}个{avg}；本月开工{ss['month']['n']}个，{lim}天内{ss['month']['within']}个。"
        )
        tabs.append(
            {
                "name": "签约到开工",
                "headers": ["区县", "今年开工", f"{lim}天内", "超期", "平均天数"],
                "rows": [
                    [r["region"].name, r["ytd"]["n"], r["ytd"]["within"], r["ytd"]["over"], r["ytd"]["avg_days"]]
                    for r in ss["rows"]
                ],
                "total": ["合计", ss["ytd"]["n"], ss["ytd"]["within"], ss["ytd"]["over"], ss["ytd"]["avg_days"]],
            }
        )
    else:
        text.append(f"签约到开工（{ss['note']}）：今年开工{ss['ytd']['n']}个{avg}；本月开工{ss['month']['n']}个。")
        tabs.append(
            {
                "name": "签约到开工",
                "headers": ["区县", "今年开工", "平均天数"],
                "rows": [[r["region"].name, r["ytd"]["n"], r["ytd"]["avg_days"]] for r in ss["rows"]],
                "total": ["合计", ss["ytd"]["n"], ss["ytd"]["avg_days"]],
            }
        )
    if ps["bands"]:
        text.append(
            f"开工到投产（按总投资分档时限）：今年投产{ps['n']}个，按期{ps['within']}个、超期{ps['over']}个{pavg}。"
        )
        tabs.append(
            {
                "name": "开工到投产",
                "headers": ["总投资", "时限(月)", "今年投产", "按期", "超期", "平均用时(月)"],
                "rows": [
                    [x["label"], x["months"], x["n"], x["within"], x["over"], x["avg_months"]] for x in ps["bands"]
                ],
                "total": ["合计", None, ps["n"], ps["within"], ps["over"], ps["avg_months"]],
            }
        )
    else:
        text.append(f"开工到投产（{ps['note']}）：今年投产{ps['n']}个{pavg}。")
        tabs.append(
            {
                "name": "开工到投产",
                "headers": ["区县", "今年投产"],
                "rows": [[r["region"].name, r["n"]] for r in ps["rows"]],
                "total": ["合计", ps["n"]],
            }
        )
    title = "建设速度（XN-XM-1、XN-XM-2）" if ss["limit"] is not None or ps["bands"] else "建设速度"
    return {"key": "speed", "title": title, "text": text, "tables": tabs}
