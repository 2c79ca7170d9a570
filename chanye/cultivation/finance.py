"""Chain finance as the chain-leader pages show it (XN-LZ-11): "链主企业+合作银行+若干链属企业 … 引导一家主办银行服务
一条产业链，业务覆盖产业链上的每家企业".

The lead bank belongs to the chain, not to a leader: every leader on a chain shows that chain's one bank, and its
coverage counts every enterprise on the chain (in the reader's scope), not the leader's declared supply partners. Both
are kept by the chains app (`chanye.chains.finance`: the city names the bank, the chain page marks the enterprises
served); this app asks for them through `core.hooks.chain_finance`, so it imports nothing of chains.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chanye.core import hooks
from chanye.cultivation.models import ChainLeader


def leaders_finance(leaders: Iterable[ChainLeader], *, user: Any) -> dict[int, list[Any]]:
    """Leader pk → the chains its enterprise is on (where it is 链主 first), each with its one lead bank and the
    bank's coverage of the chain's enterprises the user may see (XN-LZ-11); [] when it is on no chain map."""
    leaders = list(leaders)
    merged: dict[int, list[Any]] = {}
    for answer in hooks.chain_finance(enterprise_ids={x.enterprise_id for x in leaders}, user=user):
        for eid, chains in answer.items():
            merged.setdefault(eid, []).extend(chains)
    return {x.pk: merged.get(x.enterprise_id, []) for x in leaders}


def leader_finance(leader: ChainLeader, *, user: Any) -> list[Any]:
    return leaders_finance([leader], user=user)[leader.pk]


def banks(chains: Iterable[Any]) -> str:
    """The lead banks of a leader's chains, each once ("" when none is named): one bank per chain (XN-LZ-11)."""
    return "、".join(dict.fromkeys(f.bank for f in chains if f.bank))


def coverage(chains: Iterable[Any]) -> str:
    """ "covered/members" per chain, e.g. "3/5" (or "3/5；2/4" for a leader on two chains)."""
    return "；".join(f"{f.covered}/{f.members}" for f in chains)
