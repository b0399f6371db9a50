"""Disaster-time contact checks (安否確認): members answer, staff start, follow, close and answer for them."""

from bot.dialogs import Router
from handlers.contact_checks import answers, proxy, staff

router = Router("contact_checks").include(answers.router, staff.router, proxy.router)
