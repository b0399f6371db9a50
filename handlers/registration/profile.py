"""Showing and editing one's own profile ("プロフィール")."""

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton
from bot.line import messages as m
from bot.texts import catalog as T
from db.access import PROFILE_KEYS
from db.areas import area_names, member_area_ids
from handlers.registration.dialog import advance, summary

router = Router("registration.profile", access=Access.member)
router.help_action(T.PROFILE, T.PROFILE)

EDITABLE = {  # what the member taps → the questions asked again
    "name": (T.EDIT_NAME, ["name"]),
    "fields": (T.EDIT_FIELDS, ["fields"]),
    "role": (T.EDIT_ROLE, ["role"]),
    "area": (T.EDIT_AREA, ["area"]),
    "needs": (T.EDIT_NEEDS, ["needs", "needs_note"]),
    "offers": (T.EDIT_OFFERS, ["offers", "offers_note"]),
    "intro": (T.EDIT_INTRO, ["intro_now", "intro_worry", "intro_offer"]),
    "phone": (T.EDIT_PHONE, ["phone"]),
}


class EditPart(PostbackData, prefix="prof:edit"):
    part: str


async def _draft(ctx: Context, member) -> dict:
    draft = {key: getattr(member, key) for key in PROFILE_KEYS}
    areas = await member_area_ids(ctx.session, member.id)
    draft.update(org=member.organization.name, mode="edit", fields=list(member.fields or []),
                 needs=list(member.needs or []), offers=list(member.offers or []), areas=areas,
                 area_names=await area_names(ctx.session, areas))
    return draft


@router.command(T.PROFILE)
async def show_profile(ctx: Context) -> None:
    """Show the member's profile with a button per part to change."""
    member = await ctx.active_member()
    await ctx.session.refresh(member, ["organization"])
    ctx.clear()
    buttons = [m.postback_action(label_text, EditPart(part=key), display_text=label_text)
               for key, (label_text, _) in EDITABLE.items()]
    ctx.reply(m.text(summary(await _draft(ctx, member))), m.text(T.PROFILE_HEADER, quick=buttons))


@router.postback(EditPart)
async def start_profile_edit(ctx: Context, button: EditPart) -> None:
    """Ask again the questions of the tapped part, then confirm."""
    part = EDITABLE.get(button.part)
    if part is None:
        raise StaleButton(button)
    member = await ctx.active_member()
    await ctx.session.refresh(member, ["organization"])
    _, steps = part
    ctx.clear()
    ctx.update_data(**await _draft(ctx, member), queue=list(steps), edit_steps=list(steps))
    await advance(ctx)
