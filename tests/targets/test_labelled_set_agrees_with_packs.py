"""The extractor's labelled set (tests/data/targets_labelled.jsonl, built by scripts/build_labelled_set.py from the
packs) says what the packs say for the same sentence: the indicator and the recognition level a pack's target now uses
(HG-T-2 集群规上工业企业数新增10% is above_scale_count_growth; XN-CL-3 国家级制造业单项冠军 is single_champion_count
at level national). Sentences of a rule no pack target carries (XN-LZ-1's 1—3家链主企业) are not compared."""

from __future__ import annotations

import json
from decimal import Decimal

from chanye.industry import schema
from tests.conftest import ROOT

LABELS = ROOT / "tests" / "data" / "targets_labelled.jsonl"


def _pack_targets() -> list[schema.TargetSpec]:
    return [t for path in sorted((ROOT / "packs").glob("*.yaml")) for t in schema.read(path).targets]


def test_every_labelled_sentence_carries_the_indicator_and_level_of_its_pack_target():
    targets = _pack_targets()
    rules = {t.rule for t in targets}
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    compared, disagree = 0, []
    for lab in labels:
        if lab["rule"] not in rules:
            continue
        same = [
            t
            for t in targets
            if t.rule == lab["rule"] and t.source_text == lab["sentence"] and t.value == Decimal(lab["value"])
        ]
        assert same, f"no pack target for «{lab['sentence']}» {lab['value']}"
        compared += 1
        if (lab["indicator"], lab["params"].get("level")) not in {(t.indicator, t.params.get("level")) for t in same}:
            disagree.append((lab["rule"], lab["sentence"], lab["indicator"], [t.code for t in same]))
    assert disagree == []
    assert compared == len(labels) - 23  # the 23 XN-LZ-1 sentences are the only ones no pack target carries


def test_the_two_sentences_the_packs_moved_to_a_new_series():
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    growth = next(lab for lab in labels if lab["sentence"] == "力争每年集群规上工业企业数新增10%以上")
    assert (growth["indicator"], growth["comparator"], growth["per_year"]) == (
        "above_scale_count_growth",
        "increase_by",
        True,
    )
    champions = [lab for lab in labels if lab["sentence"] == "全市培育国家级制造业单项冠军10家"]
    assert {lab["doc"] for lab in champions} == {"000", "001"}  # the draft and the final cluster plan
    assert all(
        (lab["indicator"], lab["params"]) == ("single_champion_count", {"level": "national"}) for lab in champions
    )
