"""The disaster path as people in a hurry meet it: typed answers, late registrants, the people to call."""

from datetime import timedelta

from sqlalchemy import select

from bot.texts import catalog as T
from bot.fakeline import events as ev
from db.contact_checks import MAX_NOTE
from db.models import ContactCheckAnswer, ContactCheckTarget, Conversation, Member
from tests.handlers.test_contact_checks import MULTICAST, cards, start_in_line, target
from tests.handlers.test_registration import make_invite, register
from tests.seed import Seed, partnership

PROVISION_LABELS = ["物資", "避難場所", "輸送", "人員", "なし", T.DONE]


async def test_a_typed_answer_is_taken_exactly_like_the_tap(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await bot.say(people["npo"], "無事です。")
    assert bot.texts_to(people["npo"])[-2] == T.CHECK_RECORDED.format(answer="無事", when="11/24(火) 10:00")
    assert bot.quick_labels(people["npo"]) == PROVISION_LABELS
    for typed in ("ﾌﾞｯｼ", "ひなんじょ", "完了です"):
        await bot.say(people["npo"], typed)
    assert bot.last_text(people["npo"]) == T.ASK_CHECK_NOTE.format(max=MAX_NOTE)
    await bot.say(people["npo"], "特になし")
    assert bot.last_text(people["npo"]) == T.CHECK_THANKS
    npo = await target(bot, people["npo"])
    assert (npo.status, npo.provisions, npo.note) == ("safe", ["supplies", "shelter"], None)
    [logged] = await bot.scalars(select(ContactCheckAnswer))
    assert (logged.status, logged.recorded_by_member_id, logged.late) == ("safe", None, False)

    await bot.say(people["company"], "たすけて！")  # full-width, hiragana, an exclamation
    await bot.say(people["company"], "倉庫の屋根が落ちました。けが人はいません")  # words instead of the list: the note
    assert bot.texts_to(people["company"])[-2] == T.CHECK_NOTE_TAKEN
    assert bot.quick_labels(people["company"]) == PROVISION_LABELS
    company = await target(bot, people["company"])
    assert (company.status, company.note) == ("help", "倉庫の屋根が落ちました。けが人はいません")
    await bot.say(people["company"], "42")  # the dialog is over: later words are not the note
    assert (await target(bot, people["company"])).note == company.note

    await bot.say(people["school"], "無事")
    bot.clock.advance(timedelta(hours=2))  # the list left unanswered; hours later words are for something else
    await bot.say(people["school"], "来週の会議は欠席します")
    assert bot.last_text(people["school"]) == T.UNKNOWN_TEXT
    assert (await target(bot, people["school"])).note is None


async def test_a_typed_answer_counts_in_another_dialog_until_answered_and_not_for_others(bot):
    people = await partnership(bot)
    await bot.say(people["npo"], T.PROFILE)
    await bot.press(people["npo"], T.EDIT_NAME)  # part-way through changing their name
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await bot.say(people["npo"], "ぶじ")
    assert (await target(bot, people["npo"])).status == "safe"
    assert bot.texts_to(people["npo"])[-2].startswith("「無事」で受け付けました")
    conversation = await bot.one(Conversation, Conversation.actor_key == people["npo"])
    assert conversation.state == "Registration:name"  # their dialog waits where it was
    await bot.say(people["npo"], "無事")  # answered: now the dialog's own words (a name, here)
    assert (await target(bot, people["npo"])).answers == 1
    assert len(await bot.scalars(select(ContactCheckAnswer))) == 1

    outsider = await Seed(bot).member("新しい 人", org="商店会", areas=("南地区",))
    await bot.say(outsider, "無事です")  # a running check does not ask them: an ordinary message
    assert bot.last_text(outsider) == T.UNKNOWN_TEXT
    assert len(await bot.scalars(select(ContactCheckAnswer))) == 1


async def test_someone_who_registers_while_a_check_runs_is_asked_at_once(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    newcomer = ev.new_user_id()
    await register(bot, newcomer, await make_invite(bot, name="NPO法人 みどりの会"))  # a deputy-less second primary
    [card] = cards(bot, newcomer)
    assert card["contents"]["body"]["contents"][0]["text"] == T.CHECK_HEADER
    member = await bot.one(Member, Member.line_user_id == newcomer)
    row = await bot.one(ContactCheckTarget, ContactCheckTarget.member_id == member.id)
    assert (row.check_id, row.asked_count, row.held) == (1, 1, False)
    await bot.say(newcomer, "大丈夫です")
    assert (await target(bot, newcomer)).status == "safe"

    await bot.follow(newcomer)  # a follow again while asked adds no second question
    assert len(cards(bot, newcomer)) == 1
    assert len([c for c in bot.line.sent(MULTICAST) if newcomer in c.json["to"]]) == 1


async def test_the_silent_list_names_the_people_to_call_with_their_phone(bot):
    people = await partnership(bot)
    await bot.say(people["school"], T.PROFILE)
    await bot.press(people["school"], T.EDIT_PHONE)
    await bot.say(people["school"], "電話は夜だけ")
    assert bot.last_text(people["school"]).startswith(T.PHONE_INVALID_EDIT)
    await bot.say(people["school"], "０９０－１２３４－５６７８")
    assert "電話番号（事務局だけが見ます）：090-1234-5678" in bot.texts_to(people["school"])[-2]
    await bot.press(people["school"], T.CONFIRM_SAVE)
    assert (await bot.one(Member, Member.line_user_id == people["school"])).phone == "090-1234-5678"

    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await bot.say(people["staff"], "無事")
    await bot.say(people["staff"], T.CHECK_STATUS)
    await bot.press(people["staff"], T.CHECK_SILENT_BUTTON)
    assert bot.last_text(people["staff"]).splitlines() == [
        "未回答の団体（3）と連絡先：",
        "・NPO法人 みどりの会：NPO 代表（主担当）電話番号未登録、NPO 副担当（副担当）電話番号未登録",
        "・市立大学：大学 教員（主担当）090-1234-5678",
        "・株式会社 山田建設：企業 担当（主担当）電話番号未登録",
    ]


async def test_a_note_up_to_a_thousand_characters_is_kept_and_one_longer_is_refused(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await bot.say(people["npo"], "被害あり")
    await bot.say(people["npo"], T.DONE)
    await bot.say(people["npo"], "あ" * (MAX_NOTE + 1))
    assert bot.last_text(people["npo"]) == T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE)
    assert (await target(bot, people["npo"])).note is None
    await bot.say(people["npo"], "床上浸水。" * 200)
    assert (await target(bot, people["npo"])).note == "床上浸水。" * 200
