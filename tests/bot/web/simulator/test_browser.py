"""The simulator in a real headless Chromium: people tap through registration, a contact check and a
meeting poll, and what one person is sent reaches the others' tabs without a reload."""

import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import expect
from sqlalchemy import select

from bot.demo.personas import persona
from bot.texts import catalog as T
from db.models import Area, ContactCheckTarget, Invite, Meeting, MeetingAnswer, Member, MemberArea

TIMEOUT = 10_000  # ms: what a person would wait at most for the bot


class Screen:
    """The simulator page as a person using it sees it."""

    def __init__(self, page) -> None:
        self.page = page

    async def open(self, url: str) -> "Screen":
        await self.page.goto(url)
        await expect(self.page.locator(".simulator.live")).to_be_visible(timeout=TIMEOUT)
        return self

    def chat(self, key: str):
        return self.page.locator(f"#chat-{persona(key).user_id}")

    async def switch(self, key: str) -> None:
        await self.page.locator(f'[data-tab="{persona(key).user_id}"]').click()

    async def follow(self, key: str) -> None:
        await self.switch(key)
        await self.chat(key).locator(".follow").click()

    async def say(self, key: str, text: str) -> None:
        box = self.chat(key).locator("input[name=text]")
        await box.fill(text)
        await box.press("Enter")
        await self.expect_mine(key, text)

    async def expect_mine(self, key: str, text: str) -> None:
        await expect(self.chat(key).locator(".entry.mine .bubble").last).to_have_text(text, timeout=TIMEOUT)

    async def expect_bot(self, key: str, text: str) -> None:
        """The bot's latest message in this person's chat contains `text`."""
        await expect(self.chat(key).locator(".entry.theirs .content").last).to_contain_text(text, timeout=TIMEOUT)

    def quick(self, key: str, label: str):
        return self.chat(key).locator(".quick .chip", has_text=label).first

    async def press(self, key: str, label: str) -> str:
        """Tap a quick reply; returns its key, which no other button has."""
        chip = self.quick(key, label)
        await expect(chip).to_be_visible(timeout=TIMEOUT)
        action = await chip.get_attribute("data-action")
        await chip.click()
        return action


async def new_screen(browser, local) -> Screen:
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    return await Screen(page).open(local.page_url)


async def test_a_member_registers_by_typing_and_tapping(local_renkei, seed, browser, screenshot):
    code = await seed.invite()
    await seed.areas("北地区", "中央地区")
    screen = await new_screen(browser, local_renkei)
    await screen.follow("npo")
    await screen.expect_bot("npo", "招待コード")
    await screen.say("npo", code)
    await screen.expect_bot("npo", "名前")
    await screen.say("npo", "山田 花子")
    await screen.press("npo", "防災")
    await expect(screen.quick("npo", "✓防災")).to_be_visible(timeout=TIMEOUT)
    await screen.press("npo", T.DONE)
    await screen.press("npo", T.ROLE_PRIMARY)
    await screen.press("npo", "北地区")
    await expect(screen.quick("npo", "✓北地区")).to_be_visible(timeout=TIMEOUT)
    await screen.press("npo", T.DONE)
    await screen.press("npo", "人手")
    await screen.press("npo", T.DONE)
    await screen.say("npo", "週末のイベントの運営")
    await screen.press("npo", "会場")
    await screen.press("npo", T.DONE)
    await screen.press("npo", T.SKIP)
    await screen.say("npo", "子ども食堂を月2回")
    await screen.press("npo", T.SKIP)
    await screen.say("npo", "調理場の貸出")
    await screenshot(screen.page, "registration-confirm")
    await screen.press("npo", T.CONFIRM_REGISTER)
    await screen.expect_bot("npo", T.REGISTERED.split("。")[0])
    await screenshot(screen.page, "registration-done")
    [member] = await seed.scalars(select(Member).where(Member.line_user_id == persona("npo").user_id))
    assert member.name == "山田 花子" and member.fields == ["防災"] and member.area is None
    [area] = await seed.scalars(select(Area.name).join(MemberArea, MemberArea.area_id == Area.id)
                                .where(MemberArea.member_id == member.id))
    assert area == "北地区"


