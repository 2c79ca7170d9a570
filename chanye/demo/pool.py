"""Demo entry timetables for the candidate pool (XN-GS-5 “逐户确定入规时间表”): a share of the firms the monthly
analysis put in the pool get a planned entry month through the pool's action, as county officers would set them, so
the cohort's figures (producing_firms_into_above_scale) have data on the 目标 page."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from chanye.core import access
from chanye.cultivation.models import Candidate
from chanye.cultivation.services import do_add_candidate


def seed_timetables(*, seed: int = 2025, today: dt.date | None = None, share: float = 0.6) -> int:
    """Planned entry months (1–12 months ahead) for about `share` of the current candidates without one."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    actor = access.system("chanye demo")
    n = 0
    current = Candidate.objects.filter(
        left_on__isnull=True, planned_entry__isnull=True, enterprise__is_above_scale=False
    )
    for c in current.select_related("enterprise").order_by("pk"):
        if rng.random() >= share:
            continue
        ahead = rng.randint(1, 12)
        month = dt.date(today.year + (today.month + ahead - 1) // 12, (today.month + ahead - 1) % 12 + 1, 1)
        try:
            do_add_candidate(actor=actor, enterprise=c.enterprise, planned_entry=month, today=today)
        except ValidationError:  # also in the pool by another route: the action says why, the demo skips it
            continue
        n += 1
    return n
