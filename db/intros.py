"""Introductions (get-to-know-you exchanges): choosing pairs, the rounds' schedule, and their data.

Pairing is a maximum-weight matching (networkx `max_weight_matching`) over the whole round
(a large round: over random blocks of it, see BLOCK_SIZE), not a greedy pick: each possible
pair gets a weight from the preferences it meets, and the matching maximizes their total.
"""

import asyncio
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import upsert
from db.rules.business_days import business_day_from
from db.models import (
    IntroOptOut,
    IntroPair,
    IntroRound,
    IntroRoundStatus,
    IntroSchedule,
    IntroSkip,
    Member,
    MemberStatus,
    Organization,
)

NOTICE_AHEAD = timedelta(days=1)
DEFAULT_FOLLOWUP_DAYS = 4

# Preferences, in points: different fields weigh most (bridges between networks are the
# point), then needs meeting offers, then a different kind of organization.
CROSS_FIELD = 4
SOME_OTHER_FIELD = 1
OTHER_ORG_TYPE = 2
NEED_MET = 2
MAX_NEEDS_MET = 3
MAX_PREFERENCE = 1 + CROSS_FIELD + OTHER_ORG_TYPE + NEED_MET * MAX_NEEDS_MET

# The blossom algorithm is about cubic: on 5,000 members even a sparse graph takes most of a
# minute, and the complete graph (12.5 million edges) far longer. So a large round is split
# at random into blocks of about BLOCK_SIZE, each member keeps only its TOP_K best-weighted
# candidates in its block (the whole block when it is small), and those left over are
# matched among themselves at the end. A block of 500 still offers each member dozens of
# partners from other fields, so little is lost (bench/pairing.py measures it).
BLOCK_SIZE = 500
TOP_K = 12
FULL_GRAPH = 120


@dataclass(frozen=True)
class Candidate:
    """What pairing knows of a member."""

    id: int
    org_id: int
    org_type: str
    fields: frozenset[str]
    needs: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()


def preference(a: Candidate, b: Candidate) -> int | None:
    """Points for introducing a to b; None when they must not be paired (the same organization)."""
    if a.org_id == b.org_id:
        return None
    points = 1
    if not a.fields & b.fields:
        points += CROSS_FIELD
    elif a.fields != b.fields:
        points += SOME_OTHER_FIELD
    if a.org_type != b.org_type:
        points += OTHER_ORG_TYPE
    met = len(a.needs & b.offers) + len(b.needs & a.offers)
    return points + NEED_MET * min(met, MAX_NEEDS_MET)


def is_cross_field(a: Candidate, b: Candidate) -> bool:
    return not a.fields & b.fields


@dataclass
class Pairing:
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  # (member, member, preference points)
    unpaired: list[int] = field(default_factory=list)


