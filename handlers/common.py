"""Leaving a dialog, help, and the reply to anything not understood."""

from bot.dialogs import Access, Context, Router
from bot.texts import catalog as T
from handlers.registration.dialog import prompt_invite

# Anyone: someone part-way through registration can leave it too.
leaving = Router("common.cancel")
helping = Router("common.help", access=Access.member)
router = Router("common").include(leaving, helping)
# Anyone, and included last: fallbacks of routers the sender may not use are skipped without an
# answer, so this one answers the unregistered itself.
fallback_router = Router("fallback")


@leaving.command(T.CANCEL)
async def cancel(ctx: Context) -> None:
    """Leave whatever dialog the user is in."""
    if ctx.state is None:
        ctx.reply(await ctx.help(T.NOTHING_TO_CANCEL))
        return
    ctx.clear()
    ctx.reply(await ctx.help(T.CANCELLED))


@helping.command(T.HELP)
async def show_help(ctx: Context) -> None:
    """List the main actions as one-tap buttons."""
    ctx.reply(await ctx.help(T.HELP_TEXT))


@fallback_router.fallback()
async def not_understood(ctx: Context) -> None:
    """Never leave a message unanswered: say what works."""
    if await ctx.active_member() is None:
        await prompt_invite(ctx)
        return
    ctx.reply(await ctx.help(T.UNKNOWN_TEXT))
