"""Introductions: what the scheduled jobs and the CLI send, the round's notice, the card about the other,
the follow-up, the question of the week and its digest, and the schedule and figures as text."""

import random
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.line import messages as m
from bot.texts import catalog as T
from bot.line.outbox import queue_multicast, queue_push
from bot.texts.formats import moment_label
from db.intro_network import NetworkStats
from db.intros import cancel_announced, opted_in_members, opted_out, other
from db.weekly_questions import create_question, group_by_field
from db.models import IntroPair, IntroRound, IntroSchedule, Member, MemberStatus, OutboxMessage, WeeklyQuestion
from handlers.intros.buttons import AnswerWeekly, ExchangeIds, Followup, Hello, SkipRound

OUTCOME_CODES = {"t": "talked", "n": "not_yet", "p": "pass"}
# A pair is given one of these questions to start with; the pairing picks which.
ICEBREAKER_COUNT = len(T.INTRO_ICEBREAKERS)


async def queue_round_notice(session: AsyncSession, intro_round: IntroRound, now: datetime,
                             tz: tzinfo) -> list[OutboxMessage]:
    """A day ahead: the round's time, and one tap to skip it."""
    to = [member.line_user_id for member in await opted_in_members(session)]
    text = m.text(T.INTRO_NOTICE.format(when=moment_label(intro_round.scheduled_at, tz, now)), quick=[
        m.postback_action(T.INTRO_SKIP_BUTTON, SkipRound(round_id=intro_round.id), display_text=T.INTRO_SKIP_BUTTON)])
    return queue_multicast(session, to=to, messages=[text], purpose=f"intro:{intro_round.id}", now=now) if to else []


async def call_off_announced(session: AsyncSession, now: datetime, tz: tzinfo) -> list[OutboxMessage]:
    """Stopping or changing the rounds calls off one already announced; those who heard of it are told."""
    rows, called_off = [], await cancel_announced(session)
    to = [member.line_user_id for member in await opted_in_members(session)] if called_off else []
    for round_id in called_off:
        intro_round = await session.get(IntroRound, round_id)
        text = m.text(T.INTRO_ROUND_CALLED_OFF.format(when=moment_label(intro_round.scheduled_at, tz, now)))
        rows += queue_multicast(session, to=to, messages=[text], purpose=f"intro:{round_id}", now=now) if to else []
    return rows


def every_label(days: int) -> str:
    return T.INTRO_EVERY_LABELS.get(str(days)) or T.INTRO_EVERY_DAYS.format(days=days)


def schedule_text(row: IntroSchedule) -> str:
    return T.INTRO_SCHEDULE.format(every=every_label(row.every_days), weekday=T.WEEKDAYS[row.weekday],
                                   time=row.local_time, followup=row.followup_days)


def stats_text(stats: NetworkStats) -> str:
    bridges = T.INTRO_BRIDGE_SEP.join(T.INTRO_BRIDGE.format(name=b.organization, fields=b.other_fields)
                                      for b in stats.bridges)
    return T.INTRO_STATS.format(members=stats.members, opted_out=stats.opted_out, rounds=stats.rounds,
                                pairs=stats.pairs, ties=stats.ties, cross=stats.cross_field_ties,
                                lonely=stats.without_tie, bridges=bridges or T.INTRO_NO_BRIDGES)


def _line(template: str, value: str | None) -> list[dict]:
    if not value:
        return []
    return [{"type": "text", "text": template.format(text=value), "size": "sm", "wrap": True}]


def intro_card(pair: IntroPair, me: Member, them: Member, header: str = T.INTRO_CARD_HEADER) -> dict:
    """One bubble about `them` for `me`: who they are, their self-introduction, a question to start with;
    `header` says why (a round of introductions, or a handover)."""
    org = them.organization
    matched = [item for item in (me.needs or []) if item in (them.offers or [])]
    body = [
        {"type": "text", "text": header, "size": "xs", "color": "#1F6F43", "wrap": True},
        {"type": "text", "text": them.name, "weight": "bold", "size": "lg", "wrap": True},
        {"type": "text", "size": "sm", "color": "#666666", "wrap": True,
         "text": T.INTRO_CARD_ORG.format(org=org.name, org_type=T.ORG_TYPE_LABELS.get(org.org_type, ""))},
        {"type": "text", "size": "sm", "wrap": True,
         "text": T.INTRO_CARD_FIELDS.format(fields=T.INTRO_LIST_SEP.join(them.fields or []) or T.NOT_SET)},
        *_line(T.INTRO_CARD_NOW, them.intro_now),
        *_line(T.INTRO_CARD_WORRY, them.intro_worry),
        *_line(T.INTRO_CARD_OFFER, them.intro_offer),
    ]
    if matched:
        body.append({"type": "text", "size": "sm", "wrap": True, "color": "#1F6F43",
                     "text": T.INTRO_CARD_MATCH.format(items=T.INTRO_LIST_SEP.join(matched))})
    body += [{"type": "separator"},
             {"type": "text", "text": T.INTRO_CARD_ICEBREAKER.format(question=T.INTRO_ICEBREAKERS[pair.icebreaker]),
              "size": "sm", "wrap": True, "weight": "bold"}]
    return {
        "type": "flex",
        "altText": m.truncate_utf16(T.INTRO_ALT.format(name=them.name, org=org.name), 400),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
            "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
                {"type": "button", "style": "primary", "height": "sm", "color": "#1F6F43",
                 "action": m.postback_action(T.INTRO_HELLO_BUTTON, Hello(pair_id=pair.id),
                                             display_text=T.INTRO_HELLO_BUTTON)},
                {"type": "button", "style": "link", "height": "sm",
                 "action": m.postback_action(T.INTRO_EXCHANGE_BUTTON, ExchangeIds(pair_id=pair.id),
                                             display_text=T.INTRO_EXCHANGE_BUTTON)}]},
        },
    }


