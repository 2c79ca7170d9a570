from __future__ import annotations

from django.conf import settings
from django.db import models

from chanye.core.scoping import ScopedManager


class AlertKind(models.TextChoices):
    APPROACH = "approach", "接近规上门槛"  # XN-GS-6
    REACHED = "reached", "达到规上门槛"  # XN-GS-6
    EXIT_RISK = "exit_risk", "退规风险预警"  # XN-GS-7


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已签收"
    SUPPORTING = "supporting", "帮扶中"
    RESOLVED = "resolved", "已办结"
    DISMISSED = "dismissed", "已排除"


# The workflow: which status may follow which (anything else is refused).
TRANSITIONS = {
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.DISMISSED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.SUPPORTING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.SUPPORTING: {AlertStatus.RESOLVED},
    AlertStatus.RESOLVED: set(),
    AlertStatus.DISMISSED: set(),
}


class Alert(models.Model):
    """A warning about one enterprise raised by the monthly analysis, tracked until it is closed."""

    kind = models.CharField("类型", max_length=12, choices=AlertKind.choices, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="alerts")
    month = models.DateField("月份", db_index=True)
    status = models.CharField(
        "状态", max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    measure = models.DecimalField("依据值(万元)", max_digits=18, decimal_places=4, null=True)
    reference = models.DecimalField("对比值(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    change_pct = models.DecimalField("变化(%)", max_digits=9, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField("门槛", max_digits=18, decimal_places=4, null=True, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)
    reason = models.CharField("排除/办结说明", max_length=300, blank=True)
    rule = models.CharField("规则编号", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["-month", "kind", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["kind", "enterprise", "month"], name="uniq_alert_kind_month")]
        verbose_name = "预警"
        verbose_name_plural = "预警"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise} {self.month:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING)


class SupportAction(models.Model):
    """A support action (帮扶) recorded on an alert."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    on = models.DateField("日期")
    description = models.TextField("帮扶内容")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = "帮扶记录"
        verbose_name_plural = "帮扶记录"

    def __str__(self) -> str:
        return self.description[:30]


class AnalysisRun(models.Model):
    """The last run of one month's analysis; a run started from the web shows its stage while it works."""

    class Status(models.TextChoices):
        RUNNING = "running", "分析中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    month = models.DateField("月份", unique=True)
    counts = models.JSONField("结果", default=dict)
    seconds = models.FloatField("用时(秒)", default=0)
    finished_at = models.DateTimeField(auto_now=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DONE)
    stage = models.CharField("阶段", max_length=40, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = "月度分析"
        verbose_name_plural = "月度分析"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class CandidateSource(models.TextChoices):
    REVENUE = "revenue", "营收达1000万元"
    PROJECT = "project", "新投产项目"
    MANUAL = "manual", "手工纳入"


class Candidate(models.Model):
    """A firm in the candidate pool (拟进规培育库, XN-GS-4): not yet 规上, cultivated towards entry."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="candidacies")
    source = models.CharField("入库依据", max_length=10, choices=CandidateSource.choices)
    added_month = models.DateField("入库月份")
    revenue_12m = models.DecimalField("近12个月营收(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    planned_entry = models.DateField("计划入规时间", null=True, blank=True)
    left_on = models.DateField("出库日期", null=True, blank=True)
    left_reason = models.CharField("出库原因", max_length=100, blank=True)

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["-added_month", "enterprise"]
        verbose_name = "培育库企业"
        verbose_name_plural = "培育库企业"

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_source_display()}"


class LeaderStatus(models.TextChoices):
    APPLIED = "applied", "已申报"
    REVIEWING = "reviewing", "评审中"
    NOTICE = "notice", "公示中"
    LISTED = "listed", "已入库（链主企业）"
    REJECTED = "rejected", "未通过"
    REVOKED = "revoked", "已撤销"


class ChainLeader(models.Model):
    """A chain-leader application and, once approved, the listing (XN-LZ-1, XN-LZ-9 链主企业库)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="leaderships")
    industry = models.ForeignKey("industry.Industry", on_delete=models.PROTECT, related_name="leaders")
    status = models.CharField("状态", max_length=10, choices=LeaderStatus.choices, default=LeaderStatus.APPLIED)
    applied_on = models.DateField("申报日期")
    score = models.DecimalField("评审得分", max_digits=6, decimal_places=2, null=True, blank=True)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    reason = models.CharField("说明", max_length=300, blank=True)
    # XN-LZ-11: the lead bank (主办银行) is the chain's (`chains.Chain.lead_bank`), shown here through the chain

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["industry", "-score"]
        verbose_name = "链主企业"
        verbose_name_plural = "链主企业"

    def __str__(self) -> str:
        return f"{self.industry} {self.enterprise}"


class LeaderReview(models.Model):
    """One reviewer's scores for one application (0–100 per criterion of the pack)."""

    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField("分项得分")
    total = models.DecimalField("加权得分", max_digits=6, decimal_places=2)
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["leader", "reviewer"], name="uniq_leader_reviewer")]
        verbose_name = "链主评审"
        verbose_name_plural = "链主评审"

    def __str__(self) -> str:
        return f"{self.leader} {self.total}"


