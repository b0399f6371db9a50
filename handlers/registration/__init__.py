"""Who the bot talks to: members registering with an invite, their profiles, the groups it is in."""

from bot.dialogs import Router
from handlers.registration import dialog, groups, profile
from handlers.registration.dialog import prompt_invite

__all__ = ["prompt_invite", "router"]

router = Router("registration").include(dialog.router, profile.router, groups.router)
