"""Introductions, the secretariat's side: when rounds happen (紹介設定), the network's figures
(つながり), and asking the question of the week (ひとこと)."""

from datetime import time

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router, State, StatesGroup
from bot.texts.formats import moment_label
from db.intro_network import network_stats
from db.intros import schedule, set_schedule, stop_schedule
from db.weekly_questions import MAX_QUESTION, clean_line
from handlers.intros.messages import call_off_announced, schedule_text, send_weekly_question, stats_text
from handlers.shared import is_id, require_staff

router = Router("intro_staff")
router.help_action(T.INTRO_SETTINGS, T.INTRO_SETTINGS, staff_only=True)
router.help_action(T.INTRO_NETWORK, T.INTRO_NETWORK, staff_only=True)
router.help_action(T.WEEKLY, T.WEEKLY, staff_only=True)

EVERY_CHOICES = ("7", "14", "28")
TIME_CHOICES = {t.replace(":", ""): t for t in T.INTRO_TIMES}


class WeeklySetup(StatesGroup):
    question = State()


# 紹介設定: interval, weekday and time, each a row of buttons carrying the choices so far

@router.command(T.INTRO_SETTINGS)
async def show_schedule(ctx: Context) -> None:
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    row = await schedule(ctx.session)
    if row is not None and row.active:
        text = T.INTRO_SCHEDULE_NOW.format(schedule=schedule_text(row),
                                           next=moment_label(row.next_round_at, ctx.settings.tz))
    else:
        text = T.INTRO_SCHEDULE_OFF
    quick = [m.postback_action(T.INTRO_EVERY_LABELS[d], f"intros:e:{d}") for d in EVERY_CHOICES]
    if row is not None and row.active:
        quick.append(m.postback_action(T.INTRO_SCHEDULE_STOP, "intros:stop", display_text=T.INTRO_SCHEDULE_STOP))
    ctx.reply(m.text(text, quick=quick))


@router.postback("intros:e:")
async def pick_weekday(ctx: Context) -> None:
    every = ctx.event.postback_data.removeprefix("intros:e:")
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    if every not in EVERY_CHOICES:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.reply(m.text(T.INTRO_ASK_WEEKDAY, quick=[m.postback_action(day, f"intros:w:{every}:{i}")
                                                 for i, day in enumerate(T.WEEKDAYS[:5])]))


@router.postback("intros:w:")
async def pick_time(ctx: Context) -> None:
    parts = ctx.event.postback_data.removeprefix("intros:w:").split(":")
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    if len(parts) != 2 or parts[0] not in EVERY_CHOICES or parts[1] not in {"0", "1", "2", "3", "4"}:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.reply(m.text(T.INTRO_ASK_TIME, quick=[m.postback_action(label, f"intros:t:{parts[0]}:{parts[1]}:{code}")
                                              for code, label in TIME_CHOICES.items()]))


@router.postback("intros:t:")
async def save_schedule(ctx: Context) -> None:
    parts = ctx.event.postback_data.removeprefix("intros:t:").split(":")
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    if len(parts) != 3 or parts[0] not in EVERY_CHOICES or not is_id(parts[1]) or int(parts[1]) > 4 \
            or parts[2] not in TIME_CHOICES:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    at = time.fromisoformat(TIME_CHOICES[parts[2]])
    ctx.queued += await call_off_announced(ctx.session, ctx.now(), ctx.settings.tz)
    row = await set_schedule(ctx.session, every_days=int(parts[0]), weekday=int(parts[1]), at=at, now=ctx.now(),
                             tz=ctx.settings.tz)
    ctx.reply(await ctx.help(T.INTRO_SCHEDULED.format(schedule=schedule_text(row),
                                                      next=moment_label(row.next_round_at, ctx.settings.tz))))


@router.postback("intros:stop")
async def stop_rounds(ctx: Context) -> None:
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    if not await stop_schedule(ctx.session, ctx.now()):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.queued += await call_off_announced(ctx.session, ctx.now(), ctx.settings.tz)
    ctx.reply(await ctx.help(T.INTRO_SCHEDULE_STOPPED))


@router.command(T.INTRO_NETWORK)
async def show_network(ctx: Context) -> None:
    """The network's figures: ties, cross-field ties, members without one, bridging organizations."""
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    ctx.reply(m.text(stats_text(await network_stats(ctx.session))))


# ひとこと: the staff member types the question or leaves it to the bank

@router.command(T.WEEKLY)
async def ask_question_text(ctx: Context) -> None:
    if await require_staff(ctx, T.INTRO_STAFF_ONLY) is None:
        return
    ctx.set_state(WeeklySetup.question)
    ctx.reply(m.text(T.WEEKLY_ASK_TEXT.format(max=MAX_QUESTION),
                     quick=[m.message_action(T.WEEKLY_PICK), m.message_action(T.CANCEL)]))


@router.state(WeeklySetup.question)
async def receive_question(ctx: Context) -> None:
    """Send the question at once to everyone taking part."""
    staff = await require_staff(ctx, T.INTRO_STAFF_ONLY)
    if staff is None:
        return
    text = None if ctx.text == T.WEEKLY_PICK else clean_line(ctx.text, MAX_QUESTION)
    if text is None and ctx.text != T.WEEKLY_PICK:
        ctx.reply(m.text(T.WEEKLY_TEXT_INVALID.format(max=MAX_QUESTION),
                         quick=[m.message_action(T.WEEKLY_PICK), m.message_action(T.CANCEL)]))
        return
    ctx.clear_state()
    question, rows, count = await send_weekly_question(ctx.session, text=text, now=ctx.now(), tz=ctx.settings.tz,
                                                       asked_by=staff.id)
    if not count:
        ctx.reply(await ctx.help(T.WEEKLY_NOBODY))
        return
    ctx.queued += rows
    ctx.reply(await ctx.help(T.WEEKLY_SENT.format(question=question.text, count=count,
                                                  when=moment_label(question.digest_at, ctx.settings.tz))))
