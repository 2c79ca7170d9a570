"""Relatedness and complexity (issue 6 §6) against the reference implementation (Growth Lab `ecomplexity` 0.5.3,
figures stored by scripts/relatedness_reference.py), plus hand-checked edges and the worded recommendations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from chanye.analytics.relatedness import compute, opportunities
from tests.conftest import DATA

REF = json.loads((DATA / "relatedness_reference.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["rca", "mcp", "density", "proximity", "eci", "pci"])
def test_figures_match_the_reference_implementation(name):
    c = compute(REF["regions"], REF["industries"], np.array(REF["x"]))
    np.testing.assert_allclose(getattr(c, name), np.array(REF[name], dtype=float), rtol=1e-9, atol=1e-12)


def test_rca_of_exactly_one_is_an_advantage_and_proximity_by_hand():
    # two regions, two industries, identical shares: every RCA is exactly 1 → every M = 1
    c = compute(["甲", "乙"], ["a", "b"], np.array([[10, 30], [20, 60]]))
    assert np.allclose(c.rca, 1) and c.mcp.sum() == 4
    # a: held by 甲 only; b: by 甲 and 乙 → φ_ab = 1 / max(1, 2) = 0.5
    # RCA 甲a = 0.9 / 0.45 = 2, 甲b = 0.1 / 0.55 < 1, 乙b = 1 / 0.55 > 1: no region holds both → φ_ab = 0
    c = compute(["甲", "乙"], ["a", "b"], np.array([[90, 10], [0, 100]]))
    assert c.rca[0, 0] == pytest.approx(2) and c.mcp.tolist() == [[1, 0], [0, 1]] and c.proximity[0, 1] == 0
    c = compute(["甲", "乙", "丙"], ["a", "b"], np.array([[50, 50], [10, 90], [60, 40]]))
    ub = c.ubiquity
    expected = (c.mcp[:, 0] * c.mcp[:, 1]).sum() / max(ub[0], ub[1])
    assert c.proximity[0, 1] == pytest.approx(expected)


def test_a_region_with_no_advantage_has_no_complexity():
    x = np.array(REF["x"])
    x[0] = 0  # the first region produces nothing
    c = compute(REF["regions"], REF["industries"], x)
    assert c.diversity[0] == 0 and np.isnan(c.eci[0])
    assert np.isfinite(c.eci[1:]).all() and c.density[0].sum() == 0


def test_bad_matrices_are_refused_in_chinese():
    with pytest.raises(ValueError, match="负数"):
        compute(["甲"], ["a"], np.array([[-1.0]]))
    with pytest.raises(ValueError, match="行"):
        compute(["甲", "乙"], ["a"], np.array([[1.0]]))


def test_recommendations_rank_by_density_and_say_why():
    c = compute(REF["regions"], REF["industries"], np.array(REF["x"]))
    region = REF["regions"][0]
    recs = opportunities(c, region, k=5)
    r = REF["regions"].index(region)
    held = {p for j, p in enumerate(REF["industries"]) if c.mcp[r, j]}
    assert recs and all(o.industry not in held for o in recs)
    assert [o.density for o in recs] == sorted((o.density for o in recs), reverse=True)
    top = recs[0]
    assert top.near_held == sum(1 for n in top.nearest if n in held)
    assert top.explain(region).startswith(f"{region}已具备与“{top.industry}”最接近的5个产业中的{top.near_held}个")
