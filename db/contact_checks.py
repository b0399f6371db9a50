"""Disaster-time contact checks (安否確認): who is asked, their answers, re-asks, and the live picture.

The organization is the unit the secretariat plans with: an organization has answered when
any of its contacts has. Its primary contacts are asked first; its deputies are asked too
when no primary has answered after the first re-ask. Everything staff see is computed from
the stored answers when they ask, so the picture always matches what was stored.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, event, false, func, literal, null, select, true, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from db.engine import among
from db.models import (
    CheckStatus,
    ContactCheck,
    ContactCheckAnswer,
    ContactCheckTarget,
    ContactCheckVersion,
    Member,
    MemberRole,
    Organization,
    OutboxMessage,
    OutboxStatus,
)
from db.richmenus import ALERT, BOARD, settle_menus
from db.segments import Segment

ANSWERS = ("safe", "damaged", "help")
PROVISIONS = ("supplies", "shelter", "transport", "people")
NO_PROVISION = "none"
MILESTONES = (25, 50, 75)
MAX_NOTE = 1000
VERSION_SLOTS = 16  # rows of a check's change counter: concurrent answers rarely wait on each other's
VERSIONS_DUE = "contact_check_versions_due"  # session.info: the counts the transaction adds when it commits
# session.info: targets read and locked for the transaction's answers, by (check, member), and the checks read
HELD_TARGETS, HELD_CHECKS = "contact_check_targets_held", "contact_checks_held"


class CheckError(ValueError):
    """A check that cannot start or an answer that cannot be taken; the message says why."""


def purpose(check_id: int) -> str:
    """The outbox purpose of a check's questions, to count what reached LINE."""
    return f"check:{check_id}"


async def bump_version(session: AsyncSession, check_id: int, member_id: int = 0) -> None:
    """Count a change to what the check's board shows, in the caller's transaction (visible when it commits).

    The counts of one transaction are added when it commits, one statement for all of them (a
    batch of answers would otherwise write the counter once per answer). One of a few rows per
    check, chosen by the member, takes a member's increments, and the rows are written in one
    order: two transactions never wait on each other's rows in opposite order, and answers of
    members on different rows seldom wait at all.
    """
    due = session.info.get(VERSIONS_DUE)
    if due is None:
        due = session.info[VERSIONS_DUE] = Counter()
    due[(check_id, member_id % VERSION_SLOTS)] += 1


@event.listens_for(Session, "after_transaction_create")
def _fresh_counts(session: Session, transaction) -> None:
    if transaction.parent is None:  # a new transaction counts from nothing (a rolled-back one's are gone)
        session.info.pop(VERSIONS_DUE, None)
        # and reads its rows again (another transaction may have changed them; its locks are gone)
        session.info.pop(HELD_TARGETS, None)
        session.info.pop(HELD_CHECKS, None)


@event.listens_for(Session, "before_commit")
def _write_counts(session: Session) -> None:
    due = session.info.pop(VERSIONS_DUE, None)
    if not due:
        return
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(ContactCheckVersion)
    session.execute(
        insert.on_conflict_do_update(index_elements=["check_id", "slot"],
                                     set_={"version": ContactCheckVersion.version + insert.excluded.version}),
        [{"check_id": check_id, "slot": slot, "version": n} for (check_id, slot), n in sorted(due.items())])


async def board_version(session: AsyncSession, check_id: int) -> int:
    """The check's change counter: it grows with every committed change to its answers, re-asks or status."""
    return await session.scalar(select(func.coalesce(func.sum(ContactCheckVersion.version), 0))
                                .where(ContactCheckVersion.check_id == check_id))


@dataclass
class Started:
    check: ContactCheck
    created: bool
    asked: list[str] = field(default_factory=list)  # LINE user ids to send the question to now


async def open_check_for(session: AsyncSession, segment: Segment) -> ContactCheck | None:
    return await session.scalar(select(ContactCheck).where(ContactCheck.segment == segment.spec,
                                                           ContactCheck.status == CheckStatus.open))


