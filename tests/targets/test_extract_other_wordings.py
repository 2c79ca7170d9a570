"""Targets and rewards from wordings the seed cities do not use (issue 14's failure classes): plan periods as deadline
years, past facts and news framing that are not targets, compound units, 左右, lists sharing one verb and lines
broken inside a sentence by page layout. The sentences are written for these tests, not taken from a labelled set."""

from __future__ import annotations

from chanye.targets.extract import extract_rewards, extract_targets


def got(text: str) -> list[tuple[str, str, str, int | None]]:
    return [(p.value, p.unit, p.comparator, p.year) for p in extract_targets(text)]


def test_plan_periods_are_deadline_years():
    assert got("到“十四五”末，全省规模以上工业企业达到2万家。") == [("2", "万家", ">=", 2025)]
    assert got("“十四五”期末，规上工业增加值年均增长8%以上，数字经济核心产业增加值突破900亿元。")[1:] == [
        ("900", "亿元", ">", 2025)
    ]
    assert got("到“十五五”末，培育千亿级产业集群3个。") == [("3", "个", ">=", 2030)]


def test_within_n_years_counts_from_the_document_date():
    text = "某市人民政府办公室\n2024年3月8日\n力争5年内，全市高新技术企业突破1000家。"
    assert got(text) == [("1000", "家", ">", 2029)]


def test_a_three_year_action_plan_runs_to_its_last_year():
    text = "某县制造业倍增三年行动方案（2024—2026年）\n一、主要目标\n规上工业企业净增50家以上。"
    assert got(text) == [("50", "家", ">=", 2026)]


def test_past_facts_are_not_targets():
    assert got("目前已培育国家级专精特新“小巨人”企业286家。") == []
    assert got("2020年、2021年累计完成产值398.8亿元，年均增长12.3%。") == []
    assert got("截至2023年底，全市规上工业企业已达1520家。") == []
    assert got("2022年首批认定市级产业链链主企业100家。") == []


def test_news_framing_and_counts_of_measures_are_not_targets():
    assert got("记者从市经信局了解到，今年以来全市新增规上工业企业86家。") == []
    assert got("《若干措施》共20条，从五个方面支持企业发展。") == []
    # the policy's own goals reported in a news text are targets
    assert got("据介绍，到2027年，全市力争培育专精特新企业500家。") == [("500", "家", ">=", 2027)]


def test_compound_units_are_kept_whole():
    assert got("到2027年，全员劳动生产率达到40万元/人。") == [("40", "万元/人", ">=", 2027)]
    assert got("到2026年，新增工业互联网标识注册量1000万个，千兆宽带用户突破50万户。") == [
        ("1000", "万个", ">=", 2026),
        ("50", "万户", ">", 2026),
    ]


def test_about_is_neither_a_floor_nor_a_ceiling():
    assert got("到2025年，力争培育10个左右在全国有影响力的集群。") == [("10", "个", "=", 2025)]


def test_a_sentence_broken_by_the_page_layout_is_read_whole():
    text = "到2027年，全市规模以上工业总产值\n突破3000亿元，规上工业企业达到\n1200家以上。"
    assert got(text) == [("3000", "亿元", ">", 2027), ("1200", "家", ">=", 2027)]


def test_rewards_listing_several_amounts_under_one_verb():
    text = "对新认定的国家级、省级、市级专精特新企业，分别给予60万元、30万元、10万元一次性奖励。"
    assert [r.amount for r in extract_rewards(text)] == ["60", "30", "10"]
    broken = "对当年首次纳入规上统计的工业企业，给予一次性奖励\n10万元。"
    assert [(r.amount, r.amount_unit) for r in extract_rewards(broken)] == [("10", "万元")]


def test_a_web_page_date_dates_this_year():
    text = "市经信局召开新闻发布会\n发布时间：2023-02-16 09:30\n今年，全市力争新增规上工业企业150家。"
    assert got(text) == [("150", "家", ">=", 2023)]


def test_reward_conditions_stated_plainly_are_proposed_as_pack_data():
    tiers = extract_rewards(
        "对年主营业务收入首次突破10亿元、30亿元、50亿元的企业，分别给予30万元、50万元、80万元一次性奖励。"
    )
    assert [(r.amount, r.when) for r in tiers] == [
        ("30", {"kind": "revenue_first_over", "value": "10", "unit": "亿元", "comparator": ">"}),
        ("50", {"kind": "revenue_first_over", "value": "30", "unit": "亿元", "comparator": ">"}),
        ("80", {"kind": "revenue_first_over", "value": "50", "unit": "亿元", "comparator": ">"}),
    ]
    (entry,) = extract_rewards("对首次纳入规上统计的工业企业，给予一次性奖励10万元。")
    assert entry.when == {"kind": "scale_first_entry", "years": 0}
    levels = extract_rewards("对新认定的国家级、省级专精特新企业，分别给予60万元、30万元奖励。")
    assert [r.when for r in levels] == [
        {"kind": "honour", "honours": ["specialized:national"]},
        {"kind": "honour", "honours": ["specialized:provincial"]},
    ]
    (rate,) = extract_rewards("技改项目按设备投资的8%给予补助，单个项目最高不超过500万元。")
    assert rate.when is None  # the base is a fact the author declares: not guessed
