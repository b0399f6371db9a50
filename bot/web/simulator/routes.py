"""The simulator page and what it posts: served only in local mode (the app includes it then alone)."""

import asyncio
import json
import logging
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bot.demo.data import NotEmpty, is_empty, load_demo
from bot.fakeline.server import RecordedRequest
from bot.texts import catalog as T
from bot.texts.formats import clock_label
from bot.web.deps import RuntimeDep, SessionDep
from bot.web.simulator.flex import FlexRenderer
from bot.web.simulator.state import Chat, Entry, Simulator, pretty
from db.models import Invite, Member, MemberStatus

log = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
TEMPLATES.env.globals["T"] = T
STATIC = Path(__file__).resolve().parents[1] / "static"
# A comment line every so often keeps the stream open through proxies and shows a closed page.
KEEPALIVE_SECONDS = 15

router = APIRouter()


def get_simulator(request: Request) -> Simulator:
    return request.app.state.simulator


SimulatorDep = Annotated[Simulator, Depends(get_simulator)]


def install(simulator: Simulator, tz: tzinfo) -> None:
    """Give the simulator the drawings it publishes with; times are shown in the product's zone `tz`."""
    simulator.render_entry = lambda chat, entry: render_entry(simulator, chat, entry, tz)
    simulator.render_quick = lambda chat, entry, items: FlexRenderer(
        simulator.action_keys(chat, entry, "q")).quick_reply(items)
    simulator.render_request = lambda record: render_request(record, tz)
    simulator.render_menu = lambda person: render_menu(simulator, person)


def render_menu(simulator: Simulator, person) -> str:
    menu = simulator.menu(person.key)
    person.menu_id = menu["richMenuId"] if menu else None
    return TEMPLATES.get_template("simulator/_richmenu.html").render(menu=menu, person=person)


def render_entry(simulator: Simulator, chat: Chat, entry: Entry, tz: tzinfo) -> str:
    body = Markup(FlexRenderer(simulator.action_keys(chat, entry)).message(entry.message))
    sender = simulator.by_user(entry.sender)
    return TEMPLATES.get_template("simulator/_entry.html").render(
        entry=entry, body=body, mine=entry.sender != "bot", in_group=chat.is_group,
        sender=sender.label if sender else T.SIM_BOT_NAME, time=clock_label(entry.at, tz))


def render_request(record: RecordedRequest, tz: tzinfo) -> str:
    return TEMPLATES.get_template("simulator/_request.html").render(
        r=record, body=pretty(record), time=clock_label(datetime.fromtimestamp(record.at, UTC), tz, seconds=True))


@router.get("/", include_in_schema=False)
async def home() -> RedirectResponse:
    """In local mode the simulator is the front page."""
    return RedirectResponse("/simulator")


@router.get("/simulator", response_class=HTMLResponse)
async def page(request: Request, simulator: SimulatorDep, runtime: RuntimeDep, session: SessionDep) -> HTMLResponse:
    """The LINE app for several people, side by side with what the bot sent."""
    await note_members(simulator, session)
    return TEMPLATES.TemplateResponse(request, "simulator/page.html", {
        "simulator": simulator, "people": list(simulator.people.values()),
        "chats": list(simulator.chats.values()),
        "requests": [Markup(simulator.render_request(r)) for r in simulator.requests],
        "schema_checked": simulator.line.schema_checked, "invites": await open_invites(session, runtime.clock.now()),
        "offer_demo": await is_empty(session), "version": simulator.version,
        "local_mode": True})


async def note_members(simulator: Simulator, session) -> None:
    """People who are already active members (the demo data's) are friends of the bot."""
    users = [p.user_id for p in simulator.people.values() if not p.following and not p.blocked]
    if users:
        active = set(await session.scalars(select(Member.line_user_id).where(
            Member.line_user_id.in_(users), Member.status == MemberStatus.active)))
        for person in simulator.people.values():
            person.following = person.following or person.user_id in active


async def open_invites(session, now: datetime) -> list[Invite]:
    """The codes that still work, the newest first (one just issued in a chat is at the top)."""
    rows = await session.scalars(
        select(Invite).options(selectinload(Invite.organization))
        .where(Invite.uses < Invite.max_uses, or_(Invite.expires_at.is_(None), Invite.expires_at > now))
        .order_by(Invite.id.desc()).limit(20))
    return list(rows)


@router.get("/simulator/invites", response_class=HTMLResponse)
async def invites(request: Request, runtime: RuntimeDep, session: SessionDep) -> HTMLResponse:
    """The list of usable invite codes alone, drawn again as the bot issues or uses them up."""
    return TEMPLATES.TemplateResponse(request, "simulator/_invites.html", {
        "invites": await open_invites(session, runtime.clock.now())})


