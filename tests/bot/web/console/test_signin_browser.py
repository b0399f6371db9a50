"""Signing in to the console in a real headless Chromium: from the simulator's LINE chat, with a link
opened twice, and on a phone-sized screen."""

from datetime import UTC, datetime, timedelta

from playwright.async_api import expect

from bot.demo.personas import persona
from bot.texts import catalog as T
from db.members import set_staff
from tests.bot.web.console.conftest import OPERATOR
from tests.bot.web.simulator.test_browser import TIMEOUT, Screen


async def test_the_secretariat_opens_the_console_from_the_simulator(local_renkei, staff_member, browser, screenshot,
                                                                    console_db):
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    screen = await Screen(await context.new_page()).open(local_renkei.page_url)
    await screen.switch("staff")
    await screen.say("staff", T.CONSOLE_COMMAND)
    await screen.expect_bot("staff", T.CONSOLE_LINK_TEXT.format(minutes=10))
    button = screen.chat("staff").locator("[data-uri]", has_text=T.CONSOLE_LINK_BUTTON).last
    async with context.expect_page() as opened:
        await button.click()
    console = await opened.value
    await console.wait_for_url(f"{local_renkei.url}/console", timeout=TIMEOUT)
    await expect(console.locator("h1")).to_have_text(T.CONSOLE_HOME_TITLE)
    await expect(console.locator(".who")).to_have_text(T.CONSOLE_SIGNED_IN_AS.format(name=staff_member.member.name))
    await screenshot(console, "console-home-from-simulator")
    cookie = next(c for c in await context.cookies() if c["name"] == "renkei_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # http in local mode

    # The same link a second time, in another tab: refused, saying what to do.
    link = await button.get_attribute("data-uri")
    again = await context.new_page()
    await again.goto(link)
    await expect(again.locator(".problem")).to_have_text(T.CONSOLE_LINK_PROBLEMS["used"])
    await expect(again.locator(".signin")).to_contain_text(T.CONSOLE_LINK_AGAIN)
    await screenshot(again, "console-link-used")
    await context.close()


async def test_signing_out_on_a_phone(signed_in_page, browser, local_renkei, staff_member, console_db, screenshot):
    page = signed_in_page
    await page.set_viewport_size({"width": 390, "height": 844})
    await screenshot(page, "console-home-phone")
    await page.get_by_role("button", name=T.CONSOLE_SIGN_OUT).click()
    await page.wait_for_url(f"{local_renkei.url}/console/signin?out=1")
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_SIGNED_OUT)
    await page.goto(f"{local_renkei.url}/console")
    await page.wait_for_url(f"{local_renkei.url}/console/signin")  # the cookie is gone too
    assert [e.door for e in await console_db.audit("console.sign_out")] == ["console"]


async def test_an_expired_link_says_what_to_do(local_renkei, staff_member, browser, console_db, screenshot):
    link = await console_db.link(local_renkei.url, staff_member.member.id,
                                 now=datetime.now(UTC) - timedelta(minutes=11))
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="ja-JP")
    response = await page.goto(link)
    assert response.status == 410
    await expect(page.locator(".problem")).to_have_text(T.CONSOLE_LINK_PROBLEMS["expired"])
    await expect(page.locator(".signin")).to_contain_text(T.CONSOLE_LINK_AGAIN)
    await screenshot(page, "console-link-expired-phone")
    await page.goto(f"{local_renkei.url}/console")
    await expect(page).to_have_url(f"{local_renkei.url}/console/signin")
    await page.close()


async def test_a_form_without_its_token_is_refused(signed_in_page, local_renkei, staff_member, console_db):
    page = signed_in_page
    forged = await page.request.post(f"{local_renkei.url}/console/members/{staff_member.member.id}/staff",
                                     form={"make": "0"})
    assert forged.status == 403 and T.CONSOLE_CSRF_REFUSED in await forged.text()
    forged = await page.request.post(f"{local_renkei.url}/console/signout", form={"csrf_token": "guessed"})
    assert forged.status == 403
    assert (await console_db.member(staff_member.user_id)).is_staff
    await page.reload()
    await expect(page.locator("h1")).to_have_text(T.CONSOLE_HOME_TITLE)  # still signed in


async def test_a_member_taken_off_staff_is_signed_out_at_the_next_request(signed_in_page, local_renkei, staff_member,
                                                                          console_db, browser):

    page = signed_in_page
    other = await console_db.member(persona("npo").user_id)

    async def hand_over(session):
        await set_staff(session, member_id=other.id, staff=True, actor=OPERATOR, now=datetime.now(UTC))
        await set_staff(session, member_id=staff_member.member.id, staff=False, actor=OPERATOR, now=datetime.now(UTC))

    await console_db.run(hand_over)
    await page.get_by_role("link", name=T.CONSOLE_NAV_MEMBERS).click()
    await expect(page).to_have_url(f"{local_renkei.url}/console/signin?ended=1")
    await expect(page.locator(".notice")).to_have_text(T.CONSOLE_SESSION_ENDED)