async def test_the_start_panel_hints_newcomers_and_lists_a_code_as_soon_as_it_is_issued_in_a_chat(
        local_renkei, seed, browser, screenshot):
    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    panel = screen.page.locator(".people-panel")
    await expect(panel).to_contain_text(T.SIM_HINT)
    await expect(panel).to_contain_text(T.SIM_HINT_INVITE)
    invites = screen.page.locator("#invites")
    await expect(invites).to_have_text(T.SIM_INVITES_NONE)
    await screen.switch("staff")
    hint = screen.chat("staff").locator(".chat-hint")
    await expect(hint).to_have_text(T.SIM_CHAT_HINT)  # a member's chat with nothing in it yet says what to send
    await expect(hint).to_be_visible()
    await screenshot(screen.page, "start-hints")
    await screen.say("staff", T.INVITE_ISSUE)
    await expect(hint).to_be_hidden()
    await screen.press("staff", "NPO法人 みどりの会")
    await screen.press("staff", T.INVITE_FOR_MEMBER)
    issued = T.INVITE_ISSUED.split("（")[0].format(org="NPO法人 みどりの会", kind=T.INVITE_FOR_MEMBER)
    await expect(screen.chat("staff").locator(".entry.theirs .content", has_text=issued)).to_be_visible(
        timeout=TIMEOUT)
    [code] = await seed.scalars(select(Invite.code))
    await screen.expect_bot("staff", code)
    await expect(invites.locator("li")).to_have_count(1, timeout=TIMEOUT)  # no reload: the page is the same one
    await expect(invites.locator("li code")).to_have_text(code)
    await expect(invites).to_contain_text("NPO法人 みどりの会")
    await screenshot(screen.page, "invite-listed")
    # The bubble's time is the product's (Asia/Tokyo), as the bot's own texts write times.
    shown = await screen.chat("staff").locator(".entry.theirs time").last.text_content()
    tokyo = datetime.now(ZoneInfo("Asia/Tokyo"))
    assert shown in {f"{tokyo:%H:%M}", f"{tokyo - timedelta(minutes=1):%H:%M}"}


async def test_a_contact_check_reaches_other_tabs_live_and_is_answered_with_the_card(local_renkei, seed, browser,
                                                                                     screenshot):
    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    await screen.switch("staff")
    await screen.say("staff", T.CHECK)
    await screen.press("staff", T.SEGMENT_ALL)
    await screen.press("staff", T.CHECK_REAL)
    await screen.press("staff", T.CHECK_START)
    # The NPO lead's tab, not shown, lights up and the phone's notification shows the card's alt text.
    npo_tab = screen.page.locator(f'[data-tab="{persona("npo").user_id}"] .badge')
    await expect(npo_tab).to_be_visible(timeout=TIMEOUT)
    await expect(screen.page.locator(".toast", has_text=T.CHECK_HEADER).first).to_be_visible(timeout=TIMEOUT)
    await screenshot(screen.page, "contact-check-notification")
    await screen.switch("npo")
    await expect(npo_tab).to_be_hidden()
    card = screen.chat("npo").locator(".flex-bubble").last
    await expect(card).to_contain_text(T.CHECK_HEADER)
    await card.locator(".flex-button", has_text="無事").click()
    await screen.expect_mine("npo", "無事")  # the button's displayText, as LINE shows it
    used = await screen.press("npo", "なし")
    await expect(screen.page.locator(f'[data-action="{used}"]')).to_have_count(0)
    await screenshot(screen.page, "contact-check-answered")
    [target] = await seed.scalars(select(ContactCheckTarget).where(
        ContactCheckTarget.line_user_id == persona("npo").user_id))
    assert target.status == "safe" and target.first_status == "safe"


async def test_a_quick_reply_is_on_the_last_message_only_and_gone_after_a_tap(local_renkei, seed, browser):
    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    await screen.switch("company")
    await screen.say("company", T.HELP)
    first = await screen.press("company", T.PROFILE)
    await expect(screen.page.locator(f'[data-action="{first}"]')).to_have_count(0, timeout=TIMEOUT)
    # Every chip on the page belongs to the one bar under the last message.
    await expect(screen.chat("company").locator(".log .chip")).to_have_count(0)
    assert await screen.chat("company").locator(".quick .chip").count() <= 13


