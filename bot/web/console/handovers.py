"""A contact's handover (引継ぎ) from the console, on the member's page: the successor chosen (a member of the
same organization, or someone not yet registered, who gets a handover invite), a confirmation, then the same
db/handovers.start and the same messages as 引継ぎ in LINE and `renkei member handover`; undone within a day."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import case, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime
from bot.texts import catalog as T
from bot.web.console.auth import ConsoleStaff, CsrfDep
from bot.web.console.invites import qr_svg
from bot.web.deps import RuntimeDep
from db.handovers import (
    CONTACT_ROLES,
    UNDO_WITHIN,
    HandoverError,
    check_start,
    in_progress,
    start,
    undo,
    undoable,
)
from db.models import Handover, Invite, Member, MemberRole, MemberStatus
from handlers.handover.messages import queue_completion, queue_undone

router = APIRouter()
SHOWN = 5  # the member's latest handovers, on their page
NEW_PERSON = 0  # the successor field's value for someone not yet registered
# Successors offered deputies first (the usual heir), then other members, then other primary contacts.
ROLE_ORDER = case((Member.role == MemberRole.deputy, 0), (Member.role == MemberRole.member, 1), else_=2)


@dataclass(frozen=True)
class HandoverLine:
    handover: Handover
    before: str
    after: str | None  # None: no one has registered with the handover invite yet
    undo_until: datetime | None  # set while the signed-in staff member may undo it


@dataclass
class HandoverPage:
    """What the member's page shows of handovers, and which step of starting or undoing one it is at."""

    lines: list[HandoverLine] = field(default_factory=list)
    waiting: Handover | None = None
    invite: Invite | None = None
    qr: Markup | None = None
    friend_url: str | None = None
    candidates: list[Member] | None = None  # None: the member has no role to hand over now
    successor: Member | None = None  # confirming a handover to this member
    confirm_invite: bool = False  # confirming one through a handover invite
    confirm_undo: HandoverLine | None = None
    refused: str | None = None

    @property
    def confirming(self) -> bool:
        return bool(self.successor or self.confirm_invite or self.confirm_undo)


async def _candidates(session: AsyncSession, member: Member) -> list[Member]:
    return list(await session.scalars(select(Member).where(
        Member.organization_id == member.organization_id, Member.id != member.id,
        Member.status == MemberStatus.active).order_by(ROLE_ORDER, Member.id)))


async def _lines(session: AsyncSession, member: Member, staff_member: Member | None,
                 now: datetime) -> list[HandoverLine]:
    handovers = list(await session.scalars(
        select(Handover).where(or_(Handover.from_member_id == member.id, Handover.to_member_id == member.id))
        .order_by(Handover.started_at.desc(), Handover.id.desc()).limit(SHOWN)))
    ids = {h.from_member_id for h in handovers} | {h.to_member_id for h in handovers if h.to_member_id}
    names = dict((await session.execute(select(Member.id, Member.name).where(Member.id.in_(ids)))).all())
    lines = []
    for handover in handovers:
        try:
            await undoable(session, handover.id, staff_member, now)
            until = handover.completed_at + UNDO_WITHIN
        except HandoverError:
            until = None
        lines.append(HandoverLine(handover, names[handover.from_member_id], names.get(handover.to_member_id), until))
    return lines


async def page_context(session: AsyncSession, member: Member, staff: ConsoleStaff, runtime: Runtime, *,
                       confirm: str, successor: int | None, handover_id: int | None) -> HandoverPage:
    """The member's handovers; with confirm=handover the chosen successor checked by db/handovers' rules
    (a refusal instead of the confirmation), with confirm=undo the handover to undo."""
    now, settings = runtime.clock.now(), runtime.settings
    staff_member = await session.get(Member, staff.member_id)
    view = HandoverPage()
    view.waiting = await in_progress(session, member.id, now)  # one whose invite went unused is cancelled here
    view.lines = await _lines(session, member, staff_member, now)
    if view.waiting is not None:
        view.invite = await session.scalar(select(Invite).where(Invite.handover_id == view.waiting.id))
        view.friend_url = settings.add_friend_url
        view.qr = qr_svg(view.friend_url) if view.friend_url else None
    elif member.status == MemberStatus.active and member.role in CONTACT_ROLES:
        view.candidates = await _candidates(session, member)
    if confirm == "handover" and successor is not None:
        try:
            await check_start(session, member_id=member.id, successor_id=successor or None, now=now)
        except HandoverError as exc:
            view.refused = T.CONSOLE_HANDOVER_REFUSED.get(exc.reason, T.CONSOLE_HANDOVER_REFUSED["no-member"])
        else:
            view.successor = await session.get(Member, successor) if successor else None
            view.confirm_invite = not successor
    if confirm == "undo":
        view.confirm_undo = next((line for line in view.lines
                                  if line.handover.id == handover_id and line.undo_until), None)
    return view


def _back(member_id: int, **query: str) -> Response:
    return RedirectResponse(f"/console/members/{member_id}?{urlencode(query)}", status_code=303)


@router.post("/members/{member_id}/handover")
async def hand_over(member_id: int, staff: CsrfDep, runtime: RuntimeDep, background: BackgroundTasks,
                    successor: Annotated[int, Form()]) -> Response:
    """引き継ぐ: the role and what waited on the member move now (to a member), or a handover invite is issued;
    the successor, the partners and the departing member hear what they hear when it is done in LINE."""
    now = runtime.clock.now()
    try:
        async with runtime.sessions() as session, session.begin():
            _, invite, moved = await start(session, member_id=member_id, successor_id=successor or None,
                                           actor=staff.actor, now=now)
            rows = await queue_completion(session, moved, runtime.settings, now) if moved is not None else []
            await session.flush()
            ids = [row.id for row in rows]
    except HandoverError as exc:
        return _back(member_id, handover_refused=exc.reason)
    except IntegrityError:  # a second start for the same member at the same moment (one waiting handover each)
        return _back(member_id, handover_refused="busy")
    # Sent right after the answer; should this process stop first, the outbox sweep sends them.
    background.add_task(runtime.gateway.deliver, ids)
    return _back(member_id, done="handover" if invite is None else "handover_invite")


@router.post("/members/{member_id}/handovers/{handover_id}/undo")
async def undo_handover(member_id: int, handover_id: int, staff: CsrfDep, runtime: RuntimeDep,
                        background: BackgroundTasks) -> Response:
    """取り消す: within a day the role and the moved items go back, and everyone concerned is told."""
    now = runtime.clock.now()
    try:
        async with runtime.sessions() as session, session.begin():
            handover = await session.get(Handover, handover_id)
            if handover is None or member_id not in (handover.from_member_id, handover.to_member_id):
                raise HTTPException(404)
            done = await undo(session, handover_id=handover_id, actor=staff.actor,
                              actor_member=await session.get(Member, staff.member_id), now=now)
            rows = await queue_undone(session, done, now)
            await session.flush()
            ids = [row.id for row in rows]
    except HandoverError as exc:
        return _back(member_id, undo_refused=exc.reason)
    background.add_task(runtime.gateway.deliver, ids)
    return _back(member_id, done="handover_undone")
