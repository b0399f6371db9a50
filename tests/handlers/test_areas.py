"""Areas (地区) as a list the secretariat keeps: managed in LINE and on the command line, chosen at
registration (several allowed), and the links that area targeting (notices, contact checks) follows."""

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.access import create_invite, create_organization
from db.models import Area, ContactCheckTarget, Member, MemberArea, MemberStatus, NoticeRecipient, OrgType
from tests.seed import Seed, listed_areas, partnership


async def areas_of(bot, user) -> list[str]:
    member = await bot.one(Member, Member.line_user_id == user)
    return [a.name for a in await bot.scalars(select(Area).join(MemberArea, MemberArea.area_id == Area.id)
                                               .where(MemberArea.member_id == member.id).order_by(Area.id))]


async def typed_area_member(bot, name: str, typed: str) -> str:
    """A member from before areas were a list: their area is the text they typed."""
    user = ev.new_user_id()
    async with bot.runtime.sessions() as session, session.begin():
        org = await create_organization(session, name=f"{name}の会", org_type=OrgType.npo, now=bot.clock.now())
        session.add(Member(line_user_id=user, organization_id=org.id, name=name, fields=["福祉"], role="primary",
                           is_staff=False, area=typed, needs=[], offers=[], status=MemberStatus.active,
                           registered_at=bot.clock.now(), updated_at=bot.clock.now()))
    return user


async def test_staff_keep_the_list_in_line_and_members_who_typed_an_area_are_linked(bot):
    people = await partnership(bot)  # everyone in 北地区
    staff = people["staff"]
    old = await typed_area_member(bot, "旧会員", "中央・南地区")
    await bot.say(people["npo"], T.AREA_SETTINGS)
    assert bot.last_text(people["npo"]) == T.AREA_STAFF_ONLY

    await bot.say(staff, T.AREA_SETTINGS)
    assert bot.last_text(staff) == "\n".join([T.AREA_LIST_HEADER, T.AREA_LIST_LINE.format(name="北地区", count=5)])
    assert bot.quick_labels(staff) == [T.AREA_ADD, T.AREA_REMOVE, T.CANCEL]
    await bot.press(staff, T.AREA_ADD)
    await bot.say(staff, "x" * 31)
    assert bot.last_text(staff) == T.AREA_NAMES_INVALID.format(max=30)
    await bot.say(staff, "中央地区、南地区、北")  # 北 is 北地区, already listed
    assert bot.texts_to(staff)[-2] == "\n".join([T.AREA_ADDED.format(names="中央地区、南地区"),
                                                 T.AREA_ALREADY.format(names="北地区"),
                                                 T.AREA_LINKED_TYPED.format(count=2)])
    assert await areas_of(bot, old) == ["中央地区", "南地区"]
    assert (await bot.one(Member, Member.line_user_id == old)).area is None  # mapped: the text is done with
    assert bot.last_text(staff).endswith(T.AREA_LIST_LINE.format(name="南地区", count=1))

    await bot.press(staff, T.AREA_REMOVE)
    assert bot.quick_labels(staff) == ["北地区（5人）", "中央地区（1人）", "南地区（1人）", T.CANCEL]
    await bot.say(staff, "西地区")
    assert bot.texts_to(staff)[-2] == T.AREA_PICK_BUTTON and bot.quick_labels(staff)[0] == "北地区（5人）"
    await bot.press(staff, "南地区（1人）")
    assert bot.last_text(staff) == T.AREA_CONFIRM_REMOVE.format(name="南地区", count=1)
    await bot.say(staff, "はい")
    assert bot.last_text(staff) == T.AREA_REMOVE_CONFIRM_INVALID
    assert await areas_of(bot, old) == ["中央地区", "南地区"]  # nothing removed before the go-ahead
    await bot.press(staff, T.AREA_REMOVE_YES)
    assert bot.texts_to(staff)[-2] == T.AREA_REMOVED.format(name="南地区", count=1)
    assert await areas_of(bot, old) == ["中央地区"]
    assert [a.name for a in await bot.scalars(select(Area).order_by(Area.id))] == ["北地区", "中央地区"]
    await bot.tap(staff, "area:rm:3")  # the removed area's button again
    assert bot.last_text(staff) == T.STALE_BUTTON
    await bot.say(staff, T.AREA_REMOVE)
    await bot.say(staff, "中央")  # typed: the listed area it names
    assert bot.last_text(staff) == T.AREA_CONFIRM_REMOVE.format(name="中央地区", count=1)
    await bot.say(staff, T.CANCEL)
    assert await areas_of(bot, old) == ["中央地区"]


