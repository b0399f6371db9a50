"""Loading the demo partnership: a year of みなと市's collaboration, replayed through the data-access functions.

Every row is made by the same functions the dialogs, the scheduler's claims and the command
line use, each called with the moment it would have happened (`now` moved back), so the
rules hold and the history reads as lived: invites used at registration, KPI values reported
a few days after each period, a poll with votes, notices with their read status and their
one reminder already claimed, rounds of introductions with follow-ups, a closed drill.

Nothing is sent: these functions only write rows. What the scheduler would have sent in the
past is claimed as done in the past; what falls due from now on (the next KPI prompt, the
poll's reminder, the agreement review reminder, the next introduction round) is left for the
running scheduler, as it would be in a partnership that has used Renkei for a year.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo.content import (
    AGREEMENTS,
    CHECK_MESSAGE,
    KPIS,
    NOTICES,
    ORGANIZATIONS,
    PAST_MEETING_TITLE,
    POLL_TITLE,
    KpiSpec,
    Person,
)
from bot.demo.personas import PERSONAS
from bot.texts import catalog as T
from db import contact_checks, intros, meetings
from db.areas import map_free_text
from db.access import create_agreement, create_invite, create_organization, register_member, upsert
from db.kpis import create_kpi, record_report
from db.models import (
    Agreement,
    ContactCheck,
    IntroPair,
    IntroRound,
    Kpi,
    KpiReport,
    LineProfile,
    Meeting,
    MeetingAnswer,
    MeetingStatus,
    Member,
    MemberRole,
    Notice,
    Organization,
)
from db.notices import acknowledge, claim_ack_reminders, claim_for_sending, create_notice
from db.richmenus import link_everyone
from db.rules.business_days import business_day_from
from db.segments import Segment

TOKYO = ZoneInfo("Asia/Tokyo")
REVIEW_REMINDER_TIME = time(9, 0)  # as `renkei agreement add` schedules them
INTRO_EVERY_DAYS, INTRO_WEEKDAY, INTRO_TIME = 14, 2, time(12, 0)  # every other Wednesday at noon
INTRO_HISTORY_DAYS = 64


class NotEmpty(Exception):
    """The database already holds organizations or members: the demo is loaded only into an empty one."""


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    members: int
    agreements: int
    kpis: int
    kpi_reports: int
    open_polls: int
    poll_votes: int  # members who have answered the open poll
    notices: int
    intro_rounds: int
    intro_pairs: int
    ties: int
    contact_checks: int


def demo_user_id(key: str) -> str:
    """A LINE-shaped user id for a demo member; the personas keep theirs."""
    persona = next((p for p in PERSONAS if p.key == key), None)
    return persona.user_id if persona else "U" + hashlib.sha256(f"renkei-demo:{key}".encode()).hexdigest()[:32]


async def is_empty(session: AsyncSession) -> bool:
    """No organization and no member: nothing a demo could be mistaken for, or mixed into."""
    return (await session.scalar(select(Organization.id).limit(1)) is None
            and await session.scalar(select(Member.id).limit(1)) is None)


class _Timeline:
    """Moments relative to the loading time, in the partnership's local time."""

    def __init__(self, now: datetime, tz: tzinfo) -> None:
        self.now, self.tz = now, tz
        self.today = now.astimezone(tz).date()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def days_ago(self, days: int, hour: int, minute: int = 0) -> datetime:
        return self.at(self.today - timedelta(days=days), hour, minute)

    def business_day(self, offset: int) -> date:
        return business_day_from(self.today + timedelta(days=offset))

    @staticmethod
    def between(start: datetime, end: datetime, share: float) -> datetime:
        return start + (end - start) * share


async def load_demo(session: AsyncSession, *, now: datetime, tz: tzinfo = TOKYO) -> DemoSummary:
    """Fill an empty database with the demo partnership, as it stands at `now`; raise NotEmpty otherwise.

    Runs in the caller's transaction (which commits it); writes rows only, sends nothing.
    """
    if not await is_empty(session):
        raise NotEmpty("the database already holds organizations or members; the demo is loaded only into an empty one")
    when = _Timeline(now, tz)
    orgs, members = await _organizations(session, when)
    agreements = await _agreements(session, when, orgs)
    await _kpis(session, when, agreements, orgs, members)
    await _past_meeting(session, when, agreements, members)
    await _open_poll(session, when, agreements, members)
    await _notices(session, when, members)
    await _contact_check(session, when, members)
    await _introductions(session, when, members)
    await link_everyone(session, now)  # their rich menus, sent by the running service
    return await summarize(session)


# The directory

