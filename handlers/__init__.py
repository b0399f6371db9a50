"""The features, one package each, included into one root router in an explicit order.

A command, a dialog state, a kind of button or an event type has one handler (the
dispatcher refuses two), so the order decides only which fallback reads free text first:
KPI values before the reply to anything not understood.
"""

from bot.dialogs import Dispatcher, Router


def build_dispatcher() -> Dispatcher:
    from handlers import common
    from handlers import contact_checks
    from handlers.intros import dialog as intro_dialog, staff as intro_staff
    from handlers.kpi import reports as kpi_reports, setup as kpi_setup
    from handlers.meetings import changes as meeting_changes, setup as meeting_setup, votes as meeting_votes
    from handlers.notices import dialog as notices
    from handlers.registration import dialog as registration, groups, profile

    root = Router("root").include(
        common.router, registration.router, profile.router, notices.router,
        contact_checks.router,
        meeting_votes.router, meeting_setup.router, meeting_changes.router,
        kpi_reports.router, kpi_setup.router, intro_dialog.router, intro_staff.router,
        groups.router, common.fallback_router)
    return Dispatcher(root, unregistered=registration.prompt_invite)