class LeaderObjection(models.Model):
    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容")
    upheld = models.BooleanField("异议成立", null=True)
    resolution = models.CharField("处理结果", max_length=300, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return self.content[:30]


class OfficialRank(models.TextChoices):
    SECTION = "section", "科级及以下"
    DEPUTY_COUNTY = "deputy_county", "副县级"
    COUNTY = "county", "正县级"
    BUREAU = "bureau", "厅级及以上"


class LeaderOfficial(models.Model):
    """The 包保 official of a chain leader (XN-LZ-10: deputy county level or above), kept with its period."""

    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="officials")
    name = models.CharField("包保领导", max_length=40)
    post = models.CharField("职务", max_length=80)
    rank = models.CharField("级别", max_length=16, choices=OfficialRank.choices)
    since = models.DateField("包保开始")
    until = models.DateField("包保结束", null=True, blank=True)

    class Meta:
        ordering = ["-since"]
        verbose_name = "包保领导"
        verbose_name_plural = "包保领导"

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"


class LeaderVisit(models.Model):
    """A monthly visit of the 包保 official to the chain leader (XN-LZ-10)."""

    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="visits")
    on = models.DateField("走访日期", db_index=True)
    official = models.CharField("走访领导", max_length=40)
    summary = models.TextField("走访情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on"]
        verbose_name = "包保走访"
        verbose_name_plural = "包保走访"

    def __str__(self) -> str:
        return f"{self.leader.enterprise} {self.on:%Y-%m-%d}"


class DemandStatus(models.TextChoices):
    OPEN = "open", "待交办"
    HANDLING = "handling", "办理中"
    CLOSED = "closed", "已办结"


DEMAND_TRANSITIONS = {
    DemandStatus.OPEN: {DemandStatus.HANDLING},
    DemandStatus.HANDLING: {DemandStatus.CLOSED},
    DemandStatus.CLOSED: set(),
}


class LeaderDemand(models.Model):
    """A demand (诉求) the enterprise raised, tracked to closure (XN-LZ-10): open → handling (交办) → closed (办结)."""

    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="demands")
    visit = models.ForeignKey(LeaderVisit, null=True, blank=True, on_delete=models.SET_NULL, related_name="demands")
    raised_on = models.DateField("提出日期")
    content = models.TextField("诉求内容")
    department = models.CharField("承办单位", max_length=80, blank=True)
    due_on = models.DateField("办理时限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    response = models.TextField("办理结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_region_paths = ("leader__enterprise__county", "leader__enterprise__park")
    scope_enterprise_path = "leader__enterprise"

    class Meta:
        ordering = ["status", "-raised_on"]
        verbose_name = "链主企业诉求"
        verbose_name_plural = "链主企业诉求"

    def __str__(self) -> str:
        return self.content[:30]


class ActivityKind(models.TextChoices):
    PROJECT = "project", "引进项目"  # XN-LZ-3: investment over 5000万
    SUPPLIER = "supplier", "引进核心配套企业"  # XN-LZ-3
    MNA = "mna", "兼并重组"  # XN-LZ-4: 3000万 or more
    MATCHMAKING = "matchmaking", "产供销对接活动"  # XN-LZ-5


class LeaderActivity(models.Model):
    """One thing a chain leader did towards its yearly duties (XN-LZ-3/4/5)."""

    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("类型", max_length=12, choices=ActivityKind.choices)
    on = models.DateField("日期")
    name = models.CharField("名称", max_length=200)
    amount = models.DecimalField("金额(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    counterpart = models.CharField("对方/地点", max_length=200, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on"]
        verbose_name = "链主企业履职事项"
        verbose_name_plural = "链主企业履职事项"

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    UPSTREAM = "upstream", "上游（供应商）"
    DOWNSTREAM = "downstream", "下游（客户）"


class SupplierRelation(models.Model):
    """A declared direct upstream/downstream relation of a chain leader for a year (XN-LZ-2 本地化配套率).

    A partner found in the registry is local by definition; an outside partner is local only if declared so."""

    leader = models.ForeignKey(ChainLeader, on_delete=models.CASCADE, related_name="relations")
    year = models.PositiveIntegerField("年度", db_index=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices)
    partner_name = models.CharField("配套企业", max_length=200)
    partner = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_local = models.BooleanField("本地企业")
    amount = models.DecimalField("年采购/销售额(万元)", max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["direction", "-amount"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "year", "direction", "partner_name"], name="uniq_leader_relation")
        ]
        verbose_name = "配套关系"
        verbose_name_plural = "配套关系"

    def __str__(self) -> str:
        return self.partner_name


class SubsidyKind(models.TextChoices):
    MNA_COST = "mna_cost", "兼并重组费用补助"  # XN-LZ-6
    FUND_EQUITY = "fund_equity", "政府投资基金入股"  # XN-LZ-7
    EVENT = "event", "论坛/对接/产学研活动补贴"  # XN-LZ-8


class SubsidyClaim(models.Model):
    """An accepted subsidy claim; a claim that breaks XN-LZ-6/7/8 is refused and never stored (only audited)."""

    kind = models.CharField("类型", max_length=12, choices=SubsidyKind.choices)
    leader = models.ForeignKey(ChainLeader, null=True, blank=True, on_delete=models.CASCADE, related_name="claims")
    industry = models.ForeignKey("industry.Industry", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    project = models.CharField("项目/活动", max_length=200)
    cost = models.DecimalField("费用/投资基数(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField("金额(万元)", max_digits=18, decimal_places=4)
    equity_pct = models.DecimalField("本次持股比例(%)", max_digits=7, decimal_places=4, null=True, blank=True)
    largest_other_pct = models.DecimalField(
        "其他最大股东持股(%)", max_digits=7, decimal_places=4, null=True, blank=True
    )
    on = models.DateField("申请日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on"]
        verbose_name = "链主企业支持资金"
        verbose_name_plural = "链主企业支持资金"

    def __str__(self) -> str:
        return self.project
