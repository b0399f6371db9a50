"""The console's notices: the list with read status, composing one (segment picker, live recipient count,
quota preview, confirmation), each notice's live read status, re-reminding, calling a scheduled one off.

Every action goes through handlers.notices.issue, as the LINE dialog and the command line do."""

from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from bot.web.console.auth import ConsoleRefusal, CsrfDep, StaffDep, refusal_page, render
from bot.web.deps import RuntimeDep
from db.models import Notice, NoticeStatus, Organization
from db.notices import MAX_NOTICE_TEXT, MAX_NOTICE_TITLE, notice_readers, recent_notices
from db.segments import Segment, SegmentError
from handlers.delivery import notice_deliveries, sending_label
from handlers.notices.issue import (NoticeRefused, cancel_scheduled, checked_notice, issue_notice, quota_preview,
                                    recipients, remind_now, reminder_due)
from handlers.notices.messages import send_notice
from handlers.segments import PICK_LABELS, describe_segment, segment_options

router = APIRouter()

LISTED = 100
KINDS = ["all", "staff", "type", "field", "area", "role", "agreement", "group", "orgs"]  # the LINE dialog's, and 事務局
KIND_LABELS = {"all": T.SEGMENT_ALL, "staff": T.SEGMENT_STAFF, **PICK_LABELS, "orgs": T.PICK_ORGS}


@dataclass
class Draft:
    """A notice being composed, as the form carries it from page to page."""

    title: str = ""
    text: str = ""
    kind: str = "all"
    value: str = ""
    orgs: list[int] = field(default_factory=list)
    when: str = "now"
    send_at: str = ""  # the datetime-local input's value, local time

    @classmethod
    async def read(cls, request: Request) -> "Draft":
        form = await request.form() if request.method == "POST" else request.query_params
        orgs = [int(v) for v in form.getlist("orgs") if str(v).isdigit()]
        kind = str(form.get("kind") or "all")
        return cls(title=str(form.get("title") or ""), text=str(form.get("text") or ""),
                   kind=kind if kind in KINDS else "all", value=str(form.get("value") or ""), orgs=orgs,
                   when="later" if form.get("when") == "later" else "now", send_at=str(form.get("send_at") or ""))

    def segment(self) -> Segment | None:
        """The segment picked, or None while the picker is not complete."""
        if self.kind in ("all", "staff"):
            return Segment(self.kind)
        if self.kind == "orgs":
            return Segment("orgs", ",".join(map(str, sorted(set(self.orgs))))) if self.orgs else None
        try:
            return Segment.parse(f"{self.kind}:{self.value}") if self.value else None
        except SegmentError:
            return None

    def moment(self, now: datetime, tz) -> datetime:
        """Now, or the local time picked; a time not read is refused."""
        if self.when == "now":
            return now
        try:
            local = datetime.fromisoformat(self.send_at.strip())
        except ValueError:
            raise NoticeRefused("time") from None
        return (local if local.tzinfo else local.replace(tzinfo=tz)).astimezone(now.tzinfo)


async def current_quota(runtime: Runtime):
    """LINE's quota as recently read, read again (outside any transaction) when too old."""
    return runtime.gateway.cached_quota() or await runtime.gateway.refresh_quota()


async def fresh_quota(runtime: Runtime):
    """LINE's quota read now, as the LINE dialog does when staff begin a notice; the last read if LINE is silent."""
    return await runtime.gateway.refresh_quota() or runtime.gateway.cached_quota()


async def picker(session: AsyncSession, runtime: Runtime, draft: Draft, quota) -> dict:
    """What the segment picker shows: the kinds, the choices of the kind picked, who it reaches, the quota."""
    options = []
    if draft.kind == "orgs":
        options = [(str(org_id), name) for org_id, name in
                   await session.execute(select(Organization.id, Organization.name).order_by(Organization.name))]
    elif draft.kind not in ("all", "staff"):
        _, choices = await segment_options(session, draft.kind)
        options = [(spec.partition(":")[2], label) for label, spec in choices]
        if draft.value not in {value for value, _ in options}:
            draft.value = options[0][0] if options else ""
    segment = draft.segment()
    count = len(await recipients(session, segment)) if segment else 0
    return {"draft": draft, "kinds": [(k, KIND_LABELS[k]) for k in KINDS], "options": options, "count": count,
            "segment_label": await describe_segment(session, segment) if segment else "",
            "quota": await quota_preview(session, quota, count, runtime.clock.now(), runtime.settings.tz)}


