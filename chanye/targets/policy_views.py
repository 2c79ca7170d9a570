"""Targets and reward rules from policy text: paste a document, review the proposals beside it (edit, keep or drop
each), download them as pack YAML (`targets` and `rewards`, each reward checked by the pack schema)."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.downloads import attachment
from chanye.targets.catalogue import CATALOGUE

COMPARATORS = [
    (">=", "≥ 达到/以上"),
    (">", "> 突破/超过"),
    ("<=", "≤ 以内"),
    ("<", "< 不满"),
    ("=", "="),
    ("increase_by", "增长"),
    ("decrease_by", "下降"),
]
MAX_TEXT = 500_000


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError("无法识别文件编码（支持 UTF-8 和 GBK）")


def _highlight(text: str, proposals: list[Any]) -> str:
    """The text with each proposal's sentence marked and numbered; each proposal gets `mark`, the number of its
    sentence, for its link to the text."""
    spans = sorted({(p.start, p.end) for p in proposals if getattr(p, "start", None) is not None})
    out, pos, n = [], 0, 0
    numbers: dict[tuple[int, int], int] = {}
    for start, end in spans:
        if start < pos:
            continue
        n += 1
        numbers[(start, end)] = n
        out.append(escape(text[pos:start]))
        out.append(f'<mark id="s{n}" data-n="{n}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    for p in proposals:
        p.mark = numbers.get((p.start, p.end))
    return mark_safe("".join(out).replace("\n", "<br>"))


def _rows_from_post(post: Any) -> list[dict[str, Any]]:
    rows = []
    for i in range(int(post.get("count", 0) or 0)):
        if not post.get(f"keep-{i}"):
            continue
        rows.append(
            {
                k: post.get(f"{k}-{i}", "").strip()
                for k in ("indicator", "label", "value", "unit", "comparator", "year", "scope", "rule", "sentence")
            }
            | {"per_year": bool(post.get(f"per_year-{i}"))}
        )
    return rows


PER = [
    ("", "—"),
    ("once", "一次性"),
    ("per_year", "每年"),
    ("per_project", "每个项目"),
    ("per_enterprise_per_year", "每家企业每年"),
    ("per_industry_per_year", "每个产业每年"),
]
REWARD_FIELDS = (
    "label",
    "condition",
    "amount",
    "amount_unit",
    "rate",
    "base",
    "cap",
    "cap_unit",
    "per",
    "rule",
    "sentence",
    "when",
    "use_when",
)


def _reward_rows_from_post(post: Any) -> list[dict[str, Any]]:
    return [
        {k: post.get(f"r_{k}-{i}", "").strip() for k in REWARD_FIELDS}
        for i in range(int(post.get("reward_count", 0) or 0))
        if post.get(f"r_keep-{i}")
    ]


def _number(v: str) -> int | float | None:
    if not v:
        return None
    d = Decimal(v)
    return float(d) if d != d.to_integral_value() else int(d)


def _rewards(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The kept reward rows as pack `rewards` entries, each checked by the pack schema (RewardSpec)."""
    from pydantic import ValidationError

    from chanye.industry.schema import RewardSpec

    errors, out = [], []
    for n, r in enumerate(rows, start=1):
        if not re.fullmatch(r"[A-Z]{2}-[A-Z]+-\d+", r["rule"] or ""):
            errors.append(f"奖补第{n}条：请填写规则编号（如 HG-R-2）")
            continue
        try:
            entry = {
                "code": f"{r['rule'].lower()}-r{n}",
                "label": r["label"] or r["condition"][:40],
                "condition": r["condition"] or r["sentence"][:80],
                "amount": _number(r["amount"]),
                "amount_unit": r["amount_unit"] or "万元",
                "rate": _number(r["rate"]),
                "base": r["base"],
                "cap": _number(r["cap"]),
                "cap_unit": r["cap_unit"] or "万元",
                "per": r["per"],
                "rule": r["rule"],
                "source_text": r["sentence"],
            }
            if r["use_when"] and r["when"]:
                entry["when"] = json.loads(r["when"])
        except (InvalidOperation, ValueError):
            errors.append(f"奖补第{n}条：金额、比例或上限不是数字")
            continue
        try:
            RewardSpec.model_validate(entry)
        except ValidationError as e:
            errors.append(f"奖补第{n}条：" + "；".join(str(x["msg"]).removeprefix("Value error, ") for x in e.errors()))
            continue
        out.append({k: v for k, v in entry.items() if v not in (None, "")})
    return out, errors


