"""Introductions: pairing on generated populations, and the whole path in LINE through signed webhooks
(the schedule, the notice and skipping, the cards, a hello and its answer, LINE IDs by mutual
consent, the follow-up, the network's figures), opting out, and the question of the week."""

import asyncio
import csv
import io
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import networkx as nx
import pytest
from sqlalchemy import select, update

from bot.texts import catalog as T
from bot.line.messages import utf16_len
from db.intros import Candidate, is_cross_field, pair_members, preference
from db.weekly_questions import Answer
from handlers.intros.messages import digest_messages
from db.models import IntroPair, IntroRound, IntroSchedule, Member
from tests.harness import BotHarness
from tests.seed import Seed, partnership

TOKYO = ZoneInfo("Asia/Tokyo")
MULTICAST = "/v2/bot/message/multicast"
PUSH = "/v2/bot/message/push"
FIELDS = T.FIELDS
NEEDS = T.RESOURCE_CATEGORIES


# Pairing on generated populations

def population(size: int, seed: int, *, orgs: int | None = None, max_fields: int = 2) -> list[Candidate]:
    draw = random.Random(seed)
    orgs = orgs or (size if size < 30 else size // 3)
    types = {org: draw.choice(["municipality", "company", "npo", "university", "association"]) for org in range(orgs)}
    people = []
    for i in range(size):
        org = i if orgs >= size else draw.randrange(orgs)
        people.append(Candidate(i + 1, org, types[org], frozenset(draw.sample(FIELDS, draw.randint(1, max_fields))),
                                frozenset(draw.sample(NEEDS, draw.randint(0, 2))),
                                frozenset(draw.sample(NEEDS, draw.randint(0, 2)))))
    return people


def check_round(people: list[Candidate], result) -> None:
    """Every member at most once, never two of one organization."""
    by_id = {c.id: c for c in people}
    seen = [i for a, b, _ in result.pairs for i in (a, b)] + result.unpaired
    assert sorted(seen) == sorted(by_id)
    for a, b, points in result.pairs:
        assert by_id[a].org_id != by_id[b].org_id
        assert points == preference(by_id[a], by_id[b])


@pytest.mark.parametrize("size, seed", [(2, 1), (9, 2), (30, 3), (57, 4), (120, 5), (301, 6)])
def test_a_round_pairs_each_member_once_and_never_within_one_organization(size, seed):
    people = population(size, seed)
    result = pair_members(people, history=set(), seed=seed, block_size=100)  # 301 is split into blocks
    check_round(people, result)
    assert len(result.unpaired) == size % 2  # enough organizations: only an odd one out waits


def test_a_large_round_cut_down_to_each_members_best_candidates_still_pairs_everyone_anew():
    people = population(400, 11)  # a block above FULL_GRAPH: each member keeps only its best candidates
    history: set[frozenset[int]] = set()
    for past in range(5):
        history |= {frozenset((a.id, b.id)) for a, b in random_pairs(people, past)}
    result = pair_members(people, history=history, seed=3, block_size=400)
    check_round(people, result)
    assert len(result.unpaired) == 0
    assert [p for p in result.pairs if frozenset(p[:2]) in history] == []


def test_members_of_a_single_organization_are_not_paired():
    people = [Candidate(i, 7, "npo", frozenset({"福祉"})) for i in range(1, 5)]
    result = pair_members(people, history=set())
    assert result.pairs == [] and result.unpaired == [1, 2, 3, 4]


@pytest.mark.parametrize("seed", range(8))
def test_no_pair_is_repeated_while_a_round_of_new_pairs_is_possible(seed):
    people = population(12, seed, orgs=8)
    history: set[frozenset[int]] = set()
    possible_checked = 0
    for round_no in range(6):
        result = pair_members(people, history=history, seed=round_no)
        check_round(people, result)
        repeats = [p for p in result.pairs if frozenset(p[:2]) in history]
        # Whether the members could all have met someone new, found independently of pairing.
        new_only = nx.Graph()
        new_only.add_edges_from((a.id, b.id) for a in people for b in people
                                if a.id < b.id and a.org_id != b.org_id and frozenset((a.id, b.id)) not in history)
        best_new = nx.max_weight_matching(new_only, maxcardinality=True)
        if len(best_new) == len(result.pairs):
            possible_checked += 1
            assert repeats == [], f"round {round_no}: repeated {repeats} though all-new pairs existed"
        history |= {frozenset(p[:2]) for p in result.pairs}
    assert possible_checked >= 3  # the property was put to the test, not skipped


def random_pairs(people: list[Candidate], seed: int) -> list[tuple[Candidate, Candidate]]:
    """The baseline: shuffle and pair neighbours (skipping same-organization neighbours)."""
    order = people[:]
    random.Random(seed).shuffle(order)
    pairs = []
    while len(order) > 1:
        a = order.pop()
        partner = next((b for b in order if b.org_id != a.org_id), None)
        if partner is not None:
            order.remove(partner)
            pairs.append((a, partner))
    return pairs


def test_pairing_crosses_fields_more_often_than_random_pairing_on_the_same_population():
    ours, chance = [], []
    for seed in range(5):
        people = population(200, seed, max_fields=3)
        by_id = {c.id: c for c in people}
        result = pair_members(people, history=set(), seed=seed)
        ours.append(sum(is_cross_field(by_id[a], by_id[b]) for a, b, _ in result.pairs) / len(result.pairs))
        baseline = random_pairs(people, seed)
        chance.append(sum(is_cross_field(a, b) for a, b in baseline) / len(baseline))
    ours_share, chance_share = sum(ours) / 5, sum(chance) / 5
    assert ours_share > chance_share + 0.15, (ours_share, chance_share)


@pytest.mark.parametrize("seed", range(6))
def test_with_an_odd_count_the_one_who_waited_is_paired_first_next_time(seed):
    people = population(11, seed, orgs=11)
    first = pair_members(people, history=set(), seed=seed)
    [waiting] = first.unpaired
    second = pair_members(people, history={frozenset(p[:2]) for p in first.pairs}, waiting={waiting}, seed=seed + 1)
    check_round(people, second)
    assert waiting not in second.unpaired and len(second.unpaired) == 1


def test_a_need_met_by_an_offer_decides_between_otherwise_equal_partners():
    def member(i, org, needs=(), offers=()):
        return Candidate(i, org, "npo", frozenset({"福祉"}), frozenset(needs), frozenset(offers))

    people = [member(1, 1, needs=["会場"]), member(2, 2), member(3, 3, offers=["会場"]), member(4, 4)]
    assert pair_members(people, history=set()).pairs[0][:2] == (1, 3)


# The whole path in LINE

def flex_cards(bot, user):
    return [message for message in bot.messages_to(user) if message["type"] == "flex"]


def card_texts(card) -> list[str]:
    return [c.get("text") for c in card["contents"]["body"]["contents"] if c["type"] == "text"]


def card_button(card, label) -> str:
    for button in card["contents"]["footer"]["contents"]:
        if button["action"]["label"] == label:
            return button["action"]["data"]
    raise AssertionError(f"no button {label!r}")


async def set_intro_answers(bot, user, now, worry, offer):
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(update(Member).where(Member.line_user_id == user)
                              .values(intro_now=now, intro_worry=worry, intro_offer=offer, offers=["会場"]))


async def test_a_round_from_the_schedule_to_the_follow_up_in_line(bot, renkei, tmp_path):
    people = await partnership(bot)
    staff, npo, deputy, company, school = (people[k] for k in ("staff", "npo", "npo_deputy", "company", "school"))
    await set_intro_answers(bot, staff, "空き家の活用", "若い担い手が少ない", "公民館の会場")

    await bot.say(npo, T.INTRO_SETTINGS)
    assert bot.last_text(npo).startswith(T.INTRO_STAFF_ONLY)
    await bot.say(staff, T.INTRO_SETTINGS)
    assert bot.last_text(staff) == T.INTRO_SCHEDULE_OFF
    await bot.press(staff, "2週ごと")
    await bot.press(staff, "木")
    await bot.press(staff, "12:00")
    assert bot.last_text(staff) == T.INTRO_SCHEDULED.format(schedule="2週ごと 木曜 12:00（4日後にふりかえり）",
                                                            next="11/26(木) 12:00")
    await bot.tap(staff, "intros:t:14:3:2500")  # forged: a time the buttons never offer
    assert bot.last_text(staff) == T.STALE_BUTTON

    bot.clock.set(datetime(2026, 11, 25, 11, 59, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert bot.line.sent(MULTICAST) == []
    bot.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO))  # a day ahead
    await bot.runtime.scheduler.run_due()
    await bot.runtime.scheduler.run_due()  # a second run (or instance) announces nothing more
    [notice] = bot.line.sent(MULTICAST)
    assert sorted(notice.json["to"]) == sorted(people.values())
    assert notice.json["messages"][0]["text"].startswith("【メンバー紹介のお知らせ】11/26(木) 12:00に")
    await bot.press(school, T.INTRO_SKIP_BUTTON)
    assert bot.last_text(school) == T.INTRO_SKIPPED
    await bot.tap(school, "intro:skip:99")
    assert bot.last_text(school) == T.STALE_BUTTON

    bot.clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    await bot.runtime.scheduler.run_due()
    assert flex_cards(bot, school) == []
    assert [len(flex_cards(bot, u)) for u in (staff, npo, deputy, company)] == [1, 1, 1, 1]
    # The best total, not the greedy first pick: 防災 deputy with the city (7 points) and the
    # 防災・福祉 NPO lead with the company (4) beat the NPO lead with the city (7) and deputy with company (3).
    [deputy_card] = flex_cards(bot, deputy)
    texts = card_texts(deputy_card)
    assert texts[1:4] == ["市 職員", "市役所 企画課（行政）", "分野：まちづくり"]
    assert "今の取り組み：空き家の活用" in texts and "困っていること：若い担い手が少ない" in texts
    assert any(t.startswith("話のきっかけに：") and t.removeprefix("話のきっかけに：") in T.INTRO_ICEBREAKERS
               for t in texts)
    assert card_texts(flex_cards(bot, npo)[0])[1] == "企業 担当"
    pair = await bot.one(IntroPair, IntroPair.cross_field.is_(True))

    await bot.tap(deputy, card_button(deputy_card, T.INTRO_HELLO_BUTTON))
    assert bot.last_text(deputy) == (T.INTRO_HELLO_SENT.format(name="市 職員") + "\n"
                                     + T.INTRO_HELLO_MORE.format(name="市 職員"))
    assert bot.last_text(staff) == T.INTRO_FROM.format(name="NPO 副担当", org="NPO法人 みどりの会", text=T.INTRO_HELLO)
    await bot.say(deputy, "防災倉庫の話、ぜひ聞かせてください")  # their own greeting after the button's
    assert bot.last_text(deputy) == T.INTRO_CONFIRM_MESSAGE.format(name="市 職員", text="防災倉庫の話、ぜひ聞かせてください")
    await bot.say(deputy, "送信")
    assert bot.last_text(deputy) == T.INTRO_MESSAGE_SENT.format(name="市 職員")
    assert bot.last_text(staff) == T.INTRO_FROM.format(name="NPO 副担当", org="NPO法人 みどりの会",
                                                       text="防災倉庫の話、ぜひ聞かせてください")
    await bot.tap(deputy, card_button(deputy_card, T.INTRO_HELLO_BUTTON))
    assert bot.last_text(deputy) == T.INTRO_HELLO_ALREADY
    await bot.press(staff, T.INTRO_MESSAGE_BUTTON)
    await bot.say(staff, "42")  # typed for something else: held, shown back, not passed on
    assert bot.last_text(staff) == T.INTRO_CONFIRM_MESSAGE.format(name="NPO 副担当", text="42")
    await bot.say(staff, "こちらこそ！来週、公民館でお茶しませんか")  # typed again: this one is held instead
    assert not any(t.endswith("42") for t in bot.texts_to(deputy))
    await bot.press(staff, T.INTRO_SEND)
    assert bot.last_text(staff) == T.INTRO_MESSAGE_SENT.format(name="NPO 副担当")
    await bot.tap(staff, "intro:send")  # the same button again sends nothing more
    assert bot.last_text(staff) == T.STALE_BUTTON
    assert bot.last_text(deputy) == T.INTRO_FROM.format(name="市 職員", org="市役所 企画課",
                                                        text="こちらこそ！来週、公民館でお茶しませんか")
    await bot.tap(school, card_button(deputy_card, T.INTRO_HELLO_BUTTON))  # not theirs
    assert bot.last_text(school) == T.STALE_BUTTON

    await bot.tap(deputy, card_button(deputy_card, T.INTRO_EXCHANGE_BUTTON))
    await bot.say(deputy, "ID は npo!")
    assert bot.last_text(deputy) == T.INTRO_LINE_ID_INVALID
    await bot.say(deputy, "npo_deputy")
    assert bot.last_text(deputy) == T.INTRO_CONFIRM_LINE_ID.format(name="市 職員", line_id="npo_deputy")
    await bot.press(deputy, T.INTRO_SEND)
    assert bot.last_text(deputy) == T.INTRO_LINE_ID_WAIT.format(name="市 職員")
    assert bot.last_text(staff) == T.INTRO_LINE_ID_REQUEST.format(name="NPO 副担当", org="NPO法人 みどりの会")
    assert not any("npo_deputy" in text for text in bot.texts_to(staff))  # not before the staff member agrees
    await bot.press(staff, T.INTRO_EXCHANGE_BUTTON)
    await bot.say(staff, "city.staff")
    await bot.press(staff, T.INTRO_SEND)
    assert bot.last_text(staff) == T.INTRO_LINE_ID_EXCHANGED.format(name="NPO 副担当", line_id="npo_deputy")
    assert bot.last_text(deputy) == T.INTRO_LINE_ID_EXCHANGED.format(name="市 職員", line_id="city.staff")

    # A message written at night is held until the morning, and its writer is told so, not 「送りました」.
    bot.clock.set(datetime(2026, 11, 26, 23, 0, tzinfo=TOKYO))
    await bot.tap(deputy, f"intro:m:{pair.id}")
    await bot.say(deputy, "今日はありがとうございました")
    await bot.press(deputy, T.INTRO_SEND)
    assert bot.last_text(deputy) == "市 職員さんへのメッセージを受け付けました。夜間のため11/27(金) 07:00に届きます。"
    assert not any(t.endswith("今日はありがとうございました") for t in bot.texts_to(staff))
    bot.clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=TOKYO))
    await bot.runtime.gateway.deliver_due()
    assert bot.last_text(staff) == T.INTRO_FROM.format(name="NPO 副担当", org="NPO法人 みどりの会",
                                                       text="今日はありがとうございました")

    bot.clock.set(datetime(2026, 11, 30, 11, 59, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert not any(t.startswith("先日ご紹介した") for t in bot.texts_to(deputy))
    bot.clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO))  # four days on
    await bot.runtime.scheduler.run_due()
    await bot.runtime.scheduler.run_due()
    for user in (staff, npo, deputy, company):
        assert [t for t in bot.texts_to(user) if t.startswith("先日ご紹介した")].__len__() == 1
    assert bot.last_text(deputy) == T.INTRO_FOLLOWUP.format(name="市 職員", org="市役所 企画課")
    assert bot.quick_labels(deputy) == ["話せた", "まだ", "今回はパス"]
    await bot.press(deputy, "話せた")
    assert bot.last_text(deputy) == T.INTRO_OUTCOME_REPLIES["talked"]
    await bot.press(npo, "今回はパス")
    await bot.tap(npo, f"intro:f:{pair.id}:t")  # the other pair's button
    assert bot.last_text(npo) == T.STALE_BUTTON
    tie = await bot.one(IntroPair, IntroPair.tie_at.is_not(None))
    assert tie.id == pair.id and "talked" in (tie.a_outcome, tie.b_outcome)

    await bot.say(staff, T.INTRO_NETWORK)
    network = bot.last_text(staff)
    assert "メンバー：5人（紹介停止 0人）" in network and "紹介：1回・2組" in network
    assert "つながり：1組（うち分野をまたぐもの 1組）" in network and "つながりがまだない人：3人" in network
    assert "NPO法人 みどりの会（1分野とつながり）" in network and "市役所 企画課（1分野とつながり）" in network
    assert "つながり：1組" in (await asyncio.to_thread(renkei, "intro", "stats")).output
    exported = (await asyncio.to_thread(renkei, "intro", "export", "--format", "csv")).output
    exported = list(csv.DictReader(io.StringIO(exported)))
    assert len(exported) == 2
    column = T.INTRO_EXPORT_COLUMNS
    assert list(exported[0]) == list(column.values())
    [tied] = [row for row in exported if row[column["tie"]] == T.EXPORT_YES]
    [untied] = [row for row in exported if row[column["tie"]] == T.EXPORT_NO]
    assert {tied[column["member_a"]], tied[column["member_b"]]} == {"市 職員", "NPO 副担当"}
    assert tied[column["cross_field"]] == "はい" and tied[column["line_ids_exchanged"]] == "はい"
    assert tied[column["introduced_at"]] == "2026-11-26 12:00" and tied[column["tie_at"]] == "2026-11-30 12:00"
    assert {tied[column["outcome_a"]], tied[column["outcome_b"]]} <= {*T.INTRO_OUTCOME_LABELS.values(), ""}
    assert "True" not in tied.values() and "False" not in untied.values() and "talked" not in tied.values()
    await asyncio.to_thread(renkei, "intro", "export", "--format", "csv", "--output", str(tmp_path / "edges.csv"))
    written = (tmp_path / "edges.csv").read_bytes()
    assert written.startswith("\ufeff".encode()) and written.decode("utf-8-sig").splitlines()[0].startswith("紹介番号,")


