"""The console's contact checks (安否確認): the list, starting one with a confirmation, and the live board.

Every action goes through the same domain functions as the LINE dialog, the command line and
the HTTP API (db.contact_checks, handlers.contact_checks), and records its audit entry.
"""

import asyncio
from collections import OrderedDict
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from bot.texts import catalog as T
from bot.web.console.check_answers import named_check
from bot.web.console.check_answers import router as answers_router
from bot.web.console.auth import COOKIE, CsrfDep, StaffDep, render, templates
from bot.web.console.live import BoardHub
from bot.web.deps import RuntimeDep, SessionDep
from db import audit
from db.console import find_session
from db.contact_checks import (
    MAX_NOTE,
    PROVISIONS,
    CheckError,
    board_version,
    claim_reask,
    check_counts,
    close_check,
    held_back,
    start_check,
    summarize,
)
from db.models import CheckStatus, ContactCheck
from db.segments import Segment, SegmentError
from handlers.contact_checks.charts import milestone_label, render_answer_curve
from handlers.contact_checks.export import csv_bytes, export_table
from handlers.contact_checks.messages import queue_questions, tell_staff_started
from handlers.segments import describe_segment, segment_options

router = APIRouter()
router.include_router(answers_router)

SEGMENT_KINDS = ("area", "type", "field", "agreement", "group")  # as the LINE dialog offers them
BOARD_LISTED = 100  # people per list on the live board; the full lists are a click away
KEEPALIVE_SECONDS = 15.0
RECHECK_SECONDS = 30.0  # a page's event stream checks that its staff member may still see it
CHART_STEPS = 20  # a drill's chart is drawn again about this many times over a check
_CHARTS: OrderedDict[tuple, bytes] = OrderedDict()


def _kind(check: ContactCheck) -> str:
    return T.CHECK_DRILL if check.drill else T.CHECK_REAL


def _board(check_id: int, done: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"/console/checks/{check_id}" + (f"?done={done}" if done else ""), status_code=303)


# The list

@router.get("/checks")
async def checks(request: Request, staff: StaffDep, session: SessionDep):
    """Every check, newest first, with how far its answers got."""
    rows = list(await session.scalars(select(ContactCheck).order_by(ContactCheck.started_at.desc(),
                                                                     ContactCheck.id.desc()).limit(100)))
    counts = await check_counts(session, [c.id for c in rows])
    listed = [{"check": c, "kind": _kind(c), "segment": await describe_segment(session, Segment.parse(c.segment)),
               "members": counts.get(c.id, (0, 0))[0], "answered": counts.get(c.id, (0, 0))[1]} for c in rows]
    return render(request, "console/checks.html", staff, checks=listed)


# Starting

async def segment_choices(session: AsyncSession) -> list[tuple[str, list[tuple[str, str]]]]:
    """The segments the LINE dialog offers, grouped by kind: (heading, [(label, spec)])."""
    groups = [(T.SEGMENT_ALL, [(T.SEGMENT_ALL, "all")])]
    for kind in SEGMENT_KINDS:
        menu = await segment_options(session, kind)
        if menu and menu[1]:
            groups.append((T.CONSOLE_CHECK_SEGMENT_KINDS[kind], menu[1]))
    return groups


async def _new_page(request: Request, staff, session: AsyncSession, *, segment: str = "all", drill: bool = True,
                    message: str = "", problem: str | None = None, status_code: int = 200):
    return render(request, "console/checks_new.html", staff, choices=await segment_choices(session), segment=segment,
                  drill=drill, message=message, problem=problem, max_message=MAX_NOTE, status_code=status_code)


@router.get("/checks/new")
async def new_check(request: Request, staff: StaffDep, session: SessionDep):
    """Whom to ask, drill or real, and the message."""
    return await _new_page(request, staff, session)


async def _chosen(session: AsyncSession, spec: str) -> tuple[Segment, list]:
    segment = Segment.parse(spec)
    await segment.check(session)
    return segment, await segment.members(session)


@router.post("/checks/confirm")
async def confirm_check(request: Request, staff: CsrfDep, session: SessionDep, runtime: RuntimeDep,
                        segment: Annotated[str, Form()] = "all", kind: Annotated[str, Form()] = "drill",
                        message: Annotated[str, Form()] = ""):
    """The confirmation: how many people and organizations will be asked, nothing sent yet."""
    drill, message = kind == "drill", message.strip()
    try:
        chosen, people = await _chosen(session, segment)
    except SegmentError:
        return await _new_page(request, staff, session, drill=drill, message=message,
                               problem=T.CONSOLE_CHECK_BAD_SEGMENT, status_code=422)
    label = await describe_segment(session, chosen)
    if not people or len(message) > MAX_NOTE:
        problem = (T.CHECK_NO_MEMBERS.format(segment=label) if not people
                   else T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE))
        return await _new_page(request, staff, session, segment=chosen.spec, drill=drill, message=message,
                               problem=problem, status_code=422)
    settings = runtime.settings
    held = len(held_back(people))  # start_check's rule: these deputies are asked only if their primary is silent
    return render(request, "console/checks_confirm.html", staff, segment=chosen.spec, segment_label=label,
                  members=len(people), asked=len(people) - held, held=held, orgs=len({p.organization_id for p in people}), drill=drill,
                  kind_label=T.CHECK_DRILL if drill else T.CHECK_REAL, message=message,
                  shown=message or (T.CHECK_DRILL_MESSAGE if drill else T.CHECK_DEFAULT_MESSAGE),
                  minutes=settings.check_reask_minutes, reasks=settings.check_max_reasks)


