"""What a handover sends: the material (引継ぎ資料) as a carousel, the moved items to the successor, the
joint handover with the partners' contacts, the departing member's question, the undo, the weekly note."""

import random
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import PostbackData
from bot.line import messages as m
from bot.line.outbox import queue_multicast, queue_push
from bot.settings import Settings
from bot.texts import catalog as T
from bot.texts.formats import date_label, moment_label, period_label, span_label
from db.audit import Actor, Door
from db.handovers import (
    FragileOrganization,
    Material,
    Moved,
    claim_partners_told,
    complete,
    for_invite,
    material,
    partner_contacts,
)
from db.models import ContactCheck, Handover, IntroPair, Kpi, Meeting, Member, MemberRole, MemberStatus, OutboxMessage
from db.rules.kpi_numbers import format_value
from handlers.contact_checks.messages import queue_questions
from handlers.intros.messages import ICEBREAKER_COUNT, intro_card, members_by_id
from handlers.kpi.messages import prompt_message
from handlers.meetings.calendar import calendar_url
from handlers.meetings.messages import send_poll

MAX_ITEMS = 6  # per bubble, then "ほかN件"
PURPOSE = "handover:{id}"


class Stay(PostbackData, prefix="hand:stay"):
    handover_id: int


class Leave(PostbackData, prefix="hand:leave"):
    handover_id: int


class Undo(PostbackData, prefix="hand:undo"):
    handover_id: int


def role_label(role: str) -> str:
    return T.ROLE_LABELS.get(role, role)


# The material

def _text(text: str, **style) -> dict:
    return {"type": "text", "text": m.truncate_utf16(text or "-", 500), "wrap": True, "size": "sm", **style}


def _item(title: str, *lines: str) -> list[dict]:
    return [{"type": "separator"}, _text(title, weight="bold"), *(_text(line, color="#555555") for line in lines if line)]


def _bubble(title: str, org: str, items: list[list[dict]]) -> dict:
    shown = [part for item in items[:MAX_ITEMS] for part in item]
    if len(items) > MAX_ITEMS:
        shown.append(_text(T.MATERIAL_MORE.format(count=len(items) - MAX_ITEMS), color="#666666"))
    return {"type": "bubble", "size": "kilo",
            "header": {"type": "box", "layout": "vertical", "contents": [
                _text(f"{T.MATERIAL_HEADER}：{org}", size="xs", color="#1F6F43"),
                {"type": "text", "text": title, "weight": "bold", "size": "lg"}]},
            "body": {"type": "box", "layout": "vertical", "spacing": "sm",
                     "contents": shown or [_text(T.MATERIAL_NONE, color="#666666")]}}


def material_carousel(data: Material, tz: tzinfo, now: datetime) -> dict:
    """Five bubbles: agreements, KPIs, meetings ahead, recent notices, the partners' contacts."""
    agreements = [_item(a.name, T.MATERIAL_TERM.format(start=date_label(a.start_date),
                                                      end=date_label(a.end_date) if a.end_date else T.MATERIAL_OPEN_END),
                        T.MATERIAL_REVIEW.format(date=date_label(a.review_date)) if a.review_date else T.MATERIAL_NO_REVIEW,
                        T.MATERIAL_WITH.format(names="、".join(others)) if others else "")
                  for a, others in data.agreements]
    kpis = []
    for line in data.kpis:
        kpi = line.kpi
        latest = (T.MATERIAL_KPI_LATEST.format(value=format_value(line.latest.value, kpi.unit) if line.latest.value
                                               is not None else T.KPI_NO_REPORT, period=period_label(line.latest.period))
                  if line.latest else T.MATERIAL_KPI_NO_VALUE)
        kpis.append(_item(kpi.name, T.MATERIAL_KPI_TARGET.format(target=format_value(kpi.target_value, kpi.unit),
                                                                 date=date_label(kpi.target_date)),
                          latest, T.MATERIAL_KPI_NEXT.format(date=date_label(line.next_due)) if line.next_due else "",
                          T.MATERIAL_KPI_OPEN.format(periods="、".join(map(period_label, line.open_periods)))
                          if line.open_periods else ""))
    meetings = []
    for line in data.meetings:
        meeting = line.meeting
        if meeting.starts_at:
            when = span_label(meeting.starts_at, meeting.ends_at, tz, now)
        elif meeting.status == "open":
            when = T.MATERIAL_MEETING_POLL.format(deadline=moment_label(meeting.deadline, tz, now))
        else:
            when = T.MATERIAL_MEETING_DECIDING
        meetings.append(_item(meeting.title, when))
    notices = [_item(line.notice.text.split("\n", 1)[0][:60],
                     T.MATERIAL_NOTICE_LINE.format(when=moment_label(line.notice.sent_at, tz, now),
                                                   acked=line.acknowledged, count=line.recipients))
               for line in data.notices]
    partners = [_item(name, *([T.MATERIAL_PARTNER_LINE.format(role=role_label(c.role), name=c.name) for c in contacts]
                              or [T.MATERIAL_NO_CONTACT]))
                for name, contacts in data.partners]
    org = data.organization.name
    return {"type": "flex", "altText": m.truncate_utf16(T.HANDOVER_ALT.format(org=org), 400),
            "contents": {"type": "carousel", "contents": [
                _bubble(T.MATERIAL_AGREEMENTS, org, agreements), _bubble(T.MATERIAL_KPIS, org, kpis),
                _bubble(T.MATERIAL_MEETINGS, org, meetings), _bubble(T.MATERIAL_NOTICES, org, notices),
                _bubble(T.MATERIAL_PARTNERS, org, partners)]}}


