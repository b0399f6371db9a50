"""The whole registration dialog, through signed webhooks and the fake LINE platform."""

import json
from datetime import timedelta

from sqlalchemy import select

from bot.texts import catalog as T
from bot.fakeline import events as ev
from db.access import create_invite, create_organization
from db.audit import Actor, Door
from db.members import deactivate
from db.models import Area, Conversation, Invite, InviteAttempt, LineGroup, LineProfile, Member, MemberArea, Organization, OrgType
from handlers.registration.dialog import INVITE_BURST, INVITE_MAX_WRONG
from tests.seed import Seed, listed_areas


async def areas_of(bot, member) -> list[str]:
    return [a.name for a in await bot.scalars(select(Area).join(MemberArea, MemberArea.area_id == Area.id)
                                               .where(MemberArea.member_id == member.id).order_by(Area.id))]


async def make_invite(bot, *, name="NPO法人 みどりの会", org_type=OrgType.npo, staff=False, uses=1,
                      valid_for=timedelta(days=14)) -> str:
    await listed_areas(bot, "北地区", "中央地区", "南地区")
    async with bot.runtime.sessions() as session, session.begin():
        org = await session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = await create_organization(session, name=name, org_type=org_type, now=bot.clock.now())
        invite = await create_invite(session, organization_id=org.id, now=bot.clock.now(), is_staff=staff,
                                     max_uses=uses, valid_for=valid_for)
        return invite.code


async def register(bot, user, code, *, name="山田 花子", fields=("防災", "福祉"), role=T.ROLE_PRIMARY,
                   area="北地区"):
    """Walk through the dialog the way a member taps through it."""
    await bot.follow(user)
    await bot.say(user, code)
    await bot.say(user, name)
    for field in fields:
        await bot.press(user, field)
    await bot.press(user, T.DONE)
    if role is not None:  # None: a handover invite, which brings its role
        await bot.press(user, role)
    await bot.press(user, area)
    await bot.press(user, T.DONE)
    await bot.press(user, "人手")
    await bot.press(user, T.DONE)
    await bot.say(user, "週末のイベントの運営")
    await bot.press(user, "会場")
    await bot.press(user, "専門知識")
    await bot.press(user, T.DONE)
    await bot.press(user, T.SKIP)
    await bot.say(user, "子ども食堂を月2回")
    await bot.press(user, T.SKIP)
    await bot.say(user, "調理場の貸出")
    await bot.press(user, T.CONFIRM_REGISTER)


async def up_to_fields(bot, code, name="山田 花子") -> str:
    """A new user who has followed, sent the code and their name: the fields question is next."""
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, code)
    await bot.say(user, name)
    return user


async def skip_from_role(bot, user, area="南地区"):
    """Primary contact in `area` (None: the areas as they are), then every optional question skipped."""
    await bot.press(user, T.ROLE_PRIMARY)
    if area:
        await bot.press(user, area)
    await bot.press(user, T.DONE)
    for _ in range(2):
        await bot.press(user, T.DONE)
        await bot.press(user, T.SKIP)
    for _ in range(3):
        await bot.press(user, T.SKIP)


async def test_follow_greets_and_asks_for_the_invite_code(bot):
    user = ev.new_user_id()
    bot.line.set_profile(user, "はなこ")
    await bot.follow(user)
    assert bot.last_text(user) == T.WELCOME
    profile = await bot.one(LineProfile, LineProfile.line_user_id == user)
    assert profile.display_name == "はなこ"


async def test_a_display_name_from_line_is_cleaned_like_typed_text(bot):
    user = ev.new_user_id()
    bot.line.set_profile(user, "はな\x00こ")  # PostgreSQL could not store the NUL
    await bot.follow(user)
    profile = await bot.one(LineProfile, LineProfile.line_user_id == user)
    assert profile.display_name == "はなこ"


