"""Staff's administration in LINE (管理): registering an organization and its invite code, making and removing
staff, changing a member's role, taking a member off; each with its audit entry, and the refusals."""

from sqlalchemy import select

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import AuditEntry, Invite, Member, MemberStatus, Organization, OrgType
from handlers.admin.menu import ADMIN_COMMANDS
from tests.seed import Seed, partnership


async def member(bot, user) -> Member:
    return await bot.one(Member, Member.line_user_id == user)


async def audit(bot) -> list[tuple]:
    rows = await bot.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.door, e.actor_label, e.action, e.target_kind, e.target_label) for e in rows]


async def test_staff_help_keeps_everyday_actions_and_admin_opens_a_second_menu(bot):
    people = await partnership(bot)
    await bot.say(people["staff"], T.HELP)
    labels = bot.quick_labels(people["staff"])
    assert labels[-1] == T.ADMIN and len(labels) <= 12  # room left under LINE's 13
    assert {T.NOTICE, T.CHECK, T.CHECK_STATUS, T.WEEKLY, T.INTRO_NETWORK} <= set(labels)
    await bot.press(people["staff"], T.ADMIN)
    assert bot.last_text(people["staff"]) == T.ADMIN_MENU
    assert bot.quick_labels(people["staff"]) == list(ADMIN_COMMANDS)
    await bot.say(people["npo"], T.HELP)
    assert T.ADMIN not in bot.quick_labels(people["npo"])
    await bot.say(people["npo"], T.ADMIN)
    assert bot.last_text(people["npo"]) == T.ADMIN_STAFF_ONLY


