"""Notices and their recipients: creating, acknowledging, and who has read what."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Member, Notice, NoticeRecipient, NoticeStatus, Organization, OutboxKind, OutboxMessage, OutboxStatus
from db.segments import Recipient, Segment

MAX_NOTICE_TEXT = 2000
MAX_NOTICE_TITLE = 40  # Notice.title's column
DEFAULT_REMIND_AFTER = timedelta(hours=24)


TITLE_LENGTH = 24


def notice_title(text: str) -> str:
    """A notice's first line, cut short: how staff tell their notices apart, and all the audit log keeps of it."""
    first = (text.strip().splitlines() or [""])[0]
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


def notice_label(notice: Notice) -> str:
    """How the audit log names a notice: its id and title (its first line, cut short, when it has none)."""
    return f"#{notice.id} {notice.title or notice_title(notice.text)}"


def notice_purpose(notice_id: int) -> str:
    """The outbox purpose of a notice's messages: how its delivery is read back from the outbox."""
    return f"notice:{notice_id}"


def reminder_purpose(notice_id: int) -> str:
    return f"notice-reminder:{notice_id}"


async def notice_outbox(session: AsyncSession, notice_ids: list[int]) -> dict[int, list[OutboxMessage]]:
    """The outbox rows that carry each notice to its recipients (not its reminders)."""
    found: dict[int, list[OutboxMessage]] = {i: [] for i in notice_ids}
    if notice_ids:
        by_purpose = {notice_purpose(i): i for i in notice_ids}
        for row in await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose.in_(by_purpose))
                                          .order_by(OutboxMessage.id)):
            found[by_purpose[row.purpose]].append(row)
    return found


def outbox_delivered(notice: Notice, rows: list[OutboxMessage]) -> bool:
    """Whether LINE took a sent notice's messages: none still waiting, and some accepted (or none to send)."""
    if notice.status != NoticeStatus.sent:
        return False
    if not rows:  # nobody to send to, or sent before its rows were tagged with the notice
        return True
    return all(r.status != OutboxStatus.pending for r in rows) and any(r.status == OutboxStatus.sent for r in rows)


async def notice_delivered(session: AsyncSession, notice: Notice) -> bool:
    return outbox_delivered(notice, (await notice_outbox(session, [notice.id]))[notice.id])


async def delivered_to(session: AsyncSession, line_user_id: str, notice_ids: list[int]) -> dict[int, datetime | None]:
    """Of these sent notices, those whose message LINE accepted for this user, with when it did (None when
    the notice was sent before its rows were tagged with it)."""
    delivered: dict[int, datetime | None] = {}
    for notice_id, found in (await notice_outbox(session, notice_ids)).items():
        taken = [r.sent_at for r in found if r.status == OutboxStatus.sent and line_user_id in r.recipients]
        if not found or taken:
            delivered[notice_id] = max((t for t in taken if t), default=None)
    return delivered


async def create_notice(session: AsyncSession, *, text: str, segment: Segment, send_at: datetime, now: datetime,
                        author_member_id: int | None = None, over_quota_confirmed: bool = False,
                        remind_after: timedelta = DEFAULT_REMIND_AFTER, title: str | None = None) -> Notice:
    notice = Notice(title=title or None, text=text, segment=segment.spec, author_member_id=author_member_id, status=NoticeStatus.scheduled,
                    send_at=max(send_at, now), remind_after_minutes=int(remind_after.total_seconds() // 60),
                    over_quota_confirmed=over_quota_confirmed, created_at=now)
    session.add(notice)
    await session.flush()
    return notice


async def cancel_notice(session: AsyncSession, notice_id: int) -> Notice | None:
    """Call off a notice not sent yet; None if it is gone, already sent or already called off."""
    cancelled = await session.execute(update(Notice).where(Notice.id == notice_id, Notice.status == NoticeStatus.scheduled)
                                      .values(status=NoticeStatus.cancelled))
    return await session.get(Notice, notice_id) if cancelled.rowcount == 1 else None


async def claim_for_sending(session: AsyncSession, notice_id: int, now: datetime) -> list[Recipient] | None:
    """Mark a due notice sent and record its recipients; None if another worker already did.

    The conditional update is the claim: on PostgreSQL a second transaction waits on the row
    and then finds it no longer scheduled, so a notice is sent exactly once.
    """
    claimed = await session.execute(
        update(Notice).where(Notice.id == notice_id, Notice.status == NoticeStatus.scheduled, Notice.send_at <= now)
        .values(status=NoticeStatus.sent, sent_at=now))
    if claimed.rowcount != 1:
        return None
    notice = await session.get(Notice, notice_id)
    recipients = await Segment.parse(notice.segment).members(session)
    if recipients:
        await session.execute(insert(NoticeRecipient), [
            {"notice_id": notice_id, "member_id": r.member_id, "line_user_id": r.line_user_id} for r in recipients])
    return recipients


async def due_notice_ids(session: AsyncSession, now: datetime) -> list[int]:
    return list(await session.scalars(
        select(Notice.id).where(Notice.status == NoticeStatus.scheduled, Notice.send_at <= now).order_by(Notice.send_at)))


async def acknowledge(session: AsyncSession, *, notice_id: int, member_id: int, now: datetime) -> bool | None:
    """Record an acknowledgement: True when new, False when already given, None when not a recipient."""
    done = await session.execute(
        update(NoticeRecipient)
        .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.member_id == member_id,
               NoticeRecipient.acked_at.is_(None))
        .values(acked_at=now))
    if done.rowcount == 1:
        return True
    exists = await session.get(NoticeRecipient, (notice_id, member_id))
    return False if exists is not None else None


