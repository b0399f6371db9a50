"""The console's browser tests: Renkei in local mode on a loopback port (the simulator's set-up),
the four personas as members with the secretariat's as staff, and a Chromium page signed in
through a one-time link as staff would be."""

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from bot.demo.personas import PERSONAS
from db.audit import Actor, Door
from db.console import issue_link, link_url
from db.engine import create_engine, session_factory
from db.models import AuditEntry, Member
from bot.texts import catalog as T
from db.models import ConsoleSession
from tests.harness import BotHarness
from tests.bot.web.simulator.conftest import browser, local_renkei, screenshot, seed  # noqa: F401  (fixtures)

BASE = "https://renkei.example.jp"  # where public_bot is served (PUBLIC_BASE_URL)
STAFF_USER = next(p.user_id for p in PERSONAS if p.key == "staff")
OPERATOR = Actor(door=Door.cli, label="test@server", origin="server")


class ConsoleDatabase:
    """The running app's database, written and read straight, as an operator on the server would."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self.sessions = session_factory(self.engine)

    async def link(self, base_url: str, member_id: int, *, now: datetime | None = None) -> str:
        """A one-time sign-in link for `member_id`, issued at `now` (in the past for an expired one)."""
        async with self.sessions() as session, session.begin():
            member = await session.get(Member, member_id)
            token = await issue_link(session, member=member, actor=OPERATOR, now=now or datetime.now(UTC))
        return link_url(base_url, token)

    async def member(self, user_id: str) -> Member:
        async with self.sessions() as session:
            return await session.scalar(select(Member).where(Member.line_user_id == user_id))

    async def scalars(self, statement) -> list:
        async with self.sessions() as session:
            return list(await session.scalars(statement))

    async def audit(self, action: str) -> list[AuditEntry]:
        return await self.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))

    async def run(self, work):
        """`await work(session)` in one transaction."""
        async with self.sessions() as session, session.begin():
            return await work(session)


@pytest.fixture
async def console_db(database_url):
    database = ConsoleDatabase(database_url)
    yield database
    await database.engine.dispose()


@dataclass
class Staff:
    member: Member
    user_id: str


@pytest.fixture
async def staff_member(seed, console_db) -> Staff:
    """The personas registered (事務局, an NPO lead, a company contact, a university contact); the first is staff."""
    await seed.personas_as_members()
    return Staff(member=await console_db.member(STAFF_USER), user_id=STAFF_USER)


async def open_signed_in(browser, local, console_db: ConsoleDatabase, member_id: int, *, width: int = 1280,
                         height: int = 900):
    """A new browser context and page on the console's home, signed in as `member_id` through a link."""
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP",
                                        accept_downloads=True)
    page = await context.new_page()
    await page.goto(await console_db.link(local.url, member_id))
    await page.wait_for_url(f"{local.url}/console")
    return page


@pytest.fixture
async def signed_in_page(browser, local_renkei, staff_member, console_db):  # noqa: F811
    """A desk-sized Chromium page on the console's home, signed in as the staff persona with a link."""
    page = await open_signed_in(browser, local_renkei, console_db, staff_member.member.id)
    try:
        yield page
    finally:
        await page.context.close()


@pytest.fixture
async def demo_staff(local_renkei, console_db) -> Staff:  # noqa: F811
    """The demo partnership loaded (as 「デモデータを入れる」 does); its secretariat persona is staff."""
    from bot.demo.data import load_demo

    await console_db.run(lambda session: load_demo(session, now=datetime.now(UTC)))
    return Staff(member=await console_db.member(STAFF_USER), user_id=STAFF_USER)


@pytest.fixture
async def public_bot(database_url, fake_line, clock, monkeypatch):
    """The real app (signed webhooks, the fake LINE, a hand-moved clock) behind HTTPS at BASE; its client keeps
    cookies as a browser does."""
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as harness:
        # A browser sends the Secure cookie over HTTPS only.
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=harness.app), base_url=BASE) as client:
            harness.client = client
            yield harness


async def sign_in_through_line(bot, user_id: str) -> str:
    """`user_id` sends 管理画面, opens the link it gets, and is signed in; returns the session's CSRF token."""
    await bot.say(user_id, T.CONSOLE_COMMAND)
    [button] = [m for m in bot.messages_to(user_id) if m.get("type") == "template"][-1]["template"]["actions"]
    path = button["uri"].removeprefix(BASE)
    assert (await bot.client.get(path)).status_code == 200
    assert (await bot.client.post(path)).status_code == 303
    [session] = await bot.scalars(select(ConsoleSession).order_by(ConsoleSession.id.desc()).limit(1))
    return session.csrf_token
