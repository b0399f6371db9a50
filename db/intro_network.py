"""The network that introductions grow: ties, cross-field ties, members without one, bridging organizations."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.intros import all_pairs, opted_in_members, pair_counts
from db.models import Member, MemberStatus, Organization


@dataclass
class Bridge:
    organization: str
    other_fields: int     # fields reached through ties that none of the organization's members are in
    betweenness: float    # in the graph of organizations joined by ties


@dataclass
class NetworkStats:
    members: int
    opted_out: int
    rounds: int
    pairs: int
    ties: int
    cross_field_ties: int
    without_tie: int
    bridges: list[Bridge] = field(default_factory=list)


async def network_stats(session: AsyncSession, max_bridges: int = 5) -> NetworkStats:
    active = list(await session.scalars(select(Member).where(Member.status == MemberStatus.active)))
    members = {m.id: m for m in await session.scalars(select(Member))}
    names = dict((await session.execute(select(Organization.id, Organization.name))).all())
    rounds, pairs = await pair_counts(session)
    ties = [p for p in await all_pairs(session) if p.tie_at is not None]
    tied = {i for p in ties for i in (p.member_a_id, p.member_b_id)}
    org_fields: dict[int, set[str]] = {}
    for member in members.values():
        org_fields.setdefault(member.organization_id, set()).update(member.fields or [])
    reached: dict[int, set[str]] = {}
    import networkx as nx  # imported when the network is drawn, not by every process

    graph = nx.Graph()
    for pair in ties:
        a, b = members[pair.member_a_id], members[pair.member_b_id]
        graph.add_edge(a.organization_id, b.organization_id)
        reached.setdefault(a.organization_id, set()).update(b.fields or [])
        reached.setdefault(b.organization_id, set()).update(a.fields or [])
    centrality = nx.betweenness_centrality(graph) if graph.number_of_nodes() > 2 else {}
    bridges = [Bridge(names[org], len(fields - org_fields.get(org, set())), centrality.get(org, 0.0))
               for org, fields in reached.items()]
    bridges = sorted((b for b in bridges if b.other_fields), key=lambda b: (-b.other_fields, -b.betweenness,
                                                                             b.organization))[:max_bridges]
    return NetworkStats(members=len(active), opted_out=len(active) - len(await opted_in_members(session)),
                        rounds=rounds, pairs=pairs, ties=len(ties), cross_field_ties=sum(p.cross_field for p in ties),
                        without_tie=sum(1 for m in active if m.id not in tied), bridges=bridges)


async def edge_rows(session: AsyncSession) -> list[dict]:
    """Every introduction as an edge of the network, with what came of it."""
    members = {m.id: m for m in await session.scalars(select(Member))}
    names = dict((await session.execute(select(Organization.id, Organization.name))).all())
    rows = []
    for pair in await all_pairs(session):
        a, b = members[pair.member_a_id], members[pair.member_b_id]
        rows.append({
            "pair_id": pair.id, "round_id": pair.round_id, "introduced_at": pair.created_at,
            "member_a_id": a.id, "member_a": a.name, "organization_a": names[a.organization_id],
            "fields_a": " ".join(a.fields or []),
            "member_b_id": b.id, "member_b": b.name, "organization_b": names[b.organization_id],
            "fields_b": " ".join(b.fields or []),
            "cross_field": pair.cross_field, "score": pair.score,
            "outcome_a": pair.a_outcome or "", "outcome_b": pair.b_outcome or "",
            "tie": pair.tie_at is not None, "tie_at": pair.tie_at,
            "line_ids_exchanged": pair.ids_exchanged_at is not None,
        })
    return rows

