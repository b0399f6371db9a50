"""Contact checks, the staff side: starting one in LINE, the live picture, closing."""


from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router, State, StatesGroup
from bot.texts.formats import moment_label
from db.contact_checks import CheckError, close_check, latest_check, open_checks, start_check, summarize
from db.models import ContactCheck, Member
from db.segments import Segment
from handlers.contact_checks.views import org_table_text, silent_text, summary_text
from handlers.contact_checks.messages import queue_questions
from handlers.segments import SegmentStep, describe_segment
from handlers.shared import postback_parts, require_staff

router = Router("contact_check_staff")
router.help_action(T.CHECK, T.CHECK, staff_only=True)
router.help_action(T.CHECK_STATUS, T.CHECK_STATUS, staff_only=True)


class Start(StatesGroup):
    segment = State()
    kind = State()
    confirm = State()


async def staff_only(ctx: Context) -> Member | None:
    return await require_staff(ctx, T.CHECK_STAFF_ONLY)


@router.command(T.CHECK)
async def begin(ctx: Context) -> None:
    if await staff_only(ctx) is None:
        return
    ctx.clear_state()
    SEGMENT_STEP.ask(ctx)


async def segment_chosen(ctx: Context, segment: Segment) -> None:
    ctx.set_state(Start.kind, segment=segment.spec)
    ask_kind(ctx)


SEGMENT_STEP = SegmentStep(router, prefix="chks", state=Start.segment, question=T.ASK_CHECK_SEGMENT,
                           kinds=["area", "type", "field", "agreement", "group"], empty=T.CHECK_NO_MEMBERS,
                           chosen=segment_chosen)


def ask_kind(ctx: Context) -> None:
    ctx.reply(m.text(T.ASK_CHECK_KIND, quick=[
        m.postback_action(T.CHECK_REAL, "chks:kind:real", display_text=T.CHECK_REAL),
        m.postback_action(T.CHECK_DRILL, "chks:kind:drill", display_text=T.CHECK_DRILL),
        m.message_action(T.CANCEL)]))


@router.state(Start.kind)
async def kind_by_text(ctx: Context) -> None:
    """本番 or 訓練 typed instead of tapped."""
    if ctx.text in (T.CHECK_REAL, T.CHECK_DRILL):
        ctx.set_state(Start.confirm, drill=ctx.text == T.CHECK_DRILL)
        await show_preview(ctx)
        return
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
        segment=await describe_segment(ctx.session, segment), members=len(people),
        orgs=len({p.organization_id for p in people}), kind=T.CHECK_DRILL if ctx.data["drill"] else T.CHECK_REAL,
        minutes=ctx.settings.check_reask_minutes, reasks=ctx.settings.check_max_reasks),
        quick=[m.message_action(T.CHECK_START), m.message_action(T.CANCEL)]))


@router.state(Start.confirm)
async def confirm_start(ctx: Context) -> None:
    staff = await staff_only(ctx)
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
        ctx.reply(await ctx.help(T.CHECK_NO_MEMBERS.format(segment=await describe_segment(ctx.session, segment))))
        return
    check = started.check
    kind = T.CHECK_DRILL if check.drill else T.CHECK_REAL
    if not started.created:
        ctx.reply(await ctx.help(T.CHECK_ALREADY_RUNNING.format(id=check.id, kind=kind,
                                                                when=moment_label(check.started_at, ctx.settings.tz))))
        return
    ctx.queued += queue_questions(ctx.session, check, started.asked, ctx.now())
    ctx.reply(await ctx.help(T.CHECK_STARTED.format(id=check.id, kind=kind, count=len(started.asked))))


async def reply_summary(ctx: Context, check: ContactCheck) -> None:
    summary = await summarize(ctx.session, check)
    others = [c for c in await open_checks(ctx.session) if c.id != check.id]
    buttons = [m.postback_action(T.CHECK_SILENT_BUTTON, f"chks:silent:{check.id}"),
               m.postback_action(T.CHECK_ORGS_BUTTON, f"chks:orgs:{check.id}")]
    if check.status == "open":
        buttons += [m.message_action(T.CHECK_PROXY), m.message_action(T.CHECK_CLOSE)]
    buttons += [m.postback_action(f"#{c.id}", f"chks:status:{c.id}") for c in others[:8]]
    ctx.reply(m.text(summary_text(summary, await describe_segment(ctx.session, Segment.parse(summary.check.segment)), ctx.now(),
                                  ctx.settings.tz), quick=buttons))


