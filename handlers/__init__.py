"""The features, one package each, their routers included into one root router in an explicit order.

A command, a dialog state, a kind of button or an event type has one handler (the
dispatcher refuses two), so the order decides only which fallback reads free text first
(KPI values before the reply to anything not understood), the order of the help buttons
and of the observers. The routers are gathered here, not in the feature packages, so that
importing what a feature sends (its `messages.py`, as the scheduler does) loads no dialog.
"""

from bot.dialogs import Dispatcher, Router


def build_dispatcher() -> Dispatcher:
    from handlers import common
    from handlers.areas import staff as area_staff
    from handlers.agreements import setup as agreement_setup
    from handlers.console import signin as console_signin
    from handlers.contact_checks import answers, proxy, staff as check_staff
    from handlers.intros import dialog as intro_dialog, staff as intro_staff
    from handlers.kpi import reports as kpi_reports, setup as kpi_setup
    from handlers.meetings import changes as meeting_changes, setup as meeting_setup, votes
    from handlers.notices import acknowledge, compose, status
    from handlers.registration import dialog as registration, groups, invites, profile

    root = Router("root").include(
        common.router,
        Router("registration").include(registration.router, profile.router, groups.router, invites.router),
        Router("areas").include(area_staff.router),
        Router("notices").include(acknowledge.router, compose.router, status.router),
        Router("contact_checks").include(answers.router, check_staff.router, proxy.router),
        Router("meetings").include(votes.router, meeting_setup.router, meeting_changes.router),
        Router("agreements").include(agreement_setup.router),
        Router("kpi").include(kpi_reports.router, kpi_setup.router),
        Router("intros").include(intro_dialog.router, intro_staff.router),
        Router("console").include(console_signin.router),
        common.fallback_router)
    return Dispatcher(root, unregistered=registration.prompt_invite)
