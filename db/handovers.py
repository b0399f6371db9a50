"""Handover (引継ぎ): a contact role passed to a successor with everything that was waiting on the
departing member, undone within a day if need be; and the organizations that depend on one person.

What "waiting on a person" means, feature by feature:
- KPI prompts go to whoever holds the role when each step is sent, so the role moving moves the
  escalation; what the departing member was already asked is asked of the successor once.
- Meeting invitations (open polls, and decided meetings still ahead) are rows per member: the row
  becomes the successor's (their ○△× and reminders from then on); if the successor is invited
  already, the departing member's row is dropped. Answers to an open poll go with the row.
- An introduction whose follow-up is still to come, or unanswered, takes the successor in the
  departing member's place (without the departing member's hello or LINE ID).
- An unanswered contact check asks the successor instead (or releases a successor held as deputy).
Each move is one row in handover_moves with what an undo puts back.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import DataError, create_invite
from db.audit import Actor, Door, record
from db.kpis import pending_prompts, period_end, period_of, series
from db.members import deactivate, set_role
from db.models import (
    Agreement,
    AgreementOrganization,
    CheckStatus,
    ContactCheck,
    ContactCheckTarget,
    FragileNote,
    Handover,
    HandoverMove,
    HandoverStatus,
    IntroPair,
    IntroRound,
    Invite,
    Kpi,
    KpiCadence,
    KpiPrompt,
    KpiPromptStep,
    KpiReport,
    KpiStatus,
    Meeting,
    MeetingAnswer,
    MeetingInvitee,
    MeetingStatus,
    Member,
    MemberRole,
    MemberStatus,
    Notice,
    NoticeRecipient,
    NoticeStatus,
    Organization,
)

UNDO_WITHIN = timedelta(days=1)
INVITE_VALID_FOR = timedelta(days=14)
INTRO_IN_PROGRESS = timedelta(days=30)  # an unanswered follow-up older than this is history, not waiting
INACTIVE_LONG = timedelta(days=30)  # a contact blocked or unfollowed this long counts as gone
CONTACT_ROLES = (MemberRole.primary, MemberRole.deputy)
# The prompt steps that have reached each role (the deputies' step reaches the deputies).
REACHED = {MemberRole.primary: (KpiPromptStep.asked, KpiPromptStep.reminded, KpiPromptStep.deputies,
                                KpiPromptStep.escalated),
           MemberRole.deputy: (KpiPromptStep.deputies, KpiPromptStep.escalated)}


class HandoverError(DataError):
    """A handover that cannot be made; `reason` names why, for the Japanese reply."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Moved:
    """What a completed handover moved, for the messages to the successor."""

    handover: Handover
    prompts: list[KpiPrompt] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)      # open polls now the successor's to answer
    meetings: list[int] = field(default_factory=list)   # decided meetings still ahead
    pairs: list[IntroPair] = field(default_factory=list)
    checks: list[int] = field(default_factory=list)     # running checks now asking the successor

    @property
    def count(self) -> int:
        return len(self.prompts) + len(self.polls) + len(self.meetings) + len(self.pairs) + len(self.checks)


async def _member(session: AsyncSession, member_id: int) -> Member:
    member = await session.get(Member, member_id)
    if member is None:
        raise HandoverError("no-member", f"no member with id {member_id}")
    return member


async def in_progress(session: AsyncSession, member_id: int, now: datetime) -> Handover | None:
    """The member's handover waiting for its successor to register; one whose invite can no longer
    be used is cancelled on the way."""
    waiting = await session.scalar(select(Handover).where(Handover.from_member_id == member_id,
                                                          Handover.status == HandoverStatus.waiting))
    if waiting is None:
        return None
    invite = await session.scalar(select(Invite).where(Invite.handover_id == waiting.id))
    if invite is None or invite.revoked_at is not None or (invite.expires_at and invite.expires_at <= now) \
            or invite.uses >= invite.max_uses:
        waiting.status = HandoverStatus.cancelled
        await session.flush()
        return None
    return waiting


