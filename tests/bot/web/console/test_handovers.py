"""A contact's handover (引継ぎ) from the console, in a real browser on the real app with a hand-moved clock: to
a member of the organization (confirmed first, the role and what waited moving, the successor's summary, the
partners and the departing member told through the fake LINE, the audit log), through a handover invite that a
signed registration webhook completes, undone within a day and refused after, refusals that change nothing, and
the organizations' flags from the same rules as the weekly note."""

import asyncio
import socket
import time
from datetime import date, time as dt_time, timedelta
from urllib.parse import urlencode

import pytest
import uvicorn
from playwright.async_api import expect
from sqlalchemy import select, update

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.access import create_agreement
from db.models import AuditEntry, Handover, HandoverStatus, Invite, Member, MemberStatus, OrgType
from tests.bot.web.console.conftest import ConsoleDatabase
from tests.handlers.test_registration import register
from tests.harness import BotHarness
from tests.seed import Seed, partnership

BASIC_ID = "@renkei-test"
NPO = "NPO法人 みどりの会"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def served(database_url, fake_line, clock, monkeypatch):
    """The real app (signed webhooks, the fake LINE, the hand-moved clock), also served on a loopback port in
    this event loop for the browser, with the bot's basic ID known so that invite codes get their QR."""
    monkeypatch.setenv("LINE_BOT_BASIC_ID", BASIC_ID)
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        bot.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(bot.app, lifespan="off", log_level="warning", access_log=False,
                                               timeout_graceful_shutdown=1))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            assert not serving.done(), "the app did not start on its port"
            await asyncio.sleep(0.01)
        bot.db = ConsoleDatabase(database_url)
        bot.people = await partnership(bot)
        bot.people["heir"] = await Seed(bot).member("NPO 後任", org=NPO, role="member", fields=("子育て",))
        bot.ids = {key: (await member(bot, user)).id for key, user in bot.people.items()}
        orgs = [(await member(bot, bot.people[key])).organization_id for key in ("staff", "npo", "company")]
        async with bot.runtime.sessions() as session, session.begin():  # the NPO's partners: the city and the company
            await create_agreement(session, name="みどりのまち協定", organization_ids=orgs,
                                   start_date=date(2026, 4, 1), end_date=None, review_date=None, now=bot.clock.now(),
                                   reminder_time=dt_time(9, 0), tz=bot.settings.tz,
                                   review_text=T.AGREEMENT_REVIEW_REMINDER)
        try:
            yield bot
        finally:
            server.should_exit = True
            await serving
            await bot.db.engine.dispose()


async def member(bot, user: str) -> Member:
    return await bot.one(Member, Member.line_user_id == user)


async def signed_in(browser, bot, **viewport):
    """A Chromium page on the console's home, signed in as the staff member through a link of the clock's time."""
    context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="ja-JP")
    page = await context.new_page()
    await page.goto(await bot.db.link(bot.url, bot.ids["staff"], now=bot.clock.now()))
    await page.wait_for_url(f"{bot.url}/console")
    return page