async def test_a_meeting_slot_is_picked_with_the_date_time_picker(local_renkei, seed, browser, screenshot):
    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    await screen.switch("staff")
    await screen.say("staff", T.MEETING)
    await screen.say("staff", "12月 推進会議")
    await screen.press("staff", T.PICK_SLOT)
    picker = screen.page.locator("#picker-input")
    await expect(picker).to_be_visible()
    assert await picker.get_attribute("type") == "datetime-local"
    tokyo = ZoneInfo("Asia/Tokyo")
    slot = (datetime.now(tokyo) + timedelta(days=3)).replace(hour=14, minute=0)
    await picker.fill(slot.strftime("%Y-%m-%dT%H:%M"))
    await screenshot(screen.page, "meeting-picker")
    await screen.page.locator("#picker button.primary").click()
    await screen.press("staff", "1時間")
    # The slot is said back in the first of two bubbles (the question comes last), so look for that bubble.
    added = T.SLOT_ADDED.format(slot=f"{slot.month}/{slot.day}")
    await expect(screen.chat("staff").locator(".entry.theirs .content", has_text=added).last).to_be_visible(
        timeout=TIMEOUT)
    await screen.press("staff", T.DONE)
    await screen.press("staff", T.SEGMENT_ALL)
    await screen.press("staff", T.DEADLINE_TOMORROW)
    await screen.press("staff", T.MEETING_SEND)
    await screen.switch("university")
    card = screen.chat("university").locator(".flex-bubble", has_text=T.MEETING_CARD_HEADER).last
    await expect(card).to_be_visible(timeout=TIMEOUT)
    await card.locator(".flex-button", has_text="○").first.click()
    await expect(screen.chat("university").locator(".entry.mine .bubble").last).to_contain_text(
        f"{slot.month}/{slot.day}", timeout=TIMEOUT)  # the button's displayText
    await expect(screen.chat("university").locator(".entry.theirs").last).not_to_contain_text(
        T.MEETING_CARD_HELP, timeout=TIMEOUT)  # the bot answered the vote
    await screenshot(screen.page, "meeting-card")
    [meeting] = await seed.scalars(select(Meeting))
    assert meeting.title == "12月 推進会議"
    [vote] = await seed.scalars(select(MeetingAnswer))
    assert vote.choice == "yes"


async def test_a_group_chat_with_the_bot_and_two_people(local_renkei, seed, browser, screenshot):
    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    form = screen.page.locator(".group-form")
    for key in ("company", "university"):
        await form.locator(f'input[value="{key}"]').uncheck()
    await form.locator("button[type=submit]").click()
    group = screen.page.locator(".chat.group:not([hidden])")
    await expect(group.locator(".entry.theirs").first).to_contain_text(T.GROUP_JOINED[:8], timeout=TIMEOUT)
    assert await group.locator("select[name=person] option").count() == 2
    await group.locator("select[name=person]").select_option("npo")
    await group.locator("input[name=text]").fill(T.HELP)
    await group.locator("input[name=text]").press("Enter")
    await expect(group.locator(".entry.mine .sender").last).to_have_text(persona("npo").label)
    await expect(group.locator(".entry.theirs").last).to_contain_text(T.GROUP_HELP[:30], timeout=TIMEOUT)
    await screenshot(screen.page, "group-chat")


async def test_a_kpi_chart_is_an_image_the_app_serves_itself(local_renkei, seed, browser, screenshot):
    await seed.personas_as_members()
    await seed.kpi_with_reports()
    screen = await new_screen(browser, local_renkei)
    await screen.switch("staff")
    await screen.say("staff", T.KPI)
    chart = screen.chat("staff").locator(".bubble.image img").last
    await expect(chart).to_be_visible(timeout=TIMEOUT)
    await screen.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await chart.element_handle())
    assert await chart.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [480, 320]
    assert (await chart.get_attribute("src")).startswith(local_renkei.url + "/kpi/")
    await screenshot(screen.page, "kpi-chart")


async def test_the_demo_partnership_is_loaded_from_the_page_and_its_people_are_members(local_renkei, browser,
                                                                                      screenshot):
    screen = await new_screen(browser, local_renkei)
    await screen.page.get_by_role("button", name=T.SIM_LOAD_DEMO).click()
    await expect(screen.page.get_by_role("button", name=T.SIM_LOAD_DEMO)).to_have_count(0, timeout=TIMEOUT)
    await expect(screen.page.locator(".simulator.live")).to_be_visible(timeout=TIMEOUT)
    await screen.switch("staff")
    await screen.say("staff", T.KPI)
    summary = screen.chat("staff").locator(".entry.theirs .content", has_text=T.KPI_SUMMARY_HEADER)
    await expect(summary.last).to_contain_text("子ども食堂の参加者数", timeout=TIMEOUT)
    charts = screen.chat("staff").locator(".bubble.image img")
    await expect(charts).to_have_count(4, timeout=TIMEOUT)  # the first four KPIs' charts, as the summary says
    loaded = "imgs => imgs.length === 4 && imgs.every(img => img.complete && img.naturalWidth > 0)"
    await screen.page.wait_for_function(
        f"() => ({loaded})([...document.querySelectorAll('#chat-{persona('staff').user_id} .bubble.image img')])",
        timeout=TIMEOUT)
    await screenshot(screen.page, "demo-kpi")
    await screen.switch("company")
    await screen.say("company", T.HELP)
    await screen.expect_bot("company", T.HELP_TEXT)  # a member's menu, not the request for an invite code
    again = await screen.page.request.post(local_renkei.url + "/simulator/demo")
    assert T.SIM_DEMO_REFUSED in await again.text()


