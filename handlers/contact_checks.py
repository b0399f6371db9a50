"""Disaster-time contact checks (安否確認): the question and its answers, and the staff side in LINE."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import messages as m
from bot import texts as T
from bot.dispatcher import Context, Router, State, StatesGroup
from bot.outbox import queue_multicast
from db.contact_checks import (
    ANSWERS,
    MAX_NOTE,
    NO_PROVISION,
    PROVISIONS,
    CheckError,
    SEVERITY,
    CheckSummary,
    close_check,
    find_targets,
    latest_check,
    open_checks,
    purpose,
    record_answer,
    set_answer_details,
    start_check,
    summarize,
    toggle_provision,
)
from db.models import ContactCheck, Member, Organization, OutboxMessage
from db.segments import Segment
from handlers.shared import SegmentStep, require_staff

router = Router("contact_checks")
router.help_action(T.CHECK, T.CHECK, staff_only=True)
router.help_action(T.CHECK_STATUS, T.CHECK_STATUS, staff_only=True)

MAX_SILENT_LISTED = 60
MAX_NEED_LISTED = 15
MAX_ORGS_LISTED = 40
MAX_PROXY_MATCHES = 12
MAX_NOTE_SHOWN = 40
BUTTON_COLORS = {"safe": "#1F6F43", "damaged": "#B7791F", "help": "#C53030"}


class Note(StatesGroup):
    text = State()


class Start(StatesGroup):
    segment = State()
    kind = State()
    confirm = State()


class Proxy(StatesGroup):
    name = State()


# What members get

def question_card(check: ContactCheck, *, again: bool = False, deputy: bool = False) -> dict:
    """The question with its three answers as buttons (they stay usable, unlike quick replies)."""
    header = T.CHECK_DRILL_HEADER if check.drill else T.CHECK_HEADER
    body = check.message or (T.CHECK_DRILL_MESSAGE if check.drill else T.CHECK_DEFAULT_MESSAGE)
    lines = [text for text, shown in ((T.CHECK_AGAIN, again), (T.CHECK_DEPUTY, deputy), (body, True)) if shown]
    buttons = [{"type": "button", "style": "primary", "color": BUTTON_COLORS[code], "height": "sm",
                "action": m.postback_action(T.CHECK_ANSWER_LABELS[code], f"chk:ans:{check.id}:{code}",
                                            display_text=T.CHECK_ANSWER_LABELS[code])} for code in ANSWERS]
    return {
        "type": "flex",
        "altText": T.CHECK_ALT.format(header=header),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
                {"type": "text", "text": header, "weight": "bold", "size": "lg", "color": "#C53030"},
                *({"type": "text", "text": m.truncate_utf16(line, 1000), "wrap": True, "size": "sm"} for line in lines),
            ]},
            "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
        },
    }


def queue_questions(session: AsyncSession, check: ContactCheck, users: list[str], now: datetime, *,
                    again: bool = False, deputy: bool = False) -> list[OutboxMessage]:
    """Multicast the question; urgent, so quiet hours do not hold it."""
    if not users:
        return []
    return queue_multicast(session, to=users, messages=[question_card(check, again=again, deputy=deputy)],
                           purpose=purpose(check.id), now=now, urgent=True)


def provisions_question(prefix: str, chosen: list[str]) -> dict:
    """What the organization can provide, one toggle per tap; each button's data is `prefix` + its code."""
    labels = T.CHECK_PROVISION_LABELS
    selected = "、".join(labels[c] for c in chosen) or T.NONE_SELECTED
    buttons = [m.postback_action(("✓" if code in chosen else "") + labels[code], f"{prefix}{code}")
               for code in (*PROVISIONS, NO_PROVISION)]
    buttons.append(m.postback_action(T.DONE, f"{prefix}done", display_text=T.DONE))
    return m.text(T.ASK_CHECK_PROVISIONS.format(selected=selected), quick=buttons)