async def members_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Member]:
    rows = await session.scalars(select(Member).where(Member.id.in_(ids)).options(selectinload(Member.organization)))
    return {member.id: member for member in rows}


async def queue_intro_cards(session: AsyncSession, pairs: list[IntroPair], now: datetime) -> list[OutboxMessage]:
    """Each member of each pair gets the card about the other."""
    people = await members_by_id(session, {i for p in pairs for i in (p.member_a_id, p.member_b_id)})
    rows = []
    for pair in pairs:
        a, b = people[pair.member_a_id], people[pair.member_b_id]
        for me, them in ((a, b), (b, a)):
            rows += queue_push(session, to=me.line_user_id, messages=[intro_card(pair, me, them)],
                               purpose=f"intro:{pair.round_id}", now=now)
    return rows


async def queue_left_out(session: AsyncSession, round_id: int, unpaired: list[int], now: datetime) -> list[OutboxMessage]:
    """Those the round could not pair hear it, kindly: the one who waits is introduced first next time."""
    people = await members_by_id(session, set(unpaired))
    rows = []
    for index, member_id in enumerate(unpaired):
        text = T.INTRO_WAITING if index == 0 else T.INTRO_UNPAIRED
        rows += queue_push(session, to=people[member_id].line_user_id, messages=[m.text(text)],
                           purpose=f"intro:{round_id}", now=now)
    return rows


async def queue_followups(session: AsyncSession, pairs: list[IntroPair], now: datetime) -> list[OutboxMessage]:
    """A few days on, one tap each: 話せた / まだ / 今回はパス (not to those who already said)."""
    people = await members_by_id(session, {i for p in pairs for i in (p.member_a_id, p.member_b_id)})
    stopped = await opted_out(session, set(people))  # 紹介を停止 stops the follow-up too
    rows = []
    for pair in pairs:
        for me_id, outcome in ((pair.member_a_id, pair.a_outcome), (pair.member_b_id, pair.b_outcome)):
            me, them = people[me_id], people[other(pair, me_id)]
            if outcome or me.status != MemberStatus.active or me.id in stopped:
                continue
            quick = [m.postback_action(T.INTRO_OUTCOME_LABELS[o], Followup(pair_id=pair.id, code=code),
                                       display_text=T.INTRO_OUTCOME_LABELS[o]) for code, o in OUTCOME_CODES.items()]
            rows += queue_push(session, to=me.line_user_id, messages=[m.text(T.INTRO_FOLLOWUP.format(
                name=them.name, org=them.organization.name), quick=quick)], purpose=f"intro:{pair.round_id}", now=now)
    return rows


async def send_weekly_question(session: AsyncSession, *, text: str | None, now: datetime, tz: tzinfo,
                               asked_by: int | None = None) -> tuple[WeeklyQuestion, list[OutboxMessage], int]:
    """Ask everyone taking part (the bank picks the question when `text` is None)."""
    text = text or random.choice(T.INTRO_ICEBREAKERS)
    question = await create_question(session, text=text, now=now, tz=tz, asked_by=asked_by)
    to = [member.line_user_id for member in await opted_in_members(session)]
    message = m.text(T.WEEKLY_MESSAGE.format(question=text, when=moment_label(question.digest_at, tz, now)), quick=[
        m.postback_action(T.WEEKLY_ANSWER_BUTTON, AnswerWeekly(question_id=question.id),
                          display_text=T.WEEKLY_ANSWER_BUTTON)])
    rows = queue_multicast(session, to=to, messages=[message], purpose=f"weekly:{question.id}", now=now) if to else []
    return question, rows, len(to)


# A text message holds 5,000 UTF-16 units (an emoji is two); a digest longer than this goes as several.
DIGEST_MESSAGE_UNITS = 4800


def digest_messages(question: str, answers: list) -> list[dict]:
    """The answers to a question of the week grouped by field, in as many messages as they need."""
    lines = [T.WEEKLY_DIGEST_HEADER.format(question=question, count=len(answers))]
    for field_name, group in group_by_field(answers, T.FIELDS):
        lines.append(T.WEEKLY_DIGEST_FIELD.format(field=field_name or T.WEEKLY_OTHER_FIELD))
        lines += [T.WEEKLY_DIGEST_LINE.format(name=a.name, org=a.organization, answer=a.text) for a in group]
    messages, current = [], ""
    for line in lines:
        if current and m.utf16_len(current) + m.utf16_len(line) + 1 > DIGEST_MESSAGE_UNITS:
            messages.append(m.text(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    messages.append(m.text(current))
    return messages
