"""The demo project library's data tables: the projects the city's texts name, product words and name suffixes,
people's names, and the texts of delays, plan edits, issues, closings, evidence and exits that
`chanye.demo.projects` draws from."""

from __future__ import annotations

from typing import Any

from chanye.projects.models import ProjectKind, ProjectStatus

# The projects 咸宁's texts name, in the counties the texts give (seeds/000: 工业项目建设提速实施方案 — XN-GS-8's
# county lines "加快……等重点工业项目建设"; 工业企业达产增效 专栏2 — the 技改 projects with their investment; 产业集群
# 提升 — 杰睿美 in the 潘湾 chemical park, 咸安欧朗机械, 通城中聪). 华润电力's plant is in 赤壁 (demo realism only).
# stage: building = 开工在建, producing = 建成投产 (专栏2 "加快达产增效").
NAMED_PROJECTS: dict[str, list[dict[str, Any]]] = {
    "咸宁市": [
        {"county": "咸安区", "name": "永森硅业石英新材料项目", "investor": "永森硅业", "industry": "新材料"},
        {"county": "咸安区", "name": "博盛汽车零配件组装生产项目", "investor": "博盛汽车零配件", "industry": "装备"},
        {
            "county": "嘉鱼县",
            "name": "格霖威新材料10万吨生物降解材料生产线项目",
            "investor": "格霖威新材料",
            "industry": "新材料",
        },
        {"county": "嘉鱼县", "name": "嘉创半导体芯片生产项目", "investor": "嘉创半导体", "industry": "电子"},
        {
            "county": "赤壁市",
            "name": "灏科炭材料科高导热泡漾石墨和高性能碳纤维材料生产项目",
            "investor": "灏科炭材料科技",
            "industry": "新材料",
        },
        {"county": "赤壁市", "name": "恒谷生物果蔬饮品加工项目", "investor": "恒谷生物", "industry": "食品"},
        {
            "county": "通城县",
            "name": "宝通科技集成线路板产品生产线建设项目",
            "investor": "宝通科技",
            "industry": "电子",
        },
        {"county": "通城县", "name": "创芯电子智能穿戴产业生产项目", "investor": "创芯电子", "industry": "电子"},
        {"county": "崇阳县", "name": "城发新材料新型建筑材料制造项目", "investor": "城发新材料", "industry": "建材"},
        {
            "county": "崇阳县",
            "name": "优耐奇智能科技电子薄膜开关及印刷电路生产项目",
            "investor": "优耐奇智能科技",
            "industry": "电子",
        },
        {
            "county": "通山县",
            "name": "伦顶建筑科技新型建筑材料生产线项目",
            "investor": "伦顶建筑科技",
            "industry": "建材",
        },
        {"county": "通山县", "name": "通智智能电子类贴片项目", "investor": "通智智能电子", "industry": "电子"},
        {"county": "咸宁高新区", "name": "天府烤卤卤味食品生产项目", "investor": "天府烤卤食品", "industry": "食品"},
        {"county": "咸宁高新区", "name": "布莱德切割刀具项目", "investor": "布莱德切割刀具", "industry": "装备"},
        {
            "county": "嘉鱼县",
            "name": "金盛兰冶金515吨精品钢转型升级项目",
            "anchor": "金盛兰",
            "investor": "金盛兰冶金科技",
            "kind": ProjectKind.UPGRADE,
            "investment": "332",
            "industry": "建材",
        },
        {
            "county": "咸宁高新区",
            "name": "维达力科技改扩建消费电子玻璃PVD镀膜产线项目",
            "anchor": "维达力",
            "investor": "维达力科技",
            "kind": ProjectKind.UPGRADE,
            "investment": "30",
            "stage": ProjectStatus.PRODUCING,
            "industry": "电子",
        },
        {
            "county": "赤壁市",
            "name": "华润电力改扩建绿色低碳升级改造项目",
            "investor": "华润电力湖北",
            "kind": ProjectKind.UPGRADE,
            "investment": "15",
            "industry": "能源",
        },
        {
            "county": "咸宁高新区",
            "name": "南玻光电改扩建高端柔性折叠玻璃生产项目",
            "anchor": "南玻",
            "investor": "南玻光电玻璃",
            "kind": ProjectKind.UPGRADE,
            "investment": "8",
            "stage": ProjectStatus.PRODUCING,
            "industry": "新材料",
        },
        {
            "county": "嘉鱼县",
            "park": "潘湾化工园区",
            "name": "杰睿美电子化学品项目",
            "investor": "杰睿美电子化学品",
            "industry": "新材料",
        },
        {"county": "咸安区", "name": "欧朗机械低轨卫星地面终端项目", "investor": "欧朗机械", "industry": "低空"},
        {"county": "通城县", "name": "中聪走心机项目", "investor": "中聪精密机械", "industry": "装备"},
    ],
}

