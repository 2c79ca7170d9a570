"""The project library (RULES.md §5, HG-P-1, YY-P-1…3, XN-GS-8/9, XN-JG-1/2): every industrial project from signing to
production, its milestones (XN-XM-3), its colour (XN-XM-4) and monthly grade (XN-XM-5), and the problems raised on it
(一单三制, YY-P-2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chanye.core.scoping import ScopedManager


class ProjectKind(models.TextChoices):
    NEW = "new", "新招引（增量）"
    UPGRADE = "upgrade", "技改（存量）"


class ProjectList(models.TextChoices):  # HG-P-1
    PLANNING = "planning", "谋划类"
    PREPARATORY = "preparatory", "前期类"
    NEW_BUILD = "new_build", "新建类"
    CONTINUING = "continuing", "续建类"


class ProjectType(models.TextChoices):  # YY-P-1
    INDUSTRY = "industry", "产业发展"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    LIVELIHOOD = "livelihood", "民生环保"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "入库未签约"
    SIGNED = "signed", "已签约未开工"
    BUILDING = "building", "开工在建"
    PRODUCING = "producing", "建成投产"
    EXITED = "exited", "退出"


class Colour(models.TextChoices):  # XN-XM-4, high to low
    GREEN = "green", "绿"
    BLUE = "blue", "蓝"
    YELLOW = "yellow", "黄"
    RED = "red", "红"


COLOUR_OF_STATUS = {
    ProjectStatus.PLANNED: Colour.YELLOW,
    ProjectStatus.SIGNED: Colour.YELLOW,
    ProjectStatus.BUILDING: Colour.BLUE,
    ProjectStatus.PRODUCING: Colour.GREEN,
    ProjectStatus.EXITED: Colour.RED,
}
# XN-XM-4's precedence: the first of these dates reached decides the status (退出 > 投产 > 开工在建 > 签约), else 谋划.
# `services.status_on` (one project) and `stats.colour_at` (SQL over many) both read this list.
STATUS_BY_DATE: tuple[tuple[ProjectStatus, str], ...] = (
    (ProjectStatus.EXITED, "exited_on"),
    (ProjectStatus.PRODUCING, "producing_on"),
    (ProjectStatus.BUILDING, "started_on"),
    (ProjectStatus.SIGNED, "signed_on"),
)
COLOUR_HEX = {Colour.GREEN: "#198754", Colour.BLUE: "#0d6efd", Colour.YELLOW: "#ffc107", Colour.RED: "#dc3545"}


class Project(models.Model):
    code = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    investor = models.CharField("投资主体", max_length=200, blank=True)  # when not (yet) registered
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    park = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="园区"
    )
    industry = models.ForeignKey("industry.Industry", null=True, blank=True, on_delete=models.SET_NULL)
    cluster = models.ForeignKey("industry.Cluster", null=True, blank=True, on_delete=models.SET_NULL)
    chain_node = models.CharField("产业链环节", max_length=60, blank=True)
    kind = models.CharField("项目性质", max_length=10, choices=ProjectKind.choices, default=ProjectKind.NEW)
    list_kind = models.CharField("项目清单", max_length=12, choices=ProjectList.choices, default=ProjectList.NEW_BUILD)
    project_type = models.CharField(
        "项目类型", max_length=16, choices=ProjectType.choices, default=ProjectType.INDUSTRY
    )
    investment = models.DecimalField("总投资(亿元)", max_digits=12, decimal_places=4)
    signed_on = models.DateField("签约日期", null=True, blank=True, db_index=True)
    started_on = models.DateField("开工日期", null=True, blank=True, db_index=True)
    producing_on = models.DateField("投产日期", null=True, blank=True, db_index=True)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_reason = models.TextField("退出说明", blank=True)  # XN-XM-4: red only with a written explanation
    exit_unit = models.CharField("退出说明单位", max_length=80, blank=True)
    expected_output = models.DecimalField("预计新增产值(万元)", max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=ProjectStatus.choices, db_index=True)
    colour = models.CharField("四色", max_length=6, choices=Colour.choices, db_index=True)
    grade = models.PositiveSmallIntegerField("管理档次", default=3)  # XN-XM-5, 1 = lowest
    rectify_by = models.DateField("限期整改至", null=True, blank=True)
    rectify_since = models.DateField("整改要求下达日期", null=True, blank=True)
    rectify_note = models.CharField("整改要求", max_length=300, blank=True)
    leader = models.CharField("包保领导", max_length=60, blank=True)  # XN-XM-6
    secretaries = models.JSONField("项目秘书", default=list, blank=True)  # 1–3 names, XN-XM-6
    steward = models.CharField("项目管家", max_length=60, blank=True)
    responsible_unit = models.CharField("责任单位", max_length=80, blank=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_region_paths = ("county", "park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["county", "-investment"]
        indexes = [models.Index(fields=["county", "colour"])]
        verbose_name = "项目"
        verbose_name_plural = "项目"

    def __str__(self) -> str:
        return self.name

    @property
    def investor_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.investor


class Milestone(models.Model):
    """One of the 12 milestones (XN-XM-3): planned from the pack's rules, editable per project, with the actual date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField("序号")
    code = models.CharField("环节编号", max_length=30)
    name = models.CharField("环节", max_length=60)
    planned_on = models.DateField("计划完成", null=True, blank=True, db_index=True)
    actual_on = models.DateField("实际完成", null=True, blank=True)
    planned_edited = models.BooleanField("计划已手工调整", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_project_milestone")]
        verbose_name = "项目节点"
        verbose_name_plural = "项目节点"

    def __str__(self) -> str:
        return f"{self.project} {self.name}"


class GradeChange(models.TextChoices):
    UP = "up", "升档"
    DOWN = "down", "降档"
    HOLD = "hold", "保持"
    RECTIFY = "rectify", "限期整改"
    NONE = "none", "不评"


class ProjectMonth(models.Model):
    """A project's colour and grade as of one month (the colour history and the monthly grading, XN-XM-5)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="months")
    month = models.DateField("月份", db_index=True)
    status = models.CharField("状态", max_length=10, choices=ProjectStatus.choices)
    colour = models.CharField("四色", max_length=6, choices=Colour.choices)
    grade = models.PositiveSmallIntegerField("管理档次")
    change = models.CharField("档次变化", max_length=8, choices=GradeChange.choices)
    on_schedule = models.BooleanField("达到时序进度")
    overdue = models.PositiveSmallIntegerField("逾期节点数", default=0)

    class Meta:
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="uniq_project_month")]
        verbose_name = "项目月度评定"
        verbose_name_plural = "项目月度评定"

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"


class IssueStatus(models.TextChoices):
    OPEN = "open", "待交办"
    ASSIGNED = "assigned", "已交办"
    CLOSED = "closed", "已销号"


class ProjectIssue(models.Model):
    """A problem on a project (问题清单, 一单三制 YY-P-2): 交办 to a department with a due date, 督查 while open,
    销号 only with a note and evidence."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="issues")
    raised_on = models.DateField("提出日期")
    content = models.TextField("问题")
    department = models.CharField("责任单位", max_length=80, blank=True)
    due_on = models.DateField("办结时限", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closing_note = models.TextField("办理结果", blank=True)
    evidence = models.FileField("佐证材料", upload_to="issue-evidence/%Y/%m/", blank=True)
    evidence_text = models.CharField("佐证说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_region_paths = ("project__county", "project__park")
    scope_enterprise_path = "project__enterprise"

    class Meta:
        ordering = ["status", "due_on"]
        verbose_name = "项目问题"
        verbose_name_plural = "项目问题"

    def __str__(self) -> str:
        return self.content[:30]


class IssueEventKind(models.TextChoices):
    RAISE = "raise", "提出"
    ASSIGN = "assign", "交办"
    REMIND = "remind", "提醒"
    SUPERVISE = "supervise", "督查"
    CLOSE = "close", "销号"


class IssueEvent(models.Model):
    issue = models.ForeignKey(ProjectIssue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=10, choices=IssueEventKind.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issue", "created_at"]
        verbose_name = "问题办理记录"
        verbose_name_plural = "问题办理记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
