"""The LINE groups and rooms the bot is in, recorded so notices and polls can target them."""

from bot import messages as m
from bot import texts as T
from bot.dispatcher import Context, Router
from db.models import LineGroup

router = Router("groups")


@router.join()
async def record_group(ctx: Context) -> None:
    """The bot was added to a group: remember it."""
    group_id = ctx.event.chat_id
    if group_id is None:
        return
    group = await ctx.session.get(LineGroup, group_id)
    if group is None:
        group = LineGroup(group_id=group_id, kind=ctx.event.source_type, joined_at=ctx.now())
        ctx.session.add(group)
    group.active, group.left_at = True, None
    ctx.reply(m.text(T.GROUP_JOINED))


@router.leave()
async def forget_group(ctx: Context) -> None:
    """The bot was removed from a group: keep the record, mark it gone."""
    group = await ctx.session.get(LineGroup, ctx.event.chat_id or "")
    if group is not None:
        group.active, group.left_at = False, ctx.now()