async def check_from_button(ctx: Context, prefix: str) -> ContactCheck | None:
    """The check a staff member's button names; None (and the sender answered) otherwise."""
    if await staff_only(ctx) is None:
        return None
    parts = postback_parts(ctx, prefix, 1)
    check = await ctx.session.get(ContactCheck, int(parts[0])) if parts else None
    if check is None:
        ctx.reply(m.text(T.STALE_BUTTON))
    return check


@router.command(T.CHECK_STATUS)
async def status(ctx: Context) -> None:
    """The running check (the latest one if none runs): counts, organizations, what is offered."""
    if await staff_only(ctx) is None:
        return
    running = await open_checks(ctx.session)
    check = running[0] if running else await latest_check(ctx.session)
    if check is None:
        ctx.reply(await ctx.help(T.CHECK_NONE))
        return
    await reply_summary(ctx, check)


@router.postback("chks:status:")
async def status_of(ctx: Context) -> None:
    if (check := await check_from_button(ctx, "chks:status:")) is not None:
        await reply_summary(ctx, check)


@router.postback("chks:silent:")
async def silent(ctx: Context) -> None:
    if (check := await check_from_button(ctx, "chks:silent:")) is not None:
        ctx.reply(m.text(silent_text(await summarize(ctx.session, check))))


@router.postback("chks:orgs:")
async def per_organization(ctx: Context) -> None:
    if (check := await check_from_button(ctx, "chks:orgs:")) is not None:
        ctx.reply(m.text(org_table_text(await summarize(ctx.session, check))))


# Closing (staff)

async def pick_open(ctx: Context, prefix: str) -> ContactCheck | None:
    """The one running check, or buttons to choose among several (None then, or when none runs)."""
    running = await open_checks(ctx.session)
    if not running:
        ctx.reply(await ctx.help(T.CHECK_NONE_OPEN))
        return None
    if len(running) == 1:
        return running[0]
    labels = [(c, await describe_segment(ctx.session, Segment.parse(c.segment))) for c in running[:12]]
    ctx.reply(m.text(T.ASK_CHECK_WHICH, quick=[m.postback_action(f"#{c.id} {label}", f"{prefix}{c.id}")
                                               for c, label in labels] + [m.message_action(T.CANCEL)]))
    return None


async def ask_close(ctx: Context, check: ContactCheck) -> None:
    segment = await describe_segment(ctx.session, Segment.parse(check.segment))
    ctx.reply(m.text(T.ASK_CHECK_CLOSE.format(id=check.id, segment=segment), quick=[
        m.postback_action(T.CHECK_CLOSE_OK, f"chks:close:{check.id}", display_text=T.CHECK_CLOSE_OK),
        m.message_action(T.CANCEL)]))


@router.command(T.CHECK_CLOSE)
async def close(ctx: Context) -> None:
    if await staff_only(ctx) is not None and (check := await pick_open(ctx, "chks:closeask:")) is not None:
        await ask_close(ctx, check)


@router.postback("chks:closeask:")
async def close_which(ctx: Context) -> None:
    if (check := await check_from_button(ctx, "chks:closeask:")) is not None:
        await ask_close(ctx, check)


@router.postback("chks:close:")
async def close_confirmed(ctx: Context) -> None:
    if (check := await check_from_button(ctx, "chks:close:")) is None:
        return
    if not await close_check(ctx.session, check.id, ctx.now()):
        ctx.reply(await ctx.help(T.CHECK_NONE_OPEN))
        return
    await ctx.session.refresh(check)
    ctx.reply(m.text(T.CHECK_CLOSED.format(id=check.id)))
    await reply_summary(ctx, check)
