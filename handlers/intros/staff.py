"""Introductions, the secretariat's side: when rounds happen (紹介設定), the network's figures
(つながり), and asking the question of the week (ひとこと)."""

import random
from datetime import time

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.intro_network import network_stats
from db.audit import record
from db.intros import opted_in_members, schedule, set_schedule, stop_schedule
from db.weekly_questions import MAX_QUESTION, clean_line
from handlers.delivery import held_line, sent_text
from handlers.intros.messages import call_off_announced, schedule_text, send_weekly_question, stats_text

router = Router("intros.staff", access=Access.staff, refusal=T.INTRO_STAFF_ONLY)
router.help_action(T.INTRO_SETTINGS, T.INTRO_SETTINGS, staff_only=True)
router.help_action(T.INTRO_NETWORK, T.INTRO_NETWORK, staff_only=True)
router.help_action(T.WEEKLY, T.WEEKLY, staff_only=True)

EVERY_CHOICES = ("7", "14", "28")
WEEKDAY_CHOICES = range(5)  # rounds are on business days
TIME_CHOICES = {t.replace(":", ""): t for t in T.INTRO_TIMES}


class WeeklySetup(StatesGroup):
    question = State()
    confirm = State()


# 紹介設定: interval, weekday and time, each a row of buttons carrying the choices so far

class PickEvery(PostbackData, prefix="intros:e"):
    every: str


class PickWeekday(PostbackData, prefix="intros:w"):
    every: str
    weekday: int


class PickTime(PostbackData, prefix="intros:t"):
    every: str
    weekday: int
    time: str


class StopRounds(PostbackData, prefix="intros:stop"):
    pass


@router.command(T.INTRO_SETTINGS)
async def show_schedule(ctx: Context) -> None:
    row = await schedule(ctx.session)
    if row is not None and row.active:
        text = T.INTRO_SCHEDULE_NOW.format(schedule=schedule_text(row),
                                           next=moment_label(row.next_round_at, ctx.settings.tz, ctx.now()))
    else:
        text = T.INTRO_SCHEDULE_OFF
    quick = [m.postback_action(T.INTRO_EVERY_LABELS[d], PickEvery(every=d)) for d in EVERY_CHOICES]
    if row is not None and row.active:
        quick.append(m.postback_action(T.INTRO_SCHEDULE_STOP, StopRounds(), display_text=T.INTRO_SCHEDULE_STOP))
    ctx.reply(m.text(text, quick=quick))


@router.postback(PickEvery)
async def pick_weekday(ctx: Context, button: PickEvery) -> None:
    if button.every not in EVERY_CHOICES:
        raise StaleButton(button.pack())
    ctx.reply(m.text(T.INTRO_ASK_WEEKDAY, quick=[m.postback_action(day, PickWeekday(every=button.every, weekday=i))
                                                 for i, day in enumerate(T.WEEKDAYS[:5])]))


@router.postback(PickWeekday)
async def pick_time(ctx: Context, button: PickWeekday) -> None:
    if button.every not in EVERY_CHOICES or button.weekday not in WEEKDAY_CHOICES:
        raise StaleButton(button.pack())
    ctx.reply(m.text(T.INTRO_ASK_TIME, quick=[
        m.postback_action(label, PickTime(every=button.every, weekday=button.weekday, time=code))
        for code, label in TIME_CHOICES.items()]))


@router.postback(PickTime)
async def save_schedule(ctx: Context, button: PickTime) -> None:
    if button.every not in EVERY_CHOICES or button.weekday not in WEEKDAY_CHOICES or button.time not in TIME_CHOICES:
        raise StaleButton(button.pack())  # a value the buttons never offer: forged, or from an older menu
    at = time.fromisoformat(TIME_CHOICES[button.time])
    ctx.queued += await call_off_announced(ctx.session, ctx.now(), ctx.settings.tz)
    row = await set_schedule(ctx.session, every_days=int(button.every), weekday=button.weekday, at=at, now=ctx.now(),
                             tz=ctx.settings.tz)
    await record(ctx.session, actor=await ctx.actor(), action="intro.schedule", now=ctx.now(), target_kind="intro",
                 details={"every_days": int(button.every), "weekday": T.WEEKDAYS[int(button.weekday)], "at": at.isoformat("minutes")})
    ctx.reply(await ctx.help(T.INTRO_SCHEDULED.format(schedule=schedule_text(row),
                                                      next=moment_label(row.next_round_at, ctx.settings.tz, ctx.now()))))