async def check_start(session: AsyncSession, *, member_id: int, successor_id: int | None, now: datetime) -> Member:
    """Refuse a handover that cannot be made (HandoverError); returns the departing member."""
    member = await _member(session, member_id)
    if member.status != MemberStatus.active:
        raise HandoverError("inactive", f"member {member_id} is not active")
    if member.role not in CONTACT_ROLES:
        raise HandoverError("not-contact", f"member {member_id} is neither primary nor deputy contact")
    if await in_progress(session, member_id, now) is not None:
        raise HandoverError("in-progress", f"member {member_id} already has a handover waiting for its successor")
    if successor_id is not None:
        successor = await _member(session, successor_id)
        if successor.id == member.id:
            raise HandoverError("same", "a member cannot hand over to themselves")
        if successor.organization_id != member.organization_id:
            raise HandoverError("other-org", f"member {successor_id} is not in the same organization")
        if successor.status != MemberStatus.active:
            raise HandoverError("inactive", f"member {successor_id} is not active")
    return member


async def start(session: AsyncSession, *, member_id: int, successor_id: int | None, actor: Actor,
                now: datetime) -> tuple[Handover, Invite | None, Moved | None]:
    """Start a handover of the member's role: to an existing member (completed at once), or, without a
    successor, through a handover invite that completes it when someone registers with it."""
    member = await check_start(session, member_id=member_id, successor_id=successor_id, now=now)
    handover = Handover(organization_id=member.organization_id, from_member_id=member.id, role=member.role,
                        started_by_member_id=actor.member_id, door=actor.door.value, status=HandoverStatus.waiting,
                        started_at=now)
    session.add(handover)
    await session.flush()
    await record(session, actor=actor, action="handover.start", now=now, target_kind="member", target_id=member.id,
                 target_label=member.name, details={"handover": handover.id, "role": member.role,
                                                    "successor": successor_id, "invite": successor_id is None})
    if successor_id is not None:
        return handover, None, await complete(session, handover=handover, successor_id=successor_id, actor=actor, now=now)
    invite = await create_invite(session, organization_id=member.organization_id, now=now, valid_for=INVITE_VALID_FOR)
    invite.handover_id = handover.id
    await session.flush()
    return handover, invite, None


async def for_invite(session: AsyncSession, invite_id: int | None) -> Handover | None:
    """The handover waiting on this invite, if it is a handover invite."""
    if invite_id is None:
        return None
    invite = await session.get(Invite, invite_id)
    if invite is None or invite.handover_id is None:
        return None
    handover = await session.get(Handover, invite.handover_id)
    return handover if handover is not None and handover.status == HandoverStatus.waiting else None


async def complete(session: AsyncSession, *, handover: Handover, successor_id: int, actor: Actor, now: datetime,
                   role_before: MemberRole | None = None) -> Moved | None:
    """The role and what waited on the departing member go to the successor (None if it was no longer waiting).

    `role_before` is what an undo gives the successor back: by default their role until now; a successor
    who registered with the handover invite (and so has the role already) goes back to a plain member."""
    claimed = await session.execute(update(Handover).where(Handover.id == handover.id,
                                                           Handover.status == HandoverStatus.waiting)
                                    .values(status=HandoverStatus.done, to_member_id=successor_id, completed_at=now))
    if claimed.rowcount != 1:
        return None
    await session.refresh(handover)
    departing, successor = await _member(session, handover.from_member_id), await _member(session, successor_id)
    handover.successor_role_before = role_before.value if role_before else successor.role
    role = MemberRole(handover.role)
    moved = Moved(handover)
    moved.prompts = await _move_prompts(session, handover, role, successor)
    await _move_meetings(session, handover, departing, successor, moved, now)
    moved.pairs = await _move_pairs(session, handover, departing, successor, now)
    moved.checks = await _move_checks(session, handover, departing, successor, now)
    await set_role(session, member_id=departing.id, role=MemberRole.member, actor=actor, now=now)
    await set_role(session, member_id=successor.id, role=role, actor=actor, now=now)
    await record(session, actor=actor, action="handover.complete", now=now, target_kind="member",
                 target_id=departing.id, target_label=departing.name,
                 details={"handover": handover.id, "role": role.value, "successor": successor.id,
                          "successor_name": successor.name, "kpi_prompts": len(moved.prompts),
                          "meetings": len(moved.polls) + len(moved.meetings), "intros": len(moved.pairs),
                          "checks": len(moved.checks)})
    await session.flush()
    return moved