async def material_message(session: AsyncSession, organization_id: int, tz: tzinfo, now: datetime) -> dict:
    return material_carousel(await material(session, organization_id, now, tz), tz, now)


# Completing a handover

async def queue_completion(session: AsyncSession, moved: Moved, settings: Settings, now: datetime, *,
                           ask_departing: bool = True) -> list[OutboxMessage]:
    """Everything a completed handover sends: to the successor, the partners and (unless they started it and
    are answered in their chat) the departing member."""
    handover, tz = moved.handover, settings.tz
    purpose = PURPOSE.format(id=handover.id)
    people = await members_by_id(session, {handover.from_member_id, handover.to_member_id})
    departing, successor = people[handover.from_member_id], people[handover.to_member_id]
    org, role = successor.organization.name, role_label(handover.role)
    rows = queue_push(session, to=successor.line_user_id, purpose=purpose, now=now, messages=[
        m.text(T.HANDOVER_TO_SUCCESSOR.format(before=departing.name, org=org, role=role)),
        await material_message(session, handover.organization_id, tz, now)])
    rows += await _moved_items(session, moved, successor, settings, now, purpose)
    rows += await _joint_handover(session, handover, departing, successor, now, purpose)
    if ask_departing and departing.status == MemberStatus.active:
        rows += queue_push(session, to=departing.line_user_id, purpose=purpose, now=now,
                           messages=[departing_question(handover, org, successor.name)])
    return rows


def departing_question(handover: Handover, org: str, successor: str, *more: dict) -> dict:
    """To the former contact: stay as a plain member, or leave (then any `more` buttons)."""
    return m.text(T.HANDOVER_TO_DEPARTING.format(org=org, role=role_label(handover.role), after=successor), quick=[
        m.postback_action(T.HANDOVER_STAY, Stay(handover_id=handover.id), display_text=T.HANDOVER_STAY),
        m.postback_action(T.HANDOVER_LEAVE, Leave(handover_id=handover.id), display_text=T.HANDOVER_LEAVE), *more])


async def _moved_items(session: AsyncSession, moved: Moved, successor: Member, settings: Settings, now: datetime,
                       purpose: str) -> list[OutboxMessage]:
    tz, to, rows = settings.tz, successor.line_user_id, []
    if moved.prompts:
        items = [(await session.get(Kpi, p.kpi_id), p) for p in moved.prompts]
        rows += queue_push(session, to=to, purpose=f"kpi-prompt:{moved.handover.organization_id}", now=now,
                           messages=[await prompt_message(session, T.HANDOVER_KPI_HEADER, items, tz)])
    for meeting_id in moved.polls:
        rows += await send_poll(session, await session.get(Meeting, meeting_id), [to], now, tz,
                                m.text(T.HANDOVER_POLL_HEADER))
    for meeting_id in moved.meetings:
        meeting = await session.get(Meeting, meeting_id)
        text = T.HANDOVER_MEETING.format(title=meeting.title, slot=span_label(meeting.starts_at, meeting.ends_at, tz, now))
        url = calendar_url(settings.public_base_url, meeting)
        if url:
            text += "\n" + T.MEETING_CALENDAR.format(url=url)
        rows += queue_push(session, to=to, messages=[m.text(text)], purpose=f"meeting:{meeting.id}", now=now)
    if moved.pairs:
        others = await members_by_id(session, {p.member_a_id if p.member_b_id == successor.id else p.member_b_id
                                               for p in moved.pairs} | {successor.id})
        me = others[successor.id]
        rows += queue_push(session, to=to, purpose=purpose, now=now, messages=[
            intro_card(p, me, others[p.member_a_id if p.member_b_id == successor.id else p.member_b_id],
                       header=T.HANDOVER_INTRO_HEADER) for p in moved.pairs])
    for check_id in moved.checks:
        check = await session.get(ContactCheck, check_id)
        rows += queue_push(session, to=to, messages=[m.text(T.HANDOVER_CHECK_HEADER)], purpose=purpose, now=now,
                           urgent=True)
        rows += queue_questions(session, check, [to], now)
    return rows


