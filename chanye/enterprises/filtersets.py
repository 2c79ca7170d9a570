"""One filter definition for the enterprise list page, the API and the export (STYLE.md, NetBox)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from chanye.core.text import squash
from chanye.enterprises.models import Enterprise, EnterpriseAlias, Honour


@dataclass
class EnterpriseFilter:
    q: str = ""
    county: str = ""
    industry: str = ""  # Industry code (key industry) or GB/T 4754 prefix when digits
    cluster: str = ""  # cluster code (its sub-clusters included, as on the project board)
    tier: str = ""  # HonourKind value
    above_scale: str = ""  # "1" / "0" / ""

    @classmethod
    def from_params(cls, params: Any) -> EnterpriseFilter:
        return cls(**{k: (params.get(k) or "").strip() for k in cls.__dataclass_fields__})

    def apply(self, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        if self.q:
            term = squash(self.q)
            # Chinese has no case: plain `contains` avoids UPPER() on every row and can use the trigram index.
            has_letters = any(c.isascii() and c.isalpha() for c in term)
            name_lookup = "name__icontains" if has_letters else "name__contains"
            aliases = EnterpriseAlias.objects.filter(**{name_lookup: term}).values("enterprise_id")
            # any part of a credit code (an officer types the 6 digits they remember), not only its start
            code = (
                Q(uscc__contains=term.upper())
                if len(term) >= 4 and term.isalnum()
                else Q(uscc__startswith=term.upper())
            )
            qs = qs.filter(Q(**{name_lookup: term}) | code | Q(pk__in=aliases))
        if self.county:
            qs = qs.filter(Q(county__code=self.county) | Q(park__code=self.county))
        if self.industry:
            if self.industry.isdigit():
                qs = qs.filter(industry_code__code__startswith=self.industry)
            else:
                qs = qs.filter(industries__code=self.industry)
        if self.cluster:
            # a subquery, not a join: a firm in the cluster and one of its sub-clusters is listed once
            member = Enterprise.clusters.through.objects.filter(
                Q(cluster__code=self.cluster) | Q(cluster__parent__code=self.cluster)
            )
            qs = qs.filter(pk__in=member.values("enterprise_id"))
        if self.tier:
            qs = qs.filter(Exists(Honour.objects.filter(enterprise=OuterRef("pk"), kind=self.tier)))
        if self.above_scale in ("1", "0"):
            qs = qs.filter(is_above_scale=self.above_scale == "1")
        return qs

    def querystring(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.__dict__.items() if v})
