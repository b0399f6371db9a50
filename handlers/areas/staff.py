"""地区の設定: staff see the areas with their members, add areas and remove them."""

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from db.areas import AreaError, AreaExists, add_area, area_counts, map_free_text, remove_area
from db.audit import record
from db.models import Area
from db.rules.areas import MAX_AREA_NAME, match_area, split_areas
from handlers.segments import MAX_OPTIONS

router = Router("areas.staff", access=Access.staff, refusal=T.AREA_STAFF_ONLY)
router.help_action(T.AREA_SETTINGS, T.AREA_SETTINGS, staff_only=True)


class Areas(StatesGroup):
    menu = State()    # the list shown, with 地区を追加 / 地区を削除 / キャンセル as its buttons
    add = State()     # the names of the areas to add are typed
    pick = State()    # the area to remove is tapped (or typed)
    remove = State()  # its removal shown, waiting for 削除する


class RemoveArea(PostbackData, prefix="area:rm"):
    area_id: int


CANCEL = m.message_action(T.CANCEL)


async def list_text(ctx: Context) -> str:
    rows = await area_counts(ctx.session)
    if not rows:
        return T.AREA_LIST_EMPTY
    return "\n".join([T.AREA_LIST_HEADER, *(T.AREA_LIST_LINE.format(name=a.name, count=n) for a, n in rows)])


async def show_areas(ctx: Context, *before: dict) -> None:
    """The list and what can be done with it; キャンセル leaves the menu like any other dialog."""
    ctx.begin(Areas.menu)
    quick = [m.message_action(T.AREA_ADD)]
    if await area_counts(ctx.session):
        quick.append(m.message_action(T.AREA_REMOVE))
    ctx.reply(*before, m.text(await list_text(ctx), quick=[*quick, CANCEL]))


router.step(Areas.menu, ask=show_areas, hint=T.AREA_MENU_INVALID)


@router.command(T.AREA_SETTINGS)
async def areas_menu(ctx: Context) -> None:
    """The areas with how many members chose each, and what can be done."""
    await show_areas(ctx)


@router.typed(Areas.menu, T.WORDS_AREA_ADD)
@router.command(T.AREA_ADD)
async def ask_names(ctx: Context) -> None:
    ctx.begin(Areas.add)
    ctx.reply(m.text(T.AREA_ASK_NAMES.format(max=MAX_AREA_NAME), quick=[CANCEL]))


@router.message(Areas.add)
async def receive_names(ctx: Context) -> None:
    """「北地区、中央地区」: each name is listed; members who had typed it are linked to it."""
    names = split_areas(ctx.text)
    if not names or any(len(name) > MAX_AREA_NAME for name in names):
        ctx.reply(m.text(T.AREA_NAMES_INVALID.format(max=MAX_AREA_NAME), quick=[CANCEL]))
        return
    added, listed = [], []
    for name in names:
        try:
            area = await add_area(ctx.session, name, ctx.now())
            added.append(area.name)
            await record(ctx.session, actor=await ctx.actor(), action="area.create", now=ctx.now(),
                         target_kind="area", target_id=area.id, target_label=area.name)
        except AreaExists as exc:
            listed.append(str(exc))
        except AreaError:
            listed.append(name)
    linked = (await map_free_text(ctx.session, ctx.now(), create=False)).linked if added else 0
    lines = [T.AREA_ADDED.format(names="、".join(added))] if added else []
    if listed:
        lines.append(T.AREA_ALREADY.format(names="、".join(listed)))
    if linked:
        lines.append(T.AREA_LINKED_TYPED.format(count=linked))
    await show_areas(ctx, m.text("\n".join(lines)))


@router.typed(Areas.menu, T.WORDS_AREA_REMOVE)
@router.command(T.AREA_REMOVE)
async def ask_which(ctx: Context, *before: dict) -> None:
    """A button per area, with how many members chose it."""
    rows = await area_counts(ctx.session)
    if not rows:
        await show_areas(ctx)
        return
    ctx.begin(Areas.pick)
    ctx.reply(*before, m.text(T.AREA_ASK_REMOVE, quick=[
        m.postback_action(m.label(f"{area.name}（{count}人）"), RemoveArea(area_id=area.id),
                          display_text=m.label(area.name)) for area, count in rows[:MAX_OPTIONS]] + [CANCEL]))


@router.message(Areas.pick)
async def area_typed(ctx: Context) -> None:
    """The area's name typed instead of tapped; anything else gets the buttons again."""
    areas = {area.name: area for area, _ in await area_counts(ctx.session)}
    name = match_area(ctx.text or "", list(areas))
    if name is None:
        await ask_which(ctx, m.text(T.AREA_PICK_BUTTON))
        return
    await confirm_removal(ctx, areas[name])


@router.postback(RemoveArea)
async def area_tapped(ctx: Context, button: RemoveArea) -> None:
    area = await ctx.session.get(Area, button.area_id)
    if area is None:
        raise StaleButton(str(button.area_id))
    await confirm_removal(ctx, area)


async def confirm_removal(ctx: Context, area: Area) -> None:
    """Said first: how many members lose the area."""
    count = next((n for a, n in await area_counts(ctx.session) if a.id == area.id), 0)
    ctx.begin(Areas.remove, area_id=area.id)
    ctx.reply(m.text(T.AREA_CONFIRM_REMOVE.format(name=area.name, count=count),
                     quick=[m.message_action(T.AREA_REMOVE_YES), CANCEL]))


@router.message(Areas.remove)
async def remove(ctx: Context) -> None:
    """削除する: the area leaves the list and the members who chose it."""
    area = await ctx.session.get(Area, ctx.data["area_id"])
    if area is None:  # removed meanwhile (on the command line, or by another staff member)
        await show_areas(ctx)
        return
    if ctx.text != T.AREA_REMOVE_YES:
        ctx.reply(m.text(T.AREA_REMOVE_CONFIRM_INVALID, quick=[m.message_action(T.AREA_REMOVE_YES), CANCEL]))
        return
    name, area_id = area.name, area.id
    had = await remove_area(ctx.session, name)
    await record(ctx.session, actor=await ctx.actor(), action="area.remove", now=ctx.now(), target_kind="area",
                 target_id=area_id, target_label=name, details={"members": had})
    await show_areas(ctx, m.text(T.AREA_REMOVED.format(name=name, count=had)))