async def test_opting_out_leaves_a_member_out_until_they_resume(bot, renkei):
    seed = Seed(bot)
    users = [await seed.member(f"会員{i}", org=f"団体{i}", fields=(FIELDS[i],)) for i in range(3)]
    result = await asyncio.to_thread(renkei, "intro", "schedule", "--every", "7d", "--weekday", "mon",
                                     "--time", "10:00")
    assert result.exit_code == 0, result.output
    await bot.say(users[2], T.INTRO_STOP)
    assert bot.last_text(users[2]) == T.INTRO_STOPPED

    async def next_round():
        [row] = await bot.scalars(select(IntroSchedule))
        bot.clock.set(row.next_round_at - timedelta(days=1))
        await bot.runtime.scheduler.run_due()
        bot.clock.set(row.next_round_at)
        await bot.runtime.scheduler.run_due()
        return row.next_round_at

    await next_round()
    assert sorted(bot.line.sent(MULTICAST)[-1].json["to"]) == sorted(users[:2])
    assert flex_cards(bot, users[2]) == [] and len(flex_cards(bot, users[0])) == 1

    await bot.say(users[2], T.INTRO_RESUME)
    assert bot.last_text(users[2]) == T.INTRO_RESUMED
    await next_round()  # three take part: one waits, and is paired first the time after
    assert sorted(bot.line.sent(MULTICAST)[-1].json["to"]) == sorted(users)
    [second] = await bot.scalars(select(IntroRound).where(IntroRound.id == 2))
    assert second.waiting_member_id is not None
    left_out = await bot.one(Member, Member.id == second.waiting_member_id)
    assert bot.last_text(left_out.line_user_id) == T.INTRO_WAITING  # told, kindly, rather than nothing
    paired = [u for u in users if u != left_out.line_user_id]
    assert all(T.INTRO_WAITING not in bot.texts_to(u) for u in paired)
    await next_round()
    waited = await bot.one(Member, Member.id == second.waiting_member_id)
    assert len(flex_cards(bot, waited.line_user_id)) == len(
        [p for p in await bot.scalars(select(IntroPair)) if waited.id in (p.member_a_id, p.member_b_id)])
    [third] = await bot.scalars(select(IntroPair).where(IntroPair.round_id == 3))
    assert waited.id in (third.member_a_id, third.member_b_id)


