"""Leaving a dialog, help (in groups too), and the reply to anything not understood."""

from bot.dialogs import Context, Router
from bot.line import messages as m
from bot.texts import catalog as T
from handlers.registration.dialog import prompt_invite

# Anyone: someone part-way through registration can leave it too; anyone in a group may ask what the bot does.
leaving = Router("common.cancel")
helping = Router("common.help")
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


@helping.command(T.HELP, in_groups=True)
async def show_help(ctx: Context) -> None:
    """List the main actions as one-tap buttons; in a group, say what works there and what one-to-one."""
    if not ctx.event.is_one_to_one:
        ctx.reply(m.text(T.GROUP_HELP))
    elif await ctx.active_member() is None:
        await prompt_invite(ctx)
    else:
        ctx.reply(await ctx.help(T.HELP_TEXT))


async def one_to_one_only(ctx: Context) -> None:
    """A menu's command sent in a group: it works in the one-to-one chat with the bot."""
    ctx.reply(m.text(T.GROUP_ONE_TO_ONE_ONLY.format(command=" ".join((ctx.text or "").split())[:20])))


@fallback_router.fallback()
async def not_understood(ctx: Context) -> None:
    """Never leave a message unanswered: say what works."""
    if await ctx.active_member() is None:
        await prompt_invite(ctx)
        return
    ctx.reply(await ctx.help(T.UNKNOWN_TEXT))