def _parts(ctx: Context, prefix: str, count: int) -> list[str] | None:
    """The postback's values after `prefix`, when there are `count` of them and the first is an id."""
    parts = (ctx.event.postback_data or "").removeprefix(prefix).split(":")
    return parts if len(parts) == count and _is_id(parts[0]) else None


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdecimal() and len(value) <= 12


def local_time(moment: datetime, ctx: Context) -> str:
    return moment.astimezone(ctx.settings.tz).strftime("%m/%d %H:%M")


# Answering

@router.postback("chk:ans:")
async def answer(ctx: Context) -> None:
    """無事 / 被害あり / 支援が必要: stored at once; the latest counts and the first is kept."""
    parts = _parts(ctx, "chk:ans:", 2)
    member = await ctx.member()
    if parts is None or member is None or parts[1] not in ANSWERS:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    check_id = int(parts[0])
    done = await record_answer(ctx.session, check_id=check_id, member_id=member.id, status=parts[1], now=ctx.now(),
                               source_key=f"line:{ctx.event.webhook_event_id}")
    if done is None:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    if done.late:
        ctx.reply(m.text(T.CHECK_LATE_THANKS))
        return
    target = done.target
    if done.changed:
        said = T.CHECK_CHANGED.format(answer=T.CHECK_ANSWER_LABELS[target.status],
                                      first=T.CHECK_ANSWER_LABELS[target.first_status],
                                      first_when=local_time(target.first_answered_at, ctx))
    else:
        said = T.CHECK_RECORDED.format(answer=T.CHECK_ANSWER_LABELS[target.status], when=local_time(ctx.now(), ctx))
    if done.check.drill:
        said = T.CHECK_DRILL_NOTE + said
    ctx.reply(m.text(said), provisions_question(f"chk:prv:{check_id}:", target.provisions or []))


@router.postback("chk:prv:")
async def provision(ctx: Context) -> None:
    """What the organization can provide now: toggled one tap at a time, then 完了 (or なし)."""
    parts = _parts(ctx, "chk:prv:", 2)
    member = await ctx.member()
    if parts is None or member is None:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    check_id, code = int(parts[0]), parts[1]
    if code != "done":
        try:
            chosen = await toggle_provision(ctx.session, check_id=check_id, member_id=member.id, code=code)
        except CheckError:
            chosen = None
        if chosen is None:
            ctx.reply(m.text(T.STALE_BUTTON))
            return
        if code != NO_PROVISION:
            ctx.reply(provisions_question(f"chk:prv:{check_id}:", chosen))
            return
    if ctx.state is None:  # never interrupt another dialog for the optional note
        ctx.set_state(Note.text, check_id=check_id)
        ctx.reply(m.text(T.ASK_CHECK_NOTE.format(max=MAX_NOTE), quick=[m.message_action(T.CHECK_NOTE_NONE)]))
    else:
        ctx.reply(m.text(T.CHECK_THANKS))


@router.state(Note.text)
async def note(ctx: Context) -> None:
    text = (ctx.text or "").strip()
    if not text:
        ctx.reply(m.text(T.TEXT_ONLY))
        return
    if len(text) > MAX_NOTE:
        ctx.reply(m.text(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE), quick=[m.message_action(T.CHECK_NOTE_NONE)]))
        return
    member = await ctx.member()
    if text != T.CHECK_NOTE_NONE and member is not None:
        await set_answer_details(ctx.session, check_id=int(ctx.data["check_id"]), member_id=member.id, note=text)
    ctx.clear_state()
    ctx.reply(m.text(T.CHECK_THANKS))


# Starting a check (staff)

async def _staff(ctx: Context) -> Member | None:
    return await require_staff(ctx, T.CHECK_STAFF_ONLY)


@router.command(T.CHECK)
async def begin(ctx: Context) -> None:
    if await _staff(ctx) is None:
        return
    ctx.clear_state()
    SEGMENT_STEP.ask(ctx)


async def segment_chosen(ctx: Context, segment: Segment) -> None:
    ctx.set_state(Start.kind, segment=segment.spec)
    ask_kind(ctx)