async def until(condition, what: str, within: float = 5.0) -> None:
    """Wait for the app's background delivery (it runs in this event loop) to reach the fake LINE."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.02)


async def actions(bot, prefix: str = "handover.") -> list[AuditEntry]:
    return await bot.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id))


def summary_to(bot, user: str, before: str, role: str = "主担当") -> int:
    """How many times `user` got the successor's summary (the text and the material's carousel)."""
    text = T.HANDOVER_TO_SUCCESSOR.format(before=before, org=NPO, role=role)
    carousels = [m for m in bot.messages_to(user) if m.get("type") == "flex"
                 and m["altText"] == T.HANDOVER_ALT.format(org=NPO)]
    assert len(carousels) == bot.texts_to(user).count(text)
    return len(carousels)


async def test_staff_hand_over_to_a_member_confirm_and_undo_it(served, browser, screenshot):
    bot = served
    npo, heir, company, staff = (bot.people[k] for k in ("npo", "heir", "company", "staff"))
    page = await signed_in(browser, bot)
    await page.goto(f"{bot.url}/console/members/{bot.ids['npo']}")
    card = page.locator('[data-part="handover"]')
    await expect(card).to_contain_text(T.CONSOLE_HANDOVER_HOW.format(role="主担当"))
    # Deputies first, the usual heir; someone not yet registered last.
    assert await card.locator("select[name=successor] option").all_inner_texts() == [
        "NPO 副担当（副担当）", "NPO 後任（メンバー）", T.CONSOLE_HANDOVER_NEW_PERSON]
    await screenshot(page, "console-handover-start")
    phone = await signed_in(browser, bot, **PHONE)
    await phone.goto(page.url)
    await expect(phone.locator('[data-part="handover-start"] select')).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await screenshot(phone, "console-phone-handover-start")
    await phone.context.close()
    await card.get_by_label(T.CONSOLE_HANDOVER_SUCCESSOR).select_option(label="NPO 後任（メンバー）")
    await card.get_by_role("button", name=T.CONSOLE_HANDOVER_NEXT).click()
    confirm = page.locator('[data-part="confirm"]')
    await expect(confirm).to_contain_text(T.CONSOLE_HANDOVER_CONFIRM.format(before="NPO 代表", role="主担当", org=NPO,
                                                                            after="NPO 後任"))
    await expect(card).to_have_count(0)  # one thing at a time
    assert (await member(bot, heir)).role == "member" and await bot.scalars(select(Handover)) == []  # asked only
    await screenshot(page, "console-handover-confirm")

    await confirm.get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_HANDOVER_DONE["handover"])
    assert (await member(bot, heir)).role == "primary" and (await member(bot, npo)).role == "member"
    handover = await bot.one(Handover)
    assert (handover.status, handover.door, handover.started_by_member_id, handover.to_member_id) == (
        HandoverStatus.done, "console", bot.ids["staff"], bot.ids["heir"])
    start, complete = await actions(bot)
    assert [(e.action, e.door, e.actor_member_id, e.target_id, e.origin) for e in (start, complete)] == [
        ("handover.start", "console", bot.ids["staff"], bot.ids["npo"], "127.0.0.1"),
        ("handover.complete", "console", bot.ids["staff"], bot.ids["npo"], "127.0.0.1")]
    assert complete.details["successor"] == bot.ids["heir"]

    # What 引継ぎ in LINE sends: the summary to the successor, the partners told, the departing member asked.
    told = T.HANDOVER_PARTNER_TOLD.format(org=NPO, role="主担当", before="NPO 代表", after="NPO 後任")
    await until(lambda: told in bot.texts_to(company) and told in bot.texts_to(staff)
                and bot.texts_to(npo) and summary_to(bot, heir, "NPO 代表"), "the handover's messages")
    assert summary_to(bot, heir, "NPO 代表") == 1
    assert bot.texts_to(company).count(told) == 1
    assert bot.last_text(npo) == T.HANDOVER_TO_DEPARTING.format(org=NPO, role="主担当", after="NPO 後任")
    assert bot.quick_labels(npo) == [T.HANDOVER_STAY, T.HANDOVER_LEAVE]
    assert bot.messages_to(bot.people["npo_deputy"]) == []

    line = page.locator(f'[data-handover="{handover.id}"]')
    await expect(line).to_contain_text(T.CONSOLE_HANDOVER_LINE.format(when="11/24(火) 10:00", before="NPO 代表",
                                                                     after="NPO 後任", role="主担当"))
    await expect(line).to_contain_text(T.CONSOLE_HANDOVER_STATES["done"])
    await expect(line).to_contain_text(T.CONSOLE_HANDOVER_UNDO_UNTIL.format(when="11/25(水) 10:00"))
    await screenshot(page, "console-handover-done")
    phone = await signed_in(browser, bot, **PHONE)
    await phone.goto(page.url)
    await expect(phone.locator(f'[data-handover="{handover.id}"]')).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await screenshot(phone, "console-phone-handover-done")
    await phone.context.close()

    await bot.press(npo, T.HANDOVER_STAY)  # the departing member answers in LINE; the page says so
    await page.reload()
    await expect(line).to_contain_text(T.CONSOLE_HANDOVER_CHOICES["stay"])

    bot.clock.set(bot.clock.now() + timedelta(hours=7))  # later that day (not at night, when pushes wait)
    await page.context.close()
    page = await signed_in(browser, bot)
    await page.goto(f"{bot.url}/console/members/{bot.ids['heir']}")  # the successor's page shows it too
    await page.locator(f'[data-handover="{handover.id}"]').get_by_role("link", name=T.CONSOLE_HANDOVER_UNDO).click()
    confirm = page.locator('[data-part="confirm"]')
    await expect(confirm).to_contain_text(T.CONSOLE_HANDOVER_UNDO_CONFIRM.format(before="NPO 代表", after="NPO 後任",
                                                                                 role="主担当"))
    assert (await member(bot, heir)).role == "primary"
    await confirm.get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_HANDOVER_DONE["handover_undone"])
    assert (await member(bot, npo)).role == "primary" and (await member(bot, heir)).role == "member"
    assert (await bot.one(Handover)).status == HandoverStatus.undone
    [undone] = await actions(bot, "handover.undo")
    assert (undone.door, undone.actor_member_id, undone.target_id) == ("console", bot.ids["staff"], bot.ids["npo"])
    back = T.HANDOVER_UNDONE_TO_SUCCESSOR.format(org=NPO, role="主担当", before="NPO 代表")
    await until(lambda: back in bot.texts_to(heir), "the successor told of the undo")
    await until(lambda: T.HANDOVER_UNDONE_TO_PARTNER.format(org=NPO, before="NPO 代表") in bot.texts_to(company),
                "the partners told of the undo")
    line = page.locator(f'[data-handover="{handover.id}"]')
    await expect(line).to_contain_text(T.CONSOLE_HANDOVER_STATES["undone"])
    await expect(line.get_by_role("link", name=T.CONSOLE_HANDOVER_UNDO)).to_have_count(0)
    await screenshot(page, "console-handover-undone")
    await page.context.close()


async def test_a_successor_not_yet_registered_gets_an_invite_that_completes_the_handover(served, browser, screenshot):
    bot = served
    npo = bot.people["npo"]
    page = await signed_in(browser, bot)
    await page.goto(f"{bot.url}/console/members/{bot.ids['npo']}")
    await page.get_by_label(T.CONSOLE_HANDOVER_SUCCESSOR).select_option("0")
    await page.get_by_role("button", name=T.CONSOLE_HANDOVER_NEXT).click()
    await expect(page.locator('[data-part="confirm"]')).to_contain_text(
        T.CONSOLE_HANDOVER_CONFIRM_INVITE.format(before="NPO 代表", role="主担当", org=NPO))
    assert await bot.scalars(select(Invite)) == []
    await page.get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_HANDOVER_DONE["handover_invite"])
    invite = await bot.one(Invite)
    handover = await bot.one(Handover)
    assert invite.handover_id == handover.id and handover.status == HandoverStatus.waiting
    shown = page.locator('[data-part="handover-invite"]')
    await expect(shown.locator(".code")).to_have_text(invite.code)
    await expect(shown.locator(".qr svg")).to_be_visible()
    assert await shown.locator(".qr").get_attribute("title") == "https://line.me/R/ti/p/%40renkei-test"
    await expect(shown).to_contain_text(T.CONSOLE_HANDOVER_WAITING.format(role="主担当", when="12/8(火) 10:00"))
    await expect(page.locator('[data-part="handover-start"]')).to_have_count(0)  # one waiting handover at a time
    await screenshot(page, "console-handover-invite")
    phone = await signed_in(browser, bot, **PHONE)
    await phone.goto(page.url)
    await expect(phone.locator('[data-part="handover-invite"] .qr svg')).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await screenshot(phone, "console-phone-handover-invite")
    await phone.context.close()
    assert (await member(bot, npo)).role == "primary"  # until the successor registers
    assert bot.messages_to(npo) == []

    newcomer = ev.new_user_id()
    await register(bot, newcomer, invite.code, name="新 担当", role=None)  # signed webhooks; the role comes with it
    new = await member(bot, newcomer)
    assert (new.role, new.organization_id) == ("primary", (await member(bot, npo)).organization_id)
    assert (await member(bot, npo)).role == "member"
    handover = await bot.one(Handover)
    assert (handover.status, handover.to_member_id) == (HandoverStatus.done, new.id)
    assert summary_to(bot, newcomer, "NPO 代表") == 1
    assert bot.last_text(npo) == T.HANDOVER_TO_DEPARTING.format(org=NPO, role="主担当", after="新 担当")
    assert [(e.action, e.door) for e in await actions(bot)] == [("handover.start", "console"),
                                                                ("handover.complete", "line")]
    await page.reload()
    await expect(page.locator(f'[data-handover="{handover.id}"]')).to_contain_text(
        T.CONSOLE_HANDOVER_LINE.format(when="11/24(火) 10:00", before="NPO 代表", after="新 担当", role="主担当"))
    await expect(page.locator('[data-part="handover-invite"]')).to_have_count(0)
    await page.context.close()


async def test_a_refusal_is_shown_in_japanese_and_changes_nothing(served, browser, screenshot):
    bot = served
    page = await signed_in(browser, bot)
    await page.goto(f"{bot.url}/console/members/{bot.ids['npo']}")
    await page.get_by_label(T.CONSOLE_HANDOVER_SUCCESSOR).select_option(label="NPO 後任（メンバー）")
    await page.get_by_role("button", name=T.CONSOLE_HANDOVER_NEXT).click()
    # Between the confirmation and the tap, the successor leaves the partnership.
    await bot.db.run(lambda s: s.execute(update(Member).where(Member.id == bot.ids["heir"])
                                         .values(status=MemberStatus.left)))
    await page.get_by_role("button", name=T.CONSOLE_CONFIRM_YES).click()
    await expect(page.locator(".problem")).to_have_text(T.HANDOVER_REFUSED["inactive"])
    await screenshot(page, "console-handover-refused")
    assert (await member(bot, bot.people["npo"])).role == "primary"
    assert await bot.scalars(select(Handover)) == [] and await actions(bot) == []
    await page.context.close()


async def post(bot, path: str, csrf: str, **fields):
    return await bot.client.post(path, content=urlencode({"csrf_token": csrf, **fields}), headers=FORM)


async def sign_in_http(bot) -> str:
    """The harness's client signed in as staff at the clock's time; returns the session's CSRF token."""
    link = await bot.db.link("http://renkei.test", bot.ids["staff"], now=bot.clock.now())
    assert (await bot.client.post(link.removeprefix("http://renkei.test"))).status_code == 303
    page = await bot.client.get(f"/console/members/{bot.ids['npo']}")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


