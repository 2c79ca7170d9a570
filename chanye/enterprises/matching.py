"""Finding the enterprise a sheet means by its name (normalised, then fuzzy)."""

from __future__ import annotations

from dataclasses import dataclass

from chanye.core.text import normalize_company_name
from chanye.regions.selectors import region_name_prefixes

FUZZY_ACCEPT = 90  # one substitution in a 10+ character key; a single candidate at or above is accepted, with a warning
FUZZY_SUGGEST = 70  # candidates at or above this score are listed when nothing is accepted
FUZZY_MARGIN = 8  # the accepted candidate must beat the next one by this much


@dataclass(frozen=True)
class Candidate:
    enterprise_id: int
    name: str
    uscc: str
    score: float


@dataclass(frozen=True)
class Match:
    enterprise_id: int | None
    candidates: tuple[Candidate, ...] = ()
    fuzzy: bool = False


class NameMatcher:
    """Built once per import from (id, name, uscc, aliases) rows of the scoped registry."""

    def __init__(self, rows: list[tuple[int, str, str]], aliases: list[tuple[int, str]]) -> None:
        self.prefixes = region_name_prefixes()
        self.info = {eid: (name, uscc) for eid, name, uscc in rows}
        self.by_key: dict[str, set[int]] = {}
        for eid, name, _ in rows:
            self.by_key.setdefault(self.key(name), set()).add(eid)
        for eid, alias in aliases:
            if eid in self.info:
                self.by_key.setdefault(self.key(alias), set()).add(eid)
        self.keys = list(self.by_key)

    def key(self, name: str) -> str:
        return normalize_company_name(name, self.prefixes)

    def _cands(self, ids: set[int], score: float) -> list[Candidate]:
        return [Candidate(i, self.info[i][0], self.info[i][1], score) for i in sorted(ids)]

    def match(self, name: str) -> Match:
        from rapidfuzz import fuzz, process

        k = self.key(name)
        ids = self.by_key.get(k, set())
        if len(ids) == 1:
            return Match(next(iter(ids)))
        if len(ids) > 1:
            return Match(None, tuple(self._cands(ids, 100)))
        if not self.keys or len(k) < 2:
            return Match(None)
        hits = process.extract(k, self.keys, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_SUGGEST)
        cands: list[Candidate] = []
        for key, score, _ in hits:
            cands += self._cands(self.by_key[key], score)
        if cands and cands[0].score >= FUZZY_ACCEPT and len(self.by_key[hits[0][0]]) == 1:
            runner_up = cands[1].score if len(cands) > 1 else 0
            if cands[0].score - runner_up >= FUZZY_MARGIN:
                return Match(cands[0].enterprise_id, tuple(cands[:1]), fuzzy=True)
        return Match(None, tuple(cands))