@router.get("/simulator/static/{name}")
async def static(name: str) -> Response:
    """The page's script and style, served from the package (no build step, nothing fetched from elsewhere)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404)
    kind = {".js": "text/javascript", ".css": "text/css"}.get(path.suffix, "application/octet-stream")
    return Response(path.read_bytes(), media_type=kind, headers={"Cache-Control": "no-cache"})


@router.get("/simulator/stream")
async def stream(request: Request, simulator: SimulatorDep) -> StreamingResponse:
    """Server-sent events: each message, quick-reply change and request, as it happens."""
    queue = simulator.subscribe()
    hello = json.dumps({"kind": "hello", "version": simulator.version})

    async def events():
        try:
            # A page drawn before something it missed reloads (it compares this with its own version).
            yield f"retry: 1000\ndata: {hello}\n\n"
            while True:
                try:
                    data = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                if data is None:
                    return
                yield f"data: {data}\n\n"
        finally:
            simulator.unsubscribe(queue)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _known(simulator: Simulator, person: str, chat: str | None = None) -> None:
    if person not in simulator.people or (chat is not None and chat not in simulator.chats):
        raise HTTPException(404, "no such person or chat")


@router.post("/simulator/people/{person}/follow", status_code=204)
async def follow(person: str, simulator: SimulatorDep) -> None:
    """The person adds the bot as a friend."""
    _known(simulator, person)
    await simulator.follow(person)


@router.post("/simulator/people/{person}/unfollow", status_code=204)
async def unfollow(person: str, simulator: SimulatorDep) -> None:
    """The person blocks the bot."""
    _known(simulator, person)
    await simulator.unfollow(person)


@router.post("/simulator/say", status_code=204)
async def say(simulator: SimulatorDep, person: Annotated[str, Form()], chat: Annotated[str, Form()],
              text: Annotated[str, Form()]) -> None:
    """The person sends a text in a chat."""
    _known(simulator, person, chat)
    if text.strip():
        await simulator.say(person, chat, text)


@router.post("/simulator/act", status_code=204)
async def act(simulator: SimulatorDep, person: Annotated[str, Form()], action: Annotated[str, Form()],
              picked: Annotated[str | None, Form()] = None) -> None:
    """The person taps a button or a quick reply (a picker sends what was picked)."""
    _known(simulator, person)
    if not await simulator.act(person, action, picked):
        raise HTTPException(404, "no such action")


@router.post("/simulator/people")
async def add_person(simulator: SimulatorDep) -> Response:
    """One more person to play."""
    person = simulator.add_person()
    return Response(headers={"HX-Redirect": f"/simulator?chat={person.user_id}"})


@router.post("/simulator/groups")
async def create_group(simulator: SimulatorDep, name: Annotated[str, Form()] = "",
                       members: Annotated[list[str] | None, Form()] = None) -> Response:
    """A group with the bot and the chosen people in it."""
    chosen = [key for key in members or [] if key in simulator.people]
    group = await simulator.create_group(name.strip()[:50] or T.SIM_GROUP_DEFAULT_NAME, chosen)
    return Response(headers={"HX-Redirect": f"/simulator?chat={group.id}"})


@router.post("/simulator/demo")
async def demo(runtime: RuntimeDep) -> Response:
    """Fill an empty database with the demo partnership."""
    try:
        async with runtime.sessions() as session, session.begin():
            await load_demo(session, now=runtime.clock.now())
    except NotEmpty:
        return HTMLResponse(f'<p class="refused">{T.SIM_DEMO_REFUSED}</p>')
    return Response(status_code=204, headers={"HX-Refresh": "true"})



@router.get("/simulator/people/{person}/menu.png")
async def menu_image(person: str, simulator: SimulatorDep) -> Response:
    """The image of the rich menu this person sees now."""
    _known(simulator, person)
    image = simulator.menu_image(person)
    if image is None:
        raise HTTPException(404, "no rich menu")
    return Response(image, media_type="image/png" if image.startswith(b"\x89PNG") else "image/jpeg",
                    headers={"Cache-Control": "no-cache"})


@router.post("/simulator/people/{person}/menu", status_code=204)
async def tap_menu(person: str, simulator: SimulatorDep, menu: Annotated[str, Form()],
                   area: Annotated[int, Form()]) -> None:
    """The person taps an area of their rich menu."""
    _known(simulator, person)
    if not await simulator.tap_menu(person, menu, area):
        raise HTTPException(404, "no such menu area")