@router.post("/checks")
async def start(request: Request, staff: CsrfDep, session: SessionDep, runtime: RuntimeDep,
                background: BackgroundTasks, segment: Annotated[str, Form()] = "all",
                kind: Annotated[str, Form()] = "drill", message: Annotated[str, Form()] = ""):
    """開始する: the question to everyone in the segment, as the LINE dialog starts it; a running one is kept."""
    settings, now, drill = runtime.settings, runtime.clock.now(), kind == "drill"
    message = message.strip()
    try:
        chosen, _ = await _chosen(session, segment)
        started = await start_check(session, segment=chosen, drill=drill, now=now, source="console",
                                    message=message[:MAX_NOTE] or None, started_by=staff.member_id,
                                    reask_minutes=settings.check_reask_minutes, max_reasks=settings.check_max_reasks)
    except (SegmentError, CheckError) as exc:  # the segment went away, or emptied, since the confirmation
        await session.rollback()
        problem = T.CONSOLE_CHECK_BAD_SEGMENT if isinstance(exc, SegmentError) else T.CHECK_NO_MEMBERS.format(
            segment=await describe_segment(session, chosen))
        return await _new_page(request, staff, session, drill=drill, message=message, problem=problem,
                               status_code=422)
    check = started.check
    if not started.created:
        await session.commit()
        return _board(check.id, "running")
    rows = queue_questions(session, check, started.asked, now)
    rows += await tell_staff_started(session, check, len(started.asked), now)
    label = await describe_segment(session, chosen)
    await audit.record(session, actor=staff.actor, action="check.start", now=now, target_kind="check",
                       target_id=check.id, target_label=label,
                       details={"segment": chosen.spec, "drill": drill, "recipients": len(started.asked)})
    await session.flush()
    ids = [row.id for row in rows]
    await session.commit()
    background.add_task(runtime.gateway.deliver, ids)
    return _board(check.id, "started")


# The board

ORG_ORDER = {"help": 0, "damaged": 1, None: 2, "safe": 3}  # what needs a call first


def offer_labels(codes) -> str:
    """What an organization or a member can provide, in Japanese (なし is not an offer)."""
    return "、".join(T.CHECK_PROVISION_LABELS[c] for c in PROVISIONS if c in codes)


def chart_version(summary) -> int:
    """Changes a few dozen times over a check, not with every answer: the chart's URL, which browsers cache."""
    step = max(1, len(summary.orgs) // CHART_STEPS)
    return len(summary.orgs_answered) // step * 2 + (summary.check.status != CheckStatus.open)


async def draw_board(session: AsyncSession, check_id: int, *, tz, now) -> str:
    """The live part of the board as HTML, the same for every staff member (it holds no form)."""
    check = await session.get(ContactCheck, check_id)
    if check is None:
        return ""
    summary = await summarize(session, check)
    template = templates().get_template("console/checks_board.html")
    return template.render(T=T, check=check, s=summary, tz=tz, now=now, listed=BOARD_LISTED, offer_labels=offer_labels,
                           orgs_sorted=sorted(summary.orgs, key=lambda o: (ORG_ORDER[o.status], o.name)),
                           version=await board_version(session, check_id), provisions=PROVISIONS,
                           milestones={share: milestone_label(took) for share, took in summary.milestones().items()},
                           chart_version=chart_version(summary), kind=_kind(check),
                           segment=await describe_segment(session, Segment.parse(check.segment)))


def board_hub(request: Request) -> BoardHub:
    """This process's watchers of boards, made on first use."""
    hub = getattr(request.app.state, "board_hub", None)
    if hub is None:
        runtime = request.app.state.runtime
        hub = request.app.state.board_hub = BoardHub(
            runtime.sessions, lambda session, check_id: draw_board(session, check_id, tz=runtime.settings.tz,
                                                                    now=runtime.clock.now()))
    return hub


@router.get("/checks/{check_id}")
async def board(check_id: int, request: Request, staff: StaffDep, session: SessionDep, runtime: RuntimeDep,
                done: str | None = None):
    """One check's board: drawn now, then kept up to date by its event stream."""
    check = await named_check(session, check_id)
    drawn = await draw_board(session, check_id, tz=runtime.settings.tz, now=runtime.clock.now())
    return render(request, "console/checks_page.html", staff, check=check, kind=_kind(check), drawn=drawn,
                  done=T.CONSOLE_CHECK_DONE.get(done or ""),
                  segment=await describe_segment(session, Segment.parse(check.segment)))


def _event(html: str) -> str:
    """One event, its HTML on one data line: the board holds no <pre> or <textarea>, where line breaks would count."""
    return "event: board\ndata: " + " ".join(line.strip() for line in html.splitlines() if line.strip()) + "\n\n"


async def _still_staff(request: Request, runtime) -> bool:
    async with runtime.sessions() as session, session.begin():
        return await find_session(session, cookie=request.cookies.get(COOKIE) or "", now=runtime.clock.now()) \
            is not None


@router.get("/checks/{check_id}/events")
async def board_events(check_id: int, request: Request, staff: StaffDep, session: SessionDep, runtime: RuntimeDep):
    """Server-sent events: the board's live part, whenever the check changed (within about half a second)."""
    await named_check(session, check_id)
    await session.close()
    hub = board_hub(request)

    async def events():
        checked = asyncio.get_running_loop().time()
        async with hub.watch(check_id) as watch:
            yield "retry: 2000\n\n"
            while True:
                html = await watch.next(KEEPALIVE_SECONDS)
                if await request.is_disconnected():
                    return
                if asyncio.get_running_loop().time() - checked > RECHECK_SECONDS:
                    if not await _still_staff(request, runtime):
                        yield "event: signedout\ndata: /console/signin?ended=1\n\n"
                        return
                    checked = asyncio.get_running_loop().time()
                yield _event(html) if html is not None else ": keepalive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/checks/{check_id}/chart.png")