async def test_whole_registration_dialog(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    bot.line.set_profile(user, "はなこ")
    await bot.follow(user)
    await bot.say(user, code.lower())  # typed in lower case: still accepted
    assert T.INVITE_ACCEPTED.format(org="NPO法人 みどりの会") in bot.texts_to(user)
    assert bot.quick_labels(user) == ["はなこ"]  # one tap to use the LINE display name
    await bot.say(user, "山田 花子")
    assert "分野" in bot.last_text(user)
    assert len(bot.quick_labels(user)) == 13
    await bot.press(user, "防災")
    assert "✓防災" in bot.quick_labels(user)
    await bot.press(user, "福祉")
    await bot.press(user, "✓福祉")  # tapped again: removed
    assert T.FIELDS_SELECTED.format(selected="防災") in bot.last_text(user)
    await bot.say(user, "子育て")  # typing a field works like the button
    await bot.press(user, T.DONE)
    assert bot.last_text(user) == T.ASK_ROLE
    await bot.say(user, "社長")
    assert bot.texts_to(user)[-2] == T.ROLE_INVALID
    await bot.press(user, T.ROLE_DEPUTY)
    assert bot.last_text(user) == T.ASK_AREA + "\n" + T.FIELDS_SELECTED.format(selected=T.NONE_SELECTED)
    assert bot.quick_labels(user) == ["北地区", "中央地区", "南地区", T.DONE]  # the secretariat's list
    await bot.say(user, "東京")
    assert bot.texts_to(user)[-2] == T.AREA_UNKNOWN
    await bot.say(user, "北")  # typed without 地区: the listed area it names
    await bot.press(user, "✓北地区")  # tapped again: no longer chosen
    await bot.say(user, "北地区・中央")  # several typed at once
    assert bot.quick_labels(user) == ["✓北地区", "✓中央地区", "南地区", T.DONE]
    assert T.FIELDS_SELECTED.format(selected="北地区、中央地区") in bot.last_text(user)
    await bot.say(user, "以上です")  # 完了 in other words, typed: the areas are kept and the needs come next
    assert bot.last_text(user).startswith(T.ASK_NEEDS)
    await bot.press(user, "人手")
    await bot.press(user, T.DONE)
    await bot.say(user, "週末のイベント運営")
    await bot.press(user, "会場")
    await bot.press(user, T.DONE)
    await bot.say(user, T.DONE)  # 完了 typed once more (the list is gone): not taken as the note
    await bot.say(user, "子ども食堂を月2回")
    await bot.press(user, T.SKIP)
    await bot.say(user, "調理場の貸出")
    summary = bot.texts_to(user)[-2]
    assert "お名前：山田 花子" in summary and "分野：防災、子育て" in summary and "担当：副担当" in summary
    assert "地区：北地区、中央地区" in summary
    assert "求めていること：人手（週末のイベント運営）" in summary and "困っていること：未入力" in summary
    assert await bot.scalars(select(Member)) == []  # nothing saved before confirmation
    await bot.press(user, T.CONFIRM_REGISTER)
    assert bot.last_text(user) == T.REGISTERED

    member = await bot.one(Member, Member.line_user_id == user)
    assert (member.name, member.fields, member.role, member.area) == ("山田 花子", ["防災", "子育て"], "deputy", None)
    assert await areas_of(bot, member) == ["北地区", "中央地区"]
    assert (member.needs, member.needs_note, member.offers, member.offers_note) == (["人手"], "週末のイベント運営", ["会場"], None)
    assert (member.intro_now, member.intro_worry, member.intro_offer) == ("子ども食堂を月2回", None, "調理場の貸出")
    assert member.is_staff is False and member.status == "active"
    invite = await bot.one(Invite, Invite.code == code)
    assert invite.uses == 1
    assert await bot.scalars(select(Conversation)) == []
    bot.line.assert_no_schema_errors()


async def test_redo_starts_the_questions_again(bot):
    code = await make_invite(bot)
    user = await up_to_fields(bot, code, "山田")
    await bot.press(user, "防災")
    await bot.press(user, T.DONE)
    await skip_from_role(bot, user)
    await bot.press(user, T.REDO)
    assert bot.last_text(user).startswith("お名前")
    await bot.say(user, "山田 太郎")
    await bot.press(user, T.DONE)  # fields kept from the first pass
    await skip_from_role(bot, user, area=None)  # and the area
    await bot.press(user, T.CONFIRM_REGISTER)
    member = await bot.one(Member, Member.line_user_id == user)
    assert member.name == "山田 太郎" and member.fields == ["防災"] and await areas_of(bot, member) == ["南地区"]


async def test_staff_invite_makes_staff(bot):
    code = await make_invite(bot, name="市役所 企画課", org_type=OrgType.municipality, staff=True)
    user = ev.new_user_id()
    await register(bot, user, code)
    assert bot.last_text(user) == T.REGISTERED_STAFF
    assert (await bot.one(Member, Member.line_user_id == user)).is_staff is True


async def test_fields_need_at_least_one(bot):
    code = await make_invite(bot)
    user = await up_to_fields(bot, code, "山田")
    await bot.press(user, T.DONE)
    assert T.FIELDS_EMPTY in bot.texts_to(user)
    await bot.say(user, "宇宙開発")
    assert T.FIELD_UNKNOWN in bot.texts_to(user)


async def test_bad_answers_get_a_short_reply_and_change_nothing(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, code)
    await bot.say(user, "あ" * 51)
    assert bot.last_text(user) == T.NAME_INVALID.format(max=50)
    await bot.say(user, "   ")
    assert bot.last_text(user) == T.NAME_INVALID.format(max=50)
    conversation = await bot.one(Conversation, Conversation.actor_key == user)
    assert conversation.state == "Registration:name"


async def test_wrong_expired_and_used_up_invites(bot):
    expired = await make_invite(bot, valid_for=timedelta(days=1))
    used_up = await make_invite(bot, uses=1)
    await register(bot, ev.new_user_id(), used_up)
    bot.clock.advance(timedelta(days=2))
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, "ZZZZZZZZ")
    assert bot.last_text(user) == T.INVITE_NOT_FOUND.format(left=4)
    await bot.say(user, expired)
    assert bot.last_text(user) == T.INVITE_EXPIRED
    await bot.say(user, used_up)
    assert bot.last_text(user) == T.INVITE_USED_UP
    assert len(await bot.scalars(select(Member))) == 1


