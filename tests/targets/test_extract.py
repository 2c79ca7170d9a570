"""Targets from policy text: comparators, years, per-year, thresholds, ranges, rewards, and precision/recall."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from chanye.targets.extract import extract_rewards, extract_targets
from tests.conftest import ROOT


def one(text: str):
    (p,) = extract_targets(text)
    return p


@pytest.mark.parametrize(
    ("text", "value", "comparator"),
    [
        ("力争全市规上工业企业达到1000家以上。", "1000", ">="),
        ("规模以上工业总产值突破2200亿元。", "2200", ">"),
        ("高新技术企业占比超过60%。", "60", ">"),
        ("到2027年，工业固体废物产生量控制在300万吨以内。", "300", "<="),
        ("到2027年，培育省级专精特新企业50家。", "50", ">="),
        ("力争制造业投资不低于300亿元。", "300", ">="),
    ],
)
def test_comparator_words_follow_the_legal_reading(text, value, comparator):
    p = one(text)
    assert (p.value, p.comparator) == (value, comparator)


def test_growth_and_decline_targets():
    up = one("力争工业投资年均增长10%以上。")
    assert (up.value, up.unit, up.comparator, up.per_year) == ("10", "%", "increase_by", True)
    down = one("到2027年，单位工业增加值能耗下降13.5%。")
    assert (down.value, down.comparator, down.year, down.indicator) == (
        "13.5",
        "decrease_by",
        2027,
        "energy_intensity_change",
    )


def test_year_from_the_sentence_or_the_paragraph_before():
    props = extract_targets("到2030年，主要目标如下：\n全市规上工业企业总数突破2000家。\n国家级单项冠军10家。")
    assert [(p.value, p.year) for p in props] == [("2000", 2030), ("10", 2030)]


def test_per_year_targets_have_no_deadline_year():
    p = one("到2030年，每年新增规上工业企业300家以上。")
    assert p.per_year and p.year is None and p.indicator in ("above_scale_new_count", "above_scale_count")


def test_several_targets_in_one_sentence_and_thresholds_as_params():
    props = extract_targets("到2030年，营收超100亿元的企业5家、超50亿元的企业20家、超10亿元的企业50家。")
    assert [(p.value, p.params.get("threshold")) for p in props] == [("5", "100"), ("20", "50"), ("50", "10")]
    assert all(p.indicator == "enterprise_count_revenue_over" and p.comparator == ">=" for p in props)


def test_qualifiers_years_names_and_rule_numbers_are_not_targets():
    assert extract_targets("年主营业务收入2000万元以上的工业企业为规上企业。") == []
    assert extract_targets("依托同发机电等28家企业，发展高效节能电机。") == []
    assert extract_targets("根据民法典第1259条，“5+4”产业体系于2025年提出。") == []


def test_ranges_take_the_lower_bound_and_keep_the_upper():
    p = one("每个重点产业遴选培育1—3家链主企业。")
    assert (p.value, p.unit, p.params) == ("1", "家", {"upper": "3"})


def test_county_scope_from_a_leading_county_name():
    p = one("1.咸安区：力争每年新增规上工业企业不少于45家。")
    assert p.scope == "咸安区" and p.value == "45" and p.per_year


def test_reward_amounts_are_not_targets_and_rewards_are_extracted_with_caps():
    text = "对首次进入规上的企业，给予一次性奖励8万元。技改项目按设备投资的8%给予补助，单个项目最高不超过500万元。"
    assert extract_targets(text) == []
    rewards = extract_rewards(text)
    assert [(r.amount, r.rate, r.cap) for r in rewards] == [("8", None, None), (None, "8", "500")]


def test_other_cities_style_sentences():
    cases = {
        "到2027年，全市规上工业企业达到1000家以上": ("1000", "家", ">=", 2027),
        "力争到2026年，数字化转型覆盖率达到80%": ("80", "%", ">=", 2026),
        "培育国家级专精特新“小巨人”企业10家": ("10", "家", ">=", None),
        "工业技改投资年均增长15%": ("15", "%", "increase_by", None),
        "到2025年，全县工业总产值突破500亿元": ("500", "亿元", ">", 2025),
        "新建5G基站不少于300个": ("300", "个", ">=", None),
    }
    for text, want in cases.items():
        p = one(text)
        assert (p.value, p.unit, p.comparator, p.year) == want, text


SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents sit beside the repository")
def test_precision_and_recall_on_the_labelled_seeds_stay_above_the_floor(capsys):
    sys.path.insert(0, str(ROOT / "scripts"))
    from extract_eval import evaluate, evaluate_rewards

    r = evaluate()
    rw = evaluate_rewards()
    with capsys.disabled():
        for doc, v in r.items():
            print(f"\n  targets {doc}: precision {v['precision']:.2f} recall {v['recall']:.2f}", end="")
        print(f"\n  rewards: precision {rw['precision']:.2f} recall {rw['recall']:.2f}")
    assert r["all"]["precision"] >= 0.85 and r["all"]["recall"] >= 0.80
    assert rw["precision"] >= 0.75 and rw["recall"] >= 0.90


@pytest.mark.parametrize("which", ["other", "heldout"])
def test_precision_and_recall_on_texts_of_other_provinces_and_cities(which, capsys):
    """Texts of other provinces labelled by reading before any extractor run: tests/data/policy_other (15 texts, used
    while developing) and tests/data/policy_heldout (15 more, measured once before any change made for them). A floor
    under today's figures, so that a change that helps the seeds but hurts other cities' wording fails here."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from extract_eval import evaluate, evaluate_rewards

    r = evaluate(other=which)["all"]
    rw = evaluate_rewards(other=which)
    with capsys.disabled():
        print(f"\n  {which} targets: precision {r['precision']:.2f} recall {r['recall']:.2f}", end="")
        print(f"\n  {which} rewards: precision {rw['precision']:.2f} recall {rw['recall']:.2f}")
    assert r["precision"] >= 0.85 and r["recall"] >= 0.88
    assert rw["precision"] >= 0.9 and rw["recall"] >= 0.9


@pytest.mark.django_db
def test_cli_prints_json_lines(tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("到2030年，全市规上工业企业总数突破2000家。", encoding="gb18030")
    out = io.StringIO()
    call_command("policy", "extract", str(f), stdout=out)
    (row,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (row["value"], row["comparator"], row["year"], row["indicator"]) == ("2000", ">", 2030, "above_scale_count")
