"""管理画面: an active staff member gets a one-time sign-in link to the web console; others are refused."""

from bot.dialogs import Access, Context, Router
from bot.line import messages as m
from bot.texts import catalog as T
from db.audit import Actor, Door
from db.console import LINK_TTL, issue_link, link_url

router = Router("console.signin", access=Access.staff, refusal=T.CONSOLE_STAFF_ONLY)


@router.command(T.CONSOLE_COMMAND)
async def send_link(ctx: Context) -> None:
    """The link as a button (no preview fetches it); it works once, for a few minutes."""
    base = ctx.settings.public_base_url
    if not base:
        ctx.reply(await ctx.help(T.CONSOLE_NO_ADDRESS))
        return
    member = await ctx.active_member()
    token = await issue_link(ctx.session, member=member, actor=Actor.of(member, Door.line), now=ctx.now())
    text = T.CONSOLE_LINK_TEXT.format(minutes=int(LINK_TTL.total_seconds() // 60))
    ctx.reply(m.buttons(text, [m.uri_action(T.CONSOLE_LINK_BUTTON, link_url(base, token))],
                        alt_text=T.CONSOLE_LINK_ALT))
