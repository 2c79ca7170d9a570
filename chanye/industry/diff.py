"""What changed between two packs (`chanye pack diff A B`), in words a bureau can read."""

from __future__ import annotations

import difflib
from typing import Any

from chanye.industry import schema


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _text_change(label: str, a: str, b: str) -> list[str]:
    """Say how much a text changed and show the changed passages with a little context."""
    if a == b:
        return []
    if not a:
        return [f"{label}：新增文字「{_short(b)}」"]
    if not b:
        return [f"{label}：删除文字「{_short(a)}」"]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ratio = sm.ratio()
    verb = "改写" if ratio < 0.8 else "修改"
    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
    snippets = []
    for _tag, i1, i2, j1, j2 in ops[:3]:
        ctx_a, ctx_b = a[max(0, i1 - 4) : i1], a[i2 : i2 + 4]
        old, new = _short(a[i1:i2], 30) or "∅", _short(b[j1:j2], 30) or "∅"
        snippets.append(f"「…{ctx_a}【{old}→{new}】{ctx_b}…」")
    more = f" 等{len(ops)}处" if len(ops) > 3 else ""
    return [f"{label}：文字{verb}（相似度 {ratio:.0%}）{'；'.join(snippets)}{more}"]


def _list_change(label: str, a: list[Any], b: list[Any]) -> list[str]:
    if a == b:
        return []
    added = [x for x in b if x not in a]
    removed = [x for x in a if x not in b]
    out = []
    if added:
        out.append(f"{label}：增加 {'、'.join(map(_fmt, added))}")
    if removed:
        out.append(f"{label}：去掉 {'、'.join(map(_fmt, removed))}")
    if not added and not removed:
        out.append(f"{label}：顺序调整 {'、'.join(map(_fmt, a))} → {'、'.join(map(_fmt, b))}")
    return out


def _fmt(x: Any) -> str:
    if isinstance(x, list):
        return "—".join(map(str, x))
    if isinstance(x, dict):
        return schema.recognition_label(x) or str(x)
    return str(x)


def _keyed(items: list[Any], key: str = "code") -> dict[str, Any]:
    return {getattr(i, key): i for i in items}