def _yaml(rows: list[dict[str, Any]], reward_rows: list[dict[str, Any]] | None = None) -> tuple[str, list[str]]:
    errors, targets = [], []
    for n, r in enumerate(rows, start=1):
        try:
            value = Decimal(r["value"])
        except InvalidOperation:
            errors.append(f"第{n}条：目标值“{r['value']}”不是数字")
            continue
        if not re.fullmatch(r"[A-Z]{2}-[A-Z]+-\d+", r["rule"] or ""):
            errors.append(f"第{n}条：请填写规则编号（如 XN-GS-2）")
            continue
        year = int(r["year"]) if r["year"].isdigit() else None
        code = f"{r['rule'].lower()}-{n}"
        t = {
            "code": code,
            "indicator": r["indicator"] or "reported",
            "label": r["label"],
            "value": float(value) if value != value.to_integral_value() else int(value),
            "unit": r["unit"],
            "comparator": r["comparator"],
            "year": year,
            "per_year": r["per_year"],
            "scope": r["scope"] or "city",
            "rule": r["rule"],
            "source_text": r["sentence"],
        }
        targets.append(t)
    rewards, reward_errors = _rewards(reward_rows or [])
    errors += reward_errors
    doc: dict[str, Any] = {"targets": targets}
    if rewards:
        doc["rewards"] = rewards
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    if rewards:
        text += (
            "# 奖补条款可补充 when（由数据判断的条件）和 replaces（高档替代低档），见 docs/writing-a-pack.md 第8节。\n"
        )
    return text, errors


WHEN_WORDS = {
    "revenue_first_over": "首次突破营业收入",
    "scale_first_entry": "首次进规",
    "honour": "获得认定",
}


def when_text(when: dict[str, Any] | None) -> str:
    """A proposed `when` in words (首次突破营业收入10亿元, 首次进规满2年, 获得认定：specialized:national)."""
    if not when:
        return ""
    kind = when.get("kind", "")
    if kind == "revenue_first_over":
        return f"{WHEN_WORDS[kind]}{when['value']}{when['unit']}（{'不含' if when['comparator'] == '>' else '含'}本数）"
    if kind == "scale_first_entry":
        return WHEN_WORDS[kind] + (f"满{when['years']}年" if when.get("years") else "当年")
    if kind == "honour":  # the pack's words and, for the reader, the honour in Chinese
        from chanye.enterprises.choices import HonourKind, HonourLevel

        named = []
        for h in when["honours"]:
            k, _, lv = h.partition(":")
            label = HonourKind(k).label if k in HonourKind.values else k
            named.append(f"{HonourLevel(lv).label if lv in HonourLevel.values and lv else ''}{label}")
        return f"{WHEN_WORDS[kind]}：{'、'.join(when['honours'])}（{'、'.join(named)}）"
    return kind


@login_required
@require_http_methods(["GET", "POST"])
def policy_extract(request: AuthedRequest) -> HttpResponse:
    access.require_reader(request.user, what="政策文本提取页面")
    from chanye.targets.extract import extract_rewards, extract_targets

    ctx: dict[str, Any] = {
        "comparators": COMPARATORS,
        "pers": PER,
        "catalogue": sorted(CATALOGUE.values(), key=lambda i: i.code),
    }
    if request.method == "POST" and request.POST.get("action") == "yaml":
        text, errors = _yaml(_rows_from_post(request.POST), _reward_rows_from_post(request.POST))
        if errors:
            ctx["errors"] = errors
        else:
            resp = attachment(text, "政策目标.yaml", "application/x-yaml; charset=utf-8")
            return resp
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > MAX_TEXT * 3:
                ctx["errors"] = ["文件太大（请上传纯文本政策文件）"]
            else:
                try:
                    text = _decode(upload.read())
                except ValueError as e:
                    ctx["errors"] = [str(e)]
        text = text[:MAX_TEXT]
    if text.strip():
        proposals = extract_targets(text)
        rewards = extract_rewards(text)
        for r in rewards:  # for the page: the proposed condition in words, and as data for the download
            setattr(r, "when_json", json.dumps(r.when, ensure_ascii=False) if r.when else "")  # noqa: B010
            setattr(r, "when_text", when_text(r.when))  # noqa: B010
        ctx.update(
            {
                "text": text,
                "proposals": proposals,
                "rewards": rewards,
                "highlighted": _highlight(text, [*proposals, *rewards]),
                "nothing_found": not proposals and not rewards,
            }
        )
    return render(request, "targets/policy.html", ctx)
