"""Leaving a dialog, help, and the reply to anything not understood."""

from bot.texts import catalog as T
from bot.dialogs import Context, Router
from handlers.registration.dialog import prompt_invite

router = Router("common")
fallback_router = Router("fallback")


@router.command(T.CANCEL)
async def cancel(ctx: Context) -> None:
    """Leave whatever dialog the user is in."""
    if ctx.state is None:
        ctx.reply(await ctx.help(T.NOTHING_TO_CANCEL))
        return
    ctx.clear_state()
    ctx.reply(await ctx.help(T.CANCELLED))


@router.command(T.HELP)
async def show_help(ctx: Context) -> None:
    """List the main actions as one-tap buttons."""
    if await ctx.active_member() is None:
        await prompt_invite(ctx)
        return
    ctx.reply(await ctx.help(T.HELP_TEXT))


@fallback_router.fallback()
async def not_understood(ctx: Context) -> None:
    """Never leave a message unanswered: say what works."""
    if await ctx.active_member() is None:
        await prompt_invite(ctx)
        return
    ctx.reply(await ctx.help(T.UNKNOWN_TEXT))
