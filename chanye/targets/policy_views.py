"""Targets from policy text: paste a document, review the proposals beside it, download them as pack YAML."""

from __future__ import annotations

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
    """The text with each proposal's sentence marked and numbered."""
    spans = sorted({(p.start, p.end) for p in proposals if getattr(p, "start", None) is not None})
    out, pos, n = [], 0, 0
    for start, end in spans:
        if start < pos:
            continue
        n += 1
        out.append(escape(text[pos:start]))
        out.append(f'<mark id="s{n}" data-n="{n}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
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


def _yaml(rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
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
    text = yaml.safe_dump({"targets": targets}, allow_unicode=True, sort_keys=False, width=200)
    return text, errors


@login_required
@require_http_methods(["GET", "POST"])
def policy_extract(request: AuthedRequest) -> HttpResponse:
    access.require_reader(request.user, what="政策文本提取页面")
    from chanye.targets.extract import extract_rewards, extract_targets

    ctx: dict[str, Any] = {"comparators": COMPARATORS, "catalogue": sorted(CATALOGUE.values(), key=lambda i: i.code)}
    if request.method == "POST" and request.POST.get("action") == "yaml":
        text, errors = _yaml(_rows_from_post(request.POST))
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
        ctx.update(
            {
                "text": text,
                "proposals": proposals,
                "rewards": extract_rewards(text),
                "highlighted": _highlight(text, proposals),
            }
        )
    return render(request, "targets/policy.html", ctx)