async def test_the_question_of_the_week_and_its_digest_grouped_by_field(bot):
    seed = Seed(bot)
    staff = await seed.member("事務局 太郎", org="市役所", staff=True, fields=("まちづくり",))
    bosai = await seed.member("防災 一郎", org="自主防災会", fields=("防災", "福祉"))
    kyoiku = await seed.member("教育 花子", org="市立大学", fields=("教育",))
    bosai2 = await seed.member("防災 二郎", org="消防団", fields=("防災",))
    silent = await seed.member("無回答 三郎", org="商店会", fields=("観光",))

    await bot.say(bosai, T.WEEKLY)
    assert bot.last_text(bosai).startswith(T.INTRO_STAFF_ONLY)
    await bot.say(staff, T.WEEKLY)
    await bot.say(staff, "1行目\n2行目")
    assert bot.last_text(staff) == T.WEEKLY_TEXT_INVALID.format(max=60)
    await bot.say(staff, "最近うれしかったことは？")
    # Shown first, with how many it goes to; nothing is sent before 送信する.
    assert bot.last_text(staff) == T.WEEKLY_PREVIEW.format(question="最近うれしかったことは？", count=5)
    await bot.say(staff, "うーん")
    # Other text: one line saying what works, then the preview and its buttons again; nothing sent.
    assert bot.texts_to(staff)[-2:] == [T.WEEKLY_CONFIRM_INVALID,
                                        T.WEEKLY_PREVIEW.format(question="最近うれしかったことは？", count=5)]
    assert bot.line.sent(MULTICAST) == []
    await bot.press(staff, T.WEEKLY_SEND)
    # The reply and the question (staff take part too) go to LINE at the same time, in either order.
    assert T.WEEKLY_SENT.format(question="最近うれしかったことは？", count=5,
                                when="11/27(金) 10:00") in bot.texts_to(staff)[-2:]
    [asked] = bot.line.sent(MULTICAST)
    assert len(asked.json["to"]) == 5

    answer_button = asked.json["messages"][0]["quickReply"]["items"][0]["action"]
    assert answer_button["label"] == T.WEEKLY_ANSWER_BUTTON

    async def answer(user, text):
        await bot.tap(user, answer_button["data"])
        await bot.say(user, text)
        assert bot.last_text(user) == T.WEEKLY_CONFIRM.format(text=text)
        await bot.press(user, T.INTRO_SEND)

    await answer(kyoiku, "学生が地域の祭りに参加")
    await answer(bosai, "訓練に50人")
    await answer(bosai2, "新しい団員")
    assert bot.last_text(bosai) == T.WEEKLY_ANSWERED.format(when="11/27(金) 10:00")
    await answer(bosai, "訓練に60人集まった")  # answered again: the last one counts, and it says so
    assert bot.last_text(bosai) == T.WEEKLY_REPLACED.format(text="訓練に60人集まった", when="11/27(金) 10:00")

    bot.clock.set(datetime(2026, 11, 27, 9, 59, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert len(bot.line.sent(MULTICAST)) == 1
    bot.clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    await bot.runtime.scheduler.run_due()
    [_, digest] = bot.line.sent(MULTICAST)
    assert sorted(digest.json["to"]) == sorted([bosai, kyoiku, bosai2])
    assert silent not in digest.json["to"] and staff not in digest.json["to"]
    assert digest.json["messages"][0]["text"].split("\n") == [
        "【ひとことのまとめ】最近うれしかったことは？（3人）",
        "■防災",
        "・防災 一郎（自主防災会）：訓練に60人集まった",
        "・防災 二郎（消防団）：新しい団員",
        "■教育",
        "・教育 花子（市立大学）：学生が地域の祭りに参加",
    ]
    await bot.tap(silent, answer_button["data"])
    assert bot.last_text(silent) == T.WEEKLY_CLOSED


async def test_a_question_left_to_the_bot_comes_from_the_bank(bot):
    seed = Seed(bot)
    staff = await seed.member("事務局", org="市役所", staff=True)
    await bot.say(staff, T.WEEKLY)
    await bot.press(staff, T.WEEKLY_PICK)
    assert bot.line.sent(MULTICAST) == []
    await bot.press(staff, T.WEEKLY_SEND)
    [asked] = bot.line.sent(MULTICAST)
    question = asked.json["messages"][0]["text"].split("\n")[0].removeprefix("【今週のひとこと】")
    assert question in T.INTRO_ICEBREAKERS


def test_the_schedule_command_refuses_what_it_cannot_use(renkei):
    assert renkei("intro", "schedule", "--every", "14d", "--weekday", "sun", "--time", "12:00").exit_code == 1
    assert renkei("intro", "schedule", "--every", "0d", "--weekday", "thu", "--time", "12:00").exit_code == 1
    off_weekday = renkei("intro", "schedule", "--every", "10d", "--weekday", "thu", "--time", "12:00")
    assert off_weekday.exit_code == 1 and "whole weeks" in off_weekday.output  # would drift off Thursday
    assert renkei("intro", "schedule", "--every", "14d", "--weekday", "thu", "--time", "25:00").exit_code == 1
    assert renkei("intro", "schedule", "--every", "14d").exit_code == 1
    assert "off" in renkei("intro", "schedule").output
    done = renkei("intro", "schedule", "--every", "14d", "--weekday", "thu", "--time", "12:00")
    assert done.exit_code == 0 and "2週ごと 木曜 12:00" in done.output
    assert "2週ごと 木曜 12:00" in renkei("intro", "schedule").output
    assert renkei("intro", "schedule", "--off").output.strip() == "Introduction rounds stopped."


async def test_a_round_missed_while_the_service_was_down_is_not_made_up(bot):
    people = await partnership(bot)
    await bot.say(people["staff"], T.INTRO_SETTINGS)
    await bot.press(people["staff"], "毎週")
    await bot.press(people["staff"], "木")
    await bot.press(people["staff"], "12:00")
    bot.clock.set(datetime(2026, 11, 26, 12, 5, tzinfo=TOKYO))  # down through the notice and the round
    await bot.runtime.scheduler.run_due()
    assert bot.line.sent(MULTICAST) == [] and flex_cards(bot, people["npo"]) == []
    [row] = await bot.scalars(select(IntroSchedule))
    assert row.next_round_at == datetime(2026, 12, 3, 12, 0, tzinfo=TOKYO)
    bot.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    [notice] = bot.line.sent(MULTICAST)
    assert "12/3(木) 12:00" in notice.json["messages"][0]["text"]
    await bot.say(people["staff"], T.INTRO_SETTINGS)
    assert bot.last_text(people["staff"]).startswith("紹介の設定：毎週 木曜 12:00（4日後にふりかえり）\n次回：12/10(木) 12:00")
    await bot.press(people["staff"], T.INTRO_SCHEDULE_STOP)  # the announced round is called off; in either order:
    assert set(bot.texts_to(people["staff"])[-2:]) == {
        T.INTRO_SCHEDULE_STOPPED, T.INTRO_ROUND_CALLED_OFF.format(when="12/3(木) 12:00")}
    await bot.say(people["staff"], T.INTRO_SETTINGS)
    assert bot.last_text(people["staff"]) == T.INTRO_SCHEDULE_OFF


async def test_two_scheduler_instances_announce_pair_follow_up_and_digest_exactly_once(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as first, \
            BotHarness(database_url=database_url, line=fake_line, clock=clock) as second:
        people = await partnership(first)
        staff = people["staff"]
        await first.say(staff, T.INTRO_SETTINGS)
        for label in ("2週ごと", "木", "12:00"):
            await first.press(staff, label)
        await first.say(staff, T.WEEKLY)
        await first.press(staff, T.WEEKLY_PICK)
        await first.press(staff, T.WEEKLY_SEND)
        [asked] = fake_line.sent(MULTICAST)
        await first.tap(people["school"], asked.json["messages"][0]["quickReply"]["items"][0]["action"]["data"])
        await first.say(people["school"], "地域の祭り")
        await first.press(people["school"], T.INTRO_SEND)

        async def both(moment):
            clock.set(moment)
            results = await asyncio.gather(first.runtime.scheduler.run_due(), second.runtime.scheduler.run_due(),
                                           first.runtime.scheduler.run_due(), second.runtime.scheduler.run_due())
            return {job: sum(r.get(job, 0) for r in results) for job in results[0]}

        counts = await both(datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO))
        assert counts["send_due_intro_notices"] == 1 and len(fake_line.sent(MULTICAST)) == 2
        counts = await both(datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO))
        assert counts["send_due_intros"] == 5  # two pairs, a card to each of the four, and the fifth told it waits
        assert sorted(len(flex_cards(first, u)) for u in people.values()) == [0, 1, 1, 1, 1]
        counts = await both(datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO))
        assert counts["send_weekly_question_digest"] == 1
        counts = await both(datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO))
        assert counts["send_intro_followups"] == 4
        for user in people.values():
            followups = [t for t in first.texts_to(user) if t.startswith("先日ご紹介した")]
            assert len(followups) == len(flex_cards(first, user))  # one for each introduced, none for the one waiting


