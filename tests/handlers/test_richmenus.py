"""Rich menus: made once on LINE whatever starts, linked per role, switched for a real contact check."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import ContactCheck, Member, RichMenu, RichMenuLink
from db.audit import Actor, Door
from db.members import set_staff
from handlers.richmenus.layouts import MENUS, STAFF_MEMBER, STAFF_MORE, TABBED, AnswerCheck, EnterInvite
from tests.harness import BotHarness
from tests.handlers.test_registration import make_invite, register
from tests.seed import Seed, partnership

CREATE = "/v2/bot/richmenu"
BULK_LINK = "/v2/bot/richmenu/bulk/link"


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
    for _ in range(2):  # two restarts
        async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as again:
            await started(again)
            rows = {row.key: row for row in await again.scalars(select(RichMenu))}
    rich = fake_line.rich_menus
    assert len(creations(fake_line)) == len(MENUS), "a restart made menus again"
    assert {row.rich_menu_id for row in rows.values()} == set(rich.menus) == set(rich.images)
    assert {rich.menus[row.rich_menu_id]["name"] for row in rows.values()} == {m.name for m in MENUS.values()}
    assert rich.aliases == {MENUS[key].alias: rows[key].rich_menu_id for key in TABBED}
    assert rich.default == rows["guest"].rich_menu_id
    uploads = [r for r in fake_line.requests if r.method == "POST" and r.path.endswith("/content")]
    assert len(uploads) == len(MENUS) and all(r.headers["content-type"] == "image/png" for r in uploads)


async def test_a_failed_start_hands_its_claim_back_and_the_next_try_makes_the_menus(database_url, fake_line, clock):
    fake_line.fail_next(CREATE, 500, times=2)  # LINE is away at start-up
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as bot:
        await started(bot)  # tried again (after a second) until it succeeds
        assert len(await bot.scalars(select(RichMenu).where(RichMenu.rich_menu_id.is_not(None)))) == len(MENUS)
    assert len(creations(fake_line)) == len(MENUS) + 2


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

        fake_line.fail_next(BULK_LINK, 503)  # LINE is away a moment: the link waits, kept
        async with bot.runtime.sessions() as session, session.begin():  # the secretariat makes them staff
            member = await session.scalar(select(Member).where(Member.line_user_id == newcomer))
            await set_staff(session, member_id=member.id, staff=True, now=bot.clock.now(),
                            actor=Actor(door=Door.cli, label="root@server"))
        await bot.runtime.gateway.sync_menu_links()
        assert menu_key(bot, newcomer) == "member"
        link = await bot.one(RichMenuLink, RichMenuLink.line_user_id == newcomer)
        assert (link.wanted, link.linked, link.attempts) == ("staff", "member", 1)
        assert await bot.runtime.gateway.sync_menu_links() == 0  # not yet due again
        bot.clock.advance(timedelta(seconds=5))
        assert await bot.runtime.gateway.sync_menu_links() == 1
        assert menu_key(bot, newcomer) == "staff"

        await bot.send(ev.unfollow(newcomer, timestamp_ms=bot.now_ms()))
        link = await bot.one(RichMenuLink, RichMenuLink.line_user_id == newcomer)
        assert (link.wanted, link.next_attempt_at) == (None, None)
        bot.line.rich_menus.users.pop(newcomer)  # LINE forgot it while they were away
        await bot.follow(newcomer, unblocked=True)
        assert menu_key(bot, newcomer) == "staff"
        fake_line.assert_no_schema_errors()


async def crowd(bot, count: int) -> list[str]:
    """`count` registered members of one organization, inserted at once."""
    org_id = await Seed(bot).org("地域の会")
    users = [f"U{i:032x}" for i in range(1, count + 1)]
    now = bot.clock.now()
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(Member.__table__.insert(), [
            {"line_user_id": user, "organization_id": org_id, "name": f"会員{i}", "fields": [], "role": "primary",
             "is_staff": False, "needs": [], "offers": [], "status": "active", "registered_at": now,
             "updated_at": now} for i, user in enumerate(users)])
    return users


def bulk_links(line, since: int = 0) -> list:
    return [r for r in line.requests[since:] if r.path == BULK_LINK]


async def test_a_real_check_switches_5000_members_in_bulk_and_back(database_url, fake_line, clock):
    from tests.handlers.test_contact_checks import start_in_line

    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as bot:
        staff = await Seed(bot).member("市 職員", org="市役所", staff=True)
        members = await crowd(bot, 5000)
        await started(bot)  # members who were there before the menus get theirs at start-up
        assert {menu_key(bot, user) for user in members} == {"member"} and menu_key(bot, staff) == "staff"
        assert len(bulk_links(fake_line)) == 11  # 5,000 members in tens of 500 and the staff member

        await start_in_line(bot, staff, T.SEGMENT_ALL, T.CHECK_DRILL, T.CHECK_START)
        assert {menu_key(bot, user) for user in members} == {"member"}, "a drill does not change the menus"
        await bot.say(staff, T.CHECK_CLOSE)
        await bot.press(staff, T.CHECK_CLOSE_OK)

        mark = len(fake_line.requests)
        await start_in_line(bot, staff, T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
        calls = bulk_links(fake_line, mark)
        assert {menu_key(bot, user) for user in members} == {"alert"} and menu_key(bot, staff) == "board"
        assert len(calls) == 11 and all(r.status == 202 and len(r.json["userIds"]) <= 500 for r in calls)
        spread = calls[-1].at - calls[0].at
        assert spread >= (len(calls) - 1) / 20 * 0.9, "more bulk calls a second than we allow ourselves"

        await bot.tap(members[0], AnswerCheck().pack())  # the big button asks the question again
        card = bot.messages_to(members[0])[-1]
        assert card["type"] == "flex" and card["contents"]["body"]["contents"][0]["text"] == T.CHECK_HEADER

        mark = len(fake_line.requests)
        await bot.say(staff, T.CHECK_CLOSE)
        await bot.press(staff, T.CHECK_CLOSE_OK)
        assert {menu_key(bot, user) for user in members} == {"member"} and menu_key(bot, staff) == "staff"
        assert len(bulk_links(fake_line, mark)) == 11
        await bot.tap(members[0], AnswerCheck().pack())  # a menu kept on a phone: no check to answer
        assert bot.last_text(members[0]) == T.MENU_NO_CHECK


def message_texts(key: str) -> list[str]:
    return [b.action["text"] for b in MENUS[key].buttons if b.action["type"] == "message"]


async def test_every_button_of_every_menu_leads_to_a_dialog(bot):
    """Each label sends what the dialogs take: never the answer to something not understood."""
    people = await partnership(bot)
    guest = ev.new_user_id()
    await bot.follow(guest)
    await bot.tap(guest, EnterInvite().pack())
    assert bot.last_text(guest) == T.NOT_REGISTERED
    who = {"guest": guest, "member": people["npo"], "staff": people["staff"], STAFF_MEMBER: people["staff"],
           STAFF_MORE: people["staff"], "board": people["staff"]}
    for key, user in who.items():
        for text in message_texts(key):
            if text == T.MENU_CONSOLE:
                continue  # 管理画面 is the console's own command, which comes with the console
            await bot.say(user, text)
            answer = bot.messages_to(user)[-1]
            assert answer.get("text") not in (T.UNKNOWN_TEXT, T.NOTICE_STAFF_ONLY, T.CHECK_STAFF_ONLY), (key, text)
            await bot.say(user, T.CANCEL)


async def test_the_members_own_commands_list_notices_introductions_and_waiting_reports(bot):
    people = await partnership(bot)
    await bot.say(people["npo"], T.NOTICE_LIST)
    assert bot.last_text(people["npo"]) == T.NOTICE_LIST_NONE
    await bot.say(people["npo"], T.INTRO_LIST)
    assert bot.last_text(people["npo"]) == T.INTRO_LIST_NONE
    await bot.say(people["npo"], T.KPI_REPORT)
    assert bot.last_text(people["npo"]) == T.KPI_REPORT_NONE

    await bot.say(people["staff"], T.NOTICE)
    await bot.say(people["staff"], "来週の会議は市役所3階です。")
    await bot.press(people["staff"], T.SEGMENT_ALL)
    await bot.press(people["staff"], T.SEND_NOW)
    await bot.press(people["staff"], T.CONFIRM_SEND)
    await bot.say(people["npo"], T.NOTICE_LIST)
    listed, card = bot.messages_to(people["npo"])[-2:]
    assert listed["text"].startswith(T.NOTICE_LIST_HEADER) and "来週の会議は市役所3階です。（未確認）" in listed["text"]
    assert card["type"] == "flex"  # the notice again, with its 確認しました button


async def test_a_check_from_the_api_switches_the_menus_after_its_questions(database_url, fake_line, clock):
    """The alert feed's check: the questions go to LINE first, then the members' menus switch. A check
    whose menus a stopping process left unsettled gets them at the next start-up."""
    from db.contact_checks import start_check
    from db.segments import Segment
    from tests.handlers.test_contact_checks import API, MULTICAST, TOKEN

    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as bot:
        staff = await Seed(bot).member("市 職員", org="市役所", staff=True)
        members = await crowd(bot, 600)
        await started(bot)
        bot.settings.renkei_api_token = TOKEN
        mark = len(fake_line.requests)
        answer = await bot.client.post(API, json={"segment": "all"}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 201
        sent = [r.path for r in fake_line.requests[mark:] if r.path in (MULTICAST, BULK_LINK)]
        # The questions (601 asked: 500 + 101) and the staff's note, then the links.
        assert sent == [MULTICAST] * 3 + [BULK_LINK] * 3
        assert {menu_key(bot, user) for user in members} == {"alert"} and menu_key(bot, staff) == "board"

        async with bot.runtime.sessions() as session, session.begin():  # closed, and one begun as a process stops
            await session.execute(update(ContactCheck).values(status="closed"))
            await session.execute(update(RichMenuLink).values(wanted="member", linked="member"))
            await start_check(session, segment=Segment.parse("all"), drill=False, now=bot.clock.now(),
                              source="api", menus=False)
        bot.line.rich_menus.users.clear()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, rich_menus=True) as again:
        await started(again)
        assert {menu_key(again, user) for user in members} == {"alert"} and menu_key(again, staff) == "board"
        fake_line.assert_no_schema_errors()
