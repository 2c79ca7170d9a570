"""Demo progress on the pack's 督办 tasks (EZ-ORG-1, YY-ORG-1): reports from the lead and some co-responsible units
over the last months, a few tasks done, some units late — written through the supervision actions as the system."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from chanye.core import access
from chanye.supervision import services
from chanye.supervision.models import Task, TaskReport, TaskStatus

PHRASES = [
    "召开专题推进会，明确责任分工和时间节点",
    "梳理重点企业清单，逐户上门对接诉求",
    "完成年度工作方案，报市政府审定",
    "争取省级专项资金，已完成申报",
    "组织企业参加对接活动，签订合作协议",
    "开展政策宣讲，覆盖规上企业",
]


@transaction.atomic
def seed_tasks(*, seed: int = 2025, today: dt.date | None = None) -> int:
    """Reports on the active tasks (None when there are no tasks or reports exist already); the number written."""
    if not Task.objects.filter(is_active=True).exists() or TaskReport.objects.exists():
        return 0
    rng = random.Random(seed)
    today = today or timezone.localdate()
    actor = access.system("chanye demo")
    n = 0
    for task in Task.objects.filter(is_active=True).prefetch_related("units__department", "units__region"):
        units = list(task.units.all())
        reporting = [u for u in units if u.is_lead or rng.random() < 0.45]
        for unit in reporting:
            for back in sorted(rng.sample(range(5, 200), k=rng.randint(1, 3)), reverse=True):
                services.do_report_progress(
                    actor=actor, unit=unit, text=rng.choice(PHRASES), on=today - dt.timedelta(days=back)
                )
                n += 1
        if reporting and rng.random() < 0.2:
            services.do_update_task(
                actor=actor, task=task, status=TaskStatus.DONE, deadline=task.deadline, cadence=task.cadence,
                is_key=task.is_key,
            )  # fmt: skip
    return n
