"""Feature modules, each exporting its router. Order matters: earlier routers win ties."""

from bot.dispatcher import Router


def all_routers() -> list[Router]:
    from handlers import (
        common,
        contact_check_proxy,
        contact_check_staff,
        contact_checks,
        groups,
        intro_staff,
        intros,
        kpi,
        kpi_setup,
        meeting_changes,
        meeting_setup,
        meetings,
        notices,
        profile,
        registration,
    )

    return [common.router, registration.router, profile.router, notices.router,
            contact_checks.router, contact_check_staff.router, contact_check_proxy.router,
            meetings.router, meeting_setup.router, meeting_changes.router,
            kpi.router, kpi_setup.router, intros.router, intro_staff.router,
            groups.router, common.fallback_router]
