"""Notices from the secretariat: composed in LINE, sent to a segment, acknowledged, their read status."""

from bot.dialogs import Router
from handlers.notices import acknowledge, compose, status

router = Router("notices").include(acknowledge.router, compose.router, compose.steps, status.router)