async def test_one_more_person_is_added_with_a_click_and_is_greeted(local_renkei, browser):
    screen = await new_screen(browser, local_renkei)
    await screen.page.get_by_role("button", name=T.SIM_ADD_PERSON).click()
    newcomer = screen.page.locator(".chat:not([hidden])")
    await expect(screen.page.locator(".tab.active")).to_have_text(T.SIM_GUEST_NAME.format(n=5), timeout=TIMEOUT)
    await newcomer.locator(".follow").click()
    await expect(newcomer.locator(".entry.theirs").first).to_contain_text(T.WELCOME.split("。")[0], timeout=TIMEOUT)
    await newcomer.locator(".unfollow").click()
    await expect(newcomer.locator(".follow")).to_be_visible()
    assert len(local_renkei.simulator.people) == 5


async def test_flex_layout_is_drawn_as_line_lays_it_out(browser, screenshot):
    """The renderer's markup with the page's style: rows side by side, columns stacked, button heights."""
    from pathlib import Path

    from bot.web.simulator.flex import FlexRenderer
    from tests.bot.web.simulator.test_page import CAROUSEL

    css = (Path(__file__).resolve().parents[4] / "bot/web/static/simulator.css").read_text()
    # An image drawn in place: the browser, too, stays on this machine.
    hero = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='20' height='13'/>"
    html = FlexRenderer(lambda action: "k").message(CAROUSEL).replace("https://example.org/a.png", hero)
    page = await browser.new_page(viewport={"width": 420, "height": 760})
    await page.set_content(f'<html lang="ja"><style>{css}</style><body><div class="phone"><div class="chat">'
                           f'<div class="log"><div class="content">{html}</div>'
                           f'<div class="bubble text">改行も\n絵文字も 🎉</div></div></div></div></body></html>')
    box = {name: await page.locator(selector).first.bounding_box() for name, selector in {
        "first": ".flex-bubble", "second": ".flex-bubble >> nth=1", "label": "text=日時",
        "value": "text=会議室", "primary": "text=参加", "secondary": "text=不参加", "text": ".bubble.text"}.items()}
    assert box["second"]["x"] > box["first"]["x"] + box["first"]["width"]  # a carousel runs sideways
    assert box["first"]["width"] == 260  # kilo
    assert box["label"]["x"] < box["value"]["x"] and box["value"]["width"] > 3 * box["label"]["width"]  # flex 1:4
    assert box["primary"]["height"] == 40 and box["secondary"]["height"] == 52  # height sm, md
    assert box["secondary"]["y"] >= box["primary"]["y"] + 40  # a vertical box stacks
    assert box["text"]["height"] > 40  # the line break is kept
    await screenshot(page, "flex-layout")
    await page.close()


def test_a_japanese_font_is_installed():
    """Without one, the page (and the KPI charts) would show boxes instead of Japanese."""
    found = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
    assert found.strip(), "no font with Japanese glyphs (make test installs fonts-noto-cjk)"


async def test_staff_open_the_admin_menu_and_make_a_partner_staff(local_renkei, seed, browser, screenshot):
    from db.models import AuditEntry, Member

    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    await screen.switch("staff")
    await screen.say("staff", T.HELP)
    await screen.press("staff", T.ADMIN)
    await screen.expect_bot("staff", T.ADMIN_MENU)
    await expect(screen.chat("staff").locator(".quick .chip")).to_have_count(8, timeout=TIMEOUT)  # 管理画面 last
    await screenshot(screen.page, "admin-menu")
    await screen.press("staff", T.MEMBER_MANAGE)
    await screen.press("staff", "NPO法人 みどりの会")
    await screen.press("staff", persona("npo").display_name)
    await screen.press("staff", T.MEMBER_ACTION_LABELS["staff_on"])
    await screen.expect_bot("staff", "よろしいですか？")
    await screenshot(screen.page, "admin-confirm")
    await screen.press("staff", T.MEMBER_CONFIRM_OK)
    await screen.expect_bot("staff", T.MEMBER_DONE["staff_on"].format(name=persona("npo").display_name))
    [npo] = await seed.scalars(select(Member).where(Member.line_user_id == persona("npo").user_id))
    assert npo.is_staff
    assert [e.action for e in await seed.scalars(select(AuditEntry))] == ["member.staff_on"]
    await screen.switch("npo")
    await screen.expect_bot("npo", T.MEMBER_TOLD["staff_on"])
