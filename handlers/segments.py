"""Segments as staff meet them: their names in Japanese, and the two-level menu to pick one."""

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Context, Router, StaleButton, State, button_kind
from bot.dialogs.words import fold_all, folded
from bot.line import messages as m
from bot.texts import catalog as T
from db.models import Agreement, LineGroup, Member, Organization, OrgType
from db.areas import area_counts
from db.segments import Segment

MAX_OPTIONS = 12  # leaves room for キャンセル among LINE's 13 quick replies


async def describe_segment(session: AsyncSession, segment: Segment) -> str:
    """The segment as staff read it, in Japanese."""
    kind, value = segment.kind, segment.value
    if kind == "all":
        return T.SEGMENT_ALL
    if kind == "staff":
        return T.SEGMENT_STAFF
    if kind == "type":
        return T.SEGMENT_TYPE.format(label=T.ORG_TYPE_LABELS.get(value, value))
    if kind == "field":
        return T.SEGMENT_FIELD.format(field=value)
    if kind == "area":
        return T.SEGMENT_AREA.format(area=value)
    if kind == "role":
        return T.SEGMENT_ROLE.format(label=T.ROLE_LABELS.get(value, value))
    if kind == "agreement":
        agreement = await session.get(Agreement, int(value))
        return T.SEGMENT_AGREEMENT.format(name=agreement.name if agreement else value)
    if kind == "group":
        group = await session.get(LineGroup, value)
        return T.SEGMENT_GROUP.format(name=(group.name if group and group.name else T.GROUP_UNNAMED))
    ids = [int(part) for part in value.split(",")]
    if kind == "members":
        names = await session.scalars(select(Member.name).where(Member.id.in_(ids)).order_by(Member.id))
        return T.SEGMENT_MEMBERS.format(names="、".join(names))
    names = await session.scalars(select(Organization.name).where(Organization.id.in_(ids)).order_by(Organization.id))
    return T.SEGMENT_ORGS.format(names="、".join(names))


