"""The features, one package each, included into one root router in an explicit order.

A command, a dialog state, a kind of button or an event type has one handler (the
dispatcher refuses two), so the order decides only which fallback reads free text first:
KPI values before the reply to anything not understood.
"""

from bot.dialogs import Dispatcher, Router


def build_dispatcher() -> Dispatcher:
    from handlers import common, contact_checks, intros, kpi, meetings, notices, registration

    root = Router("root").include(
        common.router, registration.router, notices.router,
        contact_checks.router, meetings.router, kpi.router, intros.router,
        common.fallback_router)
    return Dispatcher(root, unregistered=registration.prompt_invite)
