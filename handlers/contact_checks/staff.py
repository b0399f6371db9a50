"""Contact checks, the staff side: starting one in LINE, the live picture, closing."""

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.audit import record
from db.contact_checks import CheckError, close_check, latest_check, open_checks, start_check, summarize
from db.models import ContactCheck
from db.segments import Segment
from handlers.contact_checks.messages import queue_questions
from handlers.contact_checks.views import org_table_text, silent_text, summary_text
from handlers.segments import SegmentStep, describe_segment

router = Router("contact_checks.staff", access=Access.staff, refusal=T.CHECK_STAFF_ONLY)
router.help_action(T.CHECK, T.CHECK, staff_only=True)
router.help_action(T.CHECK_STATUS, T.CHECK_STATUS, staff_only=True)

KINDS = {"real": False, "drill": True}  # the kind button's value, and whether it is a drill


class Start(StatesGroup):
    segment = State()
    kind = State()
    confirm = State()


class CheckKind(PostbackData, prefix="chks:kind"):
    kind: str


class Status(PostbackData, prefix="chks:status"):
    check_id: int


class Silent(PostbackData, prefix="chks:silent"):
    check_id: int


class Orgs(PostbackData, prefix="chks:orgs"):
    check_id: int


class CloseWhich(PostbackData, prefix="chks:closeask"):
    check_id: int


class Close(PostbackData, prefix="chks:close"):
    check_id: int


# Starting

@router.command(T.CHECK)
async def begin(ctx: Context) -> None:
    """Staff begin a check: first whom it asks."""
    ctx.clear()
    SEGMENT_STEP.ask(ctx)


async def segment_chosen(ctx: Context, segment: Segment) -> None:
    ctx.set_state(Start.kind)
    ctx.update_data(segment=segment.spec)
    ask_kind(ctx)


SEGMENT_STEP = SegmentStep(router, prefix="chks", state=Start.segment, question=T.ASK_CHECK_SEGMENT,
                           kinds=["area", "type", "field", "agreement", "group"], empty=T.CHECK_NO_MEMBERS,
                           chosen=segment_chosen)


def ask_kind(ctx: Context) -> None:
    ctx.reply(m.text(T.ASK_CHECK_KIND, quick=[
        m.postback_action(T.CHECK_REAL, CheckKind(kind="real"), display_text=T.CHECK_REAL),
        m.postback_action(T.CHECK_DRILL, CheckKind(kind="drill"), display_text=T.CHECK_DRILL),
        m.message_action(T.CANCEL)]))


async def kind_chosen(ctx: Context, drill: bool) -> None:
    ctx.set_state(Start.confirm)
    ctx.update_data(drill=drill)
    await show_preview(ctx)


router.step(Start.kind, ask=ask_kind, hint=T.CHECK_KIND_HINT)


@router.typed(Start.kind, {T.WORDS_REAL: CheckKind(kind="real"), T.WORDS_DRILL: CheckKind(kind="drill")})
@router.postback(CheckKind, state=Start.kind)
async def pick_drill(ctx: Context, button: CheckKind) -> None:
    """本番 or 訓練, tapped or typed."""
    if button.kind not in KINDS:
        raise StaleButton(button.kind)
    await kind_chosen(ctx, KINDS[button.kind])


async def show_preview(ctx: Context) -> None:
    segment = Segment.parse(ctx.data["segment"])
    people = await segment.members(ctx.session)
    ctx.reply(m.text(T.CHECK_PREVIEW.format(
        segment=await describe_segment(ctx.session, segment), members=len(people),
        orgs=len({p.organization_id for p in people}), kind=T.CHECK_DRILL if ctx.data["drill"] else T.CHECK_REAL,
        minutes=ctx.settings.check_reask_minutes, reasks=ctx.settings.check_max_reasks),
        quick=[m.message_action(T.CHECK_START), m.message_action(T.CANCEL)]))


router.step(Start.confirm, ask=show_preview, hint=T.CHECK_CONFIRM_INVALID)


@router.typed(Start.confirm, T.WORDS_START)
async def confirm_start(ctx: Context) -> None:
    """開始する sends the question to everyone in the segment; a check already running there is kept."""
    staff = await ctx.active_member()
    segment, drill = Segment.parse(ctx.data["segment"]), bool(ctx.data["drill"])
    ctx.clear()
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
                                                                when=moment_label(check.started_at, ctx.settings.tz, ctx.now()))))
        return
    ctx.queued += queue_questions(ctx.session, check, started.asked, ctx.now())
    await record(ctx.session, actor=await ctx.actor(), action="check.start", now=ctx.now(), target_kind="check",
                 target_id=check.id, target_label=f"#{check.id}",
                 details={"segment": check.segment, "drill": check.drill, "recipients": len(started.asked)})
    ctx.reply(await ctx.help(T.CHECK_STARTED.format(id=check.id, kind=kind, count=len(started.asked))))


