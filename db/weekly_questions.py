"""The question of the week (ひとこと): a short question, one-line answers, one digest to those who answered."""

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.access import upsert
from db.rules.business_days import business_day_from
from db.models import Member, WeeklyAnswer, WeeklyQuestion

MAX_QUESTION = 60
MAX_ANSWER = 60
DIGEST_AFTER = timedelta(days=3)


async def create_question(session: AsyncSession, *, text: str, now: datetime, tz: tzinfo, asked_by: int | None = None,
                          digest_after: timedelta = DIGEST_AFTER) -> WeeklyQuestion:
    """The digest goes `digest_after` later, moved to a business day (same time) when that is a weekend or holiday."""
    due = (now + digest_after).astimezone(tz)
    digest_at = datetime.combine(business_day_from(due.date()), due.timetz()).astimezone(now.tzinfo)
    question = WeeklyQuestion(text=text, asked_by_member_id=asked_by, asked_at=now, digest_at=digest_at)
    session.add(question)
    await session.flush()
    return question


def clean_line(text: str | None, limit: int) -> str | None:
    """One line of 1 to `limit` characters, or None."""
    text = (text or "").strip()
    return text if text and "\n" not in text and len(text) <= limit else None


async def open_question(session: AsyncSession, question_id: int, now: datetime) -> WeeklyQuestion | None:
    """The question if answers are still taken (until its digest goes)."""
    question = await session.get(WeeklyQuestion, question_id)
    return question if question and question.digest_sent_at is None and question.digest_at > now else None


async def open_question_for(session: AsyncSession, member_id: int, now: datetime) -> WeeklyQuestion | None:
    """The latest question still taking answers that was asked since the member joined and that they have not answered."""
    member = await session.get(Member, member_id)
    answered = select(WeeklyAnswer.question_id).where(WeeklyAnswer.member_id == member_id)
    return await session.scalar(
        select(WeeklyQuestion).where(WeeklyQuestion.digest_sent_at.is_(None), WeeklyQuestion.digest_at > now,
                                     WeeklyQuestion.asked_at >= member.registered_at,
                                     WeeklyQuestion.id.not_in(answered))
        .order_by(WeeklyQuestion.asked_at.desc(), WeeklyQuestion.id.desc()).limit(1))


async def record_answer(session: AsyncSession, *, question_id: int, member_id: int, text: str, now: datetime) -> bool:
    """Store the member's answer; True when it replaced an earlier one."""
    earlier = await session.get(WeeklyAnswer, (question_id, member_id))
    await upsert(session, WeeklyAnswer, {"question_id": question_id, "member_id": member_id, "text": text,
                                         "answered_at": now}, keys=["question_id", "member_id"])
    return earlier is not None


async def due_digests(session: AsyncSession, now: datetime) -> list[int]:
    return list(await session.scalars(select(WeeklyQuestion.id).where(
        WeeklyQuestion.digest_sent_at.is_(None), WeeklyQuestion.digest_at <= now)))


@dataclass(frozen=True)
class Answer:
    line_user_id: str
    name: str
    organization: str
    fields: list[str]
    text: str


async def claim_digest(session: AsyncSession, question_id: int,
                       now: datetime) -> tuple[WeeklyQuestion, list[Answer]] | None:
    """Take the digest to send (once, whoever runs the job); the answers of members still active."""
    claimed = await session.execute(update(WeeklyQuestion).where(
        WeeklyQuestion.id == question_id, WeeklyQuestion.digest_sent_at.is_(None)).values(digest_sent_at=now))
    if claimed.rowcount != 1:
        return None
    rows = await session.execute(
        select(WeeklyAnswer, Member).join(Member, Member.id == WeeklyAnswer.member_id)
        .where(WeeklyAnswer.question_id == question_id, Member.status == "active")
        .options(selectinload(Member.organization)).order_by(WeeklyAnswer.answered_at))
    answers = [Answer(member.line_user_id, member.name, member.organization.name, list(member.fields or []),
                      answer.text) for answer, member in rows]
    return await session.get(WeeklyQuestion, question_id), answers


def group_by_field(answers: list[Answer], fields: list[str]) -> list[tuple[str | None, list[Answer]]]:
    """Answers under each member's first field, in the catalog's order of fields (None: no known field)."""
    groups: dict[str | None, list[Answer]] = {}
    for answer in answers:
        first = next((f for f in answer.fields if f in fields), None)
        groups.setdefault(first, []).append(answer)
    ordered = [(f, groups[f]) for f in fields if f in groups]
    return ordered + ([(None, groups[None])] if None in groups else [])
