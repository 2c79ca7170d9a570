"""factory_boy factories shared by the tests (no copied fixtures)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import factory
from django.utils import timezone

from chanye.accounts.models import Role, User
from chanye.core.text import normalize_company_name
from chanye.core.uscc_gen import make_uscc
from chanye.enterprises.choices import FigureSource
from chanye.enterprises.models import Enterprise, MonthlyFigure
from chanye.industry.models import Industry
from chanye.regions.models import Region

_rng = random.Random(42)
PASSWORD = "Test-Passw0rd!"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"4299{n:02d}")
    name = factory.Sequence(lambda n: f"测试{n}区")
    level = "county"
    is_county_level = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CITY_ADMIN
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyAttribute(lambda o: make_uscc(_rng, o.county.code if o.county.code.isdigit() else "421200"))
    name = factory.Sequence(lambda n: f"湖北测试{n}号科技有限公司")
    name_key = factory.LazyAttribute(lambda o: normalize_company_name(o.name, ("湖北", "咸宁")))
    county = factory.SubFactory(RegionFactory)
    is_above_scale = False


class MonthlyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyFigure

    enterprise = factory.SubFactory(EnterpriseFactory)
    month = dt.date(2025, 1, 1)
    source = FigureSource.STATS
    output = Decimal("100")


class ListedLeaderFactory(factory.django.DjangoModelFactory):
    """A chain leader already through selection (XN-LZ-9) and on the official list since 2025-01-10."""

    class Meta:
        model = "cultivation.ChainLeader"

    enterprise = factory.SubFactory(EnterpriseFactory)
    industry = factory.LazyFunction(lambda: Industry.objects.order_by("sort_order", "pk").first())
    status = "listed"
    applied_on = dt.date(2024, 10, 1)
    approved_on = dt.date(2025, 1, 10)
    score = Decimal("80")


class ProjectFactory(factory.django.DjangoModelFactory):
    """A signed project (status and colour derived); call `chanye.projects.services.replan` for its milestones."""

    class Meta:
        model = "projects.Project"
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"测试{n}号工业项目")
    investor = "测试投资有限公司"
    county = factory.SubFactory(RegionFactory)
    investment = Decimal("3")
    signed_on = dt.date(2025, 1, 10)
    status = factory.LazyAttribute(
        lambda o: (
            "exited" if o.exited_on else "producing" if o.producing_on else "building" if o.started_on else "signed"
        )
    )
    colour = factory.LazyAttribute(
        lambda o: {"exited": "red", "producing": "green", "building": "blue"}.get(o.status, "yellow")
    )
    started_on = None
    producing_on = None
    exited_on = None

    @factory.post_generation
    def planned(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from chanye.projects.services import replan

            replan(obj)


class ChainFactory(factory.django.DjangoModelFactory):
    """A chain template; add links with ChainLinkFactory (or `chanye.chains.services.apply_spec`)."""

    class Meta:
        model = "chains.Chain"

    code = factory.Sequence(lambda n: f"chain-{n}")
    name = factory.Sequence(lambda n: f"测试产业链{n}")


class ChainLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chains.ChainLink"

    chain = factory.SubFactory(ChainFactory)
    code = factory.Sequence(lambda n: f"link-{n}")
    name = factory.Sequence(lambda n: f"环节{n}")
    stage = "midstream"
    position = factory.Sequence(lambda n: n)


class LinkEnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chains.LinkEnterprise"

    link = factory.SubFactory(ChainLinkFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = "ordinary"


class AttractionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chains.AttractionTarget"

    link = factory.SubFactory(ChainLinkFactory)
    name = factory.Sequence(lambda n: f"外地目标{n}号科技股份有限公司")
    location = "江苏省苏州市"
    products = "测试产品"
    revenue = Decimal("12.5")


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead at 线索 (move it with `chanye.chains.leads.do_move_lead`)."""

    class Meta:
        model = "chains.Lead"

    code = factory.Sequence(lambda n: f"ZS-2026-{n + 1:04d}")
    company = factory.Sequence(lambda n: f"外地客商{n}号实业有限公司")
    county = factory.SubFactory(RegionFactory)
    found_on = dt.date(2026, 1, 5)
    owner_name = "张三"
