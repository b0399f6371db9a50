"""KPIs: members report values by chat and see the summary; staff define KPIs in LINE."""

from bot.dialogs import Router
from handlers.kpi import reports, setup

router = Router("kpi").include(reports.router, setup.router)