async def test_handovers_the_rules_refuse_from_the_console(served):
    bot = served
    ids = bot.ids
    csrf = await sign_in_http(bot)

    async def refused(member_key: str, successor_key: str | None, reason: str) -> None:
        answer = await post(bot, f"/console/members/{ids[member_key]}/handover", csrf,
                            successor=ids[successor_key] if successor_key else 0)
        assert answer.status_code == 303 and answer.headers["location"].endswith(f"handover_refused={reason}")
        assert T.CONSOLE_HANDOVER_REFUSED[reason] in (await bot.client.get(answer.headers["location"])).text

    await refused("heir", "npo", "not-contact")  # a plain member has no role to hand over
    await refused("npo", "company", "other-org")
    await refused("npo", "npo", "same")
    heir_page = (await bot.client.get(f"/console/members/{ids['heir']}")).text
    assert 'data-part="handover-start"' not in heir_page  # nor is one offered
    confirm = (await bot.client.get(f"/console/members/{ids['npo']}",
                                    params={"confirm": "handover", "successor": ids["company"]})).text
    assert T.HANDOVER_REFUSED["other-org"] in confirm and T.CONSOLE_CONFIRM_YES not in confirm
    without_token = await bot.client.post(f"/console/members/{ids['npo']}/handover", data={"successor": ids["heir"]})
    assert without_token.status_code == 403
    assert await bot.scalars(select(Handover)) == [] and await actions(bot) == []

    assert (await post(bot, f"/console/members/{ids['npo']}/handover", csrf, successor=0)).status_code == 303
    await refused("npo", None, "in-progress")  # a second one waits for the first invite
    assert len(await bot.scalars(select(Invite))) == 1

    assert (await post(bot, f"/console/members/{ids['company']}/handover", csrf, successor=0)).status_code == 303
    company_invite = await bot.one(Invite, Invite.organization_id == (await member(bot, bot.people["company"]))
                                   .organization_id)
    newcomer = ev.new_user_id()
    await register(bot, newcomer, company_invite.code, name="新 担当", role=None)
    done = await bot.one(Handover, Handover.status == HandoverStatus.done)
    bot.clock.set(bot.clock.now() + timedelta(days=1, minutes=1))
    csrf = await sign_in_http(bot)
    page = (await bot.client.get(f"/console/members/{ids['company']}")).text
    assert T.CONSOLE_HANDOVER_UNDO not in page.split('data-part="handover"')[1]  # no button once too late
    late = await post(bot, f"/console/members/{ids['company']}/handovers/{done.id}/undo", csrf)
    assert late.headers["location"].endswith("undo_refused=too-late")
    assert T.CONSOLE_HANDOVER_UNDO_REFUSED["too-late"] in (await bot.client.get(late.headers["location"])).text
    assert (await member(bot, newcomer)).role == "primary"
    assert (await post(bot, f"/console/members/{ids['npo']}/handovers/{done.id}/undo", csrf)).status_code == 404
    assert [e.action for e in await actions(bot)].count("handover.undo") == 0


