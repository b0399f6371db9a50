"""What needs the secretariat's attention today, read in one place for the console's home page."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import (
    Agreement,
    CheckStatus,
    ContactCheck,
    Kpi,
    KpiPrompt,
    KpiPromptStep,
    Meeting,
    MeetingStatus,
    Notice,
    NoticeRecipient,
    NoticeStatus,
    Organization,
)
from db.contact_checks import check_counts
from db.notices import notice_title, own_usage_this_month

UNCONFIRMED_WITHIN = timedelta(days=30)  # older notices are history, not a task
REVIEW_WITHIN = timedelta(days=90)  # the first review reminder goes 90 days before
OVERDUE_STEPS = (KpiPromptStep.asked, KpiPromptStep.reminded, KpiPromptStep.deputies, KpiPromptStep.escalated)


@dataclass(frozen=True)
class RunningCheck:
    check: ContactCheck
    asked: int
    answered: int
    in_need: int  # members who answered 被害あり or 支援が必要


@dataclass(frozen=True)
class UnconfirmedNotice:
    notice: Notice
    acked: int
    total: int

    @property
    def title(self) -> str:
        return self.notice.title or notice_title(self.notice.text)


@dataclass(frozen=True)
class OverdueKpi:
    kpi: Kpi
    organization: str
    period: str
    asked_at: datetime | None
    step: str


@dataclass(frozen=True)
class Attention:
    checks: list[RunningCheck]
    notices: list[UnconfirmedNotice]
    kpis: list[OverdueKpi]
    meetings: list[Meeting]  # decided and starting within the week, or polls whose deadline is within it
    reviews: list[Agreement]
    own_sends: int  # Renkei's own pushes and multicasts this month, per recipient


async def running_checks(session: AsyncSession) -> list[RunningCheck]:
    checks = list(await session.scalars(select(ContactCheck).where(ContactCheck.status == CheckStatus.open)
                                        .order_by(ContactCheck.started_at.desc())))
    counts = await check_counts(session, [c.id for c in checks])
    out = []
    for check in checks:
        asked, answered, _, in_need = counts.get(check.id, (0, 0, 0, 0))
        out.append(RunningCheck(check, asked, answered, in_need))
    return out


async def unconfirmed_notices(session: AsyncSession, now: datetime) -> list[UnconfirmedNotice]:
    rows = await session.execute(
        select(Notice, func.count(NoticeRecipient.acked_at), func.count())
        .join(NoticeRecipient, NoticeRecipient.notice_id == Notice.id)
        .where(Notice.status == NoticeStatus.sent, Notice.sent_at >= now - UNCONFIRMED_WITHIN)
        .group_by(Notice.id).order_by(Notice.sent_at.desc()))
    return [UnconfirmedNotice(notice, acked, total) for notice, acked, total in rows if acked < total]


async def overdue_kpis(session: AsyncSession) -> list[OverdueKpi]:
    rows = await session.execute(
        select(KpiPrompt, Kpi, Organization.name).join(Kpi, Kpi.id == KpiPrompt.kpi_id)
        .join(Organization, Organization.id == KpiPrompt.organization_id)
        .where(KpiPrompt.step.in_(OVERDUE_STEPS)).order_by(KpiPrompt.first_asked_at, KpiPrompt.id))
    return [OverdueKpi(kpi, org, prompt.period, prompt.first_asked_at, prompt.step) for prompt, kpi, org in rows]


async def meetings_this_week(session: AsyncSession, now: datetime) -> list[Meeting]:
    week = now + timedelta(days=7)
    decided = select(Meeting).where(Meeting.status == MeetingStatus.decided, Meeting.starts_at >= now,
                                    Meeting.starts_at < week)
    polls = select(Meeting).where(Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding]),
                                  Meeting.deadline < week)
    found = list(await session.scalars(decided)) + list(await session.scalars(polls))
    return sorted(found, key=lambda m: m.starts_at or m.deadline)


async def reviews_coming(session: AsyncSession, today: date) -> list[Agreement]:
    return list(await session.scalars(
        select(Agreement).options(selectinload(Agreement.organizations))
        .where(Agreement.review_date >= today, Agreement.review_date <= today + REVIEW_WITHIN)
        .order_by(Agreement.review_date)))


async def attention(session: AsyncSession, *, now: datetime, today: date, month_start: datetime) -> Attention:
    return Attention(checks=await running_checks(session), notices=await unconfirmed_notices(session, now),
                     kpis=await overdue_kpis(session), meetings=await meetings_this_week(session, now),
                     reviews=await reviews_coming(session, today),
                     own_sends=await own_usage_this_month(session, month_start))