def _move(session: AsyncSession, handover: Handover, kind: str, ref_id: int, now: datetime, **before) -> None:
    session.add(HandoverMove(handover_id=handover.id, kind=kind, ref_id=ref_id, before=before, moved_at=now))


async def _move_prompts(session: AsyncSession, handover: Handover, role: MemberRole,
                        successor: Member) -> list[KpiPrompt]:
    """The open prompts that reached the departing member's role, unless they reached the successor too."""
    reached_successor = REACHED.get(successor.role, ())
    prompts = [p for p in await pending_prompts(session, handover.organization_id)
               if p.step in REACHED[role] and p.step not in reached_successor]
    for prompt in prompts:
        _move(session, handover, "kpi_prompt", prompt.id, handover.completed_at, step=prompt.step)
    return prompts


async def _move_meetings(session: AsyncSession, handover: Handover, departing: Member, successor: Member,
                         moved: Moved, now: datetime) -> None:
    rows = list(await session.execute(
        select(MeetingInvitee, Meeting).join(Meeting, Meeting.id == MeetingInvitee.meeting_id)
        .where(MeetingInvitee.member_id == departing.id,
               or_(Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding]),
                   (Meeting.status == MeetingStatus.decided) & (Meeting.starts_at > now)))
        .order_by(Meeting.id)))
    for invitee, meeting in rows:
        poll = meeting.status == MeetingStatus.open and meeting.deadline > now
        answers = []
        if meeting.status != MeetingStatus.decided:  # the answers of a poll still deciding go with the row
            answers = [{"slot_id": a.slot_id, "choice": a.choice, "answered_at": a.answered_at.isoformat()}
                       for a in await session.scalars(select(MeetingAnswer).where(
                           MeetingAnswer.meeting_id == meeting.id, MeetingAnswer.member_id == departing.id))]
            await session.execute(delete(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id,
                                                              MeetingAnswer.member_id == departing.id))
        already = await session.get(MeetingInvitee, (meeting.id, successor.id))
        before = {"line_user_id": invitee.line_user_id, "answered_at": invitee.answered_at and invitee.answered_at.isoformat(),
                  "answers": answers, "dropped": already is not None}
        await session.execute(delete(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting.id,
                                                           MeetingInvitee.member_id == departing.id))
        if already is None:
            session.add(MeetingInvitee(meeting_id=meeting.id, member_id=successor.id,
                                       line_user_id=successor.line_user_id, answered_at=None))
            if poll:
                moved.polls.append(meeting.id)
            elif meeting.status == MeetingStatus.decided:
                moved.meetings.append(meeting.id)
        _move(session, handover, "meeting", meeting.id, now, **before)
    await session.flush()


async def _move_pairs(session: AsyncSession, handover: Handover, departing: Member, successor: Member,
                      now: datetime) -> list[IntroPair]:
    """Introductions whose follow-up is still to come, or unanswered, with someone other than the successor."""
    pairs = list(await session.scalars(
        select(IntroPair).join(IntroRound, IntroRound.id == IntroPair.round_id)
        .where(or_(IntroPair.member_a_id == departing.id, IntroPair.member_b_id == departing.id),
               IntroPair.member_a_id != successor.id, IntroPair.member_b_id != successor.id,
               IntroPair.created_at > now - INTRO_IN_PROGRESS).order_by(IntroPair.id)))
    moved = []
    for pair in pairs:
        side = "a" if pair.member_a_id == departing.id else "b"
        if getattr(pair, f"{side}_outcome") is not None or pair.tie_at is not None:
            continue  # answered: done with, not waiting
        taken = await session.scalar(select(IntroPair.id).where(
            IntroPair.round_id == pair.round_id, or_(IntroPair.member_a_id == successor.id,
                                                 IntroPair.member_b_id == successor.id)))
        if taken:
            continue  # the successor has a pair of their own in that round
        _move(session, handover, "intro_pair", pair.id, now, side=side, member_id=departing.id,
              hello_at=(getattr(pair, f"{side}_hello_at") or None) and getattr(pair, f"{side}_hello_at").isoformat(),
              line_id=getattr(pair, f"{side}_line_id"))
        setattr(pair, f"member_{side}_id", successor.id)
        setattr(pair, f"{side}_hello_at", None)
        setattr(pair, f"{side}_line_id", None)
        moved.append(pair)
    await session.flush()
    return moved


