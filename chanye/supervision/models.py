"""督办: the tasks a pack hands to responsible units (EZ-ORG-1, YY-ORG-1, HG tasks), each unit's progress reports with
evidence, and what each unit owes.

A responsible unit is a department (市经信局 …) or a county/park (`regions.Region`): “各区人民政府” in 鄂州's text is
every district, “葛店经开区管委会” is the 葛店经开区 unit — so a county officer sees and reports on the tasks their unit
shares. Task text, rule and units come from the pack; status, reports and the city's settings (deadline, cadence,
重点督办) are the platform's and survive a reload of the pack.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chanye.core.scoping import ScopedManager


class Cadence(models.TextChoices):
    NONE = "", "不定期"
    MONTH = "month", "按月"
    QUARTER = "quarter", "按季"
    YEAR = "year", "按年"


class TaskStatus(models.TextChoices):
    OPEN = "open", "未启动"
    DOING = "doing", "推进中"
    DONE = "done", "已完成"


class Department(models.Model):
    """A responsible unit that is not a county or park (市经信局, 领导小组办公室 …), as the pack names it."""

    name = models.CharField("名称", max_length=80, unique=True)
    code = models.CharField("编号", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "责任部门"
        verbose_name_plural = "责任部门"

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    code = models.CharField("编号", max_length=60, unique=True)
    label = models.CharField("任务", max_length=300)
    rule = models.CharField("规则编号", max_length=30, blank=True)
    source_text = models.TextField("原文", blank=True)
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    cadence = models.CharField("报送频次", max_length=10, choices=Cadence.choices, blank=True, default="")
    is_key = models.BooleanField("重点督办", default=False)
    settings_edited = models.BooleanField("时限与频次已由平台修改", default=False)
    is_active = models.BooleanField(default=True)
    pack = models.ForeignKey("industry.Pack", null=True, on_delete=models.SET_NULL, related_name="+")
    created_on = models.DateField("下达日期", auto_now_add=True)

    objects = ScopedManager()
    scope_region_paths = ("units__region",)
    scope_enterprise_path = None

    class Meta:
        ordering = ["code"]
        verbose_name = "督办任务"
        verbose_name_plural = "督办任务"

    def __str__(self) -> str:
        return self.label


class TaskUnit(models.Model):
    """One responsible unit of a task: a department or a county/park; `is_lead` for the 牵头单位."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField("牵头", default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "-is_lead", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_unit_department"),
            models.UniqueConstraint(fields=["task", "region"], name="task_unit_region"),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) ^ models.Q(region__isnull=False), name="task_unit_one_kind"
            ),
        ]
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        owner = self.department if self.department_id else self.region
        return owner.name if owner is not None else ""

    @property
    def key(self) -> str:
        """The unit across tasks: "d<id>" for a department, "r<id>" for a county or park (its page's address)."""
        return f"d{self.department_id}" if self.department_id else f"r{self.region_id}"


class TaskReport(models.Model):
    """A unit's progress report on a task (进展), with its evidence file."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(TaskUnit, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField("报送日期")
    text = models.TextField("进展情况")
    evidence = models.FileField("佐证材料", upload_to="task-evidence/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_region_paths = ("task__units__region",)  # whoever shares the task sees its reports
    scope_enterprise_path = None

    class Meta:
        ordering = ["task", "-on", "-created_at"]
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"

    def __str__(self) -> str:
        return f"{self.unit} {self.on}"


class IndustryLiaison(models.Model):
    """The city-leader liaison arrangement of one 千亿级产业 (YY-ORG-1, 益阳 四（三）“两名市领导、一个牵头单位、一套
    工作班子”): the industry is a top-level cluster of the pack's `industry_liaison`; the lead unit comes from the pack
    (the sector lead of 四（二）) unless the city changed it; the leaders and the working team are the city's own (the
    text names none) and survive a reload of the pack. The lead unit keeps the industry's monitoring catalogue
    (YY-M-1)."""

    cluster = models.OneToOneField(
        "industry.Cluster", on_delete=models.CASCADE, related_name="liaison", verbose_name="千亿级产业"
    )
    lead_unit = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="liaisons", verbose_name="牵头单位"
    )
    lead_unit_edited = models.BooleanField("牵头单位已由平台修改", default=False)
    leaders_required = models.PositiveSmallIntegerField("联系市领导人数", default=2)
    note = models.CharField("说明", max_length=300, blank=True)
    rule = models.CharField("规则编号", max_length=30, blank=True)
    source_text = models.TextField("原文", blank=True)
    is_active = models.BooleanField(default=True)
    pack = models.ForeignKey("industry.Pack", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cluster__sort_order", "cluster__code"]
        verbose_name = "千亿级产业联系机制"
        verbose_name_plural = "千亿级产业联系机制"

    def __str__(self) -> str:
        return str(self.cluster)


class LiaisonLeader(models.Model):
    """One of the city leaders (市领导) in charge of an industry (YY-ORG-1)."""

    liaison = models.ForeignKey(IndustryLiaison, on_delete=models.CASCADE, related_name="leaders")
    name = models.CharField("姓名", max_length=40)
    post = models.CharField("职务", max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["liaison", "order", "pk"]
        verbose_name = "联系市领导"
        verbose_name_plural = "联系市领导"

    def __str__(self) -> str:
        return f"{self.post}{self.name}"


class LiaisonMember(models.Model):
    """A member of an industry's working team (工作班子, YY-ORG-1)."""

    liaison = models.ForeignKey(IndustryLiaison, on_delete=models.CASCADE, related_name="team")
    name = models.CharField("姓名", max_length=40)
    unit = models.CharField("单位", max_length=80)
    role = models.CharField("职务/分工", max_length=80)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["liaison", "order", "pk"]
        verbose_name = "工作班子成员"
        verbose_name_plural = "工作班子成员"

    def __str__(self) -> str:
        return f"{self.unit} {self.name}"
