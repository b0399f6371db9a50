"""Rich menus: made once on LINE whatever starts, linked per role, switched for a real contact check."""

from sqlalchemy import select, update

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import Member, RichMenu, RichMenuLink
from db.richmenus import relink
from handlers.richmenus.layouts import MENUS, STAFF_MEMBER, TABBED, AnswerCheck
from tests.harness import BotHarness
from tests.handlers.test_registration import make_invite, register
from tests.seed import Seed, partnership

CREATE = "/v2/bot/richmenu"


def creations(line) -> list:
    return [r for r in line.requests if r.method == "POST" and r.path == CREATE]


async def started(bot: BotHarness) -> BotHarness:
    await bot.runtime.rich_menu_setup
    return bot


def menu_key(bot, user: str) -> str | None:
    """Which of our menus LINE shows this user."""
    shown = bot.line.rich_menus.menu_of(user)
    names = {menu_id: menu["name"] for menu_id, menu in bot.line.rich_menus.menus.items()}
    by_name = {menu.name: key for key, menu in MENUS.items()}
    return by_name.get(names.get(shown))


async def test_menus_are_created_once_across_two_instances_and_a_restart(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as one, \
            BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as two:
        await started(one), await started(two)
    assert len(creations(fake_line)) == len(MENUS)
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as three:
        await started(three)
        rows = {row.key: row for row in await three.scalars(select(RichMenu))}
    rich = fake_line.rich_menus
    assert len(creations(fake_line)) == len(MENUS), "a restart made menus again"
    assert {row.rich_menu_id for row in rows.values()} == set(rich.menus) == set(rich.images)
    assert {rich.menus[row.rich_menu_id]["name"] for row in rows.values()} == {m.name for m in MENUS.values()}
    assert rich.aliases == {MENUS[key].alias: rows[key].rich_menu_id for key in TABBED}
    assert rich.default == rows["guest"].rich_menu_id
    uploads = [r for r in fake_line.requests if r.method == "POST" and r.path.endswith("/content")]
    assert len(uploads) == len(MENUS) and all(r.headers["content-type"] == "image/png" for r in uploads)


async def test_a_menu_made_before_a_crash_is_found_by_its_name(database_url, fake_line, clock):
    """A process that died after creating a menu, before recording it: the next finds it on LINE."""
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as bot:
        await started(bot)
        async with bot.runtime.sessions() as session, session.begin():
            await session.execute(update(RichMenu).values(rich_menu_id=None, name=None))
    before = len(creations(fake_line))
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as bot:
        await started(bot)
        assert len(await bot.scalars(select(RichMenu).where(RichMenu.rich_menu_id.is_not(None)))) == len(MENUS)
    assert len(creations(fake_line)) == before


async def test_linking_follows_registration_staff_role_and_unfollow(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as bot:
        await started(bot)
        newcomer = ev.new_user_id()
        await bot.follow(newcomer)
        assert menu_key(bot, newcomer) == "guest"  # the default menu, nothing linked
        await register(bot, newcomer, await make_invite(bot))
        assert menu_key(bot, newcomer) == "member"

        async with bot.runtime.sessions() as session, session.begin():  # the secretariat makes them staff
            member = await session.scalar(select(Member).where(Member.line_user_id == newcomer))
            member.is_staff = True
            await relink(session, member, bot.clock.now())
        await bot.runtime.gateway.sync_menu_links()
        assert menu_key(bot, newcomer) == "staff"

        await bot.send(ev.unfollow(newcomer, timestamp_ms=bot.now_ms()))
        link = await bot.one(RichMenuLink, RichMenuLink.line_user_id == newcomer)
        assert (link.wanted, link.next_attempt_at) == (None, None)
        bot.line.rich_menus.users.pop(newcomer)  # LINE forgot it while they were away
        await bot.follow(newcomer, unblocked=True)
        assert menu_key(bot, newcomer) == "staff"
        fake_line.assert_no_schema_errors()