async def _organizations(session: AsyncSession, when: _Timeline) -> tuple[dict[str, int], dict[str, Member]]:
    """Organizations, and each person registered with an invite issued to them the day before."""
    orgs: dict[str, int] = {}
    members: dict[str, Member] = {}
    founded = when.days_ago(max(p.joined_days_ago for o in ORGANIZATIONS for p in o.people) + 3, 10)
    for org in ORGANIZATIONS:
        orgs[org.key] = (await create_organization(session, name=org.name, org_type=org.org_type, now=founded)).id
    for org in ORGANIZATIONS:
        for i, person in enumerate(org.people):
            joined = when.days_ago(person.joined_days_ago, 10, 15 + 7 * i)
            invite = await create_invite(session, organization_id=orgs[org.key], now=joined - timedelta(days=1),
                                         is_staff=person.staff)
            member = await register_member(session, invite_id=invite.id, line_user_id=demo_user_id(person.key),
                                           profile=_profile(person), now=joined)
            members[person.key] = member
    # The secretariat's list of areas, from the areas the members gave (as an upgrade maps old text).
    await map_free_text(session, when.days_ago(0, 9), create=True)
    for persona in PERSONAS:  # what the first follow stores: the name LINE shows for them
        await upsert(session, LineProfile, {"line_user_id": persona.user_id, "display_name": persona.display_name,
                                            "fetched_at": members[persona.key].registered_at}, keys=["line_user_id"])
    return orgs, members


def _profile(person: Person) -> dict:
    now_, worry, offer = person.intro
    return {"name": person.name, "fields": list(person.fields), "role": person.role.value, "area": person.area,
            "needs": list(person.needs), "needs_note": person.needs_note, "offers": list(person.offers),
            "offers_note": person.offers_note, "intro_now": now_, "intro_worry": worry, "intro_offer": offer}


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


async def _agreements(session: AsyncSession, when: _Timeline, orgs: dict[str, int]) -> dict[str, int]:
    """Agreements entered now (so that only review reminders still ahead are scheduled), with their
    real start, term and review date."""
    ids = {}
    for spec in AGREEMENTS:
        start = _months_back(when.today, spec.started_months_ago)
        end = date(start.year + spec.years, start.month, 1) - timedelta(days=1)
        agreement = await create_agreement(
            session, name=spec.name, organization_ids=[orgs[key] for key in spec.orgs], start_date=start,
            end_date=end, review_date=when.today + timedelta(days=spec.review_in_days), now=when.now,
            reminder_time=REVIEW_REMINDER_TIME, tz=when.tz, review_text=T.AGREEMENT_REVIEW_REMINDER)
        ids[spec.key] = agreement.id
    return ids


# KPIs and a year of reports