async def announced_round(bot) -> dict[str, str]:
    """Rounds every two weeks on Thursday at 12:00, and the first one announced (Wednesday noon)."""
    people = await partnership(bot)
    await bot.say(people["staff"], T.INTRO_SETTINGS)
    for label in ("2週ごと", "木", "12:00"):
        await bot.press(people["staff"], label)
    bot.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    return people


async def test_stopping_the_rounds_calls_off_an_announced_round_and_partners_who_stopped_get_nothing(bot):
    people = await announced_round(bot)
    staff = people["staff"]
    assert bot.last_text(people["npo"]).startswith(T.INTRO_NOTICE.split("{")[0])
    await bot.say(staff, T.INTRO_SETTINGS)
    await bot.press(staff, T.INTRO_SCHEDULE_STOP)
    assert bot.last_text(people["npo"]) == T.INTRO_ROUND_CALLED_OFF.format(when="11/26(木) 12:00")
    bot.clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO))
    assert (await bot.runtime.scheduler.run_due())["send_due_intros"] == 0
    assert await bot.scalars(select(IntroPair)) == []
    [called_off] = await bot.scalars(select(IntroRound))
    assert called_off.status == "cancelled"


async def test_a_partner_who_stopped_introductions_gets_no_more_messages_or_follow_ups(bot):
    await announced_round(bot)
    bot.clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    pair = (await bot.scalars(select(IntroPair)))[0]
    by_id = {m.id: m for m in await bot.scalars(select(Member))}
    a, b = by_id[pair.member_a_id].line_user_id, by_id[pair.member_b_id].line_user_id
    await bot.say(b, T.INTRO_STOP)
    await bot.tap(a, f"intro:m:{pair.id}")
    assert bot.last_text(a) == T.INTRO_OTHER_STOPPED.format(name=by_id[pair.member_b_id].name)
    before = len(bot.texts_to(b))
    bot.clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert len(bot.texts_to(b)) == before  # no follow-up for the one who stopped
    assert any(t.startswith("先日ご紹介した") for t in bot.texts_to(a))