async def _move_checks(session: AsyncSession, handover: Handover, departing: Member, successor: Member,
                       now: datetime) -> list[int]:
    """Running checks the departing member has not answered: the successor is asked instead."""
    targets = list(await session.scalars(
        select(ContactCheckTarget).join(ContactCheck, ContactCheck.id == ContactCheckTarget.check_id)
        .where(ContactCheck.status == CheckStatus.open, ContactCheckTarget.member_id == departing.id,
               ContactCheckTarget.status.is_(None)).order_by(ContactCheck.id)))
    asked = []
    for target in targets:
        check_id = target.check_id
        theirs = await session.get(ContactCheckTarget, (check_id, successor.id))
        if theirs is None:
            _move(session, handover, "check_target", check_id, now, moved=True, line_user_id=target.line_user_id,
                  held=target.held, asked_count=target.asked_count,
                  last_asked_at=target.last_asked_at and target.last_asked_at.isoformat())
            await session.execute(update(ContactCheckTarget).where(
                ContactCheckTarget.check_id == check_id, ContactCheckTarget.member_id == departing.id).values(
                member_id=successor.id, line_user_id=successor.line_user_id, held=False, asked_count=1,
                last_asked_at=now))
            asked.append(check_id)
        elif theirs.held and theirs.status is None:
            _move(session, handover, "check_target", check_id, now, moved=False, held=True,
                  asked_count=theirs.asked_count)
            theirs.held, theirs.asked_count, theirs.last_asked_at = False, theirs.asked_count + 1, now
            asked.append(check_id)
    await session.flush()
    return asked


# Afterwards

async def choose(session: AsyncSession, *, handover_id: int, member: Member, choice: str, now: datetime) -> Handover:
    """The departing member stays as a plain member or leaves (退会); asked once, the first answer counts."""
    handover = await session.get(Handover, handover_id)
    if handover is None or handover.from_member_id != member.id or handover.status != HandoverStatus.done:
        raise HandoverError("stale", f"handover {handover_id} is not this member's to answer")
    if handover.departing_choice is not None:
        raise HandoverError("answered", f"handover {handover_id} was answered already")
    if choice not in ("stay", "leave"):
        raise HandoverError("stale", f"unknown choice {choice!r}")
    if choice == "leave":
        await deactivate(session, member_id=member.id, actor=Actor.of(member, Door.line), now=now)
    handover.departing_choice = choice
    await session.flush()
    return handover


async def undoable(session: AsyncSession, handover_id: int, actor_member: Member | None, now: datetime) -> Handover:
    """The handover, if it may be undone now by this member (staff, or who started it; None: the command line)."""
    handover = await session.get(Handover, handover_id)
    if handover is None or handover.status != HandoverStatus.done:
        raise HandoverError("not-done", f"handover {handover_id} is not completed")
    if actor_member is not None and not (actor_member.is_staff or actor_member.id == handover.started_by_member_id):
        raise HandoverError("not-yours", "only staff or who started the handover can undo it")
    if now - handover.completed_at > UNDO_WITHIN:
        raise HandoverError("too-late", f"handover {handover_id} was completed more than a day ago")
    departing = await _member(session, handover.from_member_id)
    if departing.status == MemberStatus.left:
        raise HandoverError("left", "the former contact has left the partnership")
    return handover


