"""Feature packages, each exporting its router. Order matters: earlier routers win ties."""

from bot.dialogs.dispatcher import Router


def all_routers() -> list[Router]:
    from handlers import common
    from handlers.contact_checks import answers, proxy, staff as check_staff
    from handlers.intros import dialog as intro_dialog, staff as intro_staff
    from handlers.kpi import reports as kpi_reports, setup as kpi_setup
    from handlers.meetings import changes as meeting_changes, setup as meeting_setup, votes as meeting_votes
    from handlers.notices import dialog as notices
    from handlers.registration import dialog as registration, groups, profile

    return [common.router, registration.router, profile.router, notices.router,
            answers.router, check_staff.router, proxy.router,
            meeting_votes.router, meeting_setup.router, meeting_changes.router,
            kpi_reports.router, kpi_setup.router, intro_dialog.router, intro_staff.router,
            groups.router, common.fallback_router]