def test_a_long_digest_is_split_within_lines_limit_and_keeps_every_answer():
    answers = [Answer(line_user_id=f"U{i:032x}", name=f"会員{i}", organization="団体", fields=["防災"],
                      text="🎉" * 60) for i in range(60)]  # an emoji is two UTF-16 units
    messages = digest_messages("最近うれしかったことは？", answers)
    assert len(messages) > 1 and all(utf16_len(message["text"]) <= 5000 for message in messages)
    assert sum(message["text"].count("🎉" * 60) for message in messages) == 60


async def test_a_round_on_a_public_holiday_is_held_the_next_business_day(bot):
    people = await partnership(bot)
    bot.clock.set(datetime(2027, 2, 3, 10, 0, tzinfo=TOKYO))
    await bot.say(people["staff"], T.INTRO_SETTINGS)
    for label in ("毎週", "木", "12:00"):
        await bot.press(people["staff"], label)
    bot.clock.set(datetime(2027, 2, 10, 11, 0, tzinfo=TOKYO))  # the round of 2/4 was missed; 2/11 is 建国記念の日
    await bot.runtime.scheduler.run_due()
    bot.clock.set(datetime(2027, 2, 10, 12, 0, tzinfo=TOKYO))
    assert (await bot.runtime.scheduler.run_due())["send_due_intro_notices"] == 1
    assert bot.last_text(people["npo"]).startswith(T.INTRO_NOTICE.format(when="2/12(金) 12:00")[:30])
    [held] = await bot.scalars(select(IntroRound))
    assert held.scheduled_at == datetime(2027, 2, 12, 12, 0, tzinfo=TOKYO)
    bot.clock.set(datetime(2027, 2, 11, 12, 0, tzinfo=TOKYO))
    assert (await bot.runtime.scheduler.run_due())["send_due_intros"] == 0
    bot.clock.set(datetime(2027, 2, 12, 12, 0, tzinfo=TOKYO))
    assert (await bot.runtime.scheduler.run_due())["send_due_intros"] == 5  # four cards, and the fifth member told they are introduced first next time
    [schedule_row] = await bot.scalars(select(IntroSchedule))
    assert schedule_row.next_round_at == datetime(2027, 2, 18, 12, 0, tzinfo=TOKYO)  # back on Thursdays