def _periods(spec: KpiSpec, today: date) -> list[tuple[str, date, date]]:
    """(period, first day, the day after) of each value, oldest first, ending with the period that closed
    last (or the one before, when the latest is still to be reported)."""
    step = 3 if spec.cadence == "quarterly" else 1
    current = date(today.year, (today.month - 1) // step * step + 1, 1)
    count = len(spec.values) + (1 if spec.missing_latest else 0)
    out = []
    for back in range(count, 0, -1):
        first, after = _months_back(current, back * step), _months_back(current, (back - 1) * step)
        label = f"{first.year}-Q{(first.month - 1) // 3 + 1}" if step == 3 else f"{first.year}-{first.month:02d}"
        out.append((label, first, after))
    return out[:len(spec.values)]


async def _kpis(session: AsyncSession, when: _Timeline, agreements: dict[str, int], orgs: dict[str, int],
                members: dict[str, Member]) -> None:
    primaries = {m.organization_id: m for m in members.values() if m.role == MemberRole.primary}
    fiscal_year_end = date(when.today.year + (when.today.month > 3), 3, 31)
    for spec in KPIS:
        periods = _periods(spec, when.today)
        kpi = await create_kpi(session, agreement_id=agreements[spec.agreement], organization_id=orgs[spec.org],
                               name=spec.name, unit=spec.unit, target_value=spec.target, target_date=fiscal_year_end,
                               cadence=spec.cadence, due_dates=[], now=when.at(periods[0][1], 9))
        reporter = primaries[orgs[spec.org]]
        for i, ((period, _, after), value) in enumerate(zip(periods, spec.values)):
            closed = when.at(after, 0)
            reported = min(when.at(business_day_from(after + timedelta(days=2)), 10, 20 + i),
                           when.now - timedelta(minutes=5))
            await record_report(session, kpi=kpi, period=period, value=Decimal(str(value)),
                                comment=spec.comments.get(i), member_id=reporter.id,
                                source_key=f"demo:kpi:{kpi.id}:{period}", now=max(reported, closed))


# Meetings

def _slots(days: list[date], when: _Timeline) -> list[tuple[datetime, datetime]]:
    hours = [(14, 0, 15, 30), (10, 0, 11, 30), (15, 0, 16, 30)]
    return [(when.at(day, h, m), when.at(day, eh, em)) for day, (h, m, eh, em) in zip(days, hours)]


def _slot_days(when: _Timeline, first_offset: int) -> list[date]:
    days = [when.business_day(first_offset)]
    for _ in range(2):
        days.append(business_day_from(days[-1] + timedelta(days=1)))
    return days


async def _vote(session: AsyncSession, meeting: Meeting, member: Member, choices: str, at: datetime) -> None:
    """One member's ○/△/× for each slot, as they tapped them (choices like "ym-": yes, maybe, no)."""
    names = {"y": "yes", "m": "maybe", "-": "no"}
    for position, choice in enumerate(choices, 1):
        result = await meetings.record_choice(session, meeting_id=meeting.id, member_id=member.id, position=position,
                                              choice=names[choice], now=at + timedelta(seconds=position))
        if isinstance(result, str):
            raise RuntimeError(f"the demo's vote on meeting {meeting.id} was refused: {result}")


async def _past_meeting(session: AsyncSession, when: _Timeline, agreements: dict[str, int],
                        members: dict[str, Member]) -> None:
    """Last month's working group: polled, proposed at the deadline, confirmed by the organizer, held."""
    created, deadline = when.days_ago(44, 15), when.days_ago(37, 17)
    meeting, invited = await meetings.create_meeting(
        session, title=PAST_MEETING_TITLE, slots=_slots(_slot_days(when, -34), when),
        segment=Segment("agreement", str(agreements["bousai"])), deadline=deadline, now=created,
        organizer_id=members["staff"].id)
    by_user = {m.line_user_id: m for m in members.values()}
    patterns = ["yy-", "ym-", "y-m", "-yy", "yyy", "m-y", "yy-", "ym-", "y--", "yym"]
    for i, user in enumerate(invited):
        await _vote(session, meeting, by_user[user], patterns[i % len(patterns)],
                    when.between(created, deadline, (i + 1) / (len(invited) + 1)))
    await meetings.close_poll(session, meeting.id, deadline, organizer_from=deadline)
    await meetings.decide(session, meeting.id, None, deadline + timedelta(hours=3))


async def _open_poll(session: AsyncSession, when: _Timeline, agreements: dict[str, int],
                     members: dict[str, Member]) -> None:
    """The next plenary meeting, polled since two days ago and closing within a day; half have answered,
    the NPO and the company not yet, so the scheduler's reminder brings them the poll again."""
    created = when.now - timedelta(days=2)
    local = when.now.astimezone(when.tz)
    deadline = when.at(when.today, 18) if local.hour < 16 else when.at(when.today + timedelta(days=1), 12)
    meeting, invited = await meetings.create_meeting(
        session, title=POLL_TITLE, slots=_slots(_slot_days(when, 9), when),
        segment=Segment("agreement", str(agreements["platform"])), deadline=deadline, now=created,
        organizer_id=members["staff"].id)
    answering = ["staff", "university", "city-bousai", "shinkin-chiiki", "bousai-daihyo", "shotengai-kaicho",
                 "shakyo-chiiki", "umibe-rijicho", "kotsu-kikaku", "daigaku-center"]
    patterns = ["yym", "ym-", "yy-", "-yy", "ymy", "y-y", "yy-", "m-y", "yyy", "-y-"]
    for i, key in enumerate(answering):
        await _vote(session, meeting, members[key], patterns[i],
                    when.between(created, when.now, (i + 1) / (len(answering) + 2)))


# Notices

async def _notices(session: AsyncSession, when: _Timeline, members: dict[str, Member]) -> None:
    """Two notices from the secretariat: read by most, the rest reminded once a day later."""
    by_id = {m.id: m for m in members.values()}
    for spec, days_ago, text in NOTICES:
        sent = when.days_ago(days_ago, 9 if days_ago > 10 else 14, 30)
        notice = await create_notice(session, text=text, segment=Segment.parse(spec), send_at=sent, now=sent,
                                     author_member_id=members["staff"].id)
        recipients = await claim_for_sending(session, notice.id, sent)
        # Who reads at once, who after the reminder, who not yet: the partner personas last, so that
        # the simulator's people are among those the read status shows as pending.
        partners = {p.user_id for p in PERSONAS if p.key != "staff"}
        order = sorted(recipients, key=lambda r: (by_id[r.member_id].line_user_id in partners, r.member_id))
        quick, late = order[:len(order) * 2 // 3], order[len(order) * 2 // 3:len(order) * 5 // 6]
        for i, r in enumerate(quick):
            await acknowledge(session, notice_id=notice.id, member_id=r.member_id,
                              now=sent + timedelta(minutes=12 + 37 * i))
        reminded = sent + timedelta(minutes=notice.remind_after_minutes)
        await claim_ack_reminders(session, reminded)
        for i, r in enumerate(late):
            await acknowledge(session, notice_id=notice.id, member_id=r.member_id,
                              now=reminded + timedelta(minutes=25 + 50 * i))


# The drill

async def _contact_check(session: AsyncSession, when: _Timeline, members: dict[str, Member]) -> None:
    """The autumn drill: most primary contacts answered within the hour; the transport company,
    which has no deputy, stayed silent through the re-ask."""
    started = when.at(when.business_day(-75), 10)
    check = (await contact_checks.start_check(
        session, segment=Segment("all"), drill=True, now=started, source="line", message=CHECK_MESSAGE,
        started_by=members["staff"].id, reask_minutes=30, max_reasks=2)).check
    answers = [("staff", "safe", ["shelter"]), ("bousai-daihyo", "safe", ["people", "supplies"]),
               ("shakyo-chiiki", "safe", ["people"]), ("npo", "safe", ["supplies"]),
               ("university", "safe", ["shelter", "people"]), ("shotengai-kaicho", "damaged", ["none"]),
               ("company", "safe", ["transport", "people"]), ("shinkin-chiiki", "safe", ["none"]),
               ("umibe-rijicho", "help", ["none"])]
    for i, (key, status, provisions) in enumerate(answers):
        member = members[key]
        await contact_checks.record_answer(session, check_id=check.id, member_id=member.id, status=status,
                                           now=started + timedelta(minutes=2 + 5 * i),
                                           source_key=f"demo:check:{check.id}:{member.id}")
        for code in provisions:
            await contact_checks.toggle_provision(session, check_id=check.id, member_id=member.id, code=code)
    await contact_checks.claim_reask(session, check.id, started + timedelta(minutes=30))
    await contact_checks.close_check(session, check.id, started + timedelta(hours=2))


# Introductions

async def _introductions(session: AsyncSession, when: _Timeline, members: dict[str, Member]) -> None:
    """Rounds every other Wednesday for two months: announced, paired, followed up; most pairs talked."""
    await intros.set_schedule(session, every_days=INTRO_EVERY_DAYS, weekday=INTRO_WEEKDAY, at=INTRO_TIME,
                              now=when.days_ago(INTRO_HISTORY_DAYS, 9), tz=when.tz)
    skipper = list(members.values())
    for number in range(100):
        schedule = await intros.schedule(session)
        if schedule.next_round_at > when.now - timedelta(hours=1):
            break  # the next round is the running scheduler's to announce
        intro_round = await intros.claim_next_round(session, schedule.next_round_at - intros.NOTICE_AHEAD
                                                    + timedelta(minutes=1), when.tz)
        if intro_round is None or intro_round.scheduled_at > when.now:
            break
        await intros.set_skip(session, intro_round.id, skipper[(3 * number + 5) % len(skipper)].id, True,
                              intro_round.scheduled_at - timedelta(hours=20))
        await intros.make_pairs(session, intro_round.id, intro_round.scheduled_at, len(T.INTRO_ICEBREAKERS))
        if intro_round.followup_at <= when.now:
            await _follow_up(session, intro_round)


async def _follow_up(session: AsyncSession, intro_round: IntroRound) -> None:
    """The follow-up's answers: most talked, some not yet, one in four said nothing."""
    pairs = await intros.claim_followups(session, intro_round.id, intro_round.followup_at)
    for i, pair in enumerate(pairs):
        at = intro_round.followup_at + timedelta(hours=1, minutes=13 * i)
        if i % 4 == 3:
            continue
        if i % 4 == 2:
            intros.record_outcome(pair, pair.member_a_id, "not_yet", at)
            continue
        intros.record_outcome(pair, pair.member_a_id, "talked", at)
        if i % 2 == 0:
            intros.record_outcome(pair, pair.member_b_id, "talked", at + timedelta(minutes=40))
    await session.flush()


# What is there

async def summarize(session: AsyncSession) -> DemoSummary:
    async def count(model, *where) -> int:
        return await session.scalar(select(func.count()).select_from(model).where(*where))

    open_polls = list(await session.scalars(select(Meeting.id).where(Meeting.status == MeetingStatus.open)))
    voters = await session.scalar(select(func.count(func.distinct(MeetingAnswer.member_id)))
                                  .where(MeetingAnswer.meeting_id.in_(open_polls))) if open_polls else 0
    return DemoSummary(
        organizations=await count(Organization), members=await count(Member), agreements=await count(Agreement),
        kpis=await count(Kpi), kpi_reports=await count(KpiReport, KpiReport.replaced_at.is_(None)),
        open_polls=len(open_polls), poll_votes=voters, notices=await count(Notice),
        intro_rounds=await count(IntroRound), intro_pairs=await count(IntroPair),
        ties=await count(IntroPair, IntroPair.tie_at.is_not(None)), contact_checks=await count(ContactCheck))