def compose_page(request: Request, staff, runtime: Runtime, context: dict, error: str | None = None):
    settings = runtime.settings
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    quiet = "" if start == end else T.CONSOLE_NOTICE_QUIET.format(start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    return render(request, "console/notices_compose.html", staff, status_code=422 if error else 200, **context,
                  error=error, quiet=quiet, max_text=MAX_NOTICE_TEXT, max_title=MAX_NOTICE_TITLE)


@router.get("/notices")
async def notice_list(request: Request, staff: StaffDep, runtime: RuntimeDep):
    """Notices sent and scheduled, newest first, with how many have confirmed."""
    tz, now = runtime.settings.tz, runtime.clock.now()
    async with runtime.sessions() as session:
        listed = await recent_notices(session, limit=LISTED)
        deliveries = await notice_deliveries(session, [notice for notice, _, _ in listed], now, runtime.settings)
        rows = []
        for notice, acked, total in listed:
            delivery = deliveries[notice.id]
            rows.append({"notice": notice, "acked": acked, "total": total, "delivery": delivery,
                         "state": delivery.short(tz, now),
                         "segment": await describe_segment(session, Segment.parse(notice.segment)),
                         "when": moment_label(delivery.at or notice.sent_at or notice.send_at, tz, now)})
    return render(request, "console/notices.html", staff, rows=rows)


@router.get("/notices/new")
async def compose(request: Request, staff: StaffDep, runtime: RuntimeDep):
    """The compose form."""
    quota = await fresh_quota(runtime)
    async with runtime.sessions() as session:
        return compose_page(request, staff, runtime, await picker(session, runtime, await Draft.read(request), quota))


@router.post("/notices/new")
async def compose_again(request: Request, staff: StaffDep, runtime: RuntimeDep, _: CsrfDep):
    """The compose form again, filled in as it was, from the confirmation's 戻って直す."""
    quota = await current_quota(runtime)
    async with runtime.sessions() as session:
        return compose_page(request, staff, runtime, await picker(session, runtime, await Draft.read(request), quota))


@router.get("/notices/recipients")
async def recipient_count(request: Request, staff: StaffDep, runtime: RuntimeDep):
    """The picker again as it changes: the choices of the kind picked, who it reaches, the quota it uses."""
    quota = await current_quota(runtime)
    async with runtime.sessions() as session:
        context = await picker(session, runtime, await Draft.read(request), quota)
    return render(request, "console/notices_picker.html", staff, **context)


async def checked_draft(session: AsyncSession, runtime: Runtime, draft: Draft) -> dict:
    """The rules the send applies, checked before the confirmation; NoticeRefused says which one fails."""
    now, settings = runtime.clock.now(), runtime.settings
    send_at, segment = draft.moment(now, settings.tz), draft.segment()
    if segment is None:
        raise NoticeRefused("segment")
    await checked_notice(session, text=draft.text, title=draft.title, segment=segment, send_at=send_at, now=now)
    return {"when": sending_label(send_at, now, settings)}


@router.post("/notices/confirm")
async def confirm(request: Request, staff: StaffDep, runtime: RuntimeDep, _: CsrfDep):
    """The confirmation before anything is sent: to whom, how many, when it arrives, what it costs."""
    draft, quota = await Draft.read(request), await fresh_quota(runtime)
    async with runtime.sessions() as session:
        context = await picker(session, runtime, draft, quota)
        try:
            context |= await checked_draft(session, runtime, draft)
        except NoticeRefused as refusal:
            return compose_page(request, staff, runtime, context, refusal.message)
    return render(request, "console/notices_confirm.html", staff, **context)


@router.post("/notices")
async def send(request: Request, staff: StaffDep, runtime: RuntimeDep, background: BackgroundTasks, _: CsrfDep):
    """Send or schedule the notice confirmed; a refusal shows the form again with the reason, nothing sent."""
    draft, quota = await Draft.read(request), await current_quota(runtime)
    form = await request.form()
    now = runtime.clock.now()
    try:
        async with runtime.sessions() as session, session.begin():
            segment = draft.segment()
            if segment is None:
                raise NoticeRefused("segment")
            notice = await issue_notice(session, actor=staff.actor, title=draft.title, text=draft.text,
                                        segment=segment, send_at=draft.moment(now, runtime.settings.tz), now=now,
                                        quota=quota, over_quota_confirmed=form.get("over_quota") == "yes")
            sent_now = notice.send_at <= now
            rows = (await send_notice(session, notice.id, now) or []) if sent_now else []
            await session.flush()
            notice_id, ids = notice.id, [row.id for row in rows]
    except NoticeRefused as refusal:
        async with runtime.sessions() as session:
            context = await picker(session, runtime, draft, quota)
            if refusal.reason == "over_quota":  # the confirmation again, where the over-quota send is chosen
                context |= await checked_draft(session, runtime, draft)
                return render(request, "console/notices_confirm.html", staff, status_code=422, **context,
                              error=refusal.message)
            return compose_page(request, staff, runtime, context, refusal.message)
    # Sent right after the answer; should this process stop first, the outbox sweep sends them.
    background.add_task(runtime.gateway.deliver, ids)
    return RedirectResponse(f"/console/notices/{notice_id}?done={'sent' if sent_now else 'scheduled'}",
                            status_code=303)


async def status_context(request: Request, session: AsyncSession, runtime: Runtime, notice_id: int) -> dict:
    """A notice's page: its recipients, who confirmed and when, who has not and when last reminded."""
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise ConsoleRefusal(refusal_page(request, T.CONSOLE_NOTICE_UNKNOWN, status_code=404))
    tz, now = runtime.settings.tz, runtime.clock.now()
    readers = await notice_readers(session, notice_id)

    def label(moment: datetime | None) -> str:
        return moment_label(moment, tz, now) if moment else ""

    acked = [(r, label(r.acked_at)) for r in readers if r.acked_at]
    pending = [(r, label(r.reminded_at)) for r in readers if not r.acked_at]
    seen = max((r.reminded_at for r in readers if r.reminded_at), default=None)
    delivery = (await notice_deliveries(session, [notice], now, runtime.settings))[notice.id]
    return {"notice": notice, "delivery": delivery, "state": delivery.label(tz, now), "acked": acked, "pending": pending, "total": len(readers),
            "segment": await describe_segment(session, Segment.parse(notice.segment)),
            "sent_label": label(notice.sent_at), "send_label": label(notice.send_at),
            "scheduled": notice.status == NoticeStatus.scheduled, "seen": seen.isoformat() if seen else ""}


@router.get("/notices/{notice_id}")
async def notice_status(request: Request, notice_id: int, staff: StaffDep, runtime: RuntimeDep):
    """One notice: who confirmed and when, who has not; it follows confirmations as they arrive."""
    async with runtime.sessions() as session:
        context = await status_context(request, session, runtime, notice_id)
    done = request.query_params.get("done")
    message = T.CONSOLE_NOTICE_DONE.get(done) if done else None
    if done == "sent" and context["delivery"].state == "held":  # accepted, not sent: say when it arrives
        message = T.CONSOLE_NOTICE_DONE_HELD.format(note=context["state"])
    return render(request, "console/notices_status.html", staff, **context, done=message)


@router.get("/notices/{notice_id}/readers")
async def notice_readers_part(request: Request, notice_id: int, staff: StaffDep, runtime: RuntimeDep):
    """The read status alone, which the status page fetches every few seconds."""
    async with runtime.sessions() as session:
        context = await status_context(request, session, runtime, notice_id)
    return render(request, "console/notices_readers.html", staff, **context)


def seen_moment(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/notices/{notice_id}/remind")
async def ask_remind(request: Request, notice_id: int, staff: StaffDep, runtime: RuntimeDep):
    """Before re-reminding: who it reaches and what it costs of the month's quota."""
    quota = await fresh_quota(runtime)
    async with runtime.sessions() as session:
        context = await status_context(request, session, runtime, notice_id)
        due = (await reminder_due(session, notice_id, seen=seen_moment(context["seen"]))
               if context["delivery"].delivered else [])
        preview = await quota_preview(session, quota, len(due), runtime.clock.now(), runtime.settings.tz)
    return render(request, "console/notices_remind.html", staff, **context, due=due, quota=preview)


@router.post("/notices/{notice_id}/remind")
async def remind(request: Request, notice_id: int, staff: StaffDep, runtime: RuntimeDep,
                 background: BackgroundTasks, _: CsrfDep):
    """Send the notice again to those who have not confirmed, through the outbox."""
    form, quota = await request.form(), await current_quota(runtime)
    try:
        async with runtime.sessions() as session, session.begin():
            rows = await remind_now(session, actor=staff.actor, notice_id=notice_id, now=runtime.clock.now(),
                                    seen=seen_moment(str(form.get("seen") or "")), quota=quota,
                                    over_quota_confirmed=form.get("over_quota") == "yes")
            await session.flush()
            ids = [row.id for row in rows]
    except NoticeRefused as refusal:
        return await refused(request, staff, runtime, notice_id, refusal)
    background.add_task(runtime.gateway.deliver, ids)
    return RedirectResponse(f"/console/notices/{notice_id}?done=reminded", status_code=303)


@router.get("/notices/{notice_id}/cancel")
async def ask_cancel(request: Request, notice_id: int, staff: StaffDep, runtime: RuntimeDep):
    """Before calling a scheduled notice off: which one, and that nobody will receive it."""
    async with runtime.sessions() as session:
        context = await status_context(request, session, runtime, notice_id)
    return render(request, "console/notices_cancel.html", staff, **context)


@router.post("/notices/{notice_id}/cancel")
async def cancel(request: Request, notice_id: int, staff: StaffDep, runtime: RuntimeDep, _: CsrfDep):
    """Call a scheduled notice off, as 取り消す does in LINE."""
    try:
        async with runtime.sessions() as session, session.begin():
            await cancel_scheduled(session, actor=staff.actor, notice_id=notice_id, now=runtime.clock.now())
    except NoticeRefused as refusal:
        return await refused(request, staff, runtime, notice_id, refusal)
    return RedirectResponse(f"/console/notices/{notice_id}?done=cancelled", status_code=303)


async def refused(request: Request, staff, runtime: Runtime, notice_id: int, refusal: NoticeRefused):
    async with runtime.sessions() as session:
        context = await status_context(request, session, runtime, notice_id)
    return render(request, "console/notices_status.html", staff, status_code=422, **context, error=refusal.message,
                  done=None)
