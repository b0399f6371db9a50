"""Pieces several features' dialogs use: who may act as staff, and the menu of segments."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.line import messages as m
from bot.texts import catalog as T
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.dialogs import Context, Router, State
from db.segments import Segment
from db.models import Agreement, LineGroup, Member, MemberStatus, OrgType
from handlers.registration.dialog import prompt_invite

MAX_OPTIONS = 12  # leaves room for キャンセル among LINE's 13 quick replies


def is_id(value: str) -> bool:
    """A row id as the bot writes it into postback data (short ASCII digits; anything else is forged)."""
    return value.isascii() and value.isdecimal() and len(value) <= 9


def postback_parts(ctx: Context, prefix: str, count: int) -> list[str] | None:
    """The postback's `count` values after `prefix`, the first of them an id; None otherwise."""
    parts = (ctx.event.postback_data or "").removeprefix(prefix).split(":")
    return parts if len(parts) == count and is_id(parts[0]) else None


def postback_ids(ctx: Context, prefix: str, count: int) -> list[int] | None:
    """The postback's `count` values after `prefix`, all ids; None otherwise."""
    parts = postback_parts(ctx, prefix, count)
    return [int(p) for p in parts] if parts and all(is_id(p) for p in parts) else None




async def require_staff(ctx: Context, refusal: str) -> Member | None:
    """The sender if they are active staff; otherwise answer them (`refusal`, or the invite prompt)."""
    member = await ctx.active_member()
    if member is None:
        await prompt_invite(ctx)
        return None
    if not member.is_staff:
        ctx.clear_state()
        ctx.reply(await ctx.help(refusal))
        return None
    return member


async def segment_options(session: AsyncSession, kind: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The question and the (label, segment spec) choices for one kind of segment; None if unknown."""
    if kind == "type":
        return T.ASK_SEGMENT_TYPE, [(T.ORG_TYPE_LABELS[t.value], f"type:{t.value}") for t in OrgType]
    if kind == "field":
        return T.ASK_SEGMENT_FIELD, [(f, f"field:{f}") for f in T.FIELDS[:MAX_OPTIONS]]
    if kind == "area":
        count = func.count().label("n")
        areas = await session.execute(
            select(Member.area, count).where(Member.status == MemberStatus.active, Member.area.is_not(None))
            .group_by(Member.area).order_by(count.desc(), Member.area).limit(MAX_OPTIONS))
        options = [(area, f"area:{area}") for area, _ in areas if area]
        return (T.ASK_SEGMENT_AREA if options else T.NO_AREAS), options
    if kind == "agreement":
        agreements = await session.scalars(select(Agreement).order_by(Agreement.id.desc()).limit(MAX_OPTIONS))
        options = [(a.name, f"agreement:{a.id}") for a in agreements]
        return (T.ASK_SEGMENT_AGREEMENT if options else T.NO_AGREEMENTS), options
    if kind == "group":
        groups = await session.scalars(
            select(LineGroup).where(LineGroup.active.is_(True)).order_by(LineGroup.joined_at.desc()).limit(MAX_OPTIONS))
        options = [(g.name or T.GROUP_UNNAMED, f"group:{g.group_id}") for g in groups]
        return (T.ASK_SEGMENT_GROUP if options else T.NO_GROUPS), options
    return None


PICK_LABELS = {"area": T.PICK_BY_AREA, "type": T.PICK_BY_TYPE, "field": T.PICK_BY_FIELD,
               "agreement": T.PICK_BY_AGREEMENT, "group": T.PICK_BY_GROUP}


def segment_menu(question: str, prefix: str, kinds: list[str], *extra: dict) -> dict:
    """The first level of a segment menu: everyone, or a kind to pick from (`{prefix}pick:{kind}`)."""
    return m.text(question, quick=[
        m.postback_action(T.SEGMENT_ALL, f"{prefix}seg:all", display_text=T.SEGMENT_ALL),
        *(m.postback_action(PICK_LABELS[kind], f"{prefix}pick:{kind}") for kind in kinds),
        *extra, m.message_action(T.CANCEL)])


def segment_choices(question: str, prefix: str, options: list[tuple[str, str]]) -> dict:
    """The second level: one button per segment (`{prefix}seg:{spec}`)."""
    return m.text(question, quick=[m.postback_action(label, f"{prefix}seg:{spec}", display_text=m.label(label))
                                   for label, spec in options[:MAX_OPTIONS]] + [m.message_action(T.CANCEL)])


class SegmentStep:
    """A dialog step where the user picks a segment from the two-level menu.

    Registers its handlers on the feature's router: typed text (the menu again), the kind
    (`{prefix}pick:`) and the segment (`{prefix}seg:`). A segment with nobody in it is refused
    with `empty` (a text with {segment}); a valid one is passed to `chosen`.
    """

    def __init__(self, router: Router, *, prefix: str, state: State, question: str, kinds: list[str], empty: str,
                 chosen: Callable[[Context, Segment], Awaitable[None]]) -> None:
        self.prefix, self.state, self.question, self.kinds = prefix, state, question, kinds
        self.empty, self.chosen = empty, chosen
        router.state(state)(self._typed)
        router.postback(f"{prefix}pick:")(self._kind)
        router.postback(f"{prefix}seg:")(self._segment)

    def ask(self, ctx: Context, *before: dict) -> None:
        ctx.set_state(self.state)
        ctx.reply(*before, segment_menu(self.question, self.prefix, self.kinds))

    async def _typed(self, ctx: Context) -> None:
        """全員 typed is everyone; anything else gets the buttons again."""
        if ctx.text == T.SEGMENT_ALL:
            await self._chosen_if_anyone(ctx, Segment("all"))
            return
        self.ask(ctx, m.text(T.SEGMENT_PICK_BUTTON))

    async def _kind(self, ctx: Context) -> None:
        menu = await segment_options(ctx.session, ctx.event.postback_data.removeprefix(f"{self.prefix}pick:"))
        if not ctx.in_state(self.state) or menu is None:
            ctx.reply(m.text(T.STALE_BUTTON))
            return
        question, options = menu
        if not options:
            self.ask(ctx, m.text(question))
            return
        ctx.reply(segment_choices(question, self.prefix, options))

    async def _segment(self, ctx: Context) -> None:
        if not ctx.in_state(self.state):
            ctx.reply(m.text(T.STALE_BUTTON))
            return
        try:
            segment = Segment.parse(ctx.event.postback_data.removeprefix(f"{self.prefix}seg:"))
            await segment.check(ctx.session)
        except ValueError:
            ctx.reply(m.text(T.STALE_BUTTON))
            return
        await self._chosen_if_anyone(ctx, segment)

    async def _chosen_if_anyone(self, ctx: Context, segment: Segment) -> None:
        if not await segment.members(ctx.session):
            self.ask(ctx, m.text(self.empty.format(segment=await segment.describe(ctx.session))))
            return
        await self.chosen(ctx, segment)
