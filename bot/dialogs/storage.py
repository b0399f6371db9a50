"""Where dialog state lives: one Conversation row per user, written in the event's transaction."""

import copy
from datetime import timedelta

from sqlalchemy import delete

from bot.dialogs.context import Context
from bot.line import messages as m
from bot.texts import catalog as T
from db.models import Conversation


async def _stored(ctx: Context, key: str) -> Conversation | None:
    if ctx._conversation_loaded:  # read by the worker beside other users' rows
        return ctx._conversation
    return await ctx.session.get(Conversation, key)


async def load_state(ctx: Context) -> None:
    """Load the user's dialog state (call with the per-user lock held)."""
    key = ctx.event.user_id
    if key is None:
        return
    row = await _stored(ctx, key)
    if row is None:
        return
    if row.expires_at <= ctx.now():
        await ctx.session.delete(row)
        ctx._conversation_loaded = False  # saving a new state looks again (the row is on its way out)
        ctx.reply(m.text(T.DIALOG_EXPIRED))
        return
    ctx.state, ctx.data = row.state, dict(row.data or {})
    ctx.loaded = (row.state, copy.deepcopy(ctx.data))


async def save_state(ctx: Context, ttl: timedelta) -> None:
    """Store the dialog state a handler left, in the handler's transaction (if it changed)."""
    key = ctx.event.user_id
    if key is None or (ctx.state, ctx.data) == ctx.loaded:
        return
    if ctx.state is None:
        await ctx.session.execute(delete(Conversation).where(Conversation.actor_key == key))
        return
    row = await _stored(ctx, key)
    now = ctx.now()
    if row is None:
        row = Conversation(actor_key=key)
        ctx.session.add(row)
    row.state, row.data, row.expires_at, row.updated_at = ctx.state, dict(ctx.data), now + ttl, now