async def undo(session: AsyncSession, *, handover_id: int, actor: Actor, actor_member: Member | None,
               now: datetime) -> Handover:
    """Put the role and the moved items back (what the successor has answered since stays answered)."""
    handover = await undoable(session, handover_id, actor_member, now)
    claimed = await session.execute(update(Handover).where(Handover.id == handover.id,
                                                           Handover.status == HandoverStatus.done)
                                    .values(status=HandoverStatus.undone, undone_at=now))
    if claimed.rowcount != 1:
        raise HandoverError("not-done", f"handover {handover_id} is not completed")
    await session.refresh(handover)
    departing, successor = await _member(session, handover.from_member_id), await _member(session, handover.to_member_id)
    moves = list(await session.scalars(select(HandoverMove).where(HandoverMove.handover_id == handover.id)
                                       .order_by(HandoverMove.id)))
    for move in moves:
        await UNDO[move.kind](session, move, departing, successor)
    await set_role(session, member_id=successor.id, role=MemberRole(handover.successor_role_before or MemberRole.member),
                   actor=actor, now=now)
    await set_role(session, member_id=departing.id, role=MemberRole(handover.role), actor=actor, now=now)
    await record(session, actor=actor, action="handover.undo", now=now, target_kind="member", target_id=departing.id,
                 target_label=departing.name, details={"handover": handover.id, "successor": successor.id,
                                                       "moves": len(moves)})
    await session.flush()
    return handover


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def _undo_prompt(session, move, departing, successor) -> None:
    """Prompts follow the role, which goes back."""


async def _undo_meeting(session, move: HandoverMove, departing: Member, successor: Member) -> None:
    before, meeting_id = move.before, move.ref_id
    if not before["dropped"]:
        await session.execute(delete(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting_id,
                                                          MeetingAnswer.member_id == successor.id))
        await session.execute(delete(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting_id,
                                                           MeetingInvitee.member_id == successor.id))
    session.add(MeetingInvitee(meeting_id=meeting_id, member_id=departing.id, line_user_id=before["line_user_id"],
                               answered_at=_moment(before["answered_at"])))
    session.add_all(MeetingAnswer(slot_id=a["slot_id"], member_id=departing.id, meeting_id=meeting_id,
                                  choice=a["choice"], answered_at=_moment(a["answered_at"])) for a in before["answers"])
    await session.flush()


async def _undo_pair(session, move: HandoverMove, departing: Member, successor: Member) -> None:
    pair, side = await session.get(IntroPair, move.ref_id), move.before["side"]
    setattr(pair, f"member_{side}_id", departing.id)
    setattr(pair, f"{side}_hello_at", _moment(move.before["hello_at"]))
    setattr(pair, f"{side}_line_id", move.before["line_id"])
    setattr(pair, f"{side}_outcome", None)
    await session.flush()


async def _undo_check(session, move: HandoverMove, departing: Member, successor: Member) -> None:
    target = await session.get(ContactCheckTarget, (move.ref_id, successor.id))
    if target is None or target.status is not None:
        return  # the successor answered for the organization: the answer stays theirs
    before = move.before
    if before["moved"]:
        await session.execute(update(ContactCheckTarget).where(
            ContactCheckTarget.check_id == move.ref_id, ContactCheckTarget.member_id == successor.id).values(
            member_id=departing.id, line_user_id=before["line_user_id"], held=before["held"],
            asked_count=before["asked_count"], last_asked_at=_moment(before["last_asked_at"])))
    else:
        target.held = True
    await session.flush()


UNDO = {"kpi_prompt": _undo_prompt, "meeting": _undo_meeting, "intro_pair": _undo_pair, "check_target": _undo_check}


async def latest_undoable(session: AsyncSession, member: Member, now: datetime) -> Handover | None:
    """The newest completed handover this member may still undo."""
    query = select(Handover).where(Handover.status == HandoverStatus.done, Handover.completed_at >= now - UNDO_WITHIN)
    if not member.is_staff:
        query = query.where(Handover.started_by_member_id == member.id)
    return await session.scalar(query.order_by(Handover.completed_at.desc(), Handover.id.desc()).limit(1))