async def latest_unacknowledged(session: AsyncSession, member_id: int) -> int | None:
    """The latest notice delivered to the member that they have not acknowledged (one the quiet hours still hold is not)."""
    rows = (await session.execute(
        select(NoticeRecipient.notice_id, NoticeRecipient.line_user_id).join(Notice, Notice.id == NoticeRecipient.notice_id)
        .where(NoticeRecipient.member_id == member_id, NoticeRecipient.acked_at.is_(None))
        .order_by(Notice.sent_at.desc(), Notice.id.desc()).limit(20))).all()
    if not rows:
        return None
    delivered = await delivered_to(session, rows[0][1], [notice_id for notice_id, _ in rows])
    return next((notice_id for notice_id, _ in rows if notice_id in delivered), None)


async def claim_ack_reminders(session: AsyncSession, now: datetime) -> dict[int, list[str]]:
    """Take the recipients due one reminder (not acknowledged, not yet reminded), per notice."""
    notices = list(await session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.sent, Notice.remind_after_minutes > 0)))
    due: dict[int, list[str]] = {}
    for notice in notices:
        if notice.sent_at + timedelta(minutes=notice.remind_after_minutes) > now:
            continue
        if not await notice_delivered(session, notice):  # still held by the quiet hours: not yet to remind of
            continue
        taken = await session.execute(
            update(NoticeRecipient)
            .where(NoticeRecipient.notice_id == notice.id, NoticeRecipient.acked_at.is_(None),
                   NoticeRecipient.reminded_at.is_(None))
            .values(reminded_at=now)
            .returning(NoticeRecipient.line_user_id))
        users = [row[0] for row in taken]
        if users:
            due[notice.id] = users
    return due


@dataclass(frozen=True)
class ReadStatus:
    notice: Notice
    acked: list[tuple[str, str]]  # (member name, organization name)
    pending: list[tuple[str, str]]

    @property
    def total(self) -> int:
        return len(self.acked) + len(self.pending)


async def read_status(session: AsyncSession, notice_id: int) -> ReadStatus | None:
    notice = await session.get(Notice, notice_id)
    if notice is None:
        return None
    rows = await session.execute(
        select(Member.name, Organization.name, NoticeRecipient.acked_at)
        .join(Member, Member.id == NoticeRecipient.member_id)
        .join(Organization, Organization.id == Member.organization_id)
        .where(NoticeRecipient.notice_id == notice_id).order_by(Organization.name, Member.name))
    acked, pending = [], []
    for name, org, acked_at in rows:
        (acked if acked_at else pending).append((name, org))
    return ReadStatus(notice, acked, pending)


@dataclass(frozen=True)
class NoticeReader:
    """One recipient of a sent notice, as the console's read status lists them."""

    member_id: int
    name: str
    organization: str
    acked_at: datetime | None
    reminded_at: datetime | None


async def notice_readers(session: AsyncSession, notice_id: int) -> list[NoticeReader]:
    """Everyone a notice went to, by organization, with when they acknowledged it and were last reminded."""
    rows = await session.execute(
        select(Member.id, Member.name, Organization.name, NoticeRecipient.acked_at, NoticeRecipient.reminded_at)
        .join(Member, Member.id == NoticeRecipient.member_id)
        .join(Organization, Organization.id == Member.organization_id)
        .where(NoticeRecipient.notice_id == notice_id).order_by(Organization.name, Member.name))
    return [NoticeReader(*row) for row in rows]


async def claim_unacknowledged(session: AsyncSession, notice_id: int, *, seen: datetime | None,
                               now: datetime) -> list[str]:
    """Take those who have not acknowledged a sent notice for one more reminder (marking them reminded now).

    `seen` is the latest reminder the staff member saw when asking: anyone reminded after it was taken
    by another request, so the same form sent twice reminds nobody twice.
    """
    not_since = NoticeRecipient.reminded_at.is_(None)
    if seen is not None:
        not_since = not_since | (NoticeRecipient.reminded_at <= seen)
    taken = await session.execute(
        update(NoticeRecipient)
        .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.acked_at.is_(None), not_since)
        .values(reminded_at=now)
        .returning(NoticeRecipient.line_user_id))
    return [row[0] for row in taken]


async def recent_notices(session: AsyncSession, limit: int = 5) -> list[tuple[Notice, int, int]]:
    """The latest notices with (acknowledged, total) counts."""
    notices = list(await session.scalars(
        select(Notice).where(Notice.status != NoticeStatus.cancelled).order_by(Notice.send_at.desc()).limit(limit)))
    counts = dict.fromkeys((n.id for n in notices), (0, 0))
    if notices:
        rows = await session.execute(
            select(NoticeRecipient.notice_id, func.count(NoticeRecipient.acked_at), func.count())
            .where(NoticeRecipient.notice_id.in_(counts)).group_by(NoticeRecipient.notice_id))
        counts.update({notice_id: (acked, total) for notice_id, acked, total in rows})
    return [(notice, *counts[notice.id]) for notice in notices]


async def own_usage_this_month(session: AsyncSession, month_start: datetime) -> int:
    """Messages Renkei itself pushed or multicast this month, counted per recipient as LINE counts them."""
    rows = await session.scalars(
        select(OutboxMessage.recipients).where(
            OutboxMessage.kind.in_([OutboxKind.push, OutboxKind.multicast]),
            OutboxMessage.status == OutboxStatus.sent, OutboxMessage.sent_at >= month_start))
    return sum(len(recipients) for recipients in rows)
