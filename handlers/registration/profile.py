"""Showing and editing one's own profile ("プロフィール")."""

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router
from handlers.registration.dialog import PROFILE_KEYS, advance, prompt_invite, summary

router = Router("profile")

EDITABLE = {  # what the member taps → the questions asked again
    "name": (T.EDIT_NAME, ["name"]),
    "fields": (T.EDIT_FIELDS, ["fields"]),
    "role": (T.EDIT_ROLE, ["role"]),
    "area": (T.EDIT_AREA, ["area"]),
    "needs": (T.EDIT_NEEDS, ["needs", "needs_note"]),
    "offers": (T.EDIT_OFFERS, ["offers", "offers_note"]),
    "intro": (T.EDIT_INTRO, ["intro_now", "intro_worry", "intro_offer"]),
}


def _draft(member) -> dict:
    draft = {key: getattr(member, key) for key in PROFILE_KEYS}
    draft.update(org=member.organization.name, mode="edit", fields=list(member.fields or []),
                 needs=list(member.needs or []), offers=list(member.offers or []))
    return draft


@router.command(T.PROFILE)
async def show_profile(ctx: Context) -> None:
    """Show the member's profile with a button per part to change."""
    member = await ctx.active_member()
    if member is None:
        await prompt_invite(ctx)
        return
    await ctx.session.refresh(member, ["organization"])
    ctx.clear_state()
    buttons = [m.postback_action(label_text, f"prof:edit:{key}", display_text=label_text)
               for key, (label_text, _) in EDITABLE.items()]
    ctx.reply(m.text(summary(_draft(member))), m.text(T.PROFILE_HEADER, quick=buttons))


@router.postback("prof:edit:")
async def start_profile_edit(ctx: Context) -> None:
    """Ask again the questions of the tapped part, then confirm."""
    member = await ctx.active_member()
    if member is None:
        await prompt_invite(ctx)
        return
    part = EDITABLE.get(ctx.event.postback_data.removeprefix("prof:edit:"))
    if part is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    await ctx.session.refresh(member, ["organization"])
    _, steps = part
    ctx.clear_state()
    ctx.data = {**_draft(member), "queue": list(steps), "edit_steps": list(steps)}
    await advance(ctx)