SEGMENT_STEP = SegmentStep(router, prefix="chks:", state=Start.segment, question=T.ASK_CHECK_SEGMENT,
                           kinds=["area", "type", "field", "agreement", "group"], empty=T.CHECK_NO_MEMBERS,
                           chosen=segment_chosen)


def ask_kind(ctx: Context) -> None:
    ctx.reply(m.text(T.ASK_CHECK_KIND, quick=[
        m.postback_action(T.CHECK_REAL, "chks:kind:real", display_text=T.CHECK_REAL),
        m.postback_action(T.CHECK_DRILL, "chks:kind:drill", display_text=T.CHECK_DRILL),
        m.message_action(T.CANCEL)]))


@router.state(Start.kind)
async def kind_by_text(ctx: Context) -> None:
    ask_kind(ctx)


@router.postback("chks:kind:")
async def pick_drill(ctx: Context) -> None:
    if not ctx.in_state(Start.kind) or ctx.event.postback_data not in ("chks:kind:real", "chks:kind:drill"):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.set_state(Start.confirm, drill=ctx.event.postback_data == "chks:kind:drill")
    await show_preview(ctx)


async def show_preview(ctx: Context) -> None:
    segment = Segment.parse(ctx.data["segment"])
    people = await segment.members(ctx.session)
    ctx.reply(m.text(T.CHECK_PREVIEW.format(
        segment=await segment.describe(ctx.session), members=len(people),
        orgs=len({p.organization_id for p in people}), kind=T.CHECK_DRILL if ctx.data["drill"] else T.CHECK_REAL,
        minutes=ctx.settings.check_reask_minutes, reasks=ctx.settings.check_max_reasks),
        quick=[m.message_action(T.CHECK_START), m.message_action(T.CANCEL)]))


@router.state(Start.confirm)
async def confirm_start(ctx: Context) -> None:
    staff = await _staff(ctx)
    if staff is None:
        return
    if ctx.text != T.CHECK_START:
        ctx.reply(m.text(T.CHECK_CONFIRM_INVALID))
        await show_preview(ctx)
        return
    segment, drill = Segment.parse(ctx.data["segment"]), bool(ctx.data["drill"])
    ctx.clear_state()
    try:
        started = await start_check(ctx.session, segment=segment, drill=drill, now=ctx.now(), source="line",
                                    started_by=staff.id, reask_minutes=ctx.settings.check_reask_minutes,
                                    max_reasks=ctx.settings.check_max_reasks)
    except CheckError:
        ctx.reply(await ctx.help(T.CHECK_NO_MEMBERS.format(segment=await segment.describe(ctx.session))))
        return
    check = started.check
    kind = T.CHECK_DRILL if check.drill else T.CHECK_REAL
    if not started.created:
        ctx.reply(await ctx.help(T.CHECK_ALREADY_RUNNING.format(id=check.id, kind=kind,
                                                                when=local_time(check.started_at, ctx))))
        return
    ctx.queued += queue_questions(ctx.session, check, started.asked, ctx.now())
    ctx.reply(await ctx.help(T.CHECK_STARTED.format(id=check.id, kind=kind, count=len(started.asked))))


# The live picture (staff)

