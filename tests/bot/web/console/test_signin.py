"""Signing in to the console through LINE, on the real app with signed webhooks and a hand-moved clock:
the link staff get, the cookie it sets, a link used twice or too late, sessions that end."""

from datetime import timedelta

from sqlalchemy import select

from bot.texts import catalog as T
from db.models import AuditEntry, ConsoleLink, ConsoleSession, Member
from db.members import set_staff, deactivate
from db.audit import Actor, Door
from tests.seed import partnership

from tests.bot.web.console.conftest import BASE


def link_in(bot, user_id: str) -> str:
    [message] = [m for m in bot.messages_to(user_id) if m.get("type") == "template"][-1:]
    assert message["template"]["text"] == T.CONSOLE_LINK_TEXT.format(minutes=10)
    [action] = message["template"]["actions"]
    assert action["type"] == "uri" and action["label"] == T.CONSOLE_LINK_BUTTON
    return action["uri"]


async def sign_in(bot, link: str):
    path = link.removeprefix(BASE)
    opened = await bot.client.get(path)
    assert opened.status_code == 200 and f'action="{path}"' in opened.text
    return await bot.client.post(path)


async def test_staff_get_a_link_that_signs_in_once(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    link = link_in(bot, people["staff"])
    assert link.startswith(f"{BASE}/console/signin/")
    [row] = await bot.scalars(select(ConsoleLink))
    assert row.token_hash not in link and len(row.token_hash) == 64  # only the hash is kept

    signed_in = await sign_in(bot, link)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/console"
    cookie = signed_in.headers["set-cookie"]
    assert "renkei_console=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" in cookie and "Path=/console" in cookie
    home = await bot.client.get("/console")
    assert home.status_code == 200 and T.CONSOLE_HOME_WELCOME.format(name="市 職員") in home.text

    again = await bot.client.post(link.removeprefix(BASE))
    assert again.status_code == 410 and T.CONSOLE_LINK_PROBLEMS["used"] in again.text
    assert T.CONSOLE_LINK_AGAIN in again.text
    opened = await bot.client.get(link.removeprefix(BASE))
    assert opened.status_code == 410 and T.CONSOLE_LINK_PROBLEMS["used"] in opened.text

    staff = await bot.one(Member, Member.line_user_id == people["staff"])
    entries = await bot.scalars(select(AuditEntry).order_by(AuditEntry.id))
    assert [(e.action, e.door, e.actor_member_id) for e in entries] == [
        ("console.link", "line", staff.id), ("console.sign_in", "console", staff.id)]


async def test_a_link_expires_after_ten_minutes(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    link = link_in(bot, people["staff"]).removeprefix(BASE)
    bot.clock.advance(timedelta(minutes=10))
    expired = await bot.client.get(link)
    assert expired.status_code == 410 and T.CONSOLE_LINK_PROBLEMS["expired"] in expired.text
    assert (await bot.client.post(link)).status_code == 410
    assert await bot.scalars(select(ConsoleSession)) == []
    made_up = await bot.client.get("/console/signin/not-a-real-token")
    assert made_up.status_code == 404 and T.CONSOLE_LINK_PROBLEMS["unknown"] in made_up.text


async def test_members_who_are_not_staff_get_no_link(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await bot.say(people["npo"], T.CONSOLE_COMMAND)
    assert bot.last_text(people["npo"]) == T.CONSOLE_STAFF_ONLY
    assert not [m for m in bot.messages_to(people["npo"]) if m.get("type") == "template"]
    assert await bot.scalars(select(ConsoleLink)) == []


async def test_without_a_public_address_staff_are_told_why(bot):
    people = await partnership(bot)
    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    assert bot.last_text(people["staff"]) == T.CONSOLE_NO_ADDRESS
    assert await bot.scalars(select(ConsoleLink)) == []


async def test_a_session_ends_when_idle_too_long_and_after_a_week(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    await sign_in(bot, link_in(bot, people["staff"]))
    bot.clock.advance(timedelta(hours=11))
    assert (await bot.client.get("/console")).status_code == 200  # within 12 hours of the last request
    for _ in range(20):  # busy every 11 hours, the session still ends a week after sign-in
        bot.clock.advance(timedelta(hours=11))
        response = await bot.client.get("/console")
        if response.status_code != 200:
            break
    assert response.status_code == 303 and response.headers["location"] == "/console/signin?ended=1"
    [session] = await bot.scalars(select(ConsoleSession))
    assert bot.clock.now() - session.created_at >= timedelta(days=7)
    assert bot.clock.now() - session.created_at < timedelta(days=7, hours=11)

    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    await sign_in(bot, link_in(bot, people["staff"]))
    bot.clock.advance(timedelta(hours=12))
    idle = await bot.client.get("/console")
    assert idle.status_code == 303 and idle.headers["location"] == "/console/signin?ended=1"


async def test_losing_the_staff_role_or_leaving_ends_the_session_at_the_next_request(public_bot):
    bot = public_bot
    people = await partnership(bot)
    async with bot.runtime.sessions() as session, session.begin():  # a second staff member, to keep one
        npo = await session.scalar(select(Member).where(Member.line_user_id == people["npo"]))
        await set_staff(session, member_id=npo.id, staff=True, actor=Actor(door=Door.cli, label="op"),
                        now=bot.clock.now())
    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    await sign_in(bot, link_in(bot, people["staff"]))
    assert (await bot.client.get("/console")).status_code == 200
    staff = await bot.one(Member, Member.line_user_id == people["staff"])
    async with bot.runtime.sessions() as session, session.begin():
        await set_staff(session, member_id=staff.id, staff=False, actor=Actor(door=Door.cli, label="op"),
                        now=bot.clock.now())
    assert (await bot.client.get("/console")).status_code == 303
    fragment = await bot.client.get("/console", headers={"HX-Request": "true"})
    assert fragment.status_code == 401 and fragment.headers["HX-Redirect"] == "/console/signin?ended=1"
    posted = await bot.client.post("/console/signout")
    assert posted.status_code == 401 and T.CONSOLE_NOT_SIGNED_IN in posted.text

    bot.client.cookies.clear()
    await bot.say(people["npo"], T.CONSOLE_COMMAND)
    await sign_in(bot, link_in(bot, people["npo"]))
    assert (await bot.client.get("/console")).status_code == 200
    async with bot.runtime.sessions() as session, session.begin():
        await set_staff(session, member_id=staff.id, staff=True, actor=Actor(door=Door.cli, label="op"),
                        now=bot.clock.now())
        await deactivate(session, member_id=npo.id, actor=Actor(door=Door.cli, label="op"), now=bot.clock.now())
    assert (await bot.client.get("/console")).status_code == 303


async def test_forms_without_the_csrf_token_are_refused(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await bot.say(people["staff"], T.CONSOLE_COMMAND)
    await sign_in(bot, link_in(bot, people["staff"]))
    refused = await bot.client.post("/console/signout", data={})
    assert refused.status_code == 403 and T.CONSOLE_CSRF_REFUSED in refused.text
    wrong = await bot.client.post("/console/signout", data={"csrf_token": "guess"})
    assert wrong.status_code == 403
    assert (await bot.client.get("/console")).status_code == 200  # still signed in
    [session] = await bot.scalars(select(ConsoleSession))
    out = await bot.client.post("/console/signout", headers={"X-CSRF-Token": session.csrf_token})
    assert out.status_code == 303 and out.headers["location"] == "/console/signin?out=1"
    assert (await bot.client.get("/console")).status_code == 303
    actions = [e.action for e in await bot.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["console.link", "console.sign_in", "console.sign_out"]
