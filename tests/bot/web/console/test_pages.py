"""The console's pages in a real headless Chromium on the demo partnership: home, organizations and
members (filters, a profile, making staff), invite codes with their QR, the audit log and its CSV."""

import csv
import io
from datetime import UTC, datetime

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from bot.texts import catalog as T
from db.contact_checks import start_check
from db.models import Invite, Member, Organization
from db.segments import Segment
from tests.bot.web.console.conftest import open_signed_in
from tests.bot.web.simulator.conftest import LocalRenkei

TIMEOUT = 10_000
BASIC_ID = "@renkei-demo"


@pytest.fixture
def local_renkei(database_url, monkeypatch):
    """Local mode with the bot's basic ID known, so that invite codes get their add-friend QR."""
    monkeypatch.setenv("LINE_BOT_BASIC_ID", BASIC_ID)
    with LocalRenkei(database_url) as local:
        yield local


async def test_home_shows_what_needs_attention(local_renkei, demo_staff, console_db, browser, screenshot):
    async def drill(session):
        return await start_check(session, segment=Segment("all"), drill=True, now=datetime.now(UTC), source="cli",
                                 message=None, reask_minutes=30, max_reasks=3)

    started = await console_db.run(drill)
    page = await open_signed_in(browser, local_renkei, console_db, demo_staff.member.id)
    check = page.locator('[data-part="check"]')
    await expect(check).to_contain_text(T.CONSOLE_HOME_CHECK)
    await expect(check.get_by_role("link", name=T.CONSOLE_HOME_OPEN_BOARD)).to_have_attribute(
        "href", f"/console/checks/{started.check.id}")
    await expect(page.locator('[data-part="reviews"] li').first).to_be_visible()
    await expect(page.locator('[data-part="quota"]')).to_contain_text("このボットからの送信")
    await screenshot(page, "console-home-demo")
    await page.context.close()


async def test_members_filter_and_a_member_made_staff_shows_in_the_audit_log(local_renkei, demo_staff, console_db,
                                                                             browser, screenshot):
    page = await open_signed_in(browser, local_renkei, console_db, demo_staff.member.id)
    await page.get_by_role("link", name=T.CONSOLE_NAV_MEMBERS).click()
    await expect(page.locator("h1")).to_have_text(T.CONSOLE_MEMBERS_TITLE)
    everyone = await page.locator("table.members tbody tr").count()
    assert everyone == 20
    # Organizations that depend on one person are flagged.
    orgs = await console_db.scalars(select(Organization))
    flagged = page.locator("table.orgs tr", has=page.locator(".flag", has_text=T.CONSOLE_ORG_FLAGS["no_deputy"]))
    assert 0 < await flagged.count() < len(orgs)

    await page.get_by_label(T.CONSOLE_FILTER_TYPE).select_option("npo")
    await expect(page).to_have_url(f"{local_renkei.url}/console/members?q=&type=npo&field=&area=&role=&status=active",
                                   timeout=TIMEOUT)
    npo_ids = {m.id for m in await console_db.scalars(select(Member).join(Organization).where(
        Organization.org_type == "npo", Member.status == "active"))}
    rows = page.locator("table.members tbody tr")
    await expect(rows).to_have_count(len(npo_ids))
    assert {int(await r.get_attribute("data-member")) for r in await rows.all()} == npo_ids
    await page.get_by_label(T.CONSOLE_FILTER_ROLE).select_option("deputy")
    await expect(rows).to_have_count(sum(1 for m in await console_db.scalars(select(Member).join(Organization).where(
        Organization.org_type == "npo", Member.role == "deputy", Member.status == "active"))))
    await page.get_by_role("link", name=T.CONSOLE_FILTER_CLEAR).click()
    await page.get_by_label(T.CONSOLE_FILTER_TEXT).fill("子ども食堂")
    await expect(page.locator('[data-part="count"]')).not_to_have_text(T.CONSOLE_MEMBERS_COUNT.format(count=20),
                                                                       timeout=TIMEOUT)
    for row in await rows.all():
        assert "子ども食堂" in await row.inner_text()
    await screenshot(page, "console-members-filtered")

    target = next(m for m in await console_db.scalars(select(Member).order_by(Member.id))
                  if not m.is_staff and m.status == "active" and m.line_user_id != demo_staff.user_id)
    await page.goto(f"{local_renkei.url}/console/members/{target.id}")
    await expect(page.locator('[data-part="phone"]')).to_contain_text(target.phone or T.NOT_SET)
    await page.get_by_role("link", name=T.CONSOLE_MEMBER_MAKE_STAFF).click()
    await expect(page.locator('[data-part="confirm"]')).to_contain_text(
        T.CONSOLE_MEMBER_CONFIRM["staff_on"].format(name=target.name))
    assert not (await console_db.member(target.line_user_id)).is_staff  # asked, not yet done
    await screenshot(page, "console-member-confirm")
    await page.get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_MEMBER_DONE["staff_on"])
    assert (await console_db.member(target.line_user_id)).is_staff
    [entry] = await console_db.audit("member.staff_on")
    assert (entry.door, entry.actor_member_id, entry.target_id, entry.origin) == (
        "console", demo_staff.member.id, target.id, "127.0.0.1")

    await page.get_by_role("link", name=T.CONSOLE_NAV_AUDIT).click()
    await page.locator('select[name="action"]').select_option("member.")
    row = page.locator(f'tr[data-entry="{entry.id}"]')
    await expect(row).to_contain_text(T.AUDIT_ACTIONS["member.staff_on"])
    await expect(row).to_contain_text(target.name)
    await expect(row).to_contain_text(T.AUDIT_DOORS["console"])
    await expect(page.locator("table.audit tbody tr")).to_have_count(1)
    await screenshot(page, "console-audit")

    async with page.expect_download() as download:
        await page.get_by_role("button", name=T.CONSOLE_AUDIT_EXPORT).click()
    path = await (await download.value).path()
    text = open(path, encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == T.CONSOLE_AUDIT_CSV_HEADERS
    assert [r[3] for r in rows[1:]] == [T.AUDIT_ACTIONS["member.staff_on"]]
    [export] = await console_db.audit("audit.export")
    assert export.details == {"rows": 1, "action": "member."} and export.door == "console"
    await page.context.close()


async def test_the_last_staff_member_cannot_step_down(local_renkei, staff_member, console_db, browser):
    page = await open_signed_in(browser, local_renkei, console_db, staff_member.member.id)
    await page.goto(f"{local_renkei.url}/console/members/{staff_member.member.id}?confirm=staff_off")
    await page.get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".problem")).to_have_text(T.CONSOLE_MEMBER_REFUSED["last_staff"])
    assert (await console_db.member(staff_member.user_id)).is_staff
    assert await console_db.audit("member.staff_off") == []
    await page.context.close()