def candidate_edges(block: list[Candidate], history: set[frozenset[int]], waiting: set[int], *,
                    strict: bool, top_k: int = TOP_K) -> dict[tuple[int, int], int]:
    """The weighted edges matching looks at: (i, j) index pairs into `block`, with their weight.

    Strict, weights order what matters, each far above everything below it: a pair not
    introduced before, then a waiting member paired, then the preference points; so the
    matching (at maximum cardinality) repeats a pair only where no new one can take its
    place. That is exact on a complete graph. On a block cut down to each member's best
    candidates it would force pairs of few points just to cover everyone, so there
    (not strict) only new pairs are edges, weighted by their points (and a waiting member's
    bonus), and whoever is left is matched strictly afterwards.
    """
    n = len(block)
    preference_total = MAX_PREFERENCE * (n // 2) + 1
    wait_bonus = preference_total
    new_bonus = preference_total + wait_bonus * (len(waiting) + 1) if strict else 0
    keep = n if n <= FULL_GRAPH else top_k
    # Many candidates tie on points: broken at random, or every member's best would be the same few.
    ties = random.Random(n)
    edges: dict[tuple[int, int], int] = {}
    for i, a in enumerate(block):
        mine = []
        for j, b in enumerate(block):
            points = preference(a, b) if i != j else None
            if points is None:
                continue
            repeat = frozenset((a.id, b.id)) in history
            if repeat and not strict:
                continue
            weight = points + (0 if repeat else new_bonus) + wait_bonus * ((a.id in waiting) + (b.id in waiting))
            mine.append((weight, ties.random(), j))
        mine.sort(reverse=True)
        for weight, _, j in mine[:keep]:
            edges[(min(i, j), max(i, j))] = weight
    return edges


def _match(block: list[Candidate], history: set[frozenset[int]], waiting: set[int],
           top_k: int, strict: bool) -> tuple[list[tuple[Candidate, Candidate]], list[Candidate]]:
    import networkx as nx  # the matching library: imported by the rounds that pair, not by every process

    graph = nx.Graph()
    graph.add_nodes_from(range(len(block)))
    for (i, j), weight in candidate_edges(block, history, waiting, strict=strict, top_k=top_k).items():
        graph.add_edge(i, j, weight=weight)
    matched = nx.max_weight_matching(graph, maxcardinality=strict)
    used = {i for pair in matched for i in pair}
    return ([(block[i], block[j]) for i, j in matched],
            [c for i, c in enumerate(block) if i not in used])


def split_blocks(candidates: list[Candidate], seed: int, block_size: int = BLOCK_SIZE) -> list[list[Candidate]]:
    """The round's members in random blocks of about `block_size` (one block for a small round)."""
    order = sorted(candidates, key=lambda c: c.id)
    random.Random(seed).shuffle(order)
    count = max(1, round(len(order) / block_size))
    return [order[i::count] for i in range(count)]


def pair_members(candidates: list[Candidate], *, history: set[frozenset[int]], waiting: set[int] = frozenset(),
                 seed: int = 0, block_size: int = BLOCK_SIZE, top_k: int = TOP_K) -> Pairing:
    """Pairs for one round: never the same organization, new pairs first, those waiting first,
    and the most preference points in total."""
    found, left = [], []
    for block in split_blocks(candidates, seed, block_size):
        pairs, rest = _match(block, history, waiting & {c.id for c in block}, top_k, strict=len(block) <= FULL_GRAPH)
        found += pairs
        left += rest
    while len(left) > 1:  # those whose few candidates were taken: now among themselves
        pairs, left = _match(left, history, waiting & {c.id for c in left}, top_k, strict=True)
        found += pairs
        if not pairs:
            break
    result = Pairing(unpaired=sorted(c.id for c in left))
    for a, b in found:
        a, b = (a, b) if a.id < b.id else (b, a)
        result.pairs.append((a.id, b.id, preference(a, b)))
    result.pairs.sort()
    return result


# The schedule

def next_occurrence(after: datetime, *, weekday: int, at: time, tz: tzinfo) -> datetime:
    """The first `weekday` at local time `at` strictly after `after` (returned in after's zone)."""
    local = after.astimezone(tz)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    moment = datetime.combine(day, at, tzinfo=tz)
    if moment <= local:
        moment = datetime.combine(day + timedelta(days=7), at, tzinfo=tz)
    return moment.astimezone(after.tzinfo)


async def set_schedule(session: AsyncSession, *, every_days: int, weekday: int, at: time, now: datetime, tz: tzinfo,
                       followup_days: int = DEFAULT_FOLLOWUP_DAYS) -> IntroSchedule:
    """Rounds every `every_days` on `weekday` at `at`; the first is at least a day ahead, for its notice."""
    if every_days % 7:
        raise ValueError("rounds repeat in whole weeks, so that they stay on their weekday")
    first = next_occurrence(now + NOTICE_AHEAD, weekday=weekday, at=at, tz=tz)
    await upsert(session, IntroSchedule, {"id": 1, "every_days": every_days, "weekday": weekday,
                                          "local_time": at.strftime("%H:%M"), "followup_days": followup_days,
                                          "active": True, "next_round_at": first, "updated_at": now}, keys=["id"])
    return await schedule(session)


async def stop_schedule(session: AsyncSession, now: datetime) -> bool:
    done = await session.execute(update(IntroSchedule).where(IntroSchedule.id == 1, IntroSchedule.active.is_(True))
                                 .values(active=False, next_round_at=None, updated_at=now))
    return done.rowcount == 1


async def cancel_announced(session: AsyncSession) -> list[int]:
    """Rounds announced but not yet paired are called off (stopping or changing the rounds: a round
    announced on the old schedule would otherwise come on top of the new one)."""
    rows = await session.execute(update(IntroRound).where(IntroRound.status == IntroRoundStatus.announced)
                                 .values(status=IntroRoundStatus.cancelled).returning(IntroRound.id))
    return [row[0] for row in rows]


async def opted_out(session: AsyncSession, member_ids: set[int]) -> set[int]:
    """Those of these members who said 紹介を停止."""
    return set(await session.scalars(select(IntroOptOut.member_id).where(IntroOptOut.member_id.in_(member_ids))))


async def schedule(session: AsyncSession) -> IntroSchedule | None:
    row = await session.get(IntroSchedule, 1)
    if row is not None:
        await session.refresh(row)
    return row


async def claim_next_round(session: AsyncSession, now: datetime, tz: tzinfo) -> IntroRound | None:
    """Announce the next round once it is a day away: move the schedule on (only if no one else
    has) and create the round. A round whose time passed while the service was down is not
    made up (its members never heard of it); the schedule moves on to the next."""
    row = await session.scalar(select(IntroSchedule).where(
        IntroSchedule.id == 1, IntroSchedule.active.is_(True), IntroSchedule.next_round_at <= now + NOTICE_AHEAD))
    if row is None:
        return None
    at = row.next_round_at
    following = at + timedelta(days=row.every_days)
    while following <= now + NOTICE_AHEAD:
        following += timedelta(days=row.every_days)
    claimed = await session.execute(update(IntroSchedule).where(
        IntroSchedule.id == 1, IntroSchedule.next_round_at == at).values(next_round_at=following))
    if claimed.rowcount != 1 or at <= now:
        return None
    # A round that falls on a public holiday happens the next business day, at the same time.
    local = at.astimezone(tz)
    held = datetime.combine(business_day_from(local.date()), local.timetz()).astimezone(at.tzinfo)
    intro_round = IntroRound(scheduled_at=held, status=IntroRoundStatus.announced,
                             followup_at=held + timedelta(days=row.followup_days), created_at=now)
    session.add(intro_round)
    await session.flush()
    return intro_round


# Who takes part

async def opted_in_members(session: AsyncSession) -> list[Member]:
    """Active members who have not said 紹介を停止."""
    out = select(IntroOptOut.member_id)
    return list(await session.scalars(select(Member).where(Member.status == MemberStatus.active,
                                                           Member.id.not_in(out)).order_by(Member.id)))


async def set_opt_out(session: AsyncSession, member_id: int, out: bool, now: datetime) -> None:
    if out:
        await upsert(session, IntroOptOut, {"member_id": member_id, "since": now}, keys=["member_id"])
    else:
        await session.execute(delete(IntroOptOut).where(IntroOptOut.member_id == member_id))


async def set_skip(session: AsyncSession, round_id: int, member_id: int, skip: bool, now: datetime) -> bool:
    """Skip (or take part in) an announced round; False when the round is no longer announced."""
    # Locked, so that a skip and the pairing of the round cannot cross: one waits for the other.
    intro_round = await session.scalar(select(IntroRound).where(IntroRound.id == round_id).with_for_update())
    if intro_round is None or intro_round.status != IntroRoundStatus.announced:
        return False
    if skip:
        await upsert(session, IntroSkip, {"round_id": round_id, "member_id": member_id, "skipped_at": now},
                     keys=["round_id", "member_id"])
    else:
        await session.execute(delete(IntroSkip).where(IntroSkip.round_id == round_id, IntroSkip.member_id == member_id))
    return True


async def history(session: AsyncSession) -> set[frozenset[int]]:
    rows = await session.execute(select(IntroPair.member_a_id, IntroPair.member_b_id))
    return {frozenset(row) for row in rows}


def candidate(member: Member, org_type: str) -> Candidate:
    return Candidate(member.id, member.organization_id, org_type, frozenset(member.fields or ()),
                     frozenset(member.needs or ()), frozenset(member.offers or ()))


async def make_pairs(session: AsyncSession, round_id: int, now: datetime,
                     icebreakers: int) -> tuple[list[IntroPair], list[int]] | None:
    """Claim an announced round whose time has come, pair its members and store the pairs; returns them
    and the ids of the members left without a partner (the first, with an odd count, waits for next time)."""
    claimed = await session.execute(update(IntroRound).where(
        IntroRound.id == round_id, IntroRound.status == IntroRoundStatus.announced, IntroRound.scheduled_at <= now)
        .values(status=IntroRoundStatus.paired, paired_at=now))
    if claimed.rowcount != 1:
        return None
    skipped = set(await session.scalars(select(IntroSkip.member_id).where(IntroSkip.round_id == round_id)))
    members = [m for m in await opted_in_members(session) if m.id not in skipped]
    types = dict((await session.execute(select(Organization.id, Organization.org_type))).all())
    by_id = {m.id: candidate(m, types[m.organization_id]) for m in members}
    previous = await session.scalar(select(IntroRound).where(
        IntroRound.id != round_id, IntroRound.status == IntroRoundStatus.paired)
        .order_by(IntroRound.scheduled_at.desc()).limit(1))
    waiting = {previous.waiting_member_id} if previous and previous.waiting_member_id else set()
    # Seconds of CPU for thousands of members: in a thread, so the event loop goes on acknowledging webhooks.
    result = await asyncio.to_thread(pair_members, list(by_id.values()), history=await history(session),
                                     waiting=waiting, seed=round_id)
    draw = random.Random(round_id)
    pairs = [IntroPair(round_id=round_id, member_a_id=a, member_b_id=b, score=points,
                       cross_field=is_cross_field(by_id[a], by_id[b]), icebreaker=draw.randrange(icebreakers),
                       created_at=now) for a, b, points in result.pairs]
    session.add_all(pairs)
    intro_round = await session.get(IntroRound, round_id)
    intro_round.waiting_member_id = result.unpaired[0] if result.unpaired else None
    await session.flush()
    return pairs, list(result.unpaired)


async def due_rounds(session: AsyncSession, now: datetime) -> tuple[list[int], list[int]]:
    """Rounds to pair now, and paired rounds whose follow-up is due."""
    to_pair = list(await session.scalars(select(IntroRound.id).where(
        IntroRound.status == IntroRoundStatus.announced, IntroRound.scheduled_at <= now)))
    to_follow = list(await session.scalars(select(IntroRound.id).where(
        IntroRound.status == IntroRoundStatus.paired, IntroRound.followup_sent_at.is_(None),
        IntroRound.followup_at <= now)))
    return to_pair, to_follow


async def claim_followups(session: AsyncSession, round_id: int, now: datetime) -> list[IntroPair]:
    claimed = await session.execute(update(IntroRound).where(IntroRound.id == round_id,
                                                             IntroRound.followup_sent_at.is_(None))
                                    .values(followup_sent_at=now))
    if claimed.rowcount != 1:
        return []
    return list(await session.scalars(select(IntroPair).where(IntroPair.round_id == round_id).order_by(IntroPair.id)))


# One pair, from one side

def side(pair: IntroPair, member_id: int) -> str | None:
    return "a" if pair.member_a_id == member_id else "b" if pair.member_b_id == member_id else None


def other(pair: IntroPair, member_id: int) -> int:
    return pair.member_b_id if pair.member_a_id == member_id else pair.member_a_id


async def pair_of(session: AsyncSession, pair_id: int, member_id: int) -> IntroPair | None:
    """The pair, if the member is one of its two (with its row locked for the change to come)."""
    pair = await session.scalar(select(IntroPair).where(IntroPair.id == pair_id).with_for_update())
    return pair if pair is not None and side(pair, member_id) else None


async def awaiting_outcome(session: AsyncSession, member_id: int) -> IntroPair | None:
    """The member's latest pair whose follow-up was sent and that they have not answered (row locked)."""
    pairs = await session.scalars(
        select(IntroPair).join(IntroRound, IntroRound.id == IntroPair.round_id)
        .where(IntroRound.followup_sent_at.is_not(None),
               ((IntroPair.member_a_id == member_id) & IntroPair.a_outcome.is_(None))
               | ((IntroPair.member_b_id == member_id) & IntroPair.b_outcome.is_(None)))
        .order_by(IntroPair.id.desc()).limit(1).with_for_update())
    return pairs.first()


def record_outcome(pair: IntroPair, member_id: int, outcome: str, now: datetime) -> None:
    """One side's answer to the follow-up (the last counts); a pair is a tie while either says they talked."""
    setattr(pair, f"{side(pair, member_id)}_outcome", outcome)
    talked = "talked" in (pair.a_outcome, pair.b_outcome)
    pair.tie_at = (pair.tie_at or now) if talked else None


async def all_pairs(session: AsyncSession) -> list[IntroPair]:
    return list(await session.scalars(select(IntroPair).order_by(IntroPair.id)))


async def pair_counts(session: AsyncSession) -> tuple[int, int]:
    rounds = await session.scalar(select(func.count()).select_from(IntroRound).where(
        IntroRound.status == IntroRoundStatus.paired))
    pairs = await session.scalar(select(func.count()).select_from(IntroPair))
    return rounds, pairs