async def test_guessing_codes_with_many_accounts_pauses_codes_for_everyone_and_tells_staff(bot):
    staff = await Seed(bot).member("市 職員", org="市役所 企画課", org_type=OrgType.municipality, staff=True)
    code = await make_invite(bot)
    guessers = [ev.new_user_id() for _ in range(INVITE_BURST // INVITE_MAX_WRONG)]
    for guesser in guessers:  # each stays within their own limit of wrong codes
        await bot.follow(guesser)
        for guess in range(INVITE_MAX_WRONG - 1):
            await bot.say(guesser, f"GUESS{guess}")
        await bot.say(guesser, "GUESSLAST")
    newcomer = ev.new_user_id()
    await bot.follow(newcomer)
    await bot.say(newcomer, code)  # a real code waits too: trying it would be one more guess
    assert bot.last_text(newcomer) == T.INVITE_PAUSED.format(minutes=10)
    assert len(await bot.scalars(select(InviteAttempt))) == INVITE_BURST
    await bot.runtime.scheduler.run_due()
    assert bot.texts_to(staff) == [T.INVITE_BURST_STAFF.format(minutes=10, count=INVITE_BURST)]
    bot.clock.advance(timedelta(minutes=10))
    await bot.say(newcomer, code)
    assert bot.last_text(newcomer) == T.ASK_NAME
    await bot.runtime.scheduler.run_due()
    assert len(bot.texts_to(staff)) == 1  # told once


async def test_five_wrong_codes_in_ten_minutes_locks_out(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await bot.follow(user)
    for _ in range(4):
        await bot.say(user, "WRONG123")
        bot.clock.advance(timedelta(minutes=1))
    await bot.say(user, "WRONG123")
    assert bot.last_text(user) == T.INVITE_LOCKED.format(minutes=6)
    await bot.say(user, code)  # even the right code waits
    assert bot.last_text(user).startswith("招待コードの誤りが続いた")
    assert len(await bot.scalars(select(InviteAttempt))) == 5
    bot.clock.advance(timedelta(minutes=7))
    await bot.say(user, code)
    assert T.INVITE_ACCEPTED.format(org="NPO法人 みどりの会") in bot.texts_to(user)


async def test_cancel_leaves_the_dialog(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, code)
    await bot.say(user, T.CANCEL)
    assert bot.last_text(user) == T.CANCELLED
    assert await bot.scalars(select(Conversation)) == []
    await bot.say(user, "こんにちは")
    assert bot.last_text(user) == T.NOT_REGISTERED


async def test_unknown_text_gets_help_with_quick_replies(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.say(user, "今日の天気は？")
    assert bot.last_text(user) == T.UNKNOWN_TEXT
    assert T.PROFILE in bot.quick_labels(user)


async def test_unfollow_keeps_the_member_and_refollow_reactivates(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.send(ev.unfollow(user, timestamp_ms=bot.now_ms()))
    member = await bot.one(Member, Member.line_user_id == user)
    assert member.status == "inactive" and member.inactive_since == bot.clock.now()
    await bot.follow(user, unblocked=True)
    assert bot.last_text(user) == T.WELCOME_BACK
    member = await bot.one(Member, Member.line_user_id == user)
    assert member.status == "active" and member.name == "山田 花子"
    assert (await bot.one(Invite, Invite.code == code)).uses == 1


async def test_a_member_staff_took_off_comes_back_only_with_a_new_invite(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    member = await bot.one(Member, Member.line_user_id == user)
    async with bot.runtime.sessions() as session, session.begin():
        await deactivate(session, member_id=member.id, actor=Actor(door=Door.cli, label="root@server"),
                         now=bot.clock.now())
    await bot.send(ev.unfollow(user, timestamp_ms=bot.now_ms()))
    await bot.follow(user, unblocked=True)
    assert bot.last_text(user) == T.WELCOME
    assert (await bot.one(Member, Member.line_user_id == user)).status == "left"
    await bot.say(user, T.PROFILE)
    assert bot.last_text(user) == T.NOT_REGISTERED
    await register(bot, user, await make_invite(bot, name="NPO法人 あおぞら"))
    again = await bot.one(Member, Member.line_user_id == user)
    assert (again.status, again.id) == ("active", member.id)


async def test_profile_shows_and_edits_one_part(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.say(user, T.PROFILE)
    assert "お名前：山田 花子" in bot.texts_to(user)[-2]
    assert bot.quick_labels(user)[:2] == [T.EDIT_NAME, T.EDIT_FIELDS]
    await bot.press(user, T.EDIT_AREA)
    assert bot.last_text(user).startswith(T.ASK_AREA)
    assert bot.quick_labels(user) == ["✓北地区", "中央地区", "南地区", T.DONE]  # the member's areas ticked
    await bot.press(user, "中央地区")
    await bot.press(user, "✓北地区")
    await bot.press(user, T.DONE)
    assert "地区：中央地区" in bot.texts_to(user)[-2]
    await bot.press(user, T.CONFIRM_SAVE)
    assert bot.last_text(user) == T.PROFILE_SAVED
    member = await bot.one(Member, Member.line_user_id == user)
    assert await areas_of(bot, member) == ["中央地区"]
    assert member.name == "山田 花子" and member.fields == ["防災", "福祉"]


async def test_skipping_while_editing_keeps_what_is_saved_and_each_question_shows_it(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_INTRO)
    assert bot.last_text(user).splitlines() == [T.ASK_INTRO_NOW_EDIT, "いまの内容：子ども食堂を月2回",
                                                T.EDIT_KEEP_OR_CLEAR]
    assert bot.quick_labels(user) == [T.SKIP, T.CLEAR]
    await bot.press(user, T.SKIP)
    assert bot.last_text(user).splitlines() == [T.ASK_INTRO_WORRY_EDIT, "いまの内容：未入力", T.EDIT_KEEP_EMPTY]
    assert bot.quick_labels(user) == [T.SKIP]
    await bot.press(user, T.SKIP)
    assert bot.last_text(user).splitlines()[1] == "いまの内容：調理場の貸出"
    await bot.press(user, T.SKIP)
    shown = bot.texts_to(user)[-2]
    assert "今の取り組み：子ども食堂を月2回" in shown and "提供できること（自己紹介）：調理場の貸出" in shown
    await bot.press(user, T.CONFIRM_SAVE)
    member = await bot.one(Member, Member.line_user_id == user)
    assert (member.intro_now, member.intro_worry, member.intro_offer) == ("子ども食堂を月2回", None, "調理場の貸出")

    await bot.say(user, T.PROFILE)  # the note after the needs' buttons is kept the same way
    await bot.press(user, T.EDIT_NEEDS)
    await bot.press(user, T.DONE)
    assert bot.last_text(user).splitlines()[:2] == [T.ASK_NEEDS_NOTE_EDIT, "いまの内容：週末のイベントの運営"]
    await bot.say(user, "パス")
    assert "求めていること：人手（週末のイベントの運営）" in bot.texts_to(user)[-2]
    await bot.press(user, T.CONFIRM_SAVE)
    member = await bot.one(Member, Member.line_user_id == user)
    assert member.needs == ["人手"] and member.needs_note == "週末のイベントの運営"


async def test_clear_or_none_while_editing_empties_an_answer_and_a_new_answer_replaces_it(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_INTRO)
    await bot.press(user, T.CLEAR)
    await bot.say(user, "会場が足りない")
    await bot.say(user, "特になし")
    assert "今の取り組み：未入力" in bot.texts_to(user)[-2]
    await bot.press(user, T.CONFIRM_SAVE)
    member = await bot.one(Member, Member.line_user_id == user)
    assert (member.intro_now, member.intro_worry, member.intro_offer) == (None, "会場が足りない", None)


async def test_editing_the_name_phone_and_role_shows_what_is_saved(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_NAME)
    assert bot.last_text(user).splitlines() == [T.ASK_NAME_EDIT, "いまの内容：山田 花子"]
    assert bot.quick_labels(user) == ["山田 花子"]
    await bot.press(user, "山田 花子")
    await bot.press(user, T.CONFIRM_SAVE)

    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_ROLE)
    assert bot.last_text(user).splitlines() == [T.ASK_ROLE, "いまの内容：主担当"]
    await bot.press(user, T.ROLE_DEPUTY)
    await bot.press(user, T.CONFIRM_SAVE)

    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_PHONE)
    assert bot.last_text(user).splitlines()[:2] == [T.ASK_PHONE_EDIT, "いまの内容：未入力"]
    await bot.say(user, "090-1234-5678")
    await bot.press(user, T.CONFIRM_SAVE)
    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_PHONE)
    assert bot.last_text(user).splitlines()[1] == "いまの内容：090-1234-5678"
    await bot.say(user, "夜だけ")
    assert bot.last_text(user).splitlines()[:2] == [T.PHONE_INVALID_EDIT, "いまの内容：090-1234-5678"]
    await bot.press(user, T.SKIP)
    await bot.press(user, T.CONFIRM_SAVE)
    member = await bot.one(Member, Member.line_user_id == user)
    assert (member.name, member.role, member.phone) == ("山田 花子", "deputy", "090-1234-5678")
    await bot.say(user, T.PROFILE)
    await bot.press(user, T.EDIT_PHONE)
    await bot.press(user, T.CLEAR)
    await bot.press(user, T.CONFIRM_SAVE)
    assert (await bot.one(Member, Member.line_user_id == user)).phone is None


async def test_old_buttons_do_nothing_harmful(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await register(bot, user, code)
    await bot.tap(user, "reg:field:0")
    assert bot.last_text(user) == T.STALE_BUTTON
    member = await bot.one(Member, Member.line_user_id == user)
    assert member.fields == ["防災", "福祉"]


async def test_bot_joined_to_a_group_records_it(bot):
    group = ev.new_group_id()
    await bot.send(ev.join(group, timestamp_ms=bot.now_ms()))
    assert bot.last_text(group) == T.GROUP_JOINED
    assert (await bot.one(LineGroup, LineGroup.group_id == group)).active is True
    await bot.send(ev.text_message(ev.new_user_id(), "こんにちは", group_id=group, timestamp_ms=bot.now_ms()))
    assert bot.texts_to(group) == [T.GROUP_JOINED]  # chatter in the group is not answered
    await bot.send(ev.leave(group, timestamp_ms=bot.now_ms()))
    assert (await bot.one(LineGroup, LineGroup.group_id == group)).active is False


async def test_help_or_an_old_button_mid_registration_keeps_the_answers(bot):
    code = await make_invite(bot)
    user = await up_to_fields(bot, code, "山田 花子")
    await bot.press(user, "防災")
    await bot.say(user, T.HELP)
    assert "✓防災" in bot.quick_labels(user)  # the same question again, answers kept
    await bot.tap(user, "prof:edit:name")
    await bot.tap(user, "ntc:status:1")
    conversation = await bot.one(Conversation, Conversation.actor_key == user)
    assert conversation.state == "Registration:fields"
    assert conversation.data["name"] == "山田 花子" and conversation.data["fields"] == ["防災"]


async def test_a_dialog_left_for_a_day_is_forgotten_with_a_word(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, code)
    bot.clock.advance(timedelta(hours=25))
    await bot.say(user, "山田 花子")
    assert bot.texts_to(user)[-2:] == [T.DIALOG_EXPIRED, T.NOT_REGISTERED]
    assert (await bot.one(Conversation, Conversation.actor_key == user)).state == "Registration:invite_code"


async def test_control_characters_and_lone_surrogates_are_cleaned_the_same_way_on_every_database(bot):
    code = await make_invite(bot)
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, code)
    event = ev.text_message(user, "山田\x00花子\x07\ud800", timestamp_ms=bot.now_ms())
    # LINE's JSON escapes them; json.dumps does too when told to keep to ASCII.
    body = json.dumps({"destination": ev.DEFAULT_DESTINATION, "events": [event]}).encode()
    assert (await bot.send_encoded([event], body)).status_code == 200
    assert bot.last_text(user).startswith(T.ASK_FIELDS)
    await bot.press(user, "防災")
    await bot.press(user, T.DONE)
    await skip_from_role(bot, user)
    await bot.press(user, T.CONFIRM_REGISTER)
    member = await bot.one(Member, Member.line_user_id == user)
    assert member.name == "山田花子\ufffd"
