"""Introductions between members: the members' dialog and the secretariat's settings, one router."""

from bot.dialogs import Router
from handlers.intros import dialog, staff

router = Router("intros").include(dialog.router, staff.router)