async def test_invite_codes_created_with_a_qr_and_revoked(local_renkei, demo_staff, console_db, browser, screenshot):
    page = await open_signed_in(browser, local_renkei, console_db, demo_staff.member.id)
    await page.get_by_role("link", name=T.CONSOLE_NAV_INVITES).click()
    await page.get_by_label(T.CONSOLE_INVITE_ORG).select_option(label="NPO法人 みなと子ども食堂ネット")
    await page.get_by_label(T.CONSOLE_INVITE_USES).fill("3")
    await page.get_by_role("button", name=T.CONSOLE_INVITE_CREATE).click()
    [invite] = await console_db.scalars(select(Invite).order_by(Invite.id.desc()).limit(1))
    assert invite.max_uses == 3 and not invite.is_staff and invite.organization_id
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_INVITE_CREATED.format(code=invite.code))
    card = page.locator(f'[data-invite="{invite.id}"]')
    await expect(card.locator(".code")).to_have_text(invite.code)
    await expect(card.locator(".qr svg")).to_be_visible()
    assert await card.locator(".qr").get_attribute("title") == "https://line.me/R/ti/p/%40renkei-demo"
    await expect(card).to_contain_text(T.CONSOLE_INVITE_LEFT.format(left=3, max=3))
    await screenshot(page, "console-invites")
    [created] = await console_db.audit("invite.create")
    assert (created.door, created.target_id, created.details) == ("console", invite.id,
                                                                  {"staff": False, "uses": 3, "days": 14})

    await card.get_by_role("link", name=T.CONSOLE_INVITE_REVOKE).click()
    await page.locator(f'[data-invite="{invite.id}"]').get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_INVITE_REVOKED.format(code=invite.code))
    await expect(page.locator(f'table.past-invites [data-invite="{invite.id}"]')).to_contain_text(
        T.CONSOLE_INVITE_PROBLEMS["revoked"])
    [revoked] = await console_db.audit("invite.revoke")
    assert (revoked.door, revoked.target_id) == ("console", invite.id)
    assert (await console_db.scalars(select(Invite).where(Invite.id == invite.id)))[0].revoked_at is not None
    await page.context.close()


async def test_the_console_on_a_phone(local_renkei, demo_staff, console_db, browser, screenshot):
    page = await open_signed_in(browser, local_renkei, console_db, demo_staff.member.id, width=390, height=844)
    await screenshot(page, "console-phone-home")
    await page.get_by_role("link", name=T.CONSOLE_NAV_MEMBERS).click()
    await expect(page.locator("table.members")).to_be_visible()
    # The page itself does not scroll sideways; only the tables do, inside their frame.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await screenshot(page, "console-phone-members")
    await page.get_by_role("link", name=T.CONSOLE_NAV_INVITES).click()
    await screenshot(page, "console-phone-invites")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.context.close()
