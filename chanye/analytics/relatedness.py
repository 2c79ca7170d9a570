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
"""

from __future__ import annotations

from dataclasses import dataclass

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


def compute(regions: list[str], industries: list[str], x: np.ndarray, *, threshold: float = 1.0) -> Complexity:
    """`x` is the regions × industries output (or employment) matrix, non-negative."""
    x = np.asarray(x, dtype=float)
    if x.shape != (len(regions), len(industries)):
        raise ValueError(f"矩阵应为 {len(regions)} 行 × {len(industries)} 列，实际为 {x.shape}")
    if (x < 0).any() or not np.isfinite(x).all():
        raise ValueError("产值矩阵不能有负数或空值")
    total = x.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        rca = (x / x.sum(axis=1, keepdims=True)) / (x.sum(axis=0, keepdims=True) / total)
    rca = np.nan_to_num(rca, nan=0.0)
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
    m1 = m / diversity[rows][:, np.newaxis]
    m2 = m / ubiquity[cols][np.newaxis, :]
    mpp = m2.T @ m1
    vals, vecs = np.linalg.eig(mpp)
    kp = np.real(vecs[:, np.real(vals).argsort()[-2]])
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
    """The industries `region` does not yet have an advantage in, ranked by density (then complexity)."""
    r = c.regions.index(region)
    out = []
    for p, name in enumerate(c.industries):
        if c.mcp[r, p] >= 1:
            continue
        near = [q for q in np.argsort(-c.proximity[p]) if q != p][:k]
        out.append(
            Opportunity(
                industry=name,
                density=float(c.density[r, p]),
                pci=float(c.pci[p]) if np.isfinite(c.pci[p]) else float("nan"),
                near_held=int(sum(c.mcp[r, q] >= 1 for q in near)),
                near_total=len(near),
                nearest=[c.industries[q] for q in near],
            )
        )
    out.sort(key=lambda o: (-o.density, -(o.pci if np.isfinite(o.pci) else -1e9), o.industry))
    return out[:top]