async def start_check(session: AsyncSession, *, segment: Segment, drill: bool, now: datetime, source: str,
                      message: str | None = None, started_by: int | None = None, reask_minutes: int = 30,
                      max_reasks: int = 3, menus: bool = True) -> Started:
    """Start a check, or return the one already running for this segment.

    `menus=False`: the caller settles the members' menus (settle_check_menus) in a transaction
    of its own after this one commits, so that the questions go out first (the API: 10,000 menu
    rows took longer than the rest of the start). A process that stops in between leaves them
    to the next start-up of a background process, which settles every member's menu.

    While a check runs for a segment, starting one again (a second staff member, a repeated
    alert) returns it: its answers stay in one place, and staff close it to start afresh.
    Only the real thing replaces a running drill, which is then closed as superseded. The
    unique index on open checks per segment settles two starts racing each other.
    """
    # Only a field segment is picked in Python; the others go from SELECT to INSERT in the database.
    people = await segment.members(session) if segment.kind == "field" else None
    if not (people if people is not None else await session.scalar(select(segment.query().exists()))):
        raise CheckError("the segment has no active members")
    running = await open_check_for(session, segment)
    if running is not None:
        if not (running.drill and not drill):
            return Started(running, created=False)
        running.status, running.closed_at, running.closed_reason = CheckStatus.closed, now, "superseded"
        running.next_reask_at = None
        await session.flush()
        await bump_version(session, running.id)
    check = ContactCheck(segment=segment.spec, drill=drill, message=message, status=CheckStatus.open, source=source,
                         started_by_member_id=started_by, started_at=now, reask_interval_minutes=reask_minutes,
                         max_reasks=max_reasks, reasks_done=0,
                         next_reask_at=now + timedelta(minutes=reask_minutes) if max_reasks > 0 else None)
    try:
        async with session.begin_nested():
            session.add(check)
    except IntegrityError:
        return Started(await open_check_for(session, segment), created=False)
    if segment.kind == "field":  # the segment's members are picked in Python (fields are a JSON list)
        asked = await _insert_targets(session, check.id, people, now)
    else:
        asked = await _insert_targets_from(session, check.id, segment.query().subquery(), now)
    if menus and not drill:
        await settle_check_menus(session, check.id, now)
    await bump_version(session, check.id)
    return Started(check, created=True, asked=asked)


async def settle_check_menus(session: AsyncSession, check_id: int, now: datetime) -> int:
    """A real check's members get the menu 安否を回答, the staff the board (unless it is over by now:
    the menus are worked out from what is running)."""
    return await settle_menus(session, now=now, line_user_ids=select(ContactCheckTarget.line_user_id).where(
        ContactCheckTarget.check_id == check_id).union(select(Member.line_user_id).where(Member.is_staff.is_(True))))


@dataclass(frozen=True)
class Answered:
    check: ContactCheck
    target: ContactCheckTarget
    late: bool
    changed: bool  # an earlier, different answer existed
    duplicate: bool = False


async def _insert_targets_from(session: AsyncSession, check_id: int, people, now: datetime) -> list[str]:
    """Every member of the segment becomes a target in one INSERT ... SELECT (10,000 rows in one
    statement, none of them through Python). A deputy or other contact of an organization with a
    primary contact in the segment is held (asked only if no primary answers); plain members are asked.
    Returns the LINE user ids of those asked now, in member order."""
    primaries = select(people.c.organization_id).where(people.c.role == MemberRole.primary)
    held = and_(people.c.role == MemberRole.deputy, people.c.organization_id.in_(primaries))
    table = ContactCheckTarget.__table__
    columns = ["check_id", "member_id", "line_user_id", "organization_id", "held", "asked_count", "last_asked_at",
               "answers", "by_proxy", "late", "provisions"]
    insert = (table.insert().from_select(columns, select(
        literal(check_id), people.c.id, people.c.line_user_id, people.c.organization_id,
        case((held, true()), else_=false()), case((held, 0), else_=1),
        case((held, null()), else_=literal(now, table.c.last_asked_at.type)),
        literal(0), false(), false(), literal([], table.c.provisions.type)))
        .returning(table.c.member_id, table.c.line_user_id, table.c.held))
    if session.bind.dialect.name == "postgresql":
        # Those asked come back as one array, in member order: not 10,000 rows read into Python and
        # sorted there (a fifth of the API's answer).
        asked = insert.cte("inserted")
        return list(await session.scalar(select(func.coalesce(
            func.array_agg(aggregate_order_by(asked.c.line_user_id, asked.c.member_id)).filter(~asked.c.held),
            literal([], ARRAY(table.c.line_user_id.type))))))
    # (Sorted as plain tuples: comparing 10,000 result rows was a tenth of a start.)
    return [user for _, user, held in sorted(map(tuple, await session.execute(insert))) if not held]


