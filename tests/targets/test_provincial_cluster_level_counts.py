"""EZ-T-3 “力争省级产业集群达6个以上” and HG-T-1 “省级产业集群10个” name only a recognition level: every active
cluster holding a provincial recognition counts once, whatever its kind (FIDELITY D3: the key `level=provincial` was
never computed, so these targets had no data)."""

from __future__ import annotations

import pytest

from chanye.industry.models import Cluster, Target
from chanye.targets import indicators
from chanye.targets.progress import progress_for
from tests.targets.engine_world import MONTH, city_values, figure, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


def recognise(code: str, *recs: tuple[str, str], active: bool = True) -> None:
    Cluster.objects.filter(code=code).update(
        recognitions=[{"level": level, "kind": kind} for level, kind in recs], is_active=active
    )


def test_ez_t_3_provincial_clusters_of_any_kind(transactional_db):
    load_pack("ezhou")
    recognise("ez-optoelectronics", ("provincial", "innovation"))
    recognise("ez-sme-new-display", ("provincial", "sme_characteristic"), ("provincial", "other"))  # counts once
    recognise("ez-low-carbon-metallurgy", ("provincial", "characteristic"))  # a sub-cluster is a cluster too
    recognise("ez-biomedicine", ("national", "advanced_manufacturing"))  # not provincial
    recognise("ez-agri-processing", ("provincial", "innovation"), active=False)  # no longer active
    v = city_values()
    assert figure(v, "ez-t-3-provincial-clusters") == 3
    assert v["recognised_cluster_count", "level=provincial,kind=sme_characteristic"] == 1
    assert v["recognised_cluster_count", "level=national"] == 1
    indicators.refresh(MONTH)
    p = progress_for(Target.objects.get(code="ez-t-3-provincial-clusters"), today=MONTH)
    assert p.current == 3 and p.status != "no_data"


def test_hg_t_1_provincial_and_national_characteristic_clusters(transactional_db):
    load_pack("huanggang")
    recognise("hg-macheng-stone", ("national", "characteristic"), ("provincial", "characteristic"))
    recognise("hg-kiln", ("provincial", "sme_characteristic"))
    recognise("hg-tcm-herbs", ("national", "sme_characteristic"))  # national, but not a 特色产业集群 recognition
    v = city_values()
    assert figure(v, "hg-t-1-provincial-clusters") == 2
    assert figure(v, "hg-t-1-national-characteristic-cluster") == 1