async def test_an_area_notice_and_check_reach_a_member_of_several_areas(bot):
    people = await partnership(bot)
    seed = Seed(bot)
    both = await seed.member("両地区 代表", org="北中央まちづくり協議会", areas=("北地区", "中央地区"))
    south = await seed.member("南 代表", org="南の会", areas=("南地区",))
    staff = people["staff"]

    await bot.say(staff, T.NOTICE)
    await bot.say(staff, "中央地区の清掃活動は雨天中止です。")
    await bot.press(staff, T.PICK_BY_AREA)
    assert bot.quick_labels(staff) == ["北地区", "中央地区", "南地区", T.CANCEL]
    await bot.press(staff, "中央地区")
    await bot.press(staff, T.SEND_NOW)
    assert "送信先：地区：中央地区（1人）" in bot.texts_to(staff)[-1]
    await bot.press(staff, T.CONFIRM_SEND)
    recipients = await bot.scalars(select(NoticeRecipient.line_user_id))
    assert recipients == [both]

    await bot.say(staff, T.CHECK)
    await bot.press(staff, T.PICK_BY_AREA)
    await bot.press(staff, "北地区")
    await bot.press(staff, T.CHECK_REAL)
    await bot.press(staff, T.CHECK_START)
    asked = set(await bot.scalars(select(ContactCheckTarget.line_user_id)))
    assert both in asked and south not in asked and people["npo"] in asked


async def test_registration_offers_the_list_pages_through_a_long_one_and_skips_when_there_is_none(bot):
    async with bot.runtime.sessions() as session, session.begin():
        org = await create_organization(session, name="NPO法人 みどりの会", org_type=OrgType.npo, now=bot.clock.now())
        codes = [(await create_invite(session, organization_id=org.id, now=bot.clock.now(), is_staff=False,
                                      max_uses=1, valid_for=timedelta(days=1))).code for _ in range(2)]

    async def up_to_area(code):
        user = ev.new_user_id()
        await bot.follow(user)
        await bot.say(user, code)
        await bot.say(user, "山田 花子")
        await bot.press(user, "防災")
        await bot.press(user, T.DONE)
        await bot.press(user, T.ROLE_PRIMARY)
        return user

    first = await up_to_area(codes[0])
    assert bot.last_text(first).startswith(T.ASK_NEEDS)  # no areas listed yet: not asked
    names = [f"第{i}地区" for i in range(1, 13)]
    await listed_areas(bot, *names)
    second = await up_to_area(codes[1])
    assert bot.quick_labels(second) == [*names[:10], T.DONE, T.AREA_MORE]
    await bot.press(second, "第2地区")
    await bot.press(second, T.AREA_MORE)
    assert bot.quick_labels(second) == ["第11地区", "第12地区", T.DONE, T.AREA_MORE]
    await bot.say(second, "第１２地区")  # full-width, typed
    assert T.FIELDS_SELECTED.format(selected="第2地区、第12地区") in bot.last_text(second)
    await bot.press(second, T.DONE)
    assert bot.last_text(second).startswith(T.ASK_NEEDS)
    for _ in range(2):
        await bot.press(second, T.DONE)
        await bot.press(second, T.SKIP)
    for _ in range(3):
        await bot.press(second, T.SKIP)
    assert "地区：第2地区、第12地区" in bot.texts_to(second)[-2]
    await bot.press(second, T.CONFIRM_REGISTER)
    assert await areas_of(bot, second) == ["第2地区", "第12地区"]