async def test_a_digest_that_would_fall_on_a_weekend_goes_on_the_next_business_day(bot):
    people = await partnership(bot)
    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=TOKYO))  # a Wednesday: three days on is a Saturday
    await bot.say(people["staff"], T.WEEKLY)
    await bot.say(people["staff"], "最近うれしかったことは？")
    await bot.press(people["staff"], T.WEEKLY_SEND)
    assert T.WEEKLY_SENT.format(question="最近うれしかったことは？", count=5,
                                when="11/30(月) 09:00") in bot.texts_to(people["staff"])[-2:]


async def test_the_question_of_the_week_sent_at_night_says_it_arrives_in_the_morning(bot):
    people = await partnership(bot)
    bot.clock.set(datetime(2026, 11, 24, 23, 0, tzinfo=TOKYO))
    await bot.say(people["staff"], T.WEEKLY)
    await bot.say(people["staff"], "最近うれしかったことは？")
    assert bot.last_text(people["staff"]) == ("※今送ると、夜間のため11/25(水) 07:00に届きます。\n"
                                              + T.WEEKLY_PREVIEW.format(question="最近うれしかったことは？", count=5))
    await bot.press(people["staff"], T.WEEKLY_SEND)
    assert bot.line.sent(MULTICAST) == []  # quiet hours hold it
    assert bot.last_text(people["staff"]).startswith(
        "「最近うれしかったことは？」を受け付けました（5人）。夜間のため11/25(水) 07:00に届きます。")
    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    await bot.runtime.gateway.deliver_due()
    [asked] = bot.line.sent(MULTICAST)
    assert len(asked.json["to"]) == 5
