"""Who is using the console: the signed-in staff member (checked against the database on every
request), the CSRF guard every form and htmx request passes, and the one way pages are drawn."""

import hmac
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.texts import catalog as T
from bot.texts import formats
from bot.web.console.nav import NAV
from bot.web.deps import RuntimeDep, SessionDep
from db.audit import Actor, Door
from db.console import SIGNIN_PATH, find_session

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates


@cache
def templates() -> "Jinja2Templates":
    """The pages' templates: Jinja2 is imported by the first page drawn, not by every process."""
    from fastapi.templating import Jinja2Templates

    loaded = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
    loaded.env.globals.update(T=T, moment_label=formats.moment_label, day_label=formats.day_label,
                              local_day_label=formats.local_day_label, span_label=formats.span_label,
                              period_label=formats.period_label, date_label=formats.date_label)
    return loaded


COOKIE = "renkei_console"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class ConsoleStaff:
    member_id: int
    name: str
    actor: Actor  # door console, origin the client's address: what every action records
    csrf_token: str
    session_id: int = 0


class ConsoleRefusal(Exception):
    """Ends a console request with `response` (a redirect to sign in, or a short Japanese page)."""

    def __init__(self, response: Response) -> None:
        self.response = response


async def refused(request: Request, exc: ConsoleRefusal) -> Response:
    return exc.response


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def page(request: Request, template: str, context: dict, *, status_code: int = 200,
         headers: dict | None = None) -> HTMLResponse:
    """A console page drawn for someone not (or no longer) signed in: sign-in and refusals."""
    local_mode = request.app.state.runtime.settings.local_mode
    return templates().TemplateResponse(request, template, {"local_mode": local_mode, **context},
                                        status_code=status_code, headers=headers)


def refusal_page(request: Request, message: str, *, status_code: int, signin: bool = False) -> HTMLResponse:
    return page(request, "console/refused.html", {"message": message, "signin": signin}, status_code=status_code)


def _not_signed_in(request: Request) -> ConsoleRefusal:
    if request.headers.get("HX-Request"):
        # htmx follows HX-Redirect with a full page load; a plain redirect would be swapped in.
        return ConsoleRefusal(Response(status_code=401, headers={"HX-Redirect": f"{SIGNIN_PATH}?ended=1"}))
    if request.method in SAFE_METHODS:
        return ConsoleRefusal(RedirectResponse(f"{SIGNIN_PATH}?ended=1" if request.cookies.get(COOKIE)
                                               else SIGNIN_PATH, status_code=303))
    return ConsoleRefusal(refusal_page(request, T.CONSOLE_NOT_SIGNED_IN, status_code=401, signin=True))


async def require_staff(request: Request, runtime: RuntimeDep, session: SessionDep) -> ConsoleStaff:
    """The signed-in member, still active staff now; otherwise a redirect to sign in (401 for htmx and forms)."""
    cookie = request.cookies.get(COOKIE)
    found = await find_session(session, cookie=cookie, now=runtime.clock.now()) if cookie else None
    if found is None:
        await session.rollback()
        raise _not_signed_in(request)
    console_session, member = found
    staff = ConsoleStaff(member_id=member.id, name=member.name,
                         actor=Actor.of(member, Door.console, client_address(request)),
                         csrf_token=console_session.csrf_token, session_id=console_session.id)
    await session.commit()  # the touch, and the connection handed back before the page's own work
    return staff


StaffDep = Annotated[ConsoleStaff, Depends(require_staff)]


async def require_csrf(request: Request, staff: StaffDep) -> ConsoleStaff:
    """A changing request carries the session's token (form field or header); a forged one is refused."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.method not in SAFE_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            given = (await request.form()).get(CSRF_FIELD)
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), staff.csrf_token.encode()):
        raise ConsoleRefusal(refusal_page(request, T.CONSOLE_CSRF_REFUSED, status_code=403))
    return staff


CsrfDep = Annotated[ConsoleStaff, Depends(require_csrf)]


def render(request: Request, template: str, staff: ConsoleStaff, *, status_code: int = 200,
           headers: dict | None = None, **context) -> HTMLResponse:
    """A console page (or fragment) with the staff member, the CSRF token, the nav and the catalog."""
    runtime = request.app.state.runtime
    return templates().TemplateResponse(request, template, {
        "staff": staff, "csrf_token": staff.csrf_token, "nav": NAV, "T": T, "path": request.url.path,
        "tz": runtime.settings.tz, "now": runtime.clock.now(), "local_mode": runtime.settings.local_mode,
        **context}, status_code=status_code, headers=headers)
