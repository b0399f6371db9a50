"""Members acknowledging a notice with its 確認しました button."""

from bot.dialogs import UNHANDLED, Context, Router
from bot.line import messages as m
from bot.texts import catalog as T
from db.notices import acknowledge, latest_unacknowledged
from handlers.notices.messages import Ack

# Anyone: a card forwarded to someone who is not a member is answered "not yours", not with the invite.
router = Router("notices.acknowledge")

ACK_REPLIES = {True: T.ACK_THANKS, False: T.ACK_ALREADY, None: T.ACK_NOT_YOURS}


@router.postback(Ack)
async def acknowledge_notice(ctx: Context, ack: Ack) -> None:
    """The 確認しました button; pressing it twice counts once."""
    member = await ctx.active_member()
    if member is None:
        ctx.reply(m.text(T.ACK_NOT_YOURS))
        return
    outcome = await acknowledge(ctx.session, notice_id=ack.notice_id, member_id=member.id, now=ctx.now())
    ctx.reply(m.text(ACK_REPLIES[outcome]))


@router.command(*T.WORDS_ACK)
async def typed_acknowledgement(ctx: Context) -> object:
    """確認しました typed outside a dialog: the latest notice the member has not acknowledged, as if tapped."""
    member = await ctx.active_member()
    notice_id = await latest_unacknowledged(ctx.session, member.id) if member and ctx.state is None else None
    if notice_id is None:
        return UNHANDLED
    await acknowledge(ctx.session, notice_id=notice_id, member_id=member.id, now=ctx.now())
    ctx.reply(m.text(T.ACK_THANKS))
    return None
