"""Feature modules, each exporting its router. Order matters: earlier routers win ties."""

from bot.dispatcher import Router


def all_routers() -> list[Router]:
    from handlers import common, contact_checks, groups, meetings, notices, profile, registration

    return [common.router, registration.router, profile.router, notices.router, contact_checks.router, meetings.router, groups.router,
            common.fallback_router]