@router.postback(StopRounds)
async def stop_rounds(ctx: Context, button: StopRounds) -> None:
    if not await stop_schedule(ctx.session, ctx.now()):
        raise StaleButton(button.pack())
    ctx.queued += await call_off_announced(ctx.session, ctx.now(), ctx.settings.tz)
    await record(ctx.session, actor=await ctx.actor(), action="intro.schedule", now=ctx.now(), target_kind="intro",
                 details={"stopped": True})
    ctx.reply(await ctx.help(T.INTRO_SCHEDULE_STOPPED))


@router.command(T.INTRO_NETWORK)
async def show_network(ctx: Context) -> None:
    """The network's figures: ties, cross-field ties, members without one, bridging organizations."""
    ctx.reply(m.text(stats_text(await network_stats(ctx.session))))


# ひとこと: the staff member types the question or leaves it to the bank

@router.command(T.WEEKLY)
async def ask_question_text(ctx: Context) -> None:
    ctx.set_state(WeeklySetup.question)
    ctx.reply(m.text(T.WEEKLY_ASK_TEXT.format(max=MAX_QUESTION),
                     quick=[m.message_action(T.WEEKLY_PICK), m.message_action(T.CANCEL)]))


@router.message(WeeklySetup.question)
async def receive_question(ctx: Context) -> None:
    """The question typed (or picked from the bank): shown with how many it goes to, before it goes."""
    text = random.choice(T.INTRO_ICEBREAKERS) if ctx.text == T.WEEKLY_PICK else clean_line(ctx.text, MAX_QUESTION)
    if text is None:
        ctx.reply(m.text(T.WEEKLY_TEXT_INVALID.format(max=MAX_QUESTION),
                         quick=[m.message_action(T.WEEKLY_PICK), m.message_action(T.CANCEL)]))
        return
    count = len(await opted_in_members(ctx.session))
    if not count:
        ctx.clear()
        ctx.reply(await ctx.help(T.WEEKLY_NOBODY))
        return
    ctx.set_state(WeeklySetup.confirm)
    ctx.update_data(question=text, count=count)
    show_preview(ctx)


def show_preview(ctx: Context) -> None:
    preview = T.WEEKLY_PREVIEW.format(question=ctx.data["question"], count=ctx.data["count"])
    ctx.reply(m.text("\n".join(filter(None, (held_line(ctx), preview))),
                     quick=[m.message_action(T.WEEKLY_SEND), m.message_action(T.CANCEL)]))


router.step(WeeklySetup.confirm, ask=show_preview, hint=T.WEEKLY_CONFIRM_INVALID)


@router.typed(WeeklySetup.confirm, T.WORDS_SEND)
async def confirm_question(ctx: Context) -> None:
    """送信する (or its words typed): the question goes to everyone taking part."""
    text = ctx.data["question"]
    ctx.clear()
    staff = await ctx.active_member()
    question, rows, count = await send_weekly_question(ctx.session, text=text, now=ctx.now(), tz=ctx.settings.tz,
                                                       asked_by=staff.id)
    if not count:
        ctx.reply(await ctx.help(T.WEEKLY_NOBODY))
        return
    ctx.queued += rows
    ctx.reply(await ctx.help(sent_text(ctx, T.WEEKLY_SENT, T.WEEKLY_HELD, question=question.text, count=count,
                                       when=moment_label(question.digest_at, ctx.settings.tz, ctx.now()))))