async def test_staff_register_an_organization_then_issue_its_invite_code(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await bot.say(staff, T.ORG_ADD)
    assert bot.last_text(staff) == T.ASK_ORG_NAME.format(max=100)
    await bot.say(staff, "NPO法人 みどりの会")
    assert bot.last_text(staff) == T.ORG_NAME_TAKEN.format(name="NPO法人 みどりの会")
    await bot.say(staff, "  みなと　子ども食堂 ")
    assert bot.last_text(staff) == T.ASK_ORG_TYPE.format(name="みなと 子ども食堂")
    assert bot.quick_labels(staff) == [*T.ORG_TYPE_LABELS.values(), T.CANCEL]
    await bot.say(staff, "ボランティア")
    assert bot.texts_to(staff)[-2] == T.ORG_TYPE_HINT
    await bot.say(staff, "ＮＰＯ")  # full-width, typed
    assert bot.last_text(staff) == T.ORG_PREVIEW.format(name="みなと 子ども食堂", type="NPO")
    assert await bot.scalars(select(Organization).where(Organization.name == "みなと 子ども食堂")) == []
    await bot.press(staff, T.ORG_SAVE)
    assert bot.last_text(staff) == T.ORG_SAVED.format(name="みなと 子ども食堂")
    org = await bot.one(Organization, Organization.name == "みなと 子ども食堂")
    assert org.org_type == OrgType.npo
    assert await audit(bot) == [("line", "市 職員", "organization.create", "organization", "みなと 子ども食堂")]
    await bot.press(staff, T.ORG_INVITE_NOW)
    assert bot.last_text(staff) == T.ASK_INVITE_KIND.format(org="みなと 子ども食堂")
    await bot.press(staff, T.INVITE_FOR_MEMBER)
    [invite] = await bot.scalars(select(Invite))
    assert invite.organization_id == org.id and bot.last_text(staff) == invite.code

    await bot.say(staff, T.ORG_ADD)
    await bot.say(staff, "商店会")
    await bot.say(staff, "商店街")  # a way of saying 団体・商店会
    await bot.say(staff, "はい")
    await bot.say(staff, "あとで")
    assert bot.last_text(staff) == T.ORG_INVITE_LATER_DONE
    assert (await bot.one(Organization, Organization.name == "商店会")).org_type == OrgType.association

    await bot.say(people["npo"], T.ORG_ADD)
    assert bot.last_text(people["npo"]) == T.ORG_STAFF_ONLY


async def manage(bot, staff, org: str, name: str) -> None:
    await bot.say(staff, T.MEMBER_MANAGE)
    await bot.press(staff, org)
    await bot.press(staff, name)


async def test_staff_make_a_member_staff_and_take_the_role_back(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await bot.say(staff, T.MEMBER_MANAGE)
    assert bot.last_text(staff) == T.ASK_MEMBER_ORG
    await bot.say(staff, "みどり")  # part of a name
    assert bot.last_text(staff) == T.ASK_MEMBER_PICK.format(
        org="NPO法人 みどりの会", lines="・NPO 代表（主担当）\n・NPO 副担当（副担当）")
    assert bot.quick_labels(staff) == ["NPO 代表", "NPO 副担当", T.CANCEL]
    await bot.say(staff, "代表")
    assert bot.last_text(staff) == T.ASK_MEMBER_ACTION.format(name="NPO 代表", org="NPO法人 みどりの会", role="主担当")
    assert bot.quick_labels(staff) == ["事務局にする", "副担当にする", "退会にする", T.CANCEL]
    await bot.say(staff, "事務局にする")
    assert bot.last_text(staff) == T.MEMBER_CONFIRM["staff_on"].format(name="NPO 代表", org="NPO法人 みどりの会")
    assert not (await member(bot, people["npo"])).is_staff  # asked, not yet done
    await bot.press(staff, T.MEMBER_CONFIRM_OK)
    assert bot.last_text(staff) == T.MEMBER_DONE["staff_on"].format(name="NPO 代表")
    assert (await member(bot, people["npo"])).is_staff
    assert bot.last_text(people["npo"]) == T.MEMBER_TOLD["staff_on"]
    await bot.say(people["npo"], T.HELP)
    assert T.ADMIN in bot.quick_labels(people["npo"])

    await manage(bot, people["npo"], "市役所 企画課", "市 職員")  # the new staff member takes the city's role off
    assert bot.quick_labels(people["npo"])[0] == "事務局から外す"
    await bot.press(people["npo"], "事務局から外す")
    await bot.say(people["npo"], "はい")
    assert not (await member(bot, staff)).is_staff
    assert [row[:3] for row in await audit(bot)] == [("line", "市 職員", "member.staff_on"),
                                                     ("line", "NPO 代表", "member.staff_off")]
    await bot.say(staff, T.MEMBER_MANAGE)
    assert bot.last_text(staff) == T.MEMBER_STAFF_ONLY


async def test_the_last_staff_member_is_refused_clearly(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await manage(bot, staff, "市役所 企画課", "市 職員")
    await bot.press(staff, "事務局から外す")
    await bot.press(staff, T.MEMBER_CONFIRM_OK)
    assert bot.last_text(staff) == T.MEMBER_LAST_STAFF.format(name="市 職員")
    await manage(bot, staff, "市役所 企画課", "市 職員")
    await bot.press(staff, "退会にする")
    await bot.press(staff, T.MEMBER_CONFIRM_OK)
    assert bot.last_text(staff) == T.MEMBER_LAST_STAFF.format(name="市 職員")
    me = await member(bot, staff)
    assert me.is_staff and me.status == MemberStatus.active and await audit(bot) == []


async def test_staff_change_a_role_and_take_a_member_off(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await manage(bot, staff, "NPO法人 みどりの会", "NPO 副担当")
    await bot.say(staff, "どうしよう")
    assert bot.texts_to(staff)[-2] == T.MEMBER_ACTION_HINT
    await bot.say(staff, "副担当にする")  # not one of this member's buttons: asked again
    assert bot.texts_to(staff)[-2] == T.MEMBER_ACTION_HINT
    await bot.say(staff, "主担当")
    await bot.say(staff, "うーん")
    assert bot.texts_to(staff)[-2] == T.MEMBER_CONFIRM_HINT
    await bot.press(staff, T.MEMBER_CONFIRM_OK)
    assert (await member(bot, people["npo_deputy"])).role == "primary"
    assert bot.last_text(people["npo_deputy"]) == T.MEMBER_TOLD["primary"]

    seen = len(bot.messages_to(people["company"]))
    await manage(bot, staff, "株式会社 山田建設", "企業 担当")
    await bot.press(staff, "退会にする")
    assert "記録は残り" in bot.last_text(staff)
    await bot.press(staff, T.MEMBER_CONFIRM_OK)
    assert bot.last_text(staff) == T.MEMBER_DONE["deactivate"].format(name="企業 担当")
    assert (await member(bot, people["company"])).status == MemberStatus.left
    assert len(bot.messages_to(people["company"])) == seen  # nothing is sent to someone taken off
    await bot.say(staff, T.MEMBER_MANAGE)
    await bot.press(staff, "株式会社 山田建設")
    assert bot.texts_to(staff)[-2] == T.MEMBER_ORG_EMPTY.format(org="株式会社 山田建設")
    assert [(row[2], row[4]) for row in await audit(bot)] == [("member.role", "NPO 副担当"),
                                                              ("member.deactivate", "企業 担当")]
    await bot.say(people["company"], T.HELP)
    assert bot.last_text(people["company"]) != T.HELP_TEXT  # taken off: no member's menu


async def test_many_organizations_and_members_page_within_lines_limits(bot):
    people = await partnership(bot)
    seed = Seed(bot)
    for i in range(20):
        await seed.member(f"会員{i:02d}", org="大きな協議会")
        await seed.org(f"団体{i:02d}")
    staff = people["staff"]
    await bot.say(staff, T.MEMBER_MANAGE)
    first = bot.quick_labels(staff)
    assert len(first) == 13 and first[-2:] == [T.ORG_MORE, T.CANCEL]
    await bot.press(staff, T.ORG_MORE)
    second = bot.quick_labels(staff)
    assert len(second) == 13 and not set(first[:-2]) & set(second[:-2])
    await bot.press(staff, T.ORG_MORE)
    await bot.press(staff, T.ORG_MORE)  # wraps around to the first page
    assert bot.quick_labels(staff) == first
    await bot.say(staff, "大きな協議会")
    labels = bot.quick_labels(staff)
    assert len(labels) == 13 and labels[-2:] == [T.MEMBER_MORE, T.CANCEL]
    await bot.press(staff, T.MEMBER_MORE)
    await bot.press(staff, "会員19")
    assert bot.last_text(staff).startswith("会員19さん（大きな協議会・主担当）")
    await bot.say(staff, "会員")  # not at the member step any more: the action step's hint
    assert bot.texts_to(staff)[-2] == T.MEMBER_ACTION_HINT
    await bot.say(staff, T.INVITE_ISSUE)  # 招待コード pages its organizations the same way
    assert bot.quick_labels(staff) == first
    await bot.press(staff, T.ORG_MORE)
    assert bot.quick_labels(staff) == second
    await bot.press(staff, second[0])
    assert bot.last_text(staff) == T.ASK_INVITE_KIND.format(org=second[0])
    await bot.say(staff, T.AGREEMENT_ADD)  # and 協定登録's, with 完了 on every page
    await bot.say(staff, "大きな協定")
    pages = [bot.quick_labels(staff)]
    for _ in range(2):
        await bot.press(staff, T.ORG_MORE)
        pages.append(bot.quick_labels(staff))
    assert [len(p) for p in pages] == [13, 13, 8] and all(p[-3:] == [T.ORG_MORE, T.DONE, T.CANCEL] for p in pages)
    assert len({label for p in pages for label in p[:-3]}) == 25  # every organization, on three pages
    await bot.press(staff, pages[2][0])
    assert f"選択中：{pages[2][0].removeprefix('✓')}" in bot.last_text(staff)


async def test_a_stale_member_button_changes_nothing(bot):
    people = await partnership(bot)
    staff = people["staff"]
    npo = await member(bot, people["npo"])
    await bot.tap(staff, f"mem:pick:{npo.id}")  # no dialog: stale
    assert bot.last_text(staff) == T.STALE_BUTTON
    await bot.say(staff, T.MEMBER_MANAGE)
    await bot.press(staff, "市役所 企画課")
    await bot.tap(staff, f"mem:pick:{npo.id}")  # another organization's member
    assert bot.last_text(staff) == T.STALE_BUTTON
    assert await audit(bot) == []


async def test_groups_get_help_and_a_pointer_to_the_one_to_one_chat(bot):
    people = await partnership(bot)
    group = ev.new_group_id()
    await bot.send(ev.join(group, timestamp_ms=bot.now_ms()))
    await bot.send(ev.text_message(people["npo"], T.HELP, group_id=group, timestamp_ms=bot.now_ms()))
    assert bot.last_text(group) == T.GROUP_HELP
    for command in (T.NOTICE, T.CHECK, "ＫＰＩ", T.PROFILE):
        await bot.send(ev.text_message(people["staff"], command, group_id=group, timestamp_ms=bot.now_ms()))
        assert bot.last_text(group) == T.GROUP_ONE_TO_ONE_ONLY.format(command=command)
    seen = len(bot.messages_to(group))
    for talk in ("確認しました", "まだ", "キャンセル", "今日はよろしくお願いします"):  # everyday talk: no answer
        await bot.send(ev.text_message(people["npo"], talk, group_id=group, timestamp_ms=bot.now_ms()))
    assert len(bot.messages_to(group)) == seen
    outsider = ev.new_user_id()
    await bot.send(ev.text_message(outsider, T.HELP, group_id=group, timestamp_ms=bot.now_ms()))
    assert bot.last_text(group) == T.GROUP_HELP
