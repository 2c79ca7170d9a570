"""Where a region could diversify (issue 6 §6): revealed comparative advantage, proximity between industries,
relatedness density and economic complexity, after Hidalgo & Hausmann (the Atlas of Economic Complexity), computed the
way the reference `ecomplexity` package (Growth Lab, Harvard) does, so that the figures can be checked against it:

* RCA_cp = (x_cp / Σ_p x_cp) / (Σ_c x_cp / Σ_cp x_cp); M_cp = 1 when RCA ≥ 1 (以上 includes 1);
* diversity k_c = Σ_p M_cp, ubiquity k_p = Σ_c M_cp;
* proximity φ_pp' = Σ_c M_cp M_cp' / max(k_p, k_p');
* density ω_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp' — how much of what is near p the region already does;
* ECI/PCI from the eigenvector of the second-largest eigenvalue of the product-product matrix, signed so ECI rises
  with diversity, both normalised with the ECI mean and standard deviation.

Regions or industries with zero diversity/ubiquity get NaN complexity, as in the reference.

Everything is whole-matrix numpy (no Python loop over regions × industries), so 300 regions × 500 industries, with
recommendations for every region, take well under a second (bench/chains.py). The eigenvector is taken from the
symmetric matrix similar to the product-product matrix (`numpy.linalg.eigh`), which has the same eigenvalues and, after
rescaling, the same eigenvector as the reference's `eig` on M̃_pp, at a fraction of the cost.

`link_opportunities` carries the industry recommendations over to chain links (产业链环节, issue 6 §6): a link is as
close to being hosted as the most related of the manufacturing divisions its GB/T 4754 codes fall in.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Complexity:
    regions: list[str]
    industries: list[str]
    rca: np.ndarray
    mcp: np.ndarray
    diversity: np.ndarray
    ubiquity: np.ndarray
    proximity: np.ndarray
    density: np.ndarray
    eci: np.ndarray
    pci: np.ndarray
    _nearest: dict[int, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def nearest(self, k: int) -> np.ndarray:
        """Industries × `k`: for each industry the indices of the `k` others nearest to it by proximity, nearest
        first; equal proximities in industry order (a stable sort, so the words on the page do not flicker)."""
        if k not in self._nearest:
            n = len(self.industries)
            order = np.argsort(-self.proximity, axis=1, kind="stable")
            others = order[order != np.arange(n)[:, np.newaxis]].reshape(n, max(n - 1, 0))
            self._nearest[k] = others[:, :k]
        return self._nearest[k]


def compute(regions: list[str], industries: list[str], x: np.ndarray, *, threshold: float = 1.0) -> Complexity:
    """`x` is the regions × industries output (or employment) matrix, non-negative."""
    x = np.asarray(x, dtype=float)
    if x.shape != (len(regions), len(industries)):
        raise ValueError(f"矩阵应为 {len(regions)} 行 × {len(industries)} 列，实际为 {x.shape}")
    if (x < 0).any() or not np.isfinite(x).all():
        raise ValueError("产值矩阵不能有负数或空值")
    from chanye.analytics.specialisation import location_quotients

    rca = location_quotients(x)  # the Balassa index is the location quotient against the regions together
    mcp = (rca >= threshold).astype(float)
    diversity, ubiquity = mcp.sum(axis=1), mcp.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = (mcp.T @ mcp) / ubiquity[np.newaxis, :]
    phi = np.nan_to_num(np.minimum(phi, phi.T), nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.nan_to_num(mcp @ (phi.T / phi.sum(axis=1)[np.newaxis, :]), nan=0.0)
    eci, pci = _eci_pci(mcp, diversity, ubiquity)
    return Complexity(regions, industries, rca, mcp, diversity, ubiquity, phi, density, eci, pci)


def _eci_pci(mcp: np.ndarray, diversity: np.ndarray, ubiquity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = diversity != 0, ubiquity != 0
    eci = np.full(mcp.shape[0], np.nan)
    pci = np.full(mcp.shape[1], np.nan)
    m = mcp[rows][:, cols]
    if m.shape[0] < 2 or m.shape[1] < 2:
        return eci, pci
    kc_, kp_ = diversity[rows], ubiquity[cols]
    m1 = m / kc_[:, np.newaxis]
    # M̃_pp = D_p⁻¹ Mᵀ D_c⁻¹ M is similar to the symmetric S = D_p^-½ Mᵀ D_c⁻¹ M D_p^-½ (same eigenvalues; an
    # eigenvector u of S gives D_p^-½ u of M̃_pp), so the symmetric solver gives the reference's `eig` result, rescaled
    # to unit length.
    half = m / np.sqrt(kp_)[np.newaxis, :]
    s = half.T @ (half / kc_[:, np.newaxis])
    vals, vecs = np.linalg.eigh((s + s.T) / 2)
    kp = vecs[:, np.argsort(vals)[-2]] / np.sqrt(kp_)
    kp = kp / np.linalg.norm(kp)
    kc = m1 @ kp
    with np.errstate(
        divide="ignore", invalid="ignore"
    ):  # equal diversities: the sign is undefined (NaN, as the reference)
        sign = np.sign(np.corrcoef(diversity[rows], kc)[0, 1])
    kc, kp = sign * kc, sign * kp
    mean, std = kc.mean(), kc.std()
    eci[rows] = (kc - mean) / std
    pci[cols] = (kp - mean) / std
    return eci, pci


@dataclass
class Opportunity:
    industry: str
    density: float
    pci: float
    near_held: int  # of the region's `k` nearest industries to this one, how many it already has (M = 1)
    near_total: int
    nearest: list[str]

    def explain(self, region: str) -> str:
        names = "、".join(self.nearest[:3])
        return (
            f"{region}已具备与“{self.industry}”最接近的{self.near_total}个产业中的{self.near_held}个"
            f"（最接近的是{names}），关联密度{self.density:.2f}"
        )


def opportunities(c: Complexity, region: str, *, k: int = 5, top: int = 10) -> list[Opportunity]:
    """The industries `region` does not yet have an advantage in, ranked by density (then complexity, then name)."""
    r = c.regions.index(region)
    held = c.mcp[r] >= 1
    cand = np.flatnonzero(~held)
    if not len(cand):
        return []
    near = c.nearest(k)
    pci = np.where(np.isfinite(c.pci), c.pci, -1e9)
    names = np.array(c.industries, dtype=object)
    order = cand[np.lexsort((names[cand], -pci[cand], -c.density[r, cand]))][:top]
    held_near = held[near[order]].sum(axis=1)
    return [
        Opportunity(
            industry=c.industries[p],
            density=float(c.density[r, p]),
            pci=float(c.pci[p]) if np.isfinite(c.pci[p]) else float("nan"),
            near_held=int(h),
            near_total=int(near.shape[1]),
            nearest=[c.industries[q] for q in near[p]],
        )
        for p, h in zip(order, held_near, strict=True)
    ]


@dataclass
class LinkCandidate:
    """A chain link that a region might host: its key (the link's pk), names and GB/T 4754 codes (any length)."""

    key: Hashable
    name: str
    chain: str
    codes: Sequence[str]
    is_key: bool = False
    is_chokepoint: bool = False


@dataclass
class LinkOpportunity:
    link: LinkCandidate
    density: float  # the density of `industry`, the most related of the link's divisions in the matrix
    industry: str
    divisions: list[str]  # every division of the link found in the matrix
    advantage: bool  # the region already has RCA ≥ 1 in `industry` (but no enterprise on this link)
    near_held: int
    near_total: int
    nearest: list[str]

    def explain(self, region: str) -> str:
        names = "、".join(self.nearest[:3])
        head = f"“{self.link.name}”属{self.industry}"
        if self.advantage:
            head += f"，{region}在该行业已具备比较优势（RCA≥1）但尚无企业在这一环节"
        return (
            f"{head}；{region}已有其最相近的{self.near_total}个行业中的{self.near_held}个"
            f"（最相近的是{names}），关联密度{self.density:.2f}"
        )


def link_opportunities(
    c: Complexity,
    region: str,
    links: Sequence[LinkCandidate],
    *,
    divisions: Sequence[str],
    hosted: AbstractSet[Hashable] = frozenset(),
    k: int = 5,
    top: int | None = 20,
) -> list[LinkOpportunity]:
    """The chain links `region` has no enterprise on (`hosted` holds the keys of those it has), ranked by how close
    the region is to hosting them.

    `divisions[j]` is the 2-digit GB/T 4754 大类 of column j of the matrix. A link's codes are cut to their 大类
    (first two digits); a link's density is the **maximum** relatedness density over those 大类 found in the matrix.
    Maximum, not mean: a link is hosted as soon as one enterprise works on it, and the GB/T classes a link lists are
    alternative activities that each make up the link (冷链物流 = 冷藏运输 or 低温仓储), not inputs all needed at once —
    so the region's readiness is that of its best-related class, and listing more alternatives does not make a link
    look less reachable, as a mean would. Links with no division in the matrix (agriculture, services: the matrix holds
    manufacturing only) cannot be judged and are left out. Ties: key links (关键环节) first, then 卡脖子, then the
    given order.
    """
    r = c.regions.index(region)
    col = {d: j for j, d in enumerate(divisions)}
    near = c.nearest(k)
    held = c.mcp[r] >= 1
    found: list[tuple[float, int, int, int, LinkOpportunity]] = []
    for n, link in enumerate(links):
        if link.key in hosted:
            continue
        cols = sorted({col[d] for d in (str(code)[:2] for code in link.codes) if d in col})
        if not cols:
            continue
        best = max(cols, key=lambda j: (c.density[r, j], -j))
        o = LinkOpportunity(
            link=link,
            density=float(c.density[r, best]),
            industry=c.industries[best],
            divisions=[c.industries[j] for j in cols],
            advantage=bool(held[best]),
            near_held=int(held[near[best]].sum()),
            near_total=int(near.shape[1]),
            nearest=[c.industries[q] for q in near[best]],
        )
        found.append((-o.density, 0 if link.is_key else 1, 0 if link.is_chokepoint else 1, n, o))
    found.sort(key=lambda t: t[:4])
    out = [t[4] for t in found]
    return out if top is None else out[:top]
