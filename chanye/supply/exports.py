"""The 供应链 overview as an .xlsx: one sheet per table of the page (the same figures, `selectors.overview`)."""

from __future__ import annotations

from typing import Any

from chanye.core import xlsx


def _meets(v: bool | None) -> str:
    return {True: "达标", False: "未达标"}.get(v, "") if v is not None else ""


SHARES = ["采购总额(万元)", "本市采购(万元)", "本地配套率(%)", "同区县采购(万元)", "同区县配套率(%)", "是否达标"]


def _shares(name: str, f: dict[str, Any], meets: bool | None) -> list[Any]:
    """A row of a unit's figures (`selectors.add_up`): its name, the amounts and shares, whether it meets the target."""
    keys = ("total_amount", "local_amount", "local_share", "same_county_amount", "same_county_share")
    return [name, *(f[k] for k in keys), _meets(meets)]


def overview_workbook(year: int, data: dict[str, Any]) -> bytes:
    wb = xlsx.workbook()
    ws = wb.active
    ws.title = "区县"
    goal = data["goal"]
    goal_text = (
        f"（目标：{'超过' if goal and goal['comparator'] == '>' else '不低于'}{goal['value']:g}%）" if goal else ""
    )
    ws.append([f"{year}年 各县（市、区）本地配套率{goal_text}"])
    ws.append(["区县", *SHARES])
    for c in data["counties"]:
        ws.append(_shares(c["name"], c, c["meets"]))
    if data["total"]:
        ws.append(_shares("合计", data["total"], None))
    ws = wb.create_sheet("产业集群")
    ws.append(["集群", *SHARES])
    for c in data["clusters"]:
        ws.append(_shares(c["name"], c, c["meets"]))
    ws = wb.create_sheet("月度趋势")
    ws.append(["月份", *SHARES[:5], "购方企业数", "发票行数"])
    for r in data["trend"]:
        ws.append([*_shares(r["month"], r, None)[:6], r["buyers"], r["lines"]])
    ws = wb.create_sheet("链主企业")
    ws.append(
        ["重点产业", "统一社会信用代码", "链主企业", "采购总额(万元)", "本市采购(万元)", "本地配套率(%)", "是否达标"]
    )
    for x in data["leaders"]:
        f = x["figures"] or {}
        ws.append(
            [
                x["industry"],
                x["uscc"],
                x["name"],
                f.get("total_amount"),
                f.get("local_amount"),
                f.get("local_share"),
                _meets(x["meets"]),
            ]
        )
    ws = wb.create_sheet("市外供应商")
    ws.append(
        [
            "统一社会信用代码",
            "名称",
            "所在地区代码",
            "采购额(万元)",
            "占市外采购(%)",
            "本市购方企业数",
            "主要产品",
            "对应产业链环节",
        ]
    )
    for s in data["outside"]["suppliers"]:
        link = s.get("link")
        ws.append(
            [
                s["uscc"],
                s["name"],
                s["region"],
                s["amount"],
                s["share"],
                s["buyers"],
                "、".join(s["products"][:5]),
                f"{link['chain']}·{link['name']}" if link else "",
            ]
        )
    ws = wb.create_sheet("外购产品集中度")
    ws.append(
        [
            "产品",
            "市外采购额(万元)",
            "占市外采购(%)",
            "供应商数",
            "最大供应商占比CR1(%)",
            "赫芬达尔指数HHI",
            "对应产业链环节",
        ]
    )
    for p in data["outside"]["products"]:
        link = p.get("link")
        ws.append(
            [
                p["product"],
                p["amount"],
                p["share"],
                p["suppliers"],
                p["cr1"],
                p["hhi"],
                f"{link['chain']}·{link['name']}" if link else "",
            ]
        )
    return xlsx.to_bytes(wb)
