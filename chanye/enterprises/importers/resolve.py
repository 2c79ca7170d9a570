"""The enterprise a sheet's row names, by 统一社会信用代码 or by its exact name (or a former name), among the
enterprises the importing user may see: shared by the importers that attach rows to registered firms (链上企业,
奖补事实). A near name is not accepted: the row's error lists the candidates and asks for the credit code."""

from __future__ import annotations

from typing import Any

from chanye.core import access, uscc
from chanye.core.imports.base import RowContext
from chanye.core.imports.values import parse_identifier
from chanye.enterprises.matching import NameMatcher
from chanye.enterprises.models import Enterprise, EnterpriseAlias


class EnterpriseResolver:
    def __init__(self, user: Any, *, out_of_scope: str) -> None:
        """`out_of_scope`: the words after “您的权限范围内没有该…的企业” that say what a county officer may do."""
        self.qs = access.scoped(Enterprise, user)
        self.by_uscc: dict[str, int] = dict(self.qs.values_list("uscc", "pk"))
        self.out_of_scope = out_of_scope
        self._matcher: NameMatcher | None = None

    @property
    def matcher(self) -> NameMatcher:
        if self._matcher is None:
            rows = list(self.qs.values_list("pk", "name", "uscc"))
            aliases = list(EnterpriseAlias.objects.filter(enterprise__in=self.qs).values_list("enterprise_id", "name"))
            self._matcher = NameMatcher(rows, aliases)
        return self._matcher

    def resolve(self, ctx: RowContext) -> int | None:
        """The enterprise id of the row's `uscc` or `name` column; None with the row's error in words otherwise."""
        code = ctx.cell("uscc", lambda v: parse_identifier(v, "统一社会信用代码"))
        if code:
            eid = self.by_uscc.get(code)
            if eid is None:
                found = uscc.problems(code)
                if found:
                    ctx.error("uscc", "统一社会信用代码无效：" + "；".join(p.message for p in found), code)
                else:
                    ctx.error("uscc", f"您的权限范围内没有该统一社会信用代码的企业（{self.out_of_scope}）", code)
            return eid
        if ctx.raw("uscc") is not None:
            return None  # the cell was refused above
        name = ctx.raw("name")
        if name is None:
            ctx.error("uscc", "统一社会信用代码和企业名称不能都为空", "")
            return None
        m = self.matcher.match(str(name))
        if m.enterprise_id is not None and not m.fuzzy:
            return m.enterprise_id
        if m.candidates:
            listed = "；".join(f"{c.name}（{c.uscc}）" for c in m.candidates[:5])
            what = "匹配到多家企业" if m.candidates[0].score >= 100 else "没有完全匹配的企业，可能是"
            ctx.error("name", f"{what}：{listed}。请填写统一社会信用代码")
        else:
            ctx.error("name", f"您的权限范围内找不到该企业名称（{self.out_of_scope}）")
        return None