def diff_packs(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    """Lines describing every change from pack `a` to pack `b`; empty when they are the same."""
    return [
        *_diff_system(a, b),
        *_diff_regions(a, b),
        *_diff_industries(a, b),
        *_diff_clusters(a, b),
        *_diff_layout(a, b),
        *_diff_thresholds(a, b),
        *_diff_targets(a, b),
    ]


def _diff_system(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    if a.industrial_system.label != b.industrial_system.label:
        out.append(f"产业体系：“{a.industrial_system.label}”→“{b.industrial_system.label}”")
    out += _text_change("产业体系说明", a.industrial_system.description, b.industrial_system.description)
    out += _list_change(
        "产业类别", [f.name for f in a.industrial_system.families], [f.name for f in b.industrial_system.families]
    )
    return out


def _diff_regions(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    ra, rb = _keyed(a.regions), _keyed(b.regions)
    for code in rb.keys() - ra.keys():
        out.append(f"区域：新增 {rb[code].name}（{code}）")
    for code in ra.keys() - rb.keys():
        out.append(f"区域：删除 {ra[code].name}（{code}）")
    for code in ra.keys() & rb.keys():
        for f in ("name", "level", "county_level", "parent", "stats_code", "short_name"):
            va, vb = getattr(ra[code], f), getattr(rb[code], f)
            if va != vb:
                out.append(f"区域 {rb[code].name}：{f} {va!r} → {vb!r}")
    return out


def _diff_industries(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    ia, ib = _keyed(a.industries), _keyed(b.industries)
    for code in ib.keys() - ia.keys():
        out.append(f"重点产业：新增 {ib[code].name}")
    for code in ia.keys() - ib.keys():
        out.append(f"重点产业：删除 {ia[code].name}")
    for code in ia.keys() & ib.keys():
        if ia[code].name != ib[code].name:
            out.append(f"重点产业：{ia[code].name} 改名为 {ib[code].name}")
    return out


def _diff_clusters(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    ca = {c.code: (c, p) for c, p in schema.iter_clusters(a.clusters)}
    cb = {c.code: (c, p) for c, p in schema.iter_clusters(b.clusters)}
    for code in [k for k in cb if k not in ca]:
        c, p = cb[code]
        where = f"（属于 {p.name}）" if p else ""
        out.append(f"集群：新增 {c.name}{where}")
    for code in [k for k in ca if k not in cb]:
        c, p = ca[code]
        where = f"（原属 {p.name}）" if p else ""
        out.append(f"集群：删除 {c.name}{where}")
    for code in [k for k in ca if k in cb]:
        out += _diff_cluster(ca[code], cb[code])
    return out


def _diff_cluster(old: tuple[Any, Any], new: tuple[Any, Any]) -> list[str]:
    """Changes to one cluster (with its parent cluster, if any) kept in both packs."""
    (x, px), (y, py) = old, new
    out: list[str] = []
    label = f"集群 {y.name}"
    if x.name != y.name:
        out.append(f"集群 {x.name}：改名为 {y.name}")
    if (px.code if px else None) != (py.code if py else None):
        out.append(f"{label}：上级由 {px.name if px else '无'} 改为 {py.name if py else '无'}")
    for f, flabel in (("family", "类别"), ("column", "专栏"), ("region", "区域")):
        if getattr(x, f) != getattr(y, f):
            out.append(f"{label}：{flabel} {getattr(x, f) or '无'} → {getattr(y, f) or '无'}")
    out += _text_change(f"{label} 说明", x.description, y.description)
    out += _list_change(f"{label} 骨干企业", x.anchors, y.anchors)
    out += _list_change(f"{label} 产业链", [ch.names() for ch in x.chains], [ch.names() for ch in y.chains])
    out += _list_change(f"{label} 产业", x.industries, y.industries)
    out += _list_change(
        f"{label} 认定",
        [r.model_dump(exclude_defaults=True) for r in x.recognitions],
        [r.model_dump(exclude_defaults=True) for r in y.recognitions],
    )
    return out


def _diff_layout(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    la = a.county_layout.units if a.county_layout else []
    lb = b.county_layout.units if b.county_layout else []
    pos_a = {u.region: i for i, u in enumerate(la, start=1)}
    pos_b = {u.region: i for i, u in enumerate(lb, start=1)}
    ua, ub = {u.region: u for u in la}, {u.region: u for u in lb}
    for region in ub.keys() - ua.keys():
        out.append(f"县域布局：新增 {region} 一行")
    for region in ua.keys() - ub.keys():
        out.append(f"县域布局：删除 {region} 一行")
    for region in [u.region for u in lb if u.region in ua]:
        if pos_a[region] != pos_b[region]:
            # Report only the rows that moved by themselves, not those shifted by another row's move.
            others_a = [r for r in pos_a if r != region and r in pos_b]
            others_b = [r for r in pos_b if r != region and r in pos_a]
            if others_a == others_b:
                out.append(f"县域布局：{region} 一行由第{pos_a[region]}行移到第{pos_b[region]}行")
        out += _list_change(f"县域布局 {region} 主导产业", ua[region].industries, ub[region].industries)
        out += _list_change(f"县域布局 {region} 产业集群", ua[region].clusters, ub[region].clusters)
        if ua[region].industry_notes != ub[region].industry_notes:
            out.append(f"县域布局 {region} 产业备注：{ua[region].industry_notes} → {ub[region].industry_notes}")
    if a.county_layout and b.county_layout and a.county_layout.totals != b.county_layout.totals:
        out.append(f"县域布局合计：{a.county_layout.totals} → {b.county_layout.totals}")
    return out


def _diff_thresholds(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    ta, tb = _keyed(a.thresholds, "key"), _keyed(b.thresholds, "key")
    for k in tb.keys() - ta.keys():
        out.append(f"阈值：新增 {tb[k].label} {tb[k].comparator}{tb[k].value}{tb[k].unit}")
    for k in ta.keys() - tb.keys():
        out.append(f"阈值：删除 {ta[k].label}")
    for k in ta.keys() & tb.keys():
        x, y = ta[k], tb[k]
        if (x.value, x.unit, x.comparator) != (y.value, y.unit, y.comparator):
            out.append(f"阈值 {y.label}：{x.comparator}{x.value}{x.unit} → {y.comparator}{y.value}{y.unit}")
    return out


_TARGET_FIELDS = (
    ("value", "目标值"),
    ("unit", "单位"),
    ("comparator", "比较"),
    ("year", "年份"),
    ("per_year", "每年"),
    ("scope", "范围"),
    ("indicator", "指标"),
)


def _diff_targets(a: schema.PackSpec, b: schema.PackSpec) -> list[str]:
    out: list[str] = []
    ga, gb = _keyed(a.targets), _keyed(b.targets)
    for k in [t.code for t in b.targets if t.code not in ga]:
        t = gb[k]
        out.append(f"目标：新增 {t.label} {t.comparator} {t.value}{t.unit}（{t.year or '每年'}，{t.rule}）")
    for k in [t.code for t in a.targets if t.code not in gb]:
        out.append(f"目标：删除 {ga[k].label}（{ga[k].rule}）")
    for k in [t.code for t in b.targets if t.code in ga]:
        x, y = ga[k], gb[k]
        for f, flabel in _TARGET_FIELDS:
            if getattr(x, f) != getattr(y, f):
                out.append(f"目标 {y.label}：{flabel} {getattr(x, f)} → {getattr(y, f)}")
    return out
