"""The LINE groups and rooms the bot is in, and who has been seen in them, so notices can target them."""

from sqlalchemy import delete, update

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router
from db.access import upsert
from db.models import GroupMember, LineGroup

router = Router("registration.groups")


@router.observe()
async def note_group_member(ctx: Context) -> None:
    """Anyone who speaks or taps in a group is a member of it."""
    group_id, user_id = ctx.event.chat_id, ctx.event.user_id
    if group_id and user_id and ctx.event.type != "memberLeft":
        await upsert(ctx.session, GroupMember, {"group_id": group_id, "line_user_id": user_id, "seen_at": ctx.now()},
                     keys=["group_id", "line_user_id"])


@router.join()
async def record_group(ctx: Context) -> None:
    """The bot was added to a group: remember it, and ask LINE for its name."""
    group_id = ctx.event.chat_id
    if group_id is None:
        return
    group = await ctx.session.get(LineGroup, group_id)
    if group is None:
        group = LineGroup(group_id=group_id, kind=ctx.event.source_type, joined_at=ctx.now())
        ctx.session.add(group)
    group.active, group.left_at = True, None
    if ctx.event.source_type == "group":
        ctx.after_commit.append(lambda: store_group_name(ctx, group_id))
    ctx.reply(m.text(T.GROUP_JOINED))


async def store_group_name(ctx: Context, group_id: str) -> None:
    name = await ctx.gateway.group_name(group_id)
    if name:
        async with ctx.sessions() as session, session.begin():
            await session.execute(update(LineGroup).where(LineGroup.group_id == group_id).values(name=name[:100]))


@router.leave()
async def forget_group(ctx: Context) -> None:
    """The bot was removed from a group: keep the record, mark it gone."""
    group = await ctx.session.get(LineGroup, ctx.event.chat_id or "")
    if group is not None:
        group.active, group.left_at = False, ctx.now()
    await ctx.session.execute(delete(GroupMember).where(GroupMember.group_id == ctx.event.chat_id))


@router.event("memberJoined")
async def record_joined_members(ctx: Context) -> None:
    for joined in (ctx.event.raw.get("joined") or {}).get("members") or []:
        if joined.get("userId"):
            await upsert(ctx.session, GroupMember, {"group_id": ctx.event.chat_id, "line_user_id": joined["userId"],
                                                    "seen_at": ctx.now()}, keys=["group_id", "line_user_id"])


@router.event("memberLeft")
async def forget_left_members(ctx: Context) -> None:
    left = [member.get("userId") for member in (ctx.event.raw.get("left") or {}).get("members") or []]
    await ctx.session.execute(delete(GroupMember).where(GroupMember.group_id == ctx.event.chat_id,
                                                        GroupMember.line_user_id.in_([u for u in left if u])))
