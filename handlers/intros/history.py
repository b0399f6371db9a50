"""メンバー紹介: the people a member has been introduced to, as the same cards the introductions sent."""

from sqlalchemy import or_, select

from bot.dialogs import Access, Context, Router
from bot.texts import catalog as T
from db.models import IntroPair
from handlers.intros.messages import intro_card, members_by_id

router = Router("intros.history", access=Access.member)

MAX_CARDS = 10  # a carousel holds 12 bubbles


@router.command(T.INTRO_LIST)
async def show_introduced(ctx: Context) -> None:
    """The latest introductions, newest first, one card each in a carousel."""
    me = await ctx.active_member()
    pairs = list(await ctx.session.scalars(
        select(IntroPair).where(or_(IntroPair.member_a_id == me.id, IntroPair.member_b_id == me.id))
        .order_by(IntroPair.created_at.desc(), IntroPair.id.desc()).limit(MAX_CARDS)))
    if not pairs:
        ctx.reply(await ctx.help(T.INTRO_LIST_NONE))
        return
    others = await members_by_id(ctx.session, {p.member_b_id if p.member_a_id == me.id else p.member_a_id
                                               for p in pairs} | {me.id})
    bubbles = [intro_card(p, others[me.id], others[p.member_b_id if p.member_a_id == me.id else p.member_a_id])
               for p in pairs]
    ctx.reply({"type": "flex", "altText": T.INTRO_LIST_HEADER,
               "contents": {"type": "carousel", "contents": [b["contents"] if b.get("type") == "flex" else b
                                                             for b in bubbles]}})
