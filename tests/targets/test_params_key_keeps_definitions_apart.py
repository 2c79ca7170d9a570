"""`params_key`: each distinct definition of a parameterised indicator has its own key and equal ones share it
(issue 12). Every parameter the four cities' count targets write is one the engine computes with (FIDELITY D2: no
setting silently dropped), and every growth target names a rate, not a count (D4)."""

from __future__ import annotations

import pytest

from chanye.core.indicators import params_key
from chanye.industry import schema
from chanye.targets import definitions
from chanye.targets.catalogue import get
from tests.targets.engine_world import PACKS

E = "enterprise_count_revenue_over"
NOTES = {"threshold_unit"}  # written beside the threshold; the engine works in 亿元 (every pack's unit)
ENGINE_READS = {E, "cluster_count_revenue_over", "chain_leader_count_revenue_over", "recognised_cluster_count"}


def test_the_comparator_words_are_their_legal_readings():
    ge = {params_key(E, {"threshold": 100, "threshold_comparator": w}) for w in (">=", "以上", "达", "级", "≥")}
    gt = {params_key(E, {"threshold": 100, "threshold_comparator": w}) for w in (">", "超过", "突破", "过", None)}
    assert ge == {"threshold=100,threshold_comparator=>="}
    assert gt == {"threshold=100"}  # '>' is the catalogue's default: the key XN-CL-3 always had


def test_each_parameter_changes_the_key():
    base = {"threshold": 50, "threshold_comparator": ">="}
    keys = {
        params_key(E, base),
        params_key(E, {**base, "sector": "制造业"}),
        params_key(E, {**base, "sector": "农林牧渔业"}),
        params_key(E, {**base, "measure": "output"}),
        params_key(E, {**base, "threshold": 30}),
        params_key("cluster_count_revenue_over", {**base, "family": "pillar"}),
        params_key("cluster_count_revenue_over", {**base, "family": "other"}),
    }
    assert len(keys) == 7
    assert params_key(E, {**base, "measure": "产值"}) == params_key(E, {**base, "measure": "output"})
    assert params_key(E, {**base, "measure": "revenue", "threshold_unit": "亿元"}) == params_key(E, base)
    assert params_key("recognised_cluster_count", {"level": "provincial"}) == "level=provincial"
    assert params_key("above_scale_count_growth", {"in_clusters": True}) == "in_clusters=true"
    assert params_key("above_scale_count_growth", {"in_clusters": False}) == ""


@pytest.mark.parametrize("city", sorted(PACKS))
def test_every_count_parameter_the_packs_write_is_computed(city):
    for t in schema.read(PACKS[city]).targets:
        if t.indicator not in ENGINE_READS:
            continue
        declared = set(get(t.indicator).params)
        assert set(t.params) <= declared | NOTES, (t.code, set(t.params) - declared - NOTES)
        if t.indicator != "recognised_cluster_count":
            definitions.count_spec(t.indicator, t.params)  # raises on a value it cannot read


@pytest.mark.parametrize("city", sorted(PACKS))
def test_growth_targets_name_a_rate(city):
    for t in schema.read(PACKS[city]).targets:
        if t.comparator in ("increase_by", "decrease_by"):
            ind = get(t.indicator)  # a computed one must compute the rate; a reported one is reported as the rate
            assert t.unit == "%" and (ind is None or ind.kind == "reported" or ind.unit == "%"), t.code
