"""The rich menus' own buttons: 安否を回答, 招待コードを入力, and the tabs LINE switches."""

from bot.dialogs import Access, Context, Router
from bot.texts import catalog as T
from db.contact_checks import open_check_asking
from db.models import ContactCheck
from db.richmenus import relink
from handlers.contact_checks.messages import question_card
from handlers.registration.dialog import prompt_invite
from handlers.richmenus.layouts import AnswerCheck, EnterInvite, Tab

members = Router("richmenus.members", access=Access.member)
anyone = Router("richmenus.anyone")
router = Router("richmenus").include(members, anyone)


@members.postback(AnswerCheck)
async def ask_check_again(ctx: Context, _: AnswerCheck) -> None:
    """安否を回答: the question of the check that asks this member, to answer (or change the answer)."""
    member = await ctx.active_member()
    check_id = await open_check_asking(ctx.session, member.id, unanswered_only=False)
    if check_id is None:
        await relink(ctx.session, member, ctx.now())  # a menu left from a check that has closed
        ctx.reply(await ctx.help(T.MENU_NO_CHECK))
        return
    ctx.reply(question_card(await ctx.session.get(ContactCheck, check_id)))


@anyone.postback(EnterInvite)
async def ask_invite_code(ctx: Context, _: EnterInvite) -> None:
    """招待コードを入力: what to send; a member who taps a menu left over is told they are registered."""
    if await ctx.active_member() is not None:
        ctx.reply(await ctx.help(T.ALREADY_REGISTERED))
        return
    await prompt_invite(ctx)


@anyone.postback(Tab)
async def switched_tab(ctx: Context, _: Tab) -> None:
    """LINE switched the menu on the phone; there is nothing to say."""