def summary_text(summary: CheckSummary, now: datetime, tz, need_limit: int | None = MAX_NEED_LISTED) -> str:
    check = summary.check
    end = check.closed_at or now
    org_status = summary.org_status()
    orgs = len(summary.orgs)
    answered_orgs = len(summary.orgs_answered)
    text = T.CHECK_SUMMARY.format(
        id=check.id, kind=T.CHECK_DRILL if check.drill else T.CHECK_REAL, segment=summary.segment_label,
        started=check.started_at.astimezone(tz).strftime("%m/%d %H:%M"),
        elapsed=T.CHECK_ELAPSED.format(minutes=int((end - check.started_at).total_seconds() // 60)),
        closed=T.CHECK_CLOSED_AT.format(when=check.closed_at.astimezone(tz).strftime("%H:%M")) if check.closed_at else "",
        orgs_answered=answered_orgs, orgs=orgs, share=round(100 * answered_orgs / orgs) if orgs else 0,
        org_safe=org_status["safe"], org_damaged=org_status["damaged"], org_help=org_status["help"],
        answered=summary.members_answered, asked=summary.members_asked, **summary.member_status,
        **summary.offered(), proxy=summary.by_proxy, late=summary.late, sent=summary.questions_sent,
        waiting=summary.questions_waiting, failed=summary.questions_failed)
    if check.drill:
        shown = {f"p{share}": T.CHECK_MINUTES.format(minutes=round(took.total_seconds() / 60, 1)) if took is not None
                 else T.CHECK_MILESTONE_NONE for share, took in summary.milestones().items()}
        text += "\n" + T.CHECK_MILESTONES.format(**shown)
    in_need = summary.orgs_in_need
    if in_need:
        note_limit = MAX_NOTE_SHOWN if need_limit is not None else MAX_NOTE
        lines = [T.CHECK_NEED_LINE.format(answer=T.CHECK_ANSWER_LABELS[o.status], name=o.name,
                                          note=T.CHECK_NEED_NOTE.format(note=m.truncate_utf16(" / ".join(o.notes),
                                                                                              note_limit))
                                          if o.notes else "")
                 for o in in_need[:need_limit]]
        if need_limit is not None and len(in_need) > need_limit:
            lines.append(T.CHECK_MORE_ORGS.format(count=len(in_need) - need_limit))
        text += "\n" + T.CHECK_NEED_HEADER + "\n" + "\n".join(lines)
    return text


def org_table_text(summary: CheckSummary, limit: int | None = MAX_ORGS_LISTED) -> str:
    """Each organization: its answer (the most serious of its contacts'), who answered, what it offers."""
    labels, offers = T.CHECK_ANSWER_LABELS, T.CHECK_PROVISION_LABELS
    lines = []
    for org in sorted(summary.orgs, key=lambda o: (o.status is None, -SEVERITY.get(o.status, 0), o.name))[:limit]:
        provided = "、".join(offers[p] for p in PROVISIONS if p in org.provisions)
        changed = "、".join(f"{labels[a]}→{labels[b]}" for a, b in org.changes)
        lines.append(T.CHECK_ORG_LINE.format(
            name=org.name, answer=labels[org.status] if org.status else T.CHECK_NO_ANSWER, answered=org.answered,
            contacts=org.contacts, offers=T.CHECK_ORG_OFFERS.format(offers=provided) if provided else "",
            changed=T.CHECK_ORG_CHANGED.format(changes=changed) if changed else ""))
    if limit is not None and len(summary.orgs) > limit:
        lines.append(T.CHECK_MORE_ORGS.format(count=len(summary.orgs) - limit))
    return T.CHECK_ORG_HEADER.format(id=summary.check.id) + "\n" + "\n".join(lines)


def silent_text(summary: CheckSummary, limit: int | None = MAX_SILENT_LISTED) -> str:
    silent = summary.orgs_silent
    if not silent:
        return T.CHECK_ALL_ANSWERED
    names = [o.name for o in silent[:limit]]
    if limit is not None and len(silent) > limit:
        names.append(T.CHECK_MORE_ORGS.format(count=len(silent) - limit))
    return T.CHECK_SILENT_ORGS.format(count=len(silent), names="、".join(names))


async def reply_summary(ctx: Context, check: ContactCheck) -> None:
    summary = await summarize(ctx.session, check)
    others = [c for c in await open_checks(ctx.session) if c.id != check.id]
    buttons = [m.postback_action(T.CHECK_SILENT_BUTTON, f"chks:silent:{check.id}"),
               m.postback_action(T.CHECK_ORGS_BUTTON, f"chks:orgs:{check.id}")]
    if check.status == "open":
        buttons += [m.message_action(T.CHECK_PROXY), m.message_action(T.CHECK_CLOSE)]
    buttons += [m.postback_action(f"#{c.id}", f"chks:status:{c.id}") for c in others[:8]]
    ctx.reply(m.text(summary_text(summary, ctx.now(), ctx.settings.tz), quick=buttons))


async def _check_from(ctx: Context, prefix: str) -> ContactCheck | None:
    """The check a staff member's button names; None (and the sender answered) otherwise."""
    if await _staff(ctx) is None:
        return None
    parts = _parts(ctx, prefix, 1)
    check = await ctx.session.get(ContactCheck, int(parts[0])) if parts else None
    if check is None:
        ctx.reply(m.text(T.STALE_BUTTON))
    return check


@router.command(T.CHECK_STATUS)
async def status(ctx: Context) -> None:
    """The running check (the latest one if none runs): counts, organizations, what is offered."""
    if await _staff(ctx) is None:
        return
    running = await open_checks(ctx.session)
    check = running[0] if running else await latest_check(ctx.session)
    if check is None:
        ctx.reply(await ctx.help(T.CHECK_NONE))
        return
    await reply_summary(ctx, check)


@router.postback("chks:status:")
async def status_of(ctx: Context) -> None:
    if (check := await _check_from(ctx, "chks:status:")) is not None:
        await reply_summary(ctx, check)


@router.postback("chks:silent:")
async def silent(ctx: Context) -> None:
    if (check := await _check_from(ctx, "chks:silent:")) is not None:
        ctx.reply(m.text(silent_text(await summarize(ctx.session, check))))


@router.postback("chks:orgs:")
async def per_organization(ctx: Context) -> None:
    if (check := await _check_from(ctx, "chks:orgs:")) is not None:
        ctx.reply(m.text(org_table_text(await summarize(ctx.session, check))))


# Closing (staff)

async def _pick_open(ctx: Context, prefix: str) -> ContactCheck | None:
    """The one running check, or buttons to choose among several (None then, or when none runs)."""
    running = await open_checks(ctx.session)
    if not running:
        ctx.reply(await ctx.help(T.CHECK_NONE_OPEN))
        return None
    if len(running) == 1:
        return running[0]
    labels = [(c, await Segment.parse(c.segment).describe(ctx.session)) for c in running[:12]]
    ctx.reply(m.text(T.ASK_CHECK_WHICH, quick=[m.postback_action(f"#{c.id} {label}", f"{prefix}{c.id}")
                                               for c, label in labels] + [m.message_action(T.CANCEL)]))
    return None


async def ask_close(ctx: Context, check: ContactCheck) -> None:
    segment = await Segment.parse(check.segment).describe(ctx.session)
    ctx.reply(m.text(T.ASK_CHECK_CLOSE.format(id=check.id, segment=segment), quick=[
        m.postback_action(T.CHECK_CLOSE_OK, f"chks:close:{check.id}", display_text=T.CHECK_CLOSE_OK),
        m.message_action(T.CANCEL)]))


@router.command(T.CHECK_CLOSE)
async def close(ctx: Context) -> None:
    if await _staff(ctx) is not None and (check := await _pick_open(ctx, "chks:closeask:")) is not None:
        await ask_close(ctx, check)


@router.postback("chks:closeask:")
async def close_which(ctx: Context) -> None:
    if (check := await _check_from(ctx, "chks:closeask:")) is not None:
        await ask_close(ctx, check)


@router.postback("chks:close:")
async def close_confirmed(ctx: Context) -> None:
    if (check := await _check_from(ctx, "chks:close:")) is None:
        return
    if not await close_check(ctx.session, check.id, ctx.now()):
        ctx.reply(await ctx.help(T.CHECK_NONE_OPEN))
        return
    await ctx.session.refresh(check)
    ctx.reply(m.text(T.CHECK_CLOSED.format(id=check.id)))
    await reply_summary(ctx, check)


# Answers received by phone, entered by staff

@router.command(T.CHECK_PROXY)
async def proxy(ctx: Context) -> None:
    if await _staff(ctx) is not None and (check := await _pick_open(ctx, "chks:proxyfor:")) is not None:
        ask_proxy_name(ctx, check.id)


@router.postback("chks:proxyfor:")
async def proxy_for(ctx: Context) -> None:
    if (check := await _check_from(ctx, "chks:proxyfor:")) is not None:
        ask_proxy_name(ctx, check.id)


def ask_proxy_name(ctx: Context, check_id: int) -> None:
    ctx.clear_state()
    ctx.set_state(Proxy.name, check_id=check_id)
    ctx.reply(m.text(T.ASK_PROXY_NAME.format(id=check_id), quick=[m.message_action(T.CANCEL)]))


@router.state(Proxy.name)
async def proxy_name(ctx: Context) -> None:
    query = (ctx.text or "").strip()
    check_id = int(ctx.data["check_id"])
    found = await find_targets(ctx.session, check_id, query, limit=MAX_PROXY_MATCHES) if query else []
    if not found:
        ctx.reply(m.text(T.PROXY_NO_MATCH.format(query=query), quick=[m.message_action(T.CANCEL)]))
        return
    question = T.ASK_PROXY_PICK_MORE if len(found) >= MAX_PROXY_MATCHES else T.ASK_PROXY_PICK
    ctx.reply(m.text(question, quick=[m.postback_action(f"{name}（{org}）", f"chks:proxy:{check_id}:{member_id}")
                                      for member_id, name, org in found]))


async def _member_and_org(ctx: Context, parts: list[str] | None) -> tuple[Member | None, str]:
    member = await ctx.session.get(Member, int(parts[1])) if parts and _is_id(parts[1]) else None
    org = await ctx.session.get(Organization, member.organization_id) if member else None
    return member, org.name if org else ""


@router.postback("chks:proxy:")
async def proxy_pick(ctx: Context) -> None:
    parts = _parts(ctx, "chks:proxy:", 2)
    if await _staff(ctx) is None:
        return
    member, org = await _member_and_org(ctx, parts)
    if member is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.reply(m.text(T.ASK_PROXY_ANSWER.format(name=member.name, org=org), quick=[
        m.postback_action(T.CHECK_ANSWER_LABELS[code], f"chks:pans:{parts[0]}:{member.id}:{code}",
                          display_text=T.CHECK_ANSWER_LABELS[code]) for code in ANSWERS]))


@router.postback("chks:pans:")
async def proxy_answer(ctx: Context) -> None:
    parts = _parts(ctx, "chks:pans:", 3)
    staff = await _staff(ctx)
    if staff is None:
        return
    member, org = await _member_and_org(ctx, parts)
    done = None
    if member is not None and parts[2] in ANSWERS:
        done = await record_answer(ctx.session, check_id=int(parts[0]), member_id=member.id, status=parts[2],
                                   now=ctx.now(), source_key=f"line:{ctx.event.webhook_event_id}",
                                   recorded_by=staff.id)
    if done is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.clear_state()
    recorded = (T.PROXY_RECORDED_LATE if done.late else T.PROXY_RECORDED).format(
        name=member.name, org=org, answer=T.CHECK_ANSWER_LABELS[parts[2]])
    ctx.reply(m.text(recorded), provisions_question(f"chks:pprv:{parts[0]}:{member.id}:", done.target.provisions or []))


@router.postback("chks:pprv:")
async def proxy_provision(ctx: Context) -> None:
    """What the member said their organization can provide, entered by staff like the member would."""
    parts = _parts(ctx, "chks:pprv:", 3)
    if await _staff(ctx) is None:
        return
    member, _ = await _member_and_org(ctx, parts)
    if member is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    code = parts[2]
    if code != "done":
        try:
            chosen = await toggle_provision(ctx.session, check_id=int(parts[0]), member_id=member.id, code=code)
        except CheckError:
            chosen = None
        if chosen is None:
            ctx.reply(m.text(T.STALE_BUTTON))
            return
        if code != NO_PROVISION:
            ctx.reply(provisions_question(f"chks:pprv:{parts[0]}:{member.id}:", chosen))
            return
    ctx.reply(await ctx.help(T.PROXY_DONE.format(name=member.name)))
