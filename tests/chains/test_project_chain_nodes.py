"""A project's 产业链环节 is offered from the chain maps: the project form lists the link names of the active chains,
and an edit or deactivation on the platform updates the cluster's list of link names it reads."""

from __future__ import annotations

import pytest

from chanye.chains import services
from chanye.chains.models import Chain
from chanye.projects.selectors import chain_nodes

pytestmark = pytest.mark.django_db


def test_the_project_form_offers_the_link_names_of_the_pack_chains(users, login):
    page = login(users["admin"]).get("/projects/new/").content.decode()
    assert 'list="chain-nodes"' in page
    for name in ("生猪养殖", "屠宰加工", "冷链物流", "终端销售"):
        assert f'<option value="{name}">' in page


def test_an_edited_chain_updates_the_names_offered_and_a_deactivated_one_withdraws_them(users):
    chain = Chain.objects.get(code="food-meat")
    spec = services.chain_to_spec(chain)
    spec.links[0].name = "种猪繁育"
    services.do_save_chain(actor=users["admin"], spec=spec, cluster=chain.cluster, chain=chain)
    assert "种猪繁育" in chain_nodes() and "生猪养殖" not in chain_nodes()
    chain.cluster.refresh_from_db()
    assert ["种猪繁育", "屠宰加工", "肉制品", "冷链物流", "终端销售"] in chain.cluster.chains

    services.do_deactivate_chain(actor=users["admin"], chain=chain)
    assert "种猪繁育" not in chain_nodes()
