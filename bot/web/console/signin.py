"""Signing in with the one-time link from LINE, and signing out.

Opening the link shows a page that signs in by itself (a form posted by the page's own
script, with a button when scripts are off): a link preview or a scanner that only fetches
the address does not use up the link.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.texts import catalog as T
from bot.web.console.auth import COOKIE, CsrfDep, client_address, page
from bot.web.deps import RuntimeDep, SessionDep
from db.console import SESSION_MAX, SIGNIN_PATH, LinkProblem, LinkRefused, check_link, end_session, redeem_link
from db.models import ConsoleSession

router = APIRouter()
# The token is in the address: no cache keeps the page, and no other site hears of it.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
STATUS = {LinkProblem.unknown: 404, LinkProblem.used: 410, LinkProblem.expired: 410, LinkProblem.not_staff: 403}


def _page(request: Request, **context) -> HTMLResponse:
    status_code = context.pop("status_code", 200)
    return page(request, "console/signin.html", context, status_code=status_code, headers=PRIVATE)


def _refused(request: Request, problem: LinkProblem) -> HTMLResponse:
    return _page(request, problem=T.CONSOLE_LINK_PROBLEMS[problem], again=True, status_code=STATUS[problem])


@router.get(SIGNIN_PATH.removeprefix("/console"), response_class=HTMLResponse)
async def how_to_sign_in(request: Request, ended: int = 0, out: int = 0) -> HTMLResponse:
    """How to get a link (after signing out, or when the session ended, saying so)."""
    notice = T.CONSOLE_SIGNED_OUT if out else T.CONSOLE_SESSION_ENDED if ended else None
    return _page(request, notice=notice)


@router.get(SIGNIN_PATH.removeprefix("/console") + "/{token}", response_class=HTMLResponse)
async def open_link(request: Request, token: str, runtime: RuntimeDep, session: SessionDep) -> HTMLResponse:
    """The link from LINE: a page that signs in at once, or says why the link no longer works."""
    try:
        await check_link(session, token=token, now=runtime.clock.now())
    except LinkRefused as refusal:
        return _refused(request, refusal.problem)
    return _page(request, token=token)


@router.post(SIGNIN_PATH.removeprefix("/console") + "/{token}")
async def sign_in(request: Request, token: str, runtime: RuntimeDep) -> Response:
    """Use the link (once) and start the session: an HttpOnly cookie, Secure behind HTTPS."""
    settings = runtime.settings
    try:
        async with runtime.sessions() as session, session.begin():
            signed_in = await redeem_link(session, token=token, now=runtime.clock.now(),
                                          origin=client_address(request))
    except LinkRefused as refusal:
        return _refused(request, refusal.problem)
    response = RedirectResponse("/console", status_code=303, headers=PRIVATE)
    response.set_cookie(COOKIE, signed_in.cookie, max_age=int(SESSION_MAX.total_seconds()), path="/console",
                        httponly=True, samesite="lax",
                        secure=(settings.public_base_url or "").startswith("https://"))
    return response


@router.post("/signout")
async def sign_out(staff: CsrfDep, runtime: RuntimeDep) -> Response:
    """End this session (the cookie stops working wherever it is) and go back to the sign-in page."""
    async with runtime.sessions() as session, session.begin():
        console_session = await session.get(ConsoleSession, staff.session_id)
        await end_session(session, console_session=console_session, actor=staff.actor, now=runtime.clock.now())
    response = RedirectResponse(f"{SIGNIN_PATH}?out=1", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response