async def chart(check_id: int, staff: StaffDep, session: SessionDep, runtime: RuntimeDep, v: int = 0) -> Response:
    """A drill's answer-rate curve with its 25/50/75 % times."""
    check = await named_check(session, check_id)
    if not check.drill:
        raise HTTPException(404, T.CONSOLE_CHECK_NOT_FOUND)
    key = (check_id, v)
    if key not in _CHARTS:
        summary = await summarize(session, check)
        _CHARTS[key] = await run_in_threadpool(render_answer_curve, summary, runtime.clock.now())
        while len(_CHARTS) > 32:
            _CHARTS.popitem(last=False)
    return Response(_CHARTS[key], media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/checks/{check_id}/silent")
async def silent(check_id: int, request: Request, staff: StaffDep, session: SessionDep):
    """Everyone who has not answered, with their phone numbers and the phone-entry of their answer."""
    check = await named_check(session, check_id)
    summary = await summarize(session, check)
    return render(request, "console/checks_silent.html", staff, check=check, s=summary, kind=_kind(check))


# Acting on a check

@router.post("/checks/{check_id}/reask")
async def reask(check_id: int, staff: CsrfDep, session: SessionDep, runtime: RuntimeDep,
                background: BackgroundTasks):
    """再送する: a re-ask round now, to the silent, and to deputies whose primary contact is silent."""
    now = runtime.clock.now()
    await named_check(session, check_id)
    taken = await claim_reask(session, check_id, now, by_staff=True)
    if taken is None:
        await session.rollback()
        return _board(check_id, "not_open")
    rows = (queue_questions(session, taken.check, taken.again, now, again=True)
            + queue_questions(session, taken.check, taken.deputies, now, deputy=True))
    await audit.record(session, actor=staff.actor, action="check.reask", now=now, target_kind="check",
                       target_id=check_id, target_label=f"#{check_id}",
                       details={"round": taken.round, "again": len(taken.again), "deputies": len(taken.deputies)})
    await session.flush()
    ids = [row.id for row in rows]
    await session.commit()
    background.add_task(runtime.gateway.deliver, ids)
    return _board(check_id, "reasked")


@router.get("/checks/{check_id}/close")
async def close_page(check_id: int, request: Request, staff: StaffDep, session: SessionDep):
    """終了しますか？"""
    check = await named_check(session, check_id)
    return render(request, "console/checks_close.html", staff, check=check, kind=_kind(check),
                  segment=await describe_segment(session, Segment.parse(check.segment)))


@router.post("/checks/{check_id}/close")
async def close(check_id: int, staff: CsrfDep, session: SessionDep, runtime: RuntimeDep):
    """終了する: re-asks stop; answers that still come are kept, marked late."""
    now = runtime.clock.now()
    await named_check(session, check_id)
    if not await close_check(session, check_id, now):
        await session.rollback()
        return _board(check_id, "not_open")
    await audit.record(session, actor=staff.actor, action="check.close", now=now, target_kind="check",
                       target_id=check_id, target_label=f"#{check_id}")
    await session.commit()
    return _board(check_id, "closed")


@router.get("/checks/{check_id}/export.csv")
async def export(check_id: int, staff: StaffDep, session: SessionDep, runtime: RuntimeDep) -> Response:
    """Every member of the check with their first and latest answer, as the command line exports it."""
    await named_check(session, check_id)
    columns, rows = await export_table(session, check_id, runtime.settings.tz)
    await audit.record(session, actor=staff.actor, action="check.export", now=runtime.clock.now(),
                       target_kind="check", target_id=check_id, target_label=f"#{check_id}",
                       details={"rows": len(rows)})
    await session.commit()
    return Response(csv_bytes(columns, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="contact-check-{check_id}.csv"'})