async def _joint_handover(session: AsyncSession, handover: Handover, departing: Member, successor: Member,
                          now: datetime, purpose: str) -> list[OutboxMessage]:
    """Each partner organization's primary contact hears who the successor is (once), with the successor's card;
    the successor gets each of theirs: an introduction of the two, the reason 引継ぎ."""
    partners = await partner_contacts(session, handover.organization_id)
    if not partners or not await claim_partners_told(session, handover.id, now):
        return []
    draw = random.Random(handover.id)
    pairs = [IntroPair(round_id=None, handover_id=handover.id, member_a_id=successor.id, member_b_id=partner.id,
                       score=0, cross_field=not set(successor.fields or []) & set(partner.fields or []),
                       icebreaker=draw.randrange(ICEBREAKER_COUNT), created_at=now) for partner in partners]
    session.add_all(pairs)
    await session.flush()
    people = await members_by_id(session, {successor.id, *(p.id for p in partners)})
    me, org = people[successor.id], people[successor.id].organization.name
    told = T.HANDOVER_PARTNER_TOLD.format(org=org, role=role_label(handover.role), before=departing.name,
                                          after=successor.name)
    rows = []
    for pair in pairs:
        partner = people[pair.member_b_id]
        rows += queue_push(session, to=partner.line_user_id, purpose=purpose, now=now, messages=[
            m.text(told), intro_card(pair, partner, me, header=T.HANDOVER_PARTNER_TOLD_HEADER.format(org=org))])
    rows += queue_push(session, to=successor.line_user_id, purpose=purpose, now=now, messages=[
        intro_card(pair, me, people[pair.member_b_id], header=T.HANDOVER_PARTNER_CARD_HEADER) for pair in pairs])
    return rows


async def complete_on_registration(session: AsyncSession, member: Member, settings: Settings,
                                   now: datetime) -> list[OutboxMessage]:
    """A successor who registered with a handover invite takes over its role now."""
    handover = await for_invite(session, member.invite_id)
    if handover is None or handover.from_member_id == member.id:
        return []
    moved = await complete(session, handover=handover, successor_id=member.id, actor=Actor.of(member, Door.line),
                           now=now, role_before=MemberRole.member)
    return await queue_completion(session, moved, settings, now) if moved is not None else []


# Undoing

async def queue_undone(session: AsyncSession, handover: Handover, now: datetime, *,
                       except_user: str | None = None) -> list[OutboxMessage]:
    """The successor, the departing member and (if they were told) the partners hear that it was undone."""
    purpose = PURPOSE.format(id=handover.id)
    people = await members_by_id(session, {handover.from_member_id, handover.to_member_id})
    departing, successor = people[handover.from_member_id], people[handover.to_member_id]
    org, role = departing.organization.name, role_label(handover.role)
    sends = [(successor, T.HANDOVER_UNDONE_TO_SUCCESSOR.format(org=org, role=role, before=departing.name)),
             (departing, T.HANDOVER_UNDONE_TO_DEPARTING.format(org=org, role=role))]
    if handover.partners_told_at is not None:
        sends += [(p, T.HANDOVER_UNDONE_TO_PARTNER.format(org=org, before=departing.name))
                  for p in await partner_contacts(session, handover.organization_id)]
    rows = []
    for member, text in sends:
        if member.status == MemberStatus.active and member.line_user_id != except_user:
            rows += queue_push(session, to=member.line_user_id, messages=[m.text(text)], purpose=purpose, now=now)
    return rows


# The weekly note

def fragile_note(orgs: list[FragileOrganization]) -> dict:
    lines = [T.FRAGILE_LINE.format(org=o.name, reasons=T.FRAGILE_SEP.join(T.FRAGILE_REASONS[r] for r in o.reasons))
             for o in orgs[:30]]
    if len(orgs) > 30:
        lines.append(T.MATERIAL_MORE.format(count=len(orgs) - 30))
    return m.text(m.truncate_utf16(T.FRAGILE_NOTE.format(count=len(orgs), lines="\n".join(lines)), m.MAX_TEXT))


def queue_fragile_note(session: AsyncSession, staff: list[str], orgs: list[FragileOrganization],
                       now: datetime) -> list[OutboxMessage]:
    return queue_multicast(session, to=staff, messages=[fragile_note(orgs)], purpose="handover:fragile", now=now)