# Product words by a keyword of the industry's name, for generated project names.
PRODUCTS: list[tuple[str, list[str]]] = [
    ("食品", ["休闲食品", "预制菜", "新式饮品", "冷链食品", "桂花食品", "粮油精深加工"]),
    ("饮", ["茶饮料", "果蔬饮品", "植物蛋白饮料"]),
    ("电子", ["电子元器件", "集成线路板", "智能终端", "芯片封装测试", "显示模组", "电子薄膜开关"]),
    ("装备", ["智能装备", "汽车零部件", "高效节能电机", "起重运输机械", "精密数控机床", "工业机器人"]),
    ("机", ["机电设备", "精密零部件", "智能电机"]),
    ("新材料", ["电子化学品", "高性能复合材料", "生物降解材料", "石英新材料", "铝基新材料", "碳纤维材料"]),
    ("建材", ["绿色建材", "装配式建筑构件", "精品钢材", "新型墙体材料", "先进陶瓷"]),
    ("冶", ["精品钢材", "钢材精深加工", "有色金属压延"]),
    ("医药", ["中药饮片", "医用敷料", "医疗器械", "药用辅料", "生物制剂"]),
    ("健康", ["保健食品", "康复辅具", "智能护理床", "医用纺织品"]),
    ("能源", ["光伏组件", "储能电池", "输配电设备", "风电装备"]),
    ("低空", ["无人机整机", "无人机关键零部件", "卫星通信终端"]),
    ("纺织", ["苎麻纺织", "产业用纺织品", "功能性面料"]),
    ("化工", ["精细化工", "化工新材料"]),
]
GENERIC_PRODUCTS = ["新型材料", "智能制造", "精密零部件", "绿色食品", "电子元器件", "高端装备"]
NEW_SUFFIXES = ["生产线项目", "生产基地项目", "产业园项目", "智能制造项目", "研发及产业化项目", "扩能项目"]
UPGRADE_SUFFIXES = [
    "智能化改造项目",
    "技改扩能项目",
    "数字化车间改造项目",
    "绿色化改造项目",
    "生产线升级改造项目",
    "设备更新项目",
]
INFRA = ["标准化厂房建设项目", "园区道路及管网配套项目", "园区集中供热项目", "园区污水处理厂提标改造项目"]
LIVELIHOOD = ["工业固废综合利用项目", "工业污水集中处理项目", "园区生态修复项目"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = [
    "建国",
    "志强",
    "红梅",
    "海涛",
    "立新",
    "晓东",
    "卫东",
    "文军",
    "明",
    "华",
    "静",
    "磊",
    "洋",
    "敏",
    "涛",
    "婷",
    "勇",
]
DELAY_NOTES = ["受连续降雨影响延期", "用地报批手续滞后", "设计变更，重新审图", "施工单位调整", "设备到货延迟"]
EDIT_NOTES = ["经项目调度会同意调整计划", "土地调规后重新排期", "分期建设，二期节点顺延"]
ISSUES = [
    ("项目用地报批进度慢，影响按期开工", "自然资源和规划局"),
    ("施工临时用电尚未接入", "供电公司"),
    ("环评批复待办理", "生态环境局"),
    ("施工许可证办理材料不齐，需指导", "住建局"),
    ("投产前用工缺口较大，需组织专场招聘", "人社局"),
    ("项目贷款审批进度慢", "金融办"),
    ("进场道路未硬化，大型设备无法进场", "交通运输局"),
    ("天然气管道未接通", "住建局"),
    ("能耗指标不足", "发改局"),
    ("消防验收排期较晚", "住建局"),
]
CLOSINGS = [
    "已协调办结，企业确认问题解决",
    "相关部门现场办公，手续已办结",
    "已纳入专项计划并完成施工",
]
EVIDENCE = ["办结通知书及现场照片", "批复文件扫描件", "企业签字确认的办结回执", "调度会会议纪要"]
EXIT_REASONS = [
    "投资方资金链断裂，经多次调度仍无法落实建设资金，经研究同意退出项目计划。",
    "企业调整投资战略，项目终止实施，已与投资方解除投资协议并依法收回土地。",
    "项目签约后超过一年未开工，投资方无明确续建计划，按四色图管理办法列为退出（僵尸）项目。",
]
