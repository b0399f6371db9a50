"""地区の設定: staff see the areas with their members, add areas and remove them."""

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from db.areas import AreaError, AreaExists, add_area, area_counts, map_free_text, remove_area
from db.models import Area
from db.rules.areas import MAX_AREA_NAME, split_areas
from handlers.segments import MAX_OPTIONS

router = Router("areas.staff", access=Access.staff, refusal=T.AREA_STAFF_ONLY)
router.help_action(T.AREA_SETTINGS, T.AREA_SETTINGS, staff_only=True)


class Areas(StatesGroup):
    add = State()


class AddAreas(PostbackData, prefix="area:add"):
    """地区を追加: the names are typed next."""


class RemoveWhich(PostbackData, prefix="area:rm"):
    """地区を削除: a button per area."""


class RemoveArea(PostbackData, prefix="area:rm:one"):
    area_id: int


class ConfirmRemove(PostbackData, prefix="area:rm:yes"):
    area_id: int


async def list_text(ctx: Context) -> str:
    rows = await area_counts(ctx.session)
    if not rows:
        return T.AREA_LIST_EMPTY
    return "\n".join([T.AREA_LIST_HEADER, *(T.AREA_LIST_LINE.format(name=a.name, count=n) for a, n in rows)])


async def show_areas(ctx: Context, *before: dict) -> None:
    quick = [m.postback_action(T.AREA_ADD, AddAreas(), display_text=T.AREA_ADD)]
    if await area_counts(ctx.session):
        quick.append(m.postback_action(T.AREA_REMOVE, RemoveWhich(), display_text=T.AREA_REMOVE))
    ctx.reply(*before, m.text(await list_text(ctx), quick=[*quick, m.message_action(T.CANCEL)]))


@router.command(T.AREA_SETTINGS)
async def areas_menu(ctx: Context) -> None:
    """The areas with how many members chose each, and what can be done."""
    ctx.clear()
    await show_areas(ctx)


@router.postback(AddAreas)
async def ask_names(ctx: Context, _: AddAreas) -> None:
    ctx.begin(Areas.add)
    ctx.reply(m.text(T.AREA_ASK_NAMES.format(max=MAX_AREA_NAME), quick=[m.message_action(T.CANCEL)]))


@router.message(Areas.add)
async def receive_names(ctx: Context) -> None:
    """「北地区、中央地区」: each name is listed; members who had typed it are linked to it."""
    names = split_areas(ctx.text)
    if not names or any(len(name) > MAX_AREA_NAME for name in names):
        ctx.reply(m.text(T.AREA_NAMES_INVALID.format(max=MAX_AREA_NAME), quick=[m.message_action(T.CANCEL)]))
        return
    added, listed = [], []
    for name in names:
        try:
            added.append((await add_area(ctx.session, name, ctx.now())).name)
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
    ctx.clear()
    await show_areas(ctx, m.text("\n".join(lines)))


@router.postback(RemoveWhich)
async def ask_which(ctx: Context, _: RemoveWhich) -> None:
    rows = await area_counts(ctx.session)
    if not rows:
        await show_areas(ctx)
        return
    ctx.reply(m.text(T.AREA_ASK_REMOVE, quick=[
        m.postback_action(m.label(f"{area.name}（{count}人）"), RemoveArea(area_id=area.id),
                          display_text=m.label(area.name)) for area, count in rows[:MAX_OPTIONS]]
        + [m.message_action(T.CANCEL)]))


async def _area(ctx: Context, area_id: int) -> Area:
    area = await ctx.session.get(Area, area_id)
    if area is None:
        raise StaleButton(str(area_id))
    return area


@router.postback(RemoveArea)
async def confirm_removal(ctx: Context, button: RemoveArea) -> None:
    """Said first: how many members lose the area."""
    area = await _area(ctx, button.area_id)
    count = next((n for a, n in await area_counts(ctx.session) if a.id == area.id), 0)
    ctx.reply(m.text(T.AREA_CONFIRM_REMOVE.format(name=area.name, count=count), quick=[
        m.postback_action(T.AREA_REMOVE_YES, ConfirmRemove(area_id=area.id), display_text=T.AREA_REMOVE_YES),
        m.message_action(T.CANCEL)]))


@router.postback(ConfirmRemove)
async def remove(ctx: Context, button: ConfirmRemove) -> None:
    area = await _area(ctx, button.area_id)
    name = area.name
    had = await remove_area(ctx.session, name)
    await show_areas(ctx, m.text(T.AREA_REMOVED.format(name=name, count=had)))
