from __future__ import annotations

from pathlib import Path

import pytest

from chanye.core.access import SYSTEM
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


MINI_PACK = DATA / "mini-pack.yaml"


def _load_mini_pack():
    from chanye.industry.services import do_load_pack

    return do_load_pack(actor=SYSTEM, path=MINI_PACK).pack


def _loaded_mini_pack():
    from chanye.industry.models import Pack

    return Pack.objects.filter(code="test-mini").first()  # the `id` of tests/data/mini-pack.yaml


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The mini pack is loaded once per session into the test database.

    Tests with `db` run inside a transaction that is rolled back, so each one sees the pack as loaded and
    nothing another test did. Transactional tests (run last by pytest-django) empty the database after
    themselves; `mini_pack` then loads the pack again for the next one that asks.
    """
    with django_db_blocker.unblock():
        _load_mini_pack()


@pytest.fixture(autouse=True)
def _invoice_store_of_its_own(tmp_path, monkeypatch):
    """Each test's invoice store (Parquet files, chanye.supply.store) is a folder of its own, empty at the start."""
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(tmp_path / "invoices"))


@pytest.fixture(autouse=True)
def _transactional_tests_start_empty(request):
    """A transactional test that does not ask for the mini pack starts from an empty database, as it would without
    the session's preload (only the first one to run finds the pack: each empties the database after itself)."""
    if "mini_pack" in request.fixturenames:
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        f in request.fixturenames for f in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    if _loaded_mini_pack() is not None:
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def empty_db(db):
    """A database holding nothing, not even the session's mini pack (emptied inside the test's transaction)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def mini_pack(db):
    """The small test pack loaded: 咸安区, 嘉鱼县, 咸宁高新区, a park, two industries, clusters, targets."""
    return _loaded_mini_pack() or _load_mini_pack()


@pytest.fixture
def regions(mini_pack):
    from chanye.regions.models import Region

    return {r.name: r for r in Region.objects.all()}


@pytest.fixture
def users(regions):
    """One user per role; county officers for 咸安区 (xianan) and 嘉鱼县 (jiayu)."""
    out = {
        "admin": UserFactory(username="admin", role="city_admin"),
        "xianan": UserFactory(username="xianan", role="county_officer", region=regions["咸安区"]),
        "jiayu": UserFactory(username="jiayu", role="county_officer", region=regions["嘉鱼县"]),
        "viewer": UserFactory(username="viewer", role="viewer"),
        "auditor": UserFactory(username="auditor", role="auditor"),
        "sysadmin": UserFactory(username="sysadmin", role="sys_admin"),
        "secadmin": UserFactory(username="secadmin", role="security_admin"),
    }
    return out


@pytest.fixture
def two_counties(regions, users):
    """One enterprise in 咸安区 and one in 嘉鱼县, plus an enterprise user for the 咸安 one."""
    xa = EnterpriseFactory(county=regions["咸安区"], name="湖北咸安示例机电有限公司", is_above_scale=True)
    jy = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼示例食品有限公司")
    users["qiye"] = UserFactory(username="qiye", role="enterprise", enterprise=xa)
    return {"xianan": xa, "jiayu": jy}


@pytest.fixture
def login(client):
    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login
