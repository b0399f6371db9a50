"""The rich menu in the simulator: each person's menu under their chat, tapped like the LINE app's."""

from playwright.async_api import expect

from bot.demo.personas import persona
from bot.texts import catalog as T
from handlers.richmenus.layouts import MENUS, STAFF_MEMBER
from tests.bot.web.simulator.test_browser import TIMEOUT, new_screen


def menu_of(screen, key: str):
    return screen.chat(key).locator(f"#menu-{key}")


async def tap(screen, key: str, index: int) -> None:
    await menu_of(screen, key).locator(".richmenu-area").nth(index).click()


async def test_people_tap_their_rich_menus_tabs_included(local_renkei, seed, browser, screenshot):
    await seed.personas_as_members()
    screen = await new_screen(browser, local_renkei)
    rich = local_renkei.line.rich_menus
    names = {key: menu.name for key, menu in MENUS.items()}

    await screen.switch("npo")
    await expect(menu_of(screen, "npo").locator("img")).to_be_visible(timeout=TIMEOUT)
    await expect(menu_of(screen, "npo").locator(".richmenu-area")).to_have_count(6)
    assert rich.menus[rich.menu_of(persona("npo").user_id)]["name"] == names["member"]
    await tap(screen, "npo", 4)  # プロフィール: sent as the member's own message, as LINE does
    await screen.expect_mine("npo", T.PROFILE)
    await screen.expect_bot("npo", T.PROFILE_HEADER.split("。")[0])
    await screenshot(screen.page, "richmenu-member")

    await screen.switch("staff")
    areas = menu_of(screen, "staff").locator(".richmenu-area")
    await expect(areas).to_have_count(9, timeout=TIMEOUT)
    await tap(screen, "staff", 1)  # the メンバー tab: LINE switches the menu, the bot gets a postback
    await expect(menu_of(screen, "staff").locator("img")).to_have_attribute(
        "src", f"/simulator/people/staff/menu.png?m={rich.aliases[MENUS[STAFF_MEMBER].alias]}", timeout=TIMEOUT)
    await tap(screen, "staff", 8)  # ヘルプ on the メンバー tab
    await screen.expect_mine("staff", T.HELP)
    await screen.expect_bot("staff", T.HELP_TEXT)
    await screenshot(screen.page, "richmenu-staff-member-tab")
