"""The HTTP API for systems, not people: an alert feed starts a contact check and follows it.

Authenticated with the bearer token in RENKEI_API_TOKEN; without one the API does not exist.
"""

import asyncio
import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field

from bot.web.deps import RuntimeDep, SessionDep, WrongTokensDep
from bot.web.limits import client_key
from db.audit import Actor, Door, record
from db.contact_checks import CheckError, settle_check_menus, start_check, summarize
from db.models import ContactCheck
from db.segments import Segment, SegmentError
from handlers.contact_checks.messages import queue_questions, tell_staff_started

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api")
MENU_RETRY_SECONDS = (1, 2, 4, 8, 0)  # a check's menus tried five times, these waits after each failure
# What the audit log calls the caller: the one token there is, by the setting that holds it.
TOKEN_NAME = "RENKEI_API_TOKEN"


async def authorized(request: Request, runtime: RuntimeDep, wrong_tokens: WrongTokensDep,
                     authorization: Annotated[str | None, Header()] = None) -> None:
    """The bearer token, checked on the event loop so that counting wrong ones needs no lock."""
    token = runtime.settings.renkei_api_token
    if not token:
        raise HTTPException(404, "Not Found")
    address = client_key(request.client.host if request.client else "-")
    wait = wrong_tokens.retry_after(address)
    if wait is not None:
        raise HTTPException(429, "too many wrong tokens; try again later", headers={"Retry-After": str(wait)})
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        if authorization:  # a guess; a request with no token at all guesses nothing
            wrong_tokens.record(address)
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


class StartCheck(BaseModel):
    segment: str = Field(default="all", max_length=200, description="who to ask, e.g. all, area:北地区, type:npo")
    drill: bool = False
    message: str | None = Field(default=None, max_length=1000, description="shown above the buttons")


def check_json(check: ContactCheck, **extra) -> dict:
    return {"id": check.id, "segment": check.segment, "drill": check.drill, "status": check.status,
            "started_at": check.started_at.isoformat(), **extra}


@router.post("/contact-checks", dependencies=[Depends(authorized)], status_code=201)
async def start(body: StartCheck, request: Request, runtime: RuntimeDep, response: Response,
                background: BackgroundTasks) -> dict:
    """Start a check; the one already running for the same segment is returned (200) instead of a second."""
    settings, now = runtime.settings, runtime.clock.now()
    try:
        segment = Segment.parse(body.segment)
    except SegmentError as exc:
        raise HTTPException(422, str(exc)) from exc
    async with runtime.sessions() as session, session.begin():
        try:
            await segment.check(session)
            started = await start_check(session, segment=segment, drill=body.drill, now=now, source="api",
                                        message=(body.message or "").strip() or None,
                                        reask_minutes=settings.check_reask_minutes,
                                        max_reasks=settings.check_max_reasks, menus=False)
        except (SegmentError, CheckError) as exc:
            raise HTTPException(422, str(exc)) from exc
        # Claimed in the transaction that queues them (before their INSERT, so no UPDATE follows it),
        # so that sending starts without reading them back; should this process stop first, their
        # leases run out and the outbox sweep sends them.
        rows = queue_questions(session, started.check, started.asked, now)
        runtime.gateway.lease(rows, now)
        if started.created:
            staff = await tell_staff_started(session, started.check, len(started.asked), now)
            runtime.gateway.lease(staff, now)
            rows += staff
            actor = Actor(door=Door.api, label=TOKEN_NAME, origin=request.client.host if request.client else None)
            await record(session, actor=actor, action="check.start", now=now, target_kind="check",
                         target_id=started.check.id, target_label=f"#{started.check.id}",
                         details={"segment": segment.spec, "drill": body.drill, "recipients": len(started.asked)})
        await session.flush()
        answer = check_json(started.check, created=started.created, asked=len(started.asked))
    if not started.created:
        response.status_code = 200
    # A real check's menus, also when it was running already (the alert again: menus a failed
    # first try left unsettled are settled now; those that are right are left alone).
    background.add_task(_after_start, runtime, rows, now, None if started.check.drill else started.check.id)
    return answer


async def _after_start(runtime, rows: list, now, menus_of: int | None) -> None:
    """The questions to LINE, then the members' menus for the check `menus_of`. Should the questions
    fail, the outbox sweep sends them when their leases run out; the menus are tried a few times
    (a busy database), then left to the next start-up of a background process, which settles
    every member's menu, or to the alert's next call."""
    try:
        await runtime.gateway.deliver_claimed(rows, now)
    except Exception:
        log.exception("sending a check's questions failed; the outbox sweep sends them")
    if menus_of is None:
        return
    for attempt, wait in enumerate(MENU_RETRY_SECONDS):
        try:
            async with runtime.sessions() as session, session.begin():
                await settle_check_menus(session, menus_of, runtime.clock.now())
            await runtime.gateway.sync_menu_links()
            return
        except Exception:
            log.warning("settling check %s's menus failed (attempt %d)", menus_of, attempt + 1, exc_info=True)
            await asyncio.sleep(wait)
    log.error("check %s's menus were not settled; the next start-up settles them", menus_of)


@router.get("/contact-checks/{check_id}", dependencies=[Depends(authorized)])
async def status(check_id: int, session: SessionDep) -> dict:
    """The check's counts, its silent organizations and those in need."""
    check = await session.get(ContactCheck, check_id)
    if check is None:
        raise HTTPException(404, f"no contact check with id {check_id}")
    summary = await summarize(session, check)
    return check_json(check, closed_at=check.closed_at.isoformat() if check.closed_at else None,
                      members=summary.members, members_asked=summary.members_asked,
                      members_answered=summary.members_answered, member_status=summary.member_status,
                      organizations=len(summary.orgs), organizations_answered=len(summary.orgs_answered),
                      organization_status=summary.org_status(), offered=summary.offered(),
                      silent_organizations=[o.name for o in summary.orgs_silent],
                      in_need=[{"organization": o.name, "status": o.status, "provisions": sorted(o.provisions),
                                "notes": o.notes} for o in summary.orgs_in_need])
