"""TRANSITION: the hand-written guards and postback parsing the dialog framework replaces."""

from bot.dialogs import Context, is_id
from bot.texts import catalog as T
from db.models import Member
from handlers.registration.dialog import prompt_invite

__all__ = ["is_id", "postback_parts", "postback_ids", "require_staff"]


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
        ctx.clear()
        ctx.reply(await ctx.help(refusal))
        return None
    return member
