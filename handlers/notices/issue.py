"""The one way a notice is sent, scheduled, reminded or called off, from any door (LINE, the console,
the command line): the same rules and refusals, and an audit entry for each (naming the notice by its
id and title, or its first line when it has none: see db.notices.notice_label)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import catalog as T
from db.audit import Actor, record
from db.models import Notice, NoticeStatus, OutboxMessage
from db.notices import (MAX_NOTICE_TEXT, MAX_NOTICE_TITLE, cancel_notice, claim_unacknowledged, create_notice,
                        NoticeReader, notice_delivered, notice_label, notice_readers, own_usage_this_month)
from db.rules.dates import beyond_horizon
from db.segments import Recipient, Segment, SegmentError
from handlers.notices.messages import remind_unacknowledged
from handlers.segments import describe_segment

PAST_MARGIN = timedelta(minutes=1)  # a moment picked a minute ago is "now", not the past


class NoticeRefused(Exception):
    """What staff asked for breaks a rule; `message` says which, in Japanese, and nothing was changed."""

    def __init__(self, reason: str, **fields) -> None:
        super().__init__(reason)
        self.reason, self.fields = reason, fields

    @property
    def message(self) -> str:
        return T.NOTICE_REFUSALS[self.reason].format(**self.fields)


def checked_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text or len(text) > MAX_NOTICE_TEXT:
        raise NoticeRefused("text", max=MAX_NOTICE_TEXT)
    return text


def checked_title(title: str | None) -> str | None:
    title = " ".join((title or "").split())
    if len(title) > MAX_NOTICE_TITLE:
        raise NoticeRefused("title", max=MAX_NOTICE_TITLE)
    return title or None


def check_send_at(send_at: datetime, now: datetime) -> None:
    if send_at < now - PAST_MARGIN:
        raise NoticeRefused("past")
    if beyond_horizon(send_at, now):
        raise NoticeRefused("too_far")


async def recipients(session: AsyncSession, segment: Segment) -> list[Recipient]:
    """Who the segment reaches now; a segment naming what no longer exists is refused."""
    try:
        await segment.check(session)
    except SegmentError:
        raise NoticeRefused("segment") from None
    return await segment.members(session)


@dataclass(frozen=True)
class QuotaPreview:
    """What a send of `count` messages does to this month's quota, as LINE reports it (limit None: none)."""

    count: int
    known: bool
    limit: int | None
    used: int
    own: int  # of `used`, what Renkei itself sent

    @property
    def left(self) -> int | None:
        return None if self.limit is None else self.limit - self.used - self.count

    @property
    def over(self) -> int:
        """Messages beyond the limit; 0 when within it or when the quota is unknown."""
        return -self.left if self.known and self.left is not None and self.left < 0 else 0

    @property
    def lines(self) -> list[str]:
        if not self.known:
            first = T.QUOTA_UNKNOWN
        elif self.limit is None:
            first = T.QUOTA_UNLIMITED.format(used=self.used)
        else:
            first = T.QUOTA_LINE.format(limit=self.limit, used=self.used, left=self.left)
        return [first, T.QUOTA_OWN.format(own=self.own)]


async def quota_preview(session: AsyncSession, quota, count: int, now: datetime, tz: ZoneInfo) -> QuotaPreview:
    """`quota` is LINE's as last read (bot.line.gateway.Quota), or None when it could not be read."""
    month_start = now.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    own = await own_usage_this_month(session, month_start)
    if quota is None:
        return QuotaPreview(count=count, known=False, limit=None, used=0, own=own)
    return QuotaPreview(count=count, known=True, limit=quota.limit, used=quota.used, own=own)


def over_quota(quota, count: int) -> int:
    """Messages a send of `count` takes beyond the month's limit (0 within it, or when unknown)."""
    if quota is None or quota.limit is None:
        return 0
    return max(0, count - (quota.limit - quota.used))


async def checked_notice(session: AsyncSession, *, text: str, title: str | None, segment: Segment,
                         send_at: datetime, now: datetime) -> tuple[str, str | None, int]:
    """The rules a notice meets before it is shown for confirmation or created: its text and title as
    they will be sent, a time not past, and someone it reaches (how many is returned)."""
    text, title = checked_text(text), checked_title(title)
    check_send_at(send_at, now)
    count = len(await recipients(session, segment))
    if count == 0:
        raise NoticeRefused("empty", segment=await describe_segment(session, segment))
    return text, title, count


async def issue_notice(session: AsyncSession, *, actor: Actor, text: str, segment: Segment, send_at: datetime,
                       now: datetime, quota, over_quota_confirmed: bool = False, title: str | None = None) -> Notice:
    """Create a notice to send now or at `send_at`, after every rule; the caller sends one that is due."""
    text, title, count = await checked_notice(session, text=text, title=title, segment=segment, send_at=send_at,
                                              now=now)
    if (over := over_quota(quota, count)) and not over_quota_confirmed:
        raise NoticeRefused("over_quota", over=over)
    notice = await create_notice(session, title=title, text=text, segment=segment, send_at=send_at, now=now,
                                 author_member_id=actor.member_id, over_quota_confirmed=over_quota_confirmed)
    now_send = notice.send_at <= now
    await record(session, actor=actor, action="notice.send" if now_send else "notice.schedule", now=now,
                 target_kind="notice", target_id=notice.id, target_label=notice_label(notice),
                 details={"segment": segment.spec, "recipients": count,
                          **({} if now_send else {"send_at": notice.send_at.astimezone(UTC).isoformat()})})
    return notice


async def reminder_due(session: AsyncSession, notice_id: int, *, seen: datetime | None) -> list[NoticeReader]:
    """Those a reminder would reach now: not acknowledged, not reminded since `seen` (see claim_unacknowledged)."""
    return [r for r in await notice_readers(session, notice_id) if r.acked_at is None
            and (r.reminded_at is None or (seen is not None and r.reminded_at <= seen))]


async def remind_now(session: AsyncSession, *, actor: Actor, notice_id: int, seen: datetime | None, now: datetime,
                     quota, over_quota_confirmed: bool = False) -> list[OutboxMessage]:
    """Send a sent notice again, as a reminder, to those who have not acknowledged it (see claim_unacknowledged)."""
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.status != NoticeStatus.sent:
        raise NoticeRefused("not_sent")
    if not await notice_delivered(session, notice):  # the quiet hours still hold it: nothing to remind of yet
        raise NoticeRefused("not_delivered")
    due = len(await reminder_due(session, notice_id, seen=seen))
    if due and (over := over_quota(quota, due)) and not over_quota_confirmed:
        raise NoticeRefused("over_quota", over=over)
    users = await claim_unacknowledged(session, notice_id, seen=seen, now=now)
    if not users:
        raise NoticeRefused("nobody_to_remind")
    rows = remind_unacknowledged(session, notice, users, now)
    await record(session, actor=actor, action="notice.remind", now=now, target_kind="notice", target_id=notice.id,
                 target_label=notice_label(notice), details={"recipients": len(users)})
    return rows


async def cancel_scheduled(session: AsyncSession, *, actor: Actor, notice_id: int, now: datetime) -> Notice:
    """Call off a notice not sent yet: nobody receives it."""
    notice = await cancel_notice(session, notice_id)
    if notice is None:
        raise NoticeRefused("not_cancellable")
    await record(session, actor=actor, action="notice.cancel", now=now, target_kind="notice", target_id=notice.id,
                 target_label=notice_label(notice))
    return notice