async def test_the_command_line_adds_lists_maps_and_removes_areas(bot, renkei):
    old = await typed_area_member(bot, "旧会員A", "北地区・中央地区")
    unsure = await typed_area_member(bot, "旧会員B", "未定")
    other = await typed_area_member(bot, "旧会員C", "東地区／北")

    added = await asyncio.to_thread(renkei, "area", "add", "北地区", "中央地区", "北")
    assert added.exit_code == 0, added.output
    assert "Added area 北地区" in added.output and "Already listed: 北 (listed as 北地区)" in added.output
    dry = await asyncio.to_thread(renkei, "area", "map", "--dry-run")
    assert "would link 3" in dry.output and await areas_of(bot, old) == []
    assert "Not mapped: member 2 旧会員B: '未定' (no area named)" in dry.output
    assert "Not mapped: member 3 旧会員C: '東地区／北' (東地区)" in dry.output
    mapped = await asyncio.to_thread(renkei, "area", "map")
    assert mapped.exit_code == 0 and "linked 3" in mapped.output
    assert await areas_of(bot, old) == ["北地区", "中央地区"] and await areas_of(bot, other) == ["北地区"]
    assert (await bot.one(Member, Member.line_user_id == other)).area == "東地区／北"  # still open
    again = await asyncio.to_thread(renkei, "area", "map", "--create")
    assert "Added area(s): 東地区" in again.output and await areas_of(bot, other) == ["北地区", "東地区"]
    assert await areas_of(bot, unsure) == []

    listing = await asyncio.to_thread(renkei, "area", "list")
    assert "北地区\t2 member(s)" in listing.output and "東地区\t1 member(s)" in listing.output
    removed = await asyncio.to_thread(renkei, "area", "remove", "北地区")
    assert "2 member(s) had chosen it" in removed.output and await areas_of(bot, old) == ["中央地区"]
    missing = await asyncio.to_thread(renkei, "area", "remove", "北地区")
    assert missing.exit_code == 1 and "no area named" in missing.output
    export = await asyncio.to_thread(renkei, "member", "list", "--json")
    assert '"areas": [\n      "中央地区"\n    ]' in export.output


async def test_a_member_editing_their_area_before_any_is_listed_is_told_so(bot):
    user = await Seed(bot).member("山田 花子", org="NPO法人 みどりの会", areas=())
    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_AREA)
    assert bot.texts_to(user)[-3] == T.AREA_NONE_LISTED
    assert f"地区：{T.NOT_SET}" in bot.texts_to(user)[-2] and bot.last_text(user) == T.ASK_CONFIRM_EDIT


async def test_the_area_menu_offers_its_actions_and_cancel_leaves_it_like_any_dialog(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await bot.say(staff, T.AREA_SETTINGS)
    assert bot.quick_labels(staff) == [T.AREA_ADD, T.AREA_REMOVE, T.CANCEL]
    await bot.say(staff, "ふわふわ")  # not one of its buttons: one line saying what works, and the menu again
    assert bot.texts_to(staff)[-2] == T.AREA_MENU_INVALID
    assert bot.quick_labels(staff) == [T.AREA_ADD, T.AREA_REMOVE, T.CANCEL]
    await bot.press(staff, T.CANCEL)
    assert bot.last_text(staff) == T.CANCELLED  # not 「取り消す入力はありません」
    await bot.say(staff, T.CANCEL)
    assert bot.last_text(staff) == T.NOTHING_TO_CANCEL  # it was left: nothing more to cancel

    await bot.say(staff, T.AREA_SETTINGS)
    await bot.say(staff, "追加")  # the button's words typed
    assert bot.last_text(staff) == T.AREA_ASK_NAMES.format(max=30)
    await bot.say(staff, "東地区")
    assert bot.texts_to(staff)[-2] == T.AREA_ADDED.format(names="東地区")
    assert bot.quick_labels(staff) == [T.AREA_ADD, T.AREA_REMOVE, T.CANCEL]  # the menu again, still live
    await bot.say(staff, "削除")
    assert bot.last_text(staff) == T.AREA_ASK_REMOVE
    await bot.press(staff, "東地区（0人）")
    await bot.press(staff, T.AREA_REMOVE_YES)
    assert bot.texts_to(staff)[-2] == T.AREA_REMOVED.format(name="東地区", count=0)
    await bot.press(staff, T.CANCEL)
    assert bot.last_text(staff) == T.CANCELLED
    assert [a.name for a in await bot.scalars(select(Area).order_by(Area.id))] == ["北地区"]
