"""Home: what needs the secretariat's attention today, and this month's message quota."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.web.console.auth import StaffDep, render
from bot.web.deps import RuntimeDep, SessionDep
from db.overview import attention
from handlers.delivery import notice_deliveries

router = APIRouter()  # its fragments; the page itself is /console, which the package adds (an empty path)


async def home(request: Request, staff: StaffDep, runtime: RuntimeDep, session: SessionDep) -> HTMLResponse:
    """The day's overview: a running check first, then what is waiting on someone."""
    now, tz = runtime.clock.now(), runtime.settings.tz
    local = now.astimezone(tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    today = await attention(session, now=now, today=local.date(), month_start=month_start)
    # A notice the quiet hours still hold says when it arrives, not when it was sent.
    deliveries = await notice_deliveries(session, [item.notice for item in today.notices], now, runtime.settings)
    await session.commit()
    # The quota as the gateway last read it; read now if it has not (LINE answers within its timeout).
    quota = runtime.gateway.cached_quota() or await runtime.gateway.refresh_quota()
    return render(request, "console/home.html", staff, today=today, quota=quota, deliveries=deliveries,
                  limit_reached=runtime.gateway.limited_month() is not None, today_date=local.date())
