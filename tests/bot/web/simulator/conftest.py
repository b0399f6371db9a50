"""Renkei in local mode on a loopback port, with the fake platform inside, and a headless Chromium
(the system's, driven by Playwright) opening the simulator page."""

import os
import shutil
import socket
import threading
import time
from datetime import time as dt_time
from pathlib import Path

import pytest
import uvicorn

from bot.demo.personas import PERSONAS
from bot.fakeline.server import FakeLine
from bot.settings import Settings
from db.richmenus import link_everyone
from bot.web.app import create_app
from bot.web.simulator.state import Simulator
from db.access import create_invite, create_organization
from db.engine import create_engine, session_factory
from db.models import Member, MemberStatus, OrgType

SCREENSHOTS = Path(os.environ.get("RENKEI_SCREENSHOTS", "/tmp/renkei-screenshots"))


class LocalRenkei:
    """`renkei serve` in local mode, in a thread of this process: the app, its fake LINE, its simulator."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.line = FakeLine()

    def __enter__(self) -> "LocalRenkei":
        self.line.start()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        # These tests run on the real clock, whenever CI runs: no quiet hours to hold the pushes.
        self.settings = Settings(_env_file=None, database_url=self.database_url, renkei_environment=None,
                                 line_channel_secret=None, line_channel_access_token=None,
                                 quiet_hours_start=dt_time(0, 0), quiet_hours_end=dt_time(0, 0)).local_run(
            line_api_base_url=self.line.url, public_base_url=self.url)
        self.line.access_token = self.settings.line_channel_access_token
        self.simulator = Simulator(self.line, channel_secret=self.settings.line_channel_secret, base_url=self.url)
        app = create_app(self.settings, simulator=self.simulator)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                                    timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("Renkei did not start in local mode")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.line.stop()

    @property
    def page_url(self) -> str:
        return self.simulator.page_url


@pytest.fixture
def local_renkei(database_url):
    with LocalRenkei(database_url) as local:
        yield local
    errors = local.line.schema_errors()
    assert not errors, f"the bot sent requests that do not match LINE's OpenAPI schema: {errors}"


@pytest.fixture
async def seed(database_url):
    """Write organizations, invites and members straight into the test database."""
    engine = create_engine(database_url)
    sessions = session_factory(engine)

    class Seed:
        async def invite(self, org_name: str = "NPO法人 みどりの会", org_type: OrgType = OrgType.npo) -> str:
            from datetime import UTC, datetime, timedelta
            async with sessions() as session, session.begin():
                org = await create_organization(session, name=org_name, org_type=org_type, now=datetime.now(UTC))
                invite = await create_invite(session, organization_id=org.id, now=datetime.now(UTC),
                                             valid_for=timedelta(days=14))
                return invite.code

        async def areas(self, *names: str) -> None:
            """The secretariat's list of areas."""
            from datetime import UTC, datetime
            from db.areas import add_area
            async with sessions() as session, session.begin():
                for name in names:
                    await add_area(session, name, datetime.now(UTC))

        async def personas_as_members(self) -> None:
            """Each persona registered at an organization of its kind; the secretariat's is staff."""
            from datetime import UTC, datetime
            kinds = {"staff": ("市役所 企画課", OrgType.municipality), "npo": ("NPO法人 みどりの会", OrgType.npo),
                     "company": ("株式会社 山田建設", OrgType.company), "university": ("市立大学", OrgType.university)}
            now = datetime.now(UTC)
            async with sessions() as session, session.begin():
                for persona in PERSONAS:
                    name, kind = kinds[persona.key]
                    org = await create_organization(session, name=name, org_type=kind, now=now)
                    session.add(Member(line_user_id=persona.user_id, organization_id=org.id, name=persona.display_name,
                                       fields=["防災"], role="primary", is_staff=persona.key == "staff", area="北地区",
                                       needs=[], offers=[], status=MemberStatus.active, registered_at=now,
                                       updated_at=now))
                await session.flush()
                await link_everyone(session, now)  # as registration does: their menus, sent by the service

        async def kpi_with_reports(self) -> None:
            """An agreement of the city and the NPO, with a KPI the NPO has reported three months of."""
            from datetime import UTC, date, datetime, time
            from zoneinfo import ZoneInfo

            from sqlalchemy import select

            from bot.texts import catalog as T
            from db.access import create_agreement
            from db.kpis import create_kpi, record_report
            from db.models import Organization

            now = datetime.now(UTC)
            async with sessions() as session, session.begin():
                orgs = list(await session.scalars(select(Organization).where(
                    Organization.org_type.in_([OrgType.municipality, OrgType.npo]))))
                deal = await create_agreement(session, name="みどりのまち協定", organization_ids=[o.id for o in orgs],
                                              start_date=date(2026, 4, 1), end_date=None, review_date=None, now=now,
                                              reminder_time=time(9, 0), tz=ZoneInfo("Asia/Tokyo"),
                                              review_text=T.AGREEMENT_REVIEW_REMINDER)
                npo = next(o for o in orgs if o.org_type == OrgType.npo)
                kpi = await create_kpi(session, agreement_id=deal.id, organization_id=npo.id, name="講座参加者数",
                                       unit="人", target_value=500, target_date=date(2027, 3, 31), cadence="monthly",
                                       due_dates=[], now=now, target_kind="total")
                for i, (period, value) in enumerate({"2026-09": 25, "2026-10": 30, "2026-11": 42}.items()):
                    await record_report(session, kpi=kpi, period=period, value=value, comment=None, member_id=None,
                                        source_key=f"seed:{i}", now=now)

        async def scalars(self, statement) -> list:
            async with sessions() as session:
                return list(await session.scalars(statement))

    yield Seed()
    await engine.dispose()


@pytest.fixture
async def browser():
    """Debian's chromium, headless; missing, the browser tests fail in CI and are skipped elsewhere."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed (make test installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
def screenshot():
    """Save the page as SCREENSHOTS/<name>.png, and say where."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        await page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path

    return take
