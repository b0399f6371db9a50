"""Meeting scheduling (日程調整): setting a poll up, answering it, deciding, moving and cancelling."""

from bot.dialogs import Router
from handlers.meetings import changes, setup, votes

router = Router("meetings").include(votes.router, setup.router, changes.router)
