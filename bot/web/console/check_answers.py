"""The console's entry of a contact-check answer received by phone (代理回答), on the member's behalf.

Recorded with the same domain functions as 代理回答 in LINE and `renkei check answer`.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import catalog as T
from bot.web.console.auth import CsrfDep, StaffDep, render
from bot.web.deps import RuntimeDep, SessionDep
from db import audit
from db.contact_checks import ANSWERS, MAX_NOTE, NO_PROVISION, PROVISIONS, record_answer, set_answer_details
from db.models import ContactCheck, ContactCheckTarget, Member, Organization

router = APIRouter()


async def named_check(session: AsyncSession, check_id: int) -> ContactCheck:
    """The check a console address names; 404 if there is none."""
    check = await session.get(ContactCheck, check_id)
    if check is None:
        raise HTTPException(404, T.CONSOLE_CHECK_NOT_FOUND)
    return check


async def _target(session: AsyncSession, check_id: int, member_id: int):
    row = (await session.execute(
        select(ContactCheckTarget, Member, Organization.name)
        .join(Member, Member.id == ContactCheckTarget.member_id)
        .join(Organization, Organization.id == ContactCheckTarget.organization_id)
        .where(ContactCheckTarget.check_id == check_id, ContactCheckTarget.member_id == member_id))).first()
    if row is None:
        raise HTTPException(404, T.CONSOLE_CHECK_NOT_FOUND)
    return row


@router.get("/checks/{check_id}/answer/{member_id}")
async def proxy_form(check_id: int, member_id: int, request: Request, staff: StaffDep, session: SessionDep):
    """The answer a member gave on the phone: their status, what they can provide, a note."""
    check = await named_check(session, check_id)
    target, member, org = await _target(session, check_id, member_id)
    return render(request, "console/checks_answer.html", staff, check=check, target=target, member=member, org=org,
                  answers=ANSWERS, provisions=(*PROVISIONS, NO_PROVISION), problem=None, max_note=MAX_NOTE)


@router.post("/checks/{check_id}/answer/{member_id}")
async def proxy_answer(check_id: int, member_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                       runtime: RuntimeDep, status: Annotated[str, Form()] = "",
                       provide: Annotated[list[str], Form()] = [], note: Annotated[str, Form()] = ""):
    """Recorded as entered by this staff member, as 代理回答 in LINE records it."""
    check = await named_check(session, check_id)
    target, member, org = await _target(session, check_id, member_id)
    note = note.strip()
    unknown = [p for p in provide if p not in (*PROVISIONS, NO_PROVISION)]
    if status not in ANSWERS or unknown or len(note) > MAX_NOTE:
        problem = T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE) if len(note) > MAX_NOTE else T.CONSOLE_CHECK_PICK_ANSWER
        return render(request, "console/checks_answer.html", staff, check=check, target=target, member=member,
                      org=org, answers=ANSWERS, provisions=(*PROVISIONS, NO_PROVISION), problem=problem,
                      max_note=MAX_NOTE, status_code=422)
    now = runtime.clock.now()
    done = await record_answer(session, check_id=check_id, member_id=member_id, status=status, now=now,
                               source_key=f"console:{uuid.uuid4().hex}", recorded_by=staff.member_id)
    chosen = [NO_PROVISION] if NO_PROVISION in provide else list(provide)
    await set_answer_details(session, check_id=check_id, member_id=member_id, provisions=chosen, note=note or None)
    # The note is what the member said: it stays on the answer, never in the audit log.
    await audit.record(session, actor=staff.actor, action="check.proxy_answer", now=now, target_kind="member",
                       target_id=member_id, target_label=member.name,
                       details={"check": check_id, "status": status, "late": done.late, "with_note": bool(note)})
    await session.commit()
    return RedirectResponse(f"/console/checks/{check_id}?done=answered", status_code=303)