async def segment_options(session: AsyncSession, kind: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The question and the (label, segment spec) choices for one kind of segment; None if unknown."""
    if kind == "type":
        return T.ASK_SEGMENT_TYPE, [(T.ORG_TYPE_LABELS[t.value], f"type:{t.value}") for t in OrgType]
    if kind == "field":
        return T.ASK_SEGMENT_FIELD, [(f, f"field:{f}") for f in T.FIELDS[:MAX_OPTIONS]]
    if kind == "area":
        areas = [(area, n) for area, n in await area_counts(session) if n]
        options = [(area.name, f"area:{area.name}") for area, _ in areas[:MAX_OPTIONS]]
        return (T.ASK_SEGMENT_AREA if options else T.NO_AREAS), options
    if kind == "role":
        return T.ASK_SEGMENT_ROLE, [(label, f"role:{role}") for role, label in T.ROLE_LABELS.items()]
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


PICK_LABELS = {"area": T.PICK_BY_AREA, "type": T.PICK_BY_TYPE, "field": T.PICK_BY_FIELD, "role": T.PICK_BY_ROLE,
               "agreement": T.PICK_BY_AGREEMENT, "group": T.PICK_BY_GROUP}


async def typed_segment(session: AsyncSession, text: str | None, kinds: list[str]) -> Segment | str | None:
    """What a staff member typed at the segment menu: 全員, a kind (「分野」), or one of the choices
    by its label (「北地区」「NPO」「防災」); a kind is returned as its name, None if nothing matches."""
    form = folded(text)
    if not form:
        return None
    if form in fold_all(T.WORDS_ALL):
        return Segment("all")
    for kind in kinds:
        if form in fold_all((PICK_LABELS[kind], *T.PICK_WORDS.get(kind, ()))):
            return kind
    for kind in kinds:
        menu = await segment_options(session, kind)
        for label, spec in (menu[1] if menu else []):
            if folded(label) == form:
                return Segment.parse(spec)
    return None


class SegmentButtons:
    """The two kinds of button of one feature's segment menu: `{prefix}:pick:{kind}` and `{prefix}:seg:{spec}`."""

    def __init__(self, prefix: str) -> None:
        self.Kind = button_kind("SegmentKind", f"{prefix}:pick", kind=str)
        self.Pick = button_kind("SegmentPick", f"{prefix}:seg", spec=str)


def segment_menu(question: str, buttons: SegmentButtons, kinds: list[str], *extra: dict) -> dict:
    """The first level of a segment menu: everyone, or a kind to pick from."""
    return m.text(question, quick=[
        m.postback_action(T.SEGMENT_ALL, buttons.Pick(spec="all"), display_text=T.SEGMENT_ALL),
        *(m.postback_action(PICK_LABELS[kind], buttons.Kind(kind=kind)) for kind in kinds),
        *extra, m.message_action(T.CANCEL)])


def segment_choices(question: str, buttons: SegmentButtons, options: list[tuple[str, str]]) -> dict:
    """The second level: one button per segment."""
    return m.text(question, quick=[m.postback_action(label, buttons.Pick(spec=spec), display_text=m.label(label))
                                   for label, spec in options[:MAX_OPTIONS]] + [m.message_action(T.CANCEL)])


async def picked_segment(session: AsyncSession, pick) -> Segment:
    """The segment a button names, if it still names something; StaleButton otherwise."""
    try:
        segment = Segment.parse(pick.spec)
        await segment.check(session)
    except ValueError:
        raise StaleButton(pick.spec) from None
    return segment


class SegmentStep:
    """A dialog step where the user picks a segment from the two-level menu.

    Registers its handlers on the feature's router: typed text (全員, or the menu again), the
    kind and the segment buttons, all in `state`. A segment with nobody in it is refused with
    `empty` (a text with {segment}); a valid one is passed to `chosen`.
    """

    def __init__(self, router: Router, *, prefix: str, state: State, question: str, kinds: list[str], empty: str,
                 chosen: Callable[[Context, Segment], Awaitable[None]]) -> None:
        self.buttons = SegmentButtons(prefix)
        self.state, self.question, self.kinds = state, question, kinds
        self.empty, self.chosen = empty, chosen
        router.message(state)(self._typed)
        router.postback(self.buttons.Kind, state=state)(self._kind)
        router.postback(self.buttons.Pick, state=state)(self._segment)

    def ask(self, ctx: Context, *before: dict) -> None:
        ctx.set_state(self.state)
        ctx.reply(*before, segment_menu(self.question, self.buttons, self.kinds))

    async def _typed(self, ctx: Context) -> None:
        """全員, a kind or a choice typed works like its button; anything else gets the buttons again."""
        typed = await typed_segment(ctx.session, ctx.text, self.kinds)
        if isinstance(typed, Segment):
            await self._chosen_if_anyone(ctx, typed)
        elif typed is not None:
            await self._kind(ctx, self.buttons.Kind(kind=typed))
        else:
            self.ask(ctx, m.text(T.SEGMENT_PICK_BUTTON))

    async def _kind(self, ctx: Context, button) -> None:
        menu = await segment_options(ctx.session, button.kind)
        if menu is None:
            raise StaleButton(button.kind)
        question, options = menu
        if not options:
            self.ask(ctx, m.text(question))
            return
        ctx.reply(segment_choices(question, self.buttons, options))

    async def _segment(self, ctx: Context, button) -> None:
        await self._chosen_if_anyone(ctx, await picked_segment(ctx.session, button))

    async def _chosen_if_anyone(self, ctx: Context, segment: Segment) -> None:
        if not await segment.members(ctx.session):
            self.ask(ctx, m.text(self.empty.format(segment=await describe_segment(ctx.session, segment))))
            return
        await self.chosen(ctx, segment)