# The live picture

async def reply_summary(ctx: Context, check: ContactCheck) -> None:
    summary = await summarize(ctx.session, check)
    others = [c for c in await open_checks(ctx.session) if c.id != check.id]
    buttons = [m.postback_action(T.CHECK_SILENT_BUTTON, Silent(check_id=check.id)),
               m.postback_action(T.CHECK_ORGS_BUTTON, Orgs(check_id=check.id))]
    if check.status == "open":
        buttons += [m.message_action(T.CHECK_PROXY), m.message_action(T.CHECK_CLOSE)]
    buttons += [m.postback_action(f"#{c.id}", Status(check_id=c.id)) for c in others[:8]]
    segment = await describe_segment(ctx.session, Segment.parse(summary.check.segment))
    ctx.reply(m.text(summary_text(summary, segment, ctx.now(), ctx.settings.tz), quick=buttons))


async def named_check(ctx: Context, button) -> ContactCheck:
    """The check a staff member's button names; StaleButton if it is gone."""
    check = await ctx.session.get(ContactCheck, button.check_id)
    if check is None:
        raise StaleButton(button.pack())
    return check


@router.command(T.CHECK_STATUS)
async def status(ctx: Context) -> None:
    """The running check (the latest one if none runs): counts, organizations, what is offered."""
    running = await open_checks(ctx.session)
    check = running[0] if running else await latest_check(ctx.session)
    if check is None:
        ctx.reply(await ctx.help(T.CHECK_NONE))
        return
    await reply_summary(ctx, check)


@router.postback(Status)
async def status_of(ctx: Context, button: Status) -> None:
    """Another running check's picture."""
    await reply_summary(ctx, await named_check(ctx, button))


@router.postback(Silent)
async def silent(ctx: Context, button: Silent) -> None:
    """The organizations that have not answered."""
    ctx.reply(m.text(silent_text(await summarize(ctx.session, await named_check(ctx, button)))))


@router.postback(Orgs)
async def per_organization(ctx: Context, button: Orgs) -> None:
    """Each organization's answer."""
    ctx.reply(m.text(org_table_text(await summarize(ctx.session, await named_check(ctx, button)))))


# Closing

async def pick_open(ctx: Context, data: type[PostbackData]) -> ContactCheck | None:
    """The one running check, or buttons of kind `data` to choose among several (None then, or when none runs)."""
    running = await open_checks(ctx.session)
    if not running:
        ctx.reply(await ctx.help(T.CHECK_NONE_OPEN))
        return None
    if len(running) == 1:
        return running[0]
    labels = [(c, await describe_segment(ctx.session, Segment.parse(c.segment))) for c in running[:12]]
    ctx.reply(m.text(T.ASK_CHECK_WHICH, quick=[m.postback_action(f"#{c.id} {label}", data(check_id=c.id))
                                               for c, label in labels] + [m.message_action(T.CANCEL)]))
    return None


async def ask_close(ctx: Context, check: ContactCheck) -> None:
    segment = await describe_segment(ctx.session, Segment.parse(check.segment))
    ctx.reply(m.text(T.ASK_CHECK_CLOSE.format(id=check.id, segment=segment), quick=[
        m.postback_action(T.CHECK_CLOSE_OK, Close(check_id=check.id), display_text=T.CHECK_CLOSE_OK),
        m.message_action(T.CANCEL)]))


@router.command(T.CHECK_CLOSE)
async def close(ctx: Context) -> None:
    """Staff end a running check (asked to confirm)."""
    if (check := await pick_open(ctx, CloseWhich)) is not None:
        await ask_close(ctx, check)


@router.postback(CloseWhich)
async def close_which(ctx: Context, button: CloseWhich) -> None:
    await ask_close(ctx, await named_check(ctx, button))


@router.postback(Close)
async def close_confirmed(ctx: Context, button: Close) -> None:
    """終了する: the check is closed and its final picture shown."""
    check = await named_check(ctx, button)
    if not await close_check(ctx.session, check.id, ctx.now()):
        ctx.reply(await ctx.help(T.CHECK_NONE_OPEN))
        return
    await ctx.session.refresh(check)
    await record(ctx.session, actor=await ctx.actor(), action="check.close", now=ctx.now(), target_kind="check",
                 target_id=check.id, target_label=f"#{check.id}")
    ctx.reply(m.text(T.CHECK_CLOSED.format(id=check.id)))
    await reply_summary(ctx, check)