async def former_contact_of(session: AsyncSession, member_id: int) -> Handover | None:
    """The member's last completed handover: they are a former contact (元担当) of that role."""
    return await session.scalar(select(Handover).where(Handover.from_member_id == member_id,
                                                       Handover.status == HandoverStatus.done)
                                .order_by(Handover.completed_at.desc()).limit(1))


# The joint handover

async def partner_contacts(session: AsyncSession, organization_id: int) -> list[Member]:
    """The active primary contacts of the organizations that share an agreement with this one, each once."""
    mine = select(AgreementOrganization.agreement_id).where(AgreementOrganization.organization_id == organization_id)
    partners = select(AgreementOrganization.organization_id).where(
        AgreementOrganization.agreement_id.in_(mine), AgreementOrganization.organization_id != organization_id)
    return list(await session.scalars(select(Member).where(
        Member.organization_id.in_(partners), Member.role == MemberRole.primary,
        Member.status == MemberStatus.active).order_by(Member.organization_id, Member.id)))


async def claim_partners_told(session: AsyncSession, handover_id: int, now: datetime) -> bool:
    """Whether this call is the one that tells the partners (once per handover)."""
    claimed = await session.execute(update(Handover).where(Handover.id == handover_id,
                                                           Handover.partners_told_at.is_(None))
                                    .values(partners_told_at=now))
    return claimed.rowcount == 1


# Guarding the partnership

@dataclass(frozen=True)
class FragileOrganization:
    organization_id: int
    name: str
    reasons: tuple[str, ...]  # single (one active member), no_primary, no_deputy, inactive (a contact gone long)
    contacts: tuple[str, ...]  # the active contacts' names


async def fragile_organizations(session: AsyncSession, now: datetime) -> list[FragileOrganization]:
    """Organizations that depend on one person: a single active member, no primary contact or no deputy,
    or a contact who has blocked the bot (inactive) for INACTIVE_LONG or more. The secretariat's own
    organization is left out when all its members are staff."""
    orgs = list(await session.scalars(select(Organization).order_by(Organization.name)))
    members = list(await session.scalars(select(Member).where(Member.status != MemberStatus.left)))
    out = []
    for org in orgs:
        theirs = [m for m in members if m.organization_id == org.id]
        active = [m for m in theirs if m.status == MemberStatus.active]
        if not theirs or all(m.is_staff for m in theirs):
            continue
        reasons = []
        if len(active) == 1:
            reasons.append("single")
        if not any(m.role == MemberRole.primary for m in active):
            reasons.append("no_primary")
        if not any(m.role == MemberRole.deputy for m in active):
            reasons.append("no_deputy")
        if any(m.role in CONTACT_ROLES and m.status == MemberStatus.inactive and m.inactive_since
               and now - m.inactive_since >= INACTIVE_LONG for m in theirs):
            reasons.append("inactive")
        if reasons:
            out.append(FragileOrganization(org.id, org.name, tuple(reasons),
                                           tuple(m.name for m in active if m.role in CONTACT_ROLES)))
    return out