def held_back(people: list) -> set[int]:
    """The member ids start_check holds back: deputies of an organization whose primary contact is asked
    (they are asked only if no primary answers). The same rule as _insert_targets_from's, in Python."""
    with_primary = {p.organization_id for p in people if p.role == MemberRole.primary}
    return {p.member_id for p in people if p.role == MemberRole.deputy and p.organization_id in with_primary}


async def _insert_targets(session: AsyncSession, check_id: int, people: list, now: datetime) -> list[str]:
    held_ids = held_back(people)
    rows = []
    for p in people:
        held = p.member_id in held_ids
        rows.append({"check_id": check_id, "member_id": p.member_id, "line_user_id": p.line_user_id,
                     "organization_id": p.organization_id, "held": held, "asked_count": 0 if held else 1,
                     "last_asked_at": None if held else now, "answers": 0, "by_proxy": False, "late": False,
                     "provisions": []})
    await session.execute(ContactCheckTarget.__table__.insert(), rows)
    return [row["line_user_id"] for row in sorted(rows, key=lambda row: row["member_id"]) if not row["held"]]


async def hold_targets(session: AsyncSession, pairs: list[tuple[int, int]]) -> None:
    """Read and lock the targets of these (check, member) pairs in one statement for a batch of
    answers; the transaction's answers then find them without a statement each (their check, read
    once per transaction by _check), and their writes go out together at its flush."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    held = session.info.setdefault(HELD_TARGETS, {})
    held.update(dict.fromkeys(pairs))  # a pair with no row is a member the check does not ask
    checks = {check_id for check_id, _ in pairs}
    # Mostly one check is open: its members as one array (see among), else the pairs.
    which = (and_(ContactCheckTarget.check_id == next(iter(checks)),
                  among(session, ContactCheckTarget.member_id, [member_id for _, member_id in pairs]))
             if len(checks) == 1 else tuple_(ContactCheckTarget.check_id, ContactCheckTarget.member_id).in_(pairs))
    rows = await session.scalars(
        select(ContactCheckTarget).where(which)
        .order_by(ContactCheckTarget.check_id, ContactCheckTarget.member_id).with_for_update())
    held.update(((t.check_id, t.member_id), t) for t in rows)


async def _target(session: AsyncSession, check_id: int, member_id: int) -> ContactCheckTarget | None:
    held = session.info.get(HELD_TARGETS)
    if held is not None and (check_id, member_id) in held:
        return held[(check_id, member_id)]
    return await session.scalar(select(ContactCheckTarget).where(
        ContactCheckTarget.check_id == check_id, ContactCheckTarget.member_id == member_id).with_for_update())


async def _check(session: AsyncSession, check_id: int) -> ContactCheck | None:
    """The check, read once per transaction: kept in the session's info, since the session's own
    map of rows holds them weakly (an answer's check would be gone, and read again, by the next)."""
    checks = session.info.setdefault(HELD_CHECKS, {})
    if check_id not in checks:
        checks[check_id] = await session.get(ContactCheck, check_id)
    return checks[check_id]


async def record_answer(session: AsyncSession, *, check_id: int, member_id: int, status: str, now: datetime,
                        source_key: str, recorded_by: int | None = None, by_proxy: bool = False) -> Answered | None:
    """Store one answer (None when the member is not asked in this check).

    Kept in the log once per `source_key` (the webhook event, or the staff entry); the
    target row keeps the first answer and the latest one, and whether staff entered the
    latest on the member's behalf (`recorded_by` in LINE, `by_proxy` from the command line).
    """
    if status not in ANSWERS:
        raise CheckError(f"unknown answer {status!r}; use one of {', '.join(ANSWERS)}")
    target = await _target(session, check_id, member_id)
    if target is None:
        return None
    # No lock on the check: every answer would write to its one row. An answer racing the
    # closing may be stored as on time; the picture counts it by its time (see summarize).
    check = await _check(session, check_id)
    late = check.status != CheckStatus.open
    entry = dict(check_id=check_id, member_id=member_id, status=status, source_key=source_key,
                 recorded_by_member_id=recorded_by, late=late, answered_at=now)
    if (check_id, member_id) in session.info.get(HELD_TARGETS, ()):
        # One of a batch (see hold_targets): written with the others' at the flush. An answer
        # logged already (the same event handled twice, which the per-user lock rules out) fails
        # that flush, and each event of the batch is then handled alone, where it is found below.
        session.add(ContactCheckAnswer(**entry))
    else:
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        logged = await session.execute(dialect.insert(ContactCheckAnswer).values(**entry)
                                       .on_conflict_do_nothing(index_elements=["source_key"])
                                       .returning(ContactCheckAnswer.id))
        if logged.scalar() is None:
            return Answered(check, target, late, changed=False, duplicate=True)
    changed = target.status is not None and target.status != status
    if target.first_status is None:
        target.first_status, target.first_answered_at = status, now
    target.status, target.answered_at, target.answers = status, now, target.answers + 1
    target.by_proxy, target.late = by_proxy or recorded_by is not None, late
    await bump_version(session, check_id, member_id)
    return Answered(check, target, late, changed)


async def toggle_provision(session: AsyncSession, *, check_id: int, member_id: int, code: str) -> list[str] | None:
    """Add or remove one thing the organization can provide; "none" clears the rest."""
    if code not in PROVISIONS and code != NO_PROVISION:
        raise CheckError(f"unknown provision {code!r}")
    target = await _target(session, check_id, member_id)
    if target is None or target.status is None:
        return None
    chosen = [c for c in target.provisions or [] if c != NO_PROVISION]
    if code == NO_PROVISION:
        chosen = [NO_PROVISION]
    elif code in chosen:
        chosen.remove(code)
    else:
        chosen.append(code)
    target.provisions = [c for c in (*PROVISIONS, NO_PROVISION) if c in chosen]
    await session.flush()
    await bump_version(session, check_id, member_id)
    return target.provisions


async def set_answer_details(session: AsyncSession, *, check_id: int, member_id: int,
                             provisions: list[str] | None = None, note: str | None = None) -> bool:
    """Set provisions and a note together (the command line's proxy answer)."""
    target = await _target(session, check_id, member_id)
    if target is None:
        return False
    if provisions is not None:
        unknown = [p for p in provisions if p not in PROVISIONS and p != NO_PROVISION]
        if unknown:
            raise CheckError(f"unknown provision {unknown[0]!r}; use {', '.join((*PROVISIONS, NO_PROVISION))}")
        target.provisions = [c for c in (*PROVISIONS, NO_PROVISION) if c in provisions]
    if note is not None:
        target.note = note.strip()[:MAX_NOTE] or None
    await session.flush()
    await bump_version(session, check_id, member_id)
    return True


async def open_check_asking(session: AsyncSession, member_id: int, *, unanswered_only: bool) -> int | None:
    """The running check that asks this member (the latest, one they have not answered first), if any."""
    query = (select(ContactCheck.id).join(ContactCheckTarget, ContactCheckTarget.check_id == ContactCheck.id)
             .where(ContactCheck.status == CheckStatus.open, ContactCheckTarget.member_id == member_id))
    if unanswered_only:
        query = query.where(ContactCheckTarget.status.is_(None))
    return await session.scalar(query.order_by(ContactCheckTarget.status.is_not(None), ContactCheck.started_at.desc(),
                                               ContactCheck.id.desc()).limit(1))


async def ask_newcomer(session: AsyncSession, member: Member, now: datetime) -> list[ContactCheck]:
    """The running checks whose segment takes in a member who just registered (or came back), now asking them too.

    They are asked at once, whatever their role: the organization's primary contact may
    already have answered, but this person's own safety is not known.
    """
    asked = []
    for check in await open_checks(session):
        if await session.get(ContactCheckTarget, (check.id, member.id)) is not None:
            continue
        people = await Segment.parse(check.segment).members(session)
        if not any(p.member_id == member.id for p in people):
            continue
        session.add(ContactCheckTarget(check_id=check.id, member_id=member.id, line_user_id=member.line_user_id,
                                       organization_id=member.organization_id, held=False, asked_count=1,
                                       last_asked_at=now, answers=0, by_proxy=False, late=False, provisions=[]))
        asked.append(check)
    await session.flush()
    for check in asked:
        await bump_version(session, check.id, member.id)
    return asked


async def close_check(session: AsyncSession, check_id: int, now: datetime) -> bool:
    closed = await session.execute(update(ContactCheck).where(
        ContactCheck.id == check_id, ContactCheck.status == CheckStatus.open).values(
        status=CheckStatus.closed, closed_at=now, closed_reason="closed", next_reask_at=None))
    if closed.rowcount != 1:
        return False
    await bump_version(session, check_id)
    await settle_menus(session, now=now, wanted_in=(ALERT, BOARD))  # menus turn back, unless another real check still runs for them
    return True


async def open_checks(session: AsyncSession) -> list[ContactCheck]:
    return list(await session.scalars(select(ContactCheck).where(ContactCheck.status == CheckStatus.open)
                                      .order_by(ContactCheck.started_at.desc())))


async def latest_check(session: AsyncSession) -> ContactCheck | None:
    return await session.scalar(select(ContactCheck).order_by(ContactCheck.started_at.desc(), ContactCheck.id.desc())
                                .limit(1))


# Re-asking

async def due_reask_ids(session: AsyncSession, now: datetime) -> list[int]:
    return list(await session.scalars(select(ContactCheck.id).where(
        ContactCheck.status == CheckStatus.open, ContactCheck.next_reask_at <= now).order_by(ContactCheck.id)))


@dataclass(frozen=True)
class Reask:
    check: ContactCheck
    round: int
    again: list[str]     # asked before, still silent
    deputies: list[str]  # asked for the first time: their primary contact stayed silent


async def claim_reask(session: AsyncSession, check_id: int, now: datetime, *, by_staff: bool = False) -> Reask | None:
    """Take the next re-ask round of a check; None when it is not due or another worker took it.

    `by_staff`: a round staff ask for now (on the console), due or not, also after the planned
    rounds are done; the next planned one is then a full interval away.
    """
    check = await session.get(ContactCheck, check_id)
    if check is None or check.status != CheckStatus.open:
        return None
    if not by_staff and (check.next_reask_at is None or check.next_reask_at > now):
        return None
    round_ = check.reasks_done + 1
    interval = timedelta(minutes=check.reask_interval_minutes)
    # Rounds missed while no scheduler ran are not made up in a rush: the next one is a full interval away.
    following = max(now + interval, check.started_at + interval * (round_ + 1)) if round_ < check.max_reasks else None
    claimed = await session.execute(update(ContactCheck).where(
        ContactCheck.id == check_id, ContactCheck.reasks_done == check.reasks_done,
        ContactCheck.status == CheckStatus.open).values(reasks_done=round_, next_reask_at=following))
    if claimed.rowcount != 1:
        return None
    await session.refresh(check)
    answered = select(ContactCheckTarget.organization_id).where(
        ContactCheckTarget.check_id == check_id, ContactCheckTarget.status.is_not(None))
    silent = list(await session.execute(select(ContactCheckTarget.member_id, ContactCheckTarget.line_user_id,
                                                ContactCheckTarget.asked_count).where(
        ContactCheckTarget.check_id == check_id, ContactCheckTarget.status.is_(None),
        ContactCheckTarget.organization_id.not_in(answered))))
    again = [(m, u) for m, u, asked in silent if asked > 0]
    # Deputies join after the first re-ask went unanswered (or in the only re-ask there is).
    deputies = [(m, u) for m, u, asked in silent if asked == 0] if round_ >= min(2, check.max_reasks) else []
    ids = [m for m, _ in again + deputies]
    if ids:
        await session.execute(update(ContactCheckTarget).where(
            ContactCheckTarget.check_id == check_id, ContactCheckTarget.member_id.in_(ids)).values(
            asked_count=ContactCheckTarget.asked_count + 1, last_asked_at=now, held=False))
    await bump_version(session, check_id)
    return Reask(check, round_, [u for _, u in again], [u for _, u in deputies])


# The picture for staff

def _asked_clause():
    """A target counts as asked once the question went to them, or once they answered (by phone, say):
    the one rule the board, the list of checks and the console's home count by."""
    t = ContactCheckTarget
    return (t.asked_count > 0) | t.status.is_not(None)


async def check_counts(session: AsyncSession, check_ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """Per check: (people asked, of them answered, held back not yet asked, answered 被害あり or 支援が必要)."""
    t = ContactCheckTarget
    if not check_ids:
        return {}
    rows = await session.execute(
        select(t.check_id, func.count().filter(_asked_clause()), func.count(t.status),
               func.count().filter(~_asked_clause()), func.count().filter(t.status.in_(["damaged", "help"])))
        .where(t.check_id.in_(check_ids)).group_by(t.check_id))
    return {cid: (asked, answered, held, in_need) for cid, asked, answered, held, in_need in rows}


@dataclass
class OrgLine:
    organization_id: int
    name: str
    contacts: int
    answered: int = 0
    status: str | None = None  # the most serious answer among its contacts
    provisions: set[str] = field(default_factory=set)
    first_answered_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (first, latest) of contacts who changed
    silent: list["Contact"] = field(default_factory=list)  # its contacts who have not answered, to call


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str | None
    asked: bool
    member_id: int = 0


@dataclass(frozen=True)
class Answerer:
    """A member who answered, as the board lists them: who, where, what they said."""

    member_id: int
    name: str
    organization: str
    role: str
    phone: str | None
    status: str
    provisions: tuple[str, ...]
    note: str | None
    answered_at: datetime
    by_proxy: bool


@dataclass
class CheckSummary:
    check: ContactCheck
    members: int
    members_asked: int  # the question went to them, or they answered anyway
    members_answered: int
    member_status: dict[str, int]
    orgs: list[OrgLine]
    by_proxy: int
    late: int
    questions_sent: int
    questions_waiting: int
    questions_failed: int
    # Whether the check's questions went through the outbox at all: the demo's check was never sent,
    # and its board must not say 届いた 0人 beside its answers.
    questions_queued: bool = True
    member_first_answers: list[datetime] = field(default_factory=list)  # when each member first answered
    answerers: list[Answerer] = field(default_factory=list)

    @property
    def members_held(self) -> int:
        """Deputies not asked yet: they are asked only if their organization's primary contact does not answer."""
        return self.members - self.members_asked

    @property
    def members_silent(self) -> int:
        """People asked who have not answered (the held deputies are counted apart)."""
        return self.members_asked - self.members_answered

    @property
    def people_in_need(self) -> list[Answerer]:
        """Members whose latest answer is 支援が必要 or 被害あり: the most serious first, then the latest."""
        return sorted((a for a in self.answerers if a.status in ("help", "damaged")),
                      key=lambda a: (-SEVERITY[a.status], -a.answered_at.timestamp(), a.member_id))

    @property
    def people_silent(self) -> list[tuple[OrgLine, Contact]]:
        """Members who have not answered, with their organization, by organization."""
        return [(o, c) for o in self.orgs for c in o.silent]

    def offered_by(self) -> dict[str, list[str]]:
        """The organizations offering each kind of help."""
        return {p: [o.name for o in self.orgs if p in o.provisions] for p in PROVISIONS}

    def org_first_answers(self) -> list[datetime]:
        """When each organization that answered first did, in order."""
        return sorted(o.first_answered_at for o in self.orgs if o.first_answered_at is not None)

    @property
    def orgs_answered(self) -> list[OrgLine]:
        return [o for o in self.orgs if o.status is not None]

    @property
    def orgs_in_need(self) -> list[OrgLine]:
        """Organizations that answered 支援が必要 or 被害あり, the most serious first."""
        return sorted((o for o in self.orgs if o.status in ("help", "damaged")),
                      key=lambda o: (-SEVERITY[o.status], o.name))

    @property
    def orgs_silent(self) -> list[OrgLine]:
        return [o for o in self.orgs if o.status is None]

    def org_status(self) -> dict[str, int]:
        return {s: sum(1 for o in self.orgs if o.status == s) for s in ANSWERS}

    def offered(self) -> dict[str, int]:
        return {p: sum(1 for o in self.orgs if p in o.provisions) for p in PROVISIONS}

    def milestones(self) -> dict[int, timedelta | None]:
        """How long it took until 25/50/75 % of the organizations had answered."""
        times = self.org_first_answers()
        out = {}
        for share in MILESTONES:
            needed = max(1, math.ceil(len(self.orgs) * share / 100))
            out[share] = times[needed - 1] - self.check.started_at if len(times) >= needed else None
        return out


SEVERITY = {"safe": 0, "damaged": 1, "help": 2}


async def summarize(session: AsyncSession, check: ContactCheck) -> CheckSummary:
    t = ContactCheckTarget
    # Columns, not entities: the live board draws this for thousands of members twice a second.
    rows = await session.execute(
        select(t.organization_id, t.member_id, t.asked_count, t.status, t.first_status, t.first_answered_at,
               t.answered_at, t.by_proxy, t.late, t.provisions, t.note, Organization.name, Member.name,
               Member.role, Member.phone)
        .join(Organization, Organization.id == t.organization_id)
        .join(Member, Member.id == t.member_id)
        .where(t.check_id == check.id).order_by(Organization.name, Member.role.desc(), Member.id))
    orgs: dict[int, OrgLine] = {}
    member_status = dict.fromkeys(ANSWERS, 0)
    asked = answered = by_proxy = late = 0
    firsts, people = [], []
    for target in rows:
        org_name, name, role, phone = target[11:]
        org = orgs.setdefault(target.organization_id, OrgLine(target.organization_id, org_name, 0))
        org.contacts += 1
        asked += target.asked_count > 0 or target.status is not None
        if target.status is None:
            org.silent.append(Contact(name, role, phone, target.asked_count > 0, target.member_id))
            continue
        answered += 1
        firsts.append(target.first_answered_at)
        people.append(Answerer(target.member_id, name, org_name, role, phone, target.status,
                               tuple(target.provisions or ()), target.note, target.answered_at, target.by_proxy))
        by_proxy += target.by_proxy
        late += target.late or (check.closed_at is not None and target.answered_at > check.closed_at)
        member_status[target.status] += 1
        org.answered += 1
        if org.status is None or SEVERITY[target.status] > SEVERITY[org.status]:
            org.status = target.status
        org.provisions |= {p for p in target.provisions or [] if p in PROVISIONS}
        if target.note:
            org.notes.append(target.note)
        if target.first_status != target.status:
            org.changes.append((target.first_status, target.status))
        if org.first_answered_at is None or target.first_answered_at < org.first_answered_at:
            org.first_answered_at = target.first_answered_at
    reached, waiting, failed = set(), set(), set()
    queued = 0
    for status, recipients in await session.execute(
            select(OutboxMessage.status, OutboxMessage.recipients).where(OutboxMessage.purpose == purpose(check.id))):
        queued += 1
        {OutboxStatus.sent: reached, OutboxStatus.failed: failed}.get(status, waiting).update(recipients)
    waiting -= reached
    failed -= reached | waiting
    return CheckSummary(check=check, members=sum(o.contacts for o in orgs.values()), members_asked=asked,
                        members_answered=answered, member_status=member_status, orgs=list(orgs.values()),
                        by_proxy=by_proxy, late=late, questions_sent=len(reached), questions_waiting=len(waiting),
                        questions_failed=len(failed), questions_queued=queued > 0,
                        member_first_answers=sorted(firsts),
                        answerers=people)


async def export_rows(session: AsyncSession, check_id: int) -> list[dict]:
    """One row per member asked or held back, with both answers, for the CSV export."""
    rows = await session.execute(
        select(ContactCheckTarget, Member.name, Member.role, Organization.name)
        .join(Member, Member.id == ContactCheckTarget.member_id)
        .join(Organization, Organization.id == ContactCheckTarget.organization_id)
        .where(ContactCheckTarget.check_id == check_id).order_by(Organization.name, Member.id))
    return [{"organization": org, "member_id": t.member_id, "member": name, "role": role,
             "asked": t.asked_count, "first_status": t.first_status, "first_answered_at": t.first_answered_at,
             "status": t.status, "answered_at": t.answered_at, "answers": t.answers, "by_proxy": t.by_proxy,
             "late": t.late, "provisions": " ".join(t.provisions or []), "note": t.note or ""}
            for t, name, role, org in rows]


async def find_targets(session: AsyncSession, check_id: int, query: str, limit: int = 12) -> list[tuple[int, str, str]]:
    """Members of a check whose name or organization contains `query`: (member id, name, organization)."""
    rows = await session.execute(
        select(Member.id, Member.name, Organization.name)
        .join(ContactCheckTarget, and_(ContactCheckTarget.member_id == Member.id,
                                       ContactCheckTarget.check_id == check_id))
        .join(Organization, Organization.id == Member.organization_id)
        .where(Member.name.contains(query.strip(), autoescape=True)
               | Organization.name.contains(query.strip(), autoescape=True))
        .order_by(ContactCheckTarget.status.is_not(None), Organization.name, Member.name).limit(limit))
    return [tuple(row) for row in rows]
