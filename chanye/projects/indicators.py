"""The project library's indicators in the catalogue (computed by `projects.stats.project_indicator_values`,
stored by targets): registered from `ProjectsConfig.ready`."""

from __future__ import annotations

from chanye.core.indicators import Indicator

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "techrenovation_project_count",
        "技改项目数",
        "个",
        "当年入库（签约；未签约的按登记日期）且未退出的技改项目中，总投资达门槛（params.min_investment，单位"
        "params.min_investment_unit）的项目数（项目库计算）",
        params=("min_investment", "min_investment_unit"),
        rules=("XN-JG-1", "XN-JG-2"),
        aliases=("技改项目",),
    ),
    Indicator(
        "growth_point_count",
        "工业增长点项目数",
        "个",
        "当年入库（签约；未签约的按登记日期）且未退出、预计新增产值达门槛（阈值 growth_point_expected_output，"
        "2000万元）的项目数（项目库计算）",
        rules=("XN-GS-9",),
        aliases=("工业增长点", "增长点"),
    ),
    Indicator(
        "projects_started_count",
        "开工项目数",
        "个",
        "开工日期在当年的工业项目数（项目库计算）",
        rules=("HG-T-2",),
        aliases=("开工",),
    ),
    Indicator(
        "projects_producing_count",
        "投产项目数",
        "个",
        "投产日期在当年的工业项目数（项目库计算）",
        rules=("XN-GS-8", "HG-T-2"),
        aliases=("投产",),
    ),
    Indicator(
        "key_projects_landed_count",
        "落地重点工业项目数",
        "个",
        "签约日期在当年的工业项目数（签约即落地；项目库计算）",
        rules=("XN-GS-8",),
        aliases=("落地",),
    ),
    Indicator(
        "project_count_investment_over",
        "投资超过门槛的项目数",
        "个",
        "当年实施（已入库、未退出、年初尚未投产）且总投资达门槛（params.threshold 亿元，不足 params.below 亿元，"
        "类型 params.project_type）的项目数（项目库计算）",
        params=("threshold", "below", "project_type"),
        rules=("YY-T-1", "YY-P-1"),
        aliases=("十亿级项目", "项目"),
    ),
    Indicator(
        "key_project_reserve_count",
        "重点工业项目储备数",
        "个",
        "当年入库（签约；未签约的按登记日期）且未退出的工业项目数（项目库计算）",
        rules=("XN-GS-8",),
        aliases=("储备重点工业项目",),
    ),
    Indicator(
        "growth_point_reserve_count",
        "每年储备工业新增长点项目数",
        "个",
        "当年入库且未退出、预计新增产值达门槛的增长点项目数（区县口径，同 growth_point_count；项目库计算）",
        rules=("XN-GS-9",),
    ),
    Indicator(
        "growth_point_expected_output",
        "增长点预计新增产值",
        "亿元",
        "当年入库且未退出的增长点项目预计新增产值合计（项目库计算）",
        rules=("XN-GS-9",),
        aliases=("新增产值",),
    ),
)