async def claim_fragile_note(session: AsyncSession, week: str, now: datetime, count: int) -> bool:
    """Whether this process sends the week's note: the one whose row goes in does (ON CONFLICT DO NOTHING)."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    inserted = await session.execute(dialect.insert(FragileNote).values(week=week, sent_at=now, organizations=count)
                                     .on_conflict_do_nothing(index_elements=["week"]).returning(FragileNote.week))
    return inserted.scalar() is not None


# Handover material (引継ぎ資料)

@dataclass(frozen=True)
class KpiLine:
    kpi: Kpi
    agreement: str
    latest: KpiReport | None  # the latest period's current value (None: nothing reported yet)
    next_due: date | None     # the day the next report falls due
    open_periods: tuple[str, ...]  # asked for and not yet answered


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    invited: int  # of the organization's members


@dataclass(frozen=True)
class NoticeLine:
    notice: Notice
    recipients: int  # of the organization's members
    acknowledged: int


@dataclass(frozen=True)
class Material:
    organization: Organization
    agreements: list[tuple[Agreement, list[str]]]  # with the other parties' names
    kpis: list[KpiLine]
    meetings: list[MeetingLine]
    notices: list[NoticeLine]
    partners: list[tuple[str, list[Member]]]  # each partner organization's active contacts, primary first


MATERIAL_MEETINGS = 5
MATERIAL_NOTICES = 5


def _next_due(kpi: Kpi, today: date) -> date | None:
    if kpi.cadence == KpiCadence.dates:
        ahead = [d for d in sorted(kpi.due_dates) if d >= today.isoformat()]
        return date.fromisoformat(ahead[0]) if ahead else None
    return period_end(period_of(kpi, today))


async def material(session: AsyncSession, organization_id: int, now: datetime, tz: tzinfo) -> Material:
    """What a successor needs to know of the organization's partnership work, from the database as it is now."""
    org = await session.get(Organization, organization_id)
    today = now.astimezone(tz).date()
    agreements = []
    for agreement in await session.scalars(
            select(Agreement).join(AgreementOrganization, AgreementOrganization.agreement_id == Agreement.id)
            .where(AgreementOrganization.organization_id == organization_id).order_by(Agreement.start_date, Agreement.id)):
        others = list(await session.scalars(
            select(Organization.name).join(AgreementOrganization, AgreementOrganization.organization_id == Organization.id)
            .where(AgreementOrganization.agreement_id == agreement.id, Organization.id != organization_id)
            .order_by(Organization.name)))
        agreements.append((agreement, others))
    kpis = []
    open_prompts = await pending_prompts(session, organization_id)
    for kpi, agreement_name in await session.execute(
            select(Kpi, Agreement.name).join(Agreement, Agreement.id == Kpi.agreement_id)
            .where(Kpi.organization_id == organization_id, Kpi.status == KpiStatus.active).order_by(Kpi.id)):
        reports = await series(session, kpi.id)
        kpis.append(KpiLine(kpi, agreement_name, reports[-1] if reports else None, _next_due(kpi, today),
                            tuple(sorted(p.period for p in open_prompts if p.kpi_id == kpi.id))))
    ours = select(Member.id).where(Member.organization_id == organization_id)
    meetings = [MeetingLine(meeting, invited) for meeting, invited in await session.execute(
        select(Meeting, func.count(MeetingInvitee.member_id)).join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
        .where(MeetingInvitee.member_id.in_(ours),
               or_(Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding]),
                   (Meeting.status == MeetingStatus.decided) & (Meeting.starts_at > now)))
        .group_by(Meeting.id).order_by(func.coalesce(Meeting.starts_at, Meeting.deadline), Meeting.id)
        .limit(MATERIAL_MEETINGS))]
    notices = [NoticeLine(notice, recipients, acked or 0) for notice, recipients, acked in await session.execute(
        select(Notice, func.count(NoticeRecipient.member_id),
               func.sum(case((NoticeRecipient.acked_at.is_not(None), 1), else_=0)))
        .join(NoticeRecipient, NoticeRecipient.notice_id == Notice.id)
        .where(NoticeRecipient.member_id.in_(ours), Notice.status == NoticeStatus.sent)
        .group_by(Notice.id).order_by(Notice.sent_at.desc(), Notice.id.desc()).limit(MATERIAL_NOTICES))]
    partners = []
    partner_orgs = {other for _, names in agreements for other in names}
    for name in sorted(partner_orgs):
        contacts = list(await session.scalars(
            select(Member).join(Organization, Organization.id == Member.organization_id)
            .where(Organization.name == name, Member.status == MemberStatus.active,
                   Member.role.in_([MemberRole.primary, MemberRole.deputy]))
            .order_by(Member.role.desc(), Member.id)))
        partners.append((name, contacts))
    return Material(org, agreements, kpis, meetings, notices, partners)
