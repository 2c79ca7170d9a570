from __future__ import annotations

import pytest

from chanye.core.access import SYSTEM
from chanye.industry.services import do_load_pack
from tests.conftest import ROOT


def load(city: str):
    return do_load_pack(actor=SYSTEM, path=ROOT / "packs" / f"{city}.yaml").pack


@pytest.fixture
def ezhou(db):
    return load("ezhou-2027")


@pytest.fixture
def yiyang(db):
    return load("yiyang-2025")


@pytest.fixture
def huanggang(db):
    return load("huanggang-2025")
