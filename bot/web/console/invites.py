"""Invite codes: create one for an organization, see what is left of each, revoke one; each usable code
with a QR code that opens the bot in LINE to add it as a friend, and the code to type."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.web.console.auth import CsrfDep, StaffDep, render
from bot.web.deps import RuntimeDep, SessionDep
from db.access import DataError, invite_problem
from db.members import issue_invite, revoke_invite
from db.models import Invite, Organization

router = APIRouter()
SHOWN = 100  # the newest codes; older ones are all used up or expired by now
MAX_USES, MAX_DAYS = 100, 90


def qr_svg(url: str) -> Markup:
    """`url` as a QR code, inline SVG (scales with the page, prints sharp)."""
    import segno  # imported by the invites page, not by every process

    return Markup(segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True,
                                                       title="QR", dark="#111"))


def state(invite, now) -> str | None:
    """Why a code is no longer usable, as staff want it listed: a code everyone used is 使い切り even once
    its date has passed (the registration dialog asks in the other order)."""
    if invite.revoked_at is None and invite.uses >= invite.max_uses:
        return "used-up"
    return invite_problem(invite, now)


@router.get("/invites", response_class=HTMLResponse)
async def invites_page(request: Request, staff: StaffDep, runtime: RuntimeDep, session: SessionDep,
                       created: int = 0, revoked: int = 0, confirm: int = 0, error: str = "") -> HTMLResponse:
    """The form to create a code and the codes so far, newest first, each with its state."""
    now, settings = runtime.clock.now(), runtime.settings
    invites = list(await session.scalars(select(Invite).options(selectinload(Invite.organization))
                                         .order_by(Invite.id.desc()).limit(SHOWN)))
    orgs = list(await session.scalars(select(Organization).order_by(Organization.name)))
    await session.commit()
    friend_url = settings.add_friend_url
    rows = [{"invite": i, "problem": state(i, now), "left": max(i.max_uses - i.uses, 0)} for i in invites]
    codes = {i.id: i.code for i in invites}
    return render(request, "console/invites.html", staff, rows=rows, orgs=orgs, created=codes.get(created),
                  revoked=codes.get(revoked),
                  confirm=confirm, error=error, qr=qr_svg(friend_url) if friend_url else None,
                  friend_url=friend_url, max_uses=MAX_USES, max_days=MAX_DAYS)


@router.post("/invites")
async def create(staff: CsrfDep, runtime: RuntimeDep, organization: Annotated[int, Form()],
                 kind: Annotated[str, Form()] = "member", uses: Annotated[int, Form()] = 1,
                 days: Annotated[int, Form()] = 14) -> Response:
    """A new code (recorded in the audit log), shown at the top of the list."""
    if kind not in ("member", "staff") or not 1 <= uses <= MAX_USES or not 1 <= days <= MAX_DAYS:
        return RedirectResponse("/console/invites?error=values", status_code=303)
    try:
        async with runtime.sessions() as session, session.begin():
            invite = await issue_invite(session, organization_id=organization, actor=staff.actor,
                                        now=runtime.clock.now(), is_staff=kind == "staff", max_uses=uses,
                                        valid_for=timedelta(days=days))
    except DataError:
        return RedirectResponse("/console/invites?error=organization", status_code=303)
    return RedirectResponse(f"/console/invites?created={invite.id}", status_code=303)


@router.post("/invites/{invite_id}/revoke")
async def revoke(invite_id: int, staff: CsrfDep, runtime: RuntimeDep) -> Response:
    """No one else can register with this code."""
    try:
        async with runtime.sessions() as session, session.begin():
            await revoke_invite(session, invite_id=invite_id, actor=staff.actor, now=runtime.clock.now())
    except DataError:
        raise HTTPException(404)
    return RedirectResponse(f"/console/invites?revoked={invite_id}", status_code=303)
