"""The chain leaders' indicators in the catalogue (XN-LZ-2…5; computed by `cultivation.leader_indicators`,
stored by targets) and the candidate pool's (XN-GS-5; computed by `cultivation.pool_indicators`): registered from
`CultivationConfig.ready`."""

from __future__ import annotations

from chanye.core.indicators import Indicator

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "local_supporting_rate",
        "本地化配套率",
        "%",
        "链主企业直接上下游的本地配套比例",
        kind="reported",
        rules=("XN-LZ-2",),
        aliases=("本地化配套率", "配套率"),
    ),
    Indicator(
        "chain_leader_projects_introduced",
        "链主企业引进项目数",
        "个",
        "每家链主企业当年引进项目数",
        kind="reported",
        rules=("XN-LZ-3",),
    ),
    Indicator(
        "chain_leader_core_suppliers_introduced",
        "链主企业引进核心配套企业数",
        "家",
        "每家链主企业当年引进核心配套企业数",
        kind="reported",
        rules=("XN-LZ-3",),
    ),
    Indicator(
        "chain_leader_mna_projects",
        "链主企业并购项目数",
        "个",
        "每家链主企业当年并购项目数",
        kind="reported",
        rules=("XN-LZ-4",),
        aliases=("并购",),
    ),
    Indicator(
        "chain_leader_matchmaking_events",
        "链主企业产供销对接活动数",
        "场",
        "每家链主企业当年对接活动数",
        kind="reported",
        rules=("XN-LZ-5",),
    ),
    Indicator(
        "producing_firms_into_above_scale",
        "已投产企业入规数",
        "家",
        "培育库中定有计划入规时间（逐户入规时间表）的企业，入库后进入规上的家数（累计；培育库与规上名录计算）",
        rules=("XN-GS-5",),
        aliases=("已正式投产企业",),
    ),
)