async def test_flags_give_the_weekly_notes_reasons_a_contact_gone_from_line_31_days_ago(served, browser,
                                                                                      screenshot):
    bot = served
    harbour = await Seed(bot).member("港の人", org="港湾組合", org_type=OrgType.association, fields=("観光",))
    await bot.send(ev.unfollow(harbour, timestamp_ms=bot.now_ms()))  # the only contact leaves LINE
    assert (await member(bot, harbour)).status == MemberStatus.inactive

    async def flags_of(page) -> dict[str, list[str]]:
        await page.goto(f"{bot.url}/console/members")
        out = {}
        for row in await page.locator("table.orgs tbody tr").all():
            name = await row.locator("td").first.inner_text()
            out[name] = await row.locator(".flag").all_inner_texts()
        return out

    labels = {key: label.format(days=30) for key, label in T.CONSOLE_ORG_FLAGS.items()}
    bot.clock.set(bot.clock.now() + timedelta(days=29))
    page = await signed_in(browser, bot)
    assert (await flags_of(page))["港湾組合"] == [labels["no_primary"], labels["no_deputy"]]  # not long enough yet
    await page.context.close()

    bot.clock.set(bot.clock.now() + timedelta(days=2))
    page = await signed_in(browser, bot)
    flags = await flags_of(page)
    assert flags == {
        "港湾組合": [labels["no_primary"], labels["no_deputy"], labels["inactive"]],
        "市立大学": [labels["single"], labels["no_deputy"]],  # one member alone
        "NPO法人 みどりの会": [],  # a primary contact and a deputy
        "市役所 企画課": [],  # the secretariat, all staff
        "株式会社 山田建設": [labels["single"], labels["no_deputy"]],
    }
    assert list(flags)[:3] == ["市立大学", "株式会社 山田建設", "港湾組合"]  # flagged first, by name
    await expect(page.locator(".flag-summary")).to_have_text(T.CONSOLE_ORGS_FLAGGED.format(count=3))
    await screenshot(page, "console-members-flags")
    await page.get_by_label(T.CONSOLE_FILTER_STATUS).select_option("inactive")  # the filters still work
    await expect(page.locator("table.members tbody tr")).to_have_count(1)
    await expect(page.locator("table.members tbody tr")).to_contain_text("港の人")
    phone = await signed_in(browser, bot, **PHONE)
    await phone.goto(f"{bot.url}/console/members")
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await screenshot(phone, "console-phone-members-flags")
    await phone.context.close()
    await page.context.close()
