"""The audit log (操作記録): every staff action from any door, filtered by who, what, door and dates,
and exported as CSV (the export itself recorded). Nothing here changes an entry: the database refuses it."""

import csv
import io
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from bot.texts import catalog as T
from bot.texts.formats import moment_label
from bot.web.console.auth import CsrfDep, StaffDep, render
from bot.web.deps import RuntimeDep, SessionDep
from db import audit
from db.models import AuditEntry
from db.segments import Segment, SegmentError
from handlers.segments import describe_segment

router = APIRouter()
PAGE = 100
EXPORT_LIMIT = 50_000


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit_filter(tz, *, who: str, action: str, door: str, since: str, until: str) -> audit.AuditFilter:
    """The page's query as a filter; a value that does not read is left out (the form shows it blank)."""
    first, last = _day(since), _day(until)
    known_action = action in audit.ACTIONS or (action.endswith(".") and any(a.startswith(action) for a in audit.ACTIONS))
    return audit.AuditFilter(
        actor_member_id=int(who) if who.isdigit() else None, action=action if known_action else None,
        door=door if door in T.AUDIT_DOORS else None,
        since=datetime.combine(first, time(0), tz) if first else None,
        until=datetime.combine(last + timedelta(days=1), time(0), tz) if last else None)


def cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a name starting with = + - @ would otherwise run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


async def describe(session, entry: AuditEntry, tz: tzinfo, now: datetime) -> str:
    """The entry's details in words: known keys by their Japanese names, stored codes (primary, type:npo,
    damaged, a UTC time) as staff read them."""
    parts = []
    for key, value in (entry.details or {}).items():
        if key == "segment" and isinstance(value, str):
            try:
                value = await describe_segment(session, Segment.parse(value))
            except (SegmentError, ValueError):
                pass
        elif key == "send_at" and isinstance(value, str):
            value = moment_label(datetime.fromisoformat(value), tz, now)
        elif isinstance(value, bool):
            value = T.CONSOLE_AUDIT_YES if value else T.CONSOLE_AUDIT_NO
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, str):
            value = CODED.get(key, {}).get(value, value)
        parts.append(f"{T.CONSOLE_AUDIT_DETAIL_KEYS.get(key, key)}：{value}")
    return "／".join(parts)


# Details stored as codes, by key: the words staff read.
CODED = {"role": T.ROLE_LABELS, "type": T.ORG_TYPE_LABELS, "status": T.CHECK_ANSWER_LABELS, "door": T.AUDIT_DOORS,
         "action": T.AUDIT_ACTIONS}


async def described(session, entries: list[AuditEntry], tz: tzinfo, now: datetime) -> dict[int, str]:
    return {e.id: await describe(session, e, tz, now) for e in entries}


async def _actors(session) -> list[tuple[int, str]]:
    rows = await session.execute(select(AuditEntry.actor_member_id, AuditEntry.actor_label).distinct()
                                 .where(AuditEntry.actor_member_id.is_not(None)))
    return sorted({member_id: label for member_id, label in rows}.items(), key=lambda item: item[1])


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request, staff: StaffDep, runtime: RuntimeDep, session: SessionDep, who: str = "",
                     action: str = "", door: str = "", since: str = "", until: str = "", page: int = 1) -> HTMLResponse:
    """The newest entries first, a hundred a page."""
    where = audit_filter(runtime.settings.tz, who=who, action=action, door=door, since=since, until=until)
    page = max(page, 1)
    entries = await audit.entries(session, where=where, limit=PAGE, offset=(page - 1) * PAGE)
    total = await audit.count(session, where=where)
    actors = await _actors(session)
    details = await described(session, entries, runtime.settings.tz, runtime.clock.now())
    await session.commit()
    query = {"who": who, "action": action, "door": door, "since": since, "until": until}
    groups = sorted({a.split(".")[0] for a in audit.ACTIONS})
    query_string = urlencode({k: v for k, v in query.items() if v})
    context = dict(query_string=query_string, entries=entries, total=total, page=page, pages=max((total + PAGE - 1) // PAGE, 1), query=query,
                   actors=actors, groups=groups, actions=audit.ACTIONS, details=details)
    if request.headers.get("HX-Target") == "audit-list":
        return render(request, "console/audit_list.html", staff, **context)
    return render(request, "console/audit.html", staff, **context)


@router.post("/audit/export")
async def export(staff: CsrfDep, runtime: RuntimeDep, who: Annotated[str, Form()] = "",
                 action: Annotated[str, Form()] = "", door: Annotated[str, Form()] = "",
                 since: Annotated[str, Form()] = "", until: Annotated[str, Form()] = "") -> Response:
    """The filtered entries as CSV with Japanese headers (a byte-order mark for spreadsheets); the export
    is itself an entry."""
    tz, now = runtime.settings.tz, runtime.clock.now()
    where = audit_filter(tz, who=who, action=action, door=door, since=since, until=until)
    async with runtime.sessions() as session, session.begin():
        entries = await audit.entries(session, where=where, limit=EXPORT_LIMIT)
        details = await described(session, entries, tz, now)
        await audit.record(session, actor=staff.actor, action="audit.export", now=now, target_kind="audit",
                           details={"rows": len(entries), **{k: v for k, v in
                                    {"who": who, "action": action, "door": door, "since": since,
                                     "until": until}.items() if v}})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(T.CONSOLE_AUDIT_CSV_HEADERS)
    for e in entries:
        writer.writerow([e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), cell(e.actor_label),
                         T.AUDIT_DOORS.get(e.door, e.door), T.AUDIT_ACTIONS.get(e.action, e.action),
                         cell(e.target_label or ""), cell(details[e.id]), e.origin or ""])
    name = f"renkei-audit-{now.astimezone(tz):%Y%m%d-%H%M}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
