"""Handover (引継ぎ): the role and everything waiting on the departing contact move to the successor once,
the successor gets the material and the partners' cards, partners hear once, undo within a day, the weekly note."""

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.access import create_agreement
from db.audit import AuditFilter, entries
from db.contact_checks import start_check
from db.handovers import fragile_organizations
from db.kpis import create_kpi, record_report
from db.meetings import create_meeting, record_choice
from db.models import (ContactCheckTarget, FragileNote, Handover, HandoverStatus, IntroPair, IntroRound,
                       IntroRoundStatus, Invite, MeetingAnswer, MeetingInvitee, Member, MemberStatus, Notice,
                       NoticeRecipient, OrgType)
from db.segments import Segment
from scheduler.jobs import send_fragile_note
from tests.handlers.test_registration import register
from tests.seed import Seed, partnership

TOKYO = ZoneInfo("Asia/Tokyo")
AGREEMENT = "みどりのまち協定"


def local(month, day, hour=10, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


async def run_at(bot, moment: datetime) -> dict:
    bot.clock.set(moment)
    return await bot.runtime.scheduler.run_due()


async def member(bot, user) -> Member:
    return await bot.one(Member, Member.line_user_id == user)


def flex_texts(message: dict) -> list[str]:
    """Every text in a Flex message, in order."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "text":
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(message.get("contents"))
    return out


def flexes(bot, user, alt_start: str) -> list[dict]:
    return [msg for msg in bot.messages_to(user) if msg.get("type") == "flex" and msg["altText"].startswith(alt_start)]


async def scene(bot) -> dict:
    """The NPO's primary contact with one of everything waiting on them, on 12/1 at 13:00 (a Tuesday)."""
    people = await partnership(bot)
    people["heir"] = await Seed(bot).member("NPO 後任", org="NPO法人 みどりの会", role="member", fields=("子育て",))
    ids = {key: (await member(bot, user)).id for key, user in people.items()}
    orgs = {key: (await member(bot, user)).organization_id for key, user in people.items()}
    async with bot.runtime.sessions() as session, session.begin():
        deal = await create_agreement(session, name=AGREEMENT, organization_ids=[orgs["staff"], orgs["npo"],
                                      orgs["company"]], start_date=date(2026, 4, 1), end_date=date(2029, 3, 31),
                                      review_date=date(2028, 10, 1), now=bot.clock.now(), reminder_time=time(9, 0),
                                      tz=TOKYO, review_text=T.AGREEMENT_REVIEW_REMINDER)
        kpi = await create_kpi(session, agreement_id=deal.id, organization_id=orgs["npo"], name="講座参加者数", unit="人",
                               target_value=500, target_date=date(2027, 3, 31), cadence="monthly", due_dates=[],
                               now=bot.clock.now())
        await record_report(session, kpi=kpi, period="2026-10", value=42, comment=None, member_id=ids["npo"],
                            source_key="test:oct", now=bot.clock.now())
        intro_round = IntroRound(scheduled_at=local(11, 30, 12), status=IntroRoundStatus.paired,
                                 followup_at=local(12, 4, 12), paired_at=local(11, 30, 12), created_at=local(11, 29, 12))
        session.add(intro_round)
        await session.flush()
        session.add(IntroPair(round_id=intro_round.id, member_a_id=ids["npo"], member_b_id=ids["school"], score=1,
                              cross_field=True, icebreaker=0, created_at=local(11, 30, 12)))
        notice = Notice(text="12月の推進会議のお知らせ", segment="all", status="sent", send_at=local(11, 25),
                        sent_at=local(11, 25), created_at=local(11, 25))
        session.add(notice)
        await session.flush()
        for key in ("npo", "npo_deputy", "heir", "company"):
            session.add(NoticeRecipient(notice_id=notice.id, member_id=ids[key], line_user_id=people[key],
                                        acked_at=local(11, 26) if key == "npo" else None))
    await run_at(bot, local(12, 1, 10))  # the November value is asked of the NPO's primary contact
    assert bot.texts_to(people["npo"])[-1].startswith(T.KPI_PROMPT_HEADER)
    async with bot.runtime.sessions() as session, session.begin():
        now = bot.clock.now()
        poll, _ = await create_meeting(session, title="防災訓練の打合せ", slots=[(local(12, 10, 14), local(12, 10, 15))],
                                       segment=Segment.parse(f"members:{ids['npo']},{ids['company']}"),
                                       deadline=local(12, 8, 18), now=now)
        await record_choice(session, meeting_id=poll.id, member_id=ids["npo"], position=1, choice="yes", now=now)
        shared, _ = await create_meeting(session, title="団体内の定例", slots=[(local(12, 11, 14), local(12, 11, 15))],
                                         segment=Segment.parse(f"orgs:{orgs['npo']}"), deadline=local(12, 9, 18), now=now)
        decided, _ = await create_meeting(session, title="推進会議", slots=[(local(12, 3, 14), local(12, 3, 15))],
                                          segment=Segment.parse(f"members:{ids['npo']},{ids['school']}"),
                                          deadline=local(12, 1, 12), now=now)
        await record_choice(session, meeting_id=decided.id, member_id=ids["npo"], position=1, choice="yes", now=now)
    await run_at(bot, local(12, 1, 12))  # the meeting is decided and announced
    async with bot.runtime.sessions() as session, session.begin():
        await start_check(session, segment=Segment.parse(f"members:{ids['npo']},{ids['company']}"), drill=True,
                          now=local(12, 1, 12, 50), source="cli", reask_minutes=30, max_reasks=3)
    bot.clock.set(local(12, 1, 13))
    return {"people": people, "ids": ids, "orgs": orgs, "poll": poll.id, "shared": shared.id, "decided": decided.id,
            "kpi": kpi.id}


async def hand_over(bot, starter: str, successor_label: str) -> None:
    await bot.say(starter, T.HANDOVER)
    await bot.press(starter, successor_label)
    await bot.press(starter, T.HANDOVER_OK)


async def test_a_contact_hands_over_to_a_member_and_everything_waiting_moves_once(bot):
    s = await scene(bot)
    people, ids = s["people"], s["ids"]
    npo, heir = people["npo"], people["heir"]
    await bot.say(npo, T.HANDOVER)
    assert bot.quick_labels(npo) == ["NPO 副担当（副担当）", "NPO 後任（メンバー）", T.HANDOVER_NEW_PERSON, T.CANCEL]
    await bot.press(npo, "NPO 後任（メンバー）")
    assert bot.last_text(npo).startswith("NPO 代表さんの主担当（NPO法人 みどりの会）をNPO 後任さんに引き継ぎます。")
    assert (await member(bot, heir)).role == "member"  # asked, not yet done
    before = {key: len(bot.messages_to(user)) for key, user in people.items()}
    await bot.press(npo, T.HANDOVER_OK)

    assert (await member(bot, heir)).role == "primary" and (await member(bot, npo)).role == "member"
    assert (await member(bot, npo)).status == MemberStatus.active
    handover = await bot.one(Handover)
    assert handover.status == HandoverStatus.done and handover.successor_role_before == "member"
    assert bot.texts_to(npo)[-2].startswith("NPO 後任さんがNPO法人 みどりの会の主担当になりました（移したもの 5件）")
    assert bot.last_text(npo).startswith("【引継ぎ】NPO法人 みどりの会の主担当をNPO 後任さんに引き継ぎました。")
    assert bot.quick_labels(npo) == [T.HANDOVER_STAY, T.HANDOVER_LEAVE, T.HANDOVER_UNDO_BUTTON]

    got = bot.messages_to(heir)[before["heir"]:]
    texts = [msg.get("text", "") for msg in got]
    # (separate pushes may arrive in any order; the greeting and the material are one request)
    first = texts.index(T.HANDOVER_TO_SUCCESSOR.format(before="NPO 代表", org="NPO法人 みどりの会", role="主担当"))
    assert got[first + 1]["altText"].startswith("【引継ぎ資料】NPO法人 みどりの会")
    assert sum(t.startswith(T.HANDOVER_KPI_HEADER) for t in texts) == 1
    assert "・講座参加者数（2026年11月）" in next(t for t in texts if t.startswith(T.HANDOVER_KPI_HEADER))
    assert texts.count(T.HANDOVER_POLL_HEADER) == 1  # the poll with the company; the NPO's own had them already
    assert sum(t.startswith("【引継ぎ】前任の方が参加予定だった会議です。\n推進会議") for t in texts) == 1
    assert texts.count(T.HANDOVER_CHECK_HEADER) == 1
    assert sorted(m["contents"]["body"]["contents"][0]["text"] for m in got if m.get("type") == "flex"
                  and m["contents"]["type"] == "bubble" and "メンバー紹介" in m["altText"]) == sorted([
        T.HANDOVER_INTRO_HEADER, T.HANDOVER_PARTNER_CARD_HEADER, T.HANDOVER_PARTNER_CARD_HEADER])

    # Partners in the shared agreement hear once; others nothing.
    told = T.HANDOVER_PARTNER_TOLD.format(org="NPO法人 みどりの会", role="主担当", before="NPO 代表", after="NPO 後任")
    for key in ("staff", "company"):
        assert bot.texts_to(people[key]).count(told) == 1
    for key in ("school", "npo_deputy"):
        assert told not in bot.texts_to(people[key])
    assert len(bot.messages_to(people["npo_deputy"])) == before["npo_deputy"]

    # The rows moved: the poll's invitation and answer, the decided meeting, the pair, the check.
    invitees = {(i.meeting_id, i.member_id) for i in await bot.scalars(select(MeetingInvitee))}
    assert (s["poll"], ids["heir"]) in invitees and (s["poll"], ids["npo"]) not in invitees
    assert (s["shared"], ids["npo"]) not in invitees and (s["shared"], ids["heir"]) in invitees
    assert (s["decided"], ids["heir"]) in invitees and (s["decided"], ids["npo"]) not in invitees
    assert [a.member_id for a in await bot.scalars(select(MeetingAnswer).where(MeetingAnswer.meeting_id == s["poll"]))] == []
    [target] = await bot.scalars(select(ContactCheckTarget).where(ContactCheckTarget.organization_id == s["orgs"]["npo"]))
    assert target.member_id == ids["heir"] and target.line_user_id == heir
    pair = (await bot.scalars(select(IntroPair).where(IntroPair.round_id.is_not(None))))[0]
    assert pair.member_a_id == ids["heir"]
    actions = [e.action for e in reversed(await _audit(bot))]
    assert actions == ["handover.start", "member.role", "member.role", "handover.complete"]

    # From now on the departing member is sent nothing of it, and the successor each thing once.
    departed = len(bot.messages_to(npo))
    await run_at(bot, local(12, 1, 13, 31))  # the check is asked again
    await run_at(bot, local(12, 2, 9))       # the day before the decided meeting
    await run_at(bot, local(12, 4, 10))      # the KPI reminder
    await run_at(bot, local(12, 4, 12))      # the introduction's follow-up
    await run_at(bot, local(12, 7, 18))      # a day before the poll's deadline
    assert bot.messages_to(npo)[departed:] == []
    texts = bot.texts_to(heir)
    assert sum(t.startswith("【明日の会議】推進会議") for t in texts) == 1
    assert sum(t.startswith(T.KPI_REMINDER_HEADER) for t in texts) == 1
    assert texts.count(T.INTRO_FOLLOWUP.format(name="大学 教員", org="市立大学")) == 1
    assert sum(t.startswith("【回答のお願い】「防災訓練の打合せ」") for t in texts) == 1
    assert len(flexes(bot, heir, T.CHECK_DRILL_ALT_TITLE)) == 4  # the handover's ask and the check's three re-asks
    assert bot.texts_to(people["staff"]).count(told) == 1

    # The former contact stays on as a plain member; the question is answered once.
    await bot.press(npo, T.HANDOVER_STAY)
    assert bot.last_text(npo) == T.HANDOVER_STAYED
    await bot.tap(npo, f"hand:leave:{handover.id}")
    assert bot.last_text(npo) == T.HANDOVER_CHOICE_DONE
    assert (await member(bot, npo)).status == MemberStatus.active


async def _audit(bot):
    async with bot.runtime.sessions() as session:
        return await entries(session, where=AuditFilter())


async def test_the_material_shows_the_figures_in_the_database(bot):
    s = await scene(bot)
    await bot.say(s["people"]["heir"], T.HANDOVER_MATERIAL)
    [carousel] = flexes(bot, s["people"]["heir"], "【引継ぎ資料】")
    bubbles = [flex_texts({"contents": b}) for b in carousel["contents"]["contents"]]
    assert [b[1] for b in bubbles] == [T.MATERIAL_AGREEMENTS, T.MATERIAL_KPIS, T.MATERIAL_MEETINGS,
                                       T.MATERIAL_NOTICES, T.MATERIAL_PARTNERS]
    agreements, kpis, meetings, notices, partners = (b[2:] for b in bubbles)
    assert agreements == [AGREEMENT, "期間：2026/4/1〜2029/3/31", "見直し：2028/10/1",
                          "相手：市役所 企画課、株式会社 山田建設"]
    assert kpis == ["講座参加者数", "目標：500人（2027/3/31まで）", "最新：42人（2026年10月）", "次の報告：2027/1/1",
                    "未報告：2026年11月"]
    assert meetings == ["推進会議", "12/3(木) 14:00-15:00", "防災訓練の打合せ", "日程調整中（締切 12/8(火) 18:00）",
                        "団体内の定例", "日程調整中（締切 12/9(水) 18:00）"]
    assert notices == ["12月の推進会議のお知らせ", "11/25(水) 10:00・1/3人が確認"]
    assert partners == ["市役所 企画課", "主担当：市 職員", "株式会社 山田建設", "主担当：企業 担当"]


async def test_staff_hand_over_through_an_invite_and_it_completes_on_registration(bot):
    people = await partnership(bot)
    orgs = {key: (await member(bot, user)).organization_id for key, user in people.items()}
    async with bot.runtime.sessions() as session, session.begin():
        await create_agreement(session, name=AGREEMENT, organization_ids=[orgs["npo"], orgs["company"]],
                               start_date=date(2026, 4, 1), end_date=None, review_date=None, now=bot.clock.now(),
                               reminder_time=time(9, 0), tz=TOKYO, review_text=T.AGREEMENT_REVIEW_REMINDER)
    staff = people["staff"]
    await bot.say(staff, T.HANDOVER)
    assert bot.last_text(staff) == T.HANDOVER_ASK_DEPARTING
    await bot.say(staff, "企業")  # part of the name
    assert bot.last_text(staff).startswith("企業 担当さん（株式会社 山田建設・主担当）の後任を選んでください。")
    await bot.press(staff, T.HANDOVER_NEW_PERSON)
    await bot.press(staff, T.HANDOVER_OK)
    invite = await bot.one(Invite)
    handover = await bot.one(Handover)
    assert invite.handover_id == handover.id and handover.status == HandoverStatus.waiting
    assert bot.last_text(staff) == invite.code
    assert (await member(bot, people["company"])).role == "primary"  # until the successor registers

    await bot.say(staff, T.HANDOVER)  # a second handover of the same contact waits for the first
    await bot.say(staff, "企業")
    assert bot.last_text(staff) == T.HANDOVER_REFUSED["in-progress"]

    newcomer = ev.new_user_id()
    await register(bot, newcomer, invite.code, name="新 担当", role=None)  # the role is not asked
    new = await member(bot, newcomer)
    assert new.role == "primary" and new.organization_id == orgs["company"]
    assert (await member(bot, people["company"])).role == "member"
    handover = await bot.one(Handover)
    assert handover.status == HandoverStatus.done and handover.to_member_id == new.id
    assert handover.successor_role_before == "member"
    assert flexes(bot, newcomer, "【引継ぎ資料】株式会社 山田建設")
    told = T.HANDOVER_PARTNER_TOLD.format(org="株式会社 山田建設", role="主担当", before="企業 担当", after="新 担当")
    assert bot.texts_to(people["npo"]).count(told) == 1 and told not in bot.texts_to(people["staff"])
    assert bot.last_text(people["company"]).startswith("【引継ぎ】株式会社 山田建設の主担当を新 担当さんに")
    await bot.press(people["company"], T.HANDOVER_LEAVE)
    assert bot.last_text(people["company"]) == T.HANDOVER_LEFT
    assert (await member(bot, people["company"])).status == MemberStatus.left
    assert [e.action for e in reversed(await _audit(bot))] == [
        "handover.start", "member.role", "handover.complete", "member.deactivate"]  # the newcomer had the role


async def test_undo_within_a_day_puts_everything_back_and_is_refused_after(bot):
    s = await scene(bot)
    people, ids = s["people"], s["ids"]
    npo, heir = people["npo"], people["heir"]
    await hand_over(bot, npo, "NPO 後任（メンバー）")
    [handover] = await bot.scalars(select(Handover))
    await bot.send(ev.postback(heir, f"mtg:a:{s['poll']}:1:n", timestamp_ms=bot.now_ms()))  # the successor answers ×
    bot.clock.set(local(12, 1, 20))
    await bot.tap(people["company"], f"hand:undo:{handover.id}")  # not theirs to undo
    assert bot.last_text(people["company"]) == T.HANDOVER_UNDO_REFUSED["not-yours"]
    await bot.tap(npo, f"hand:undo:{handover.id}")
    assert bot.last_text(npo) == T.HANDOVER_UNDONE.format(org="NPO法人 みどりの会", role="主担当", before="NPO 代表")
    assert (await member(bot, npo)).role == "primary" and (await member(bot, heir)).role == "member"
    assert bot.last_text(heir).startswith("【引継ぎの取り消し】")
    for key in ("staff", "company"):
        assert bot.last_text(people[key]) == T.HANDOVER_UNDONE_TO_PARTNER.format(org="NPO法人 みどりの会",
                                                                                 before="NPO 代表")
    invitees = {(i.meeting_id, i.member_id) for i in await bot.scalars(select(MeetingInvitee))}
    assert (s["poll"], ids["npo"]) in invitees and (s["poll"], ids["heir"]) not in invitees
    assert (s["shared"], ids["npo"]) in invitees and (s["shared"], ids["heir"]) in invitees
    answers = await bot.scalars(select(MeetingAnswer).where(MeetingAnswer.meeting_id == s["poll"]))
    assert [(a.member_id, a.choice) for a in answers] == [(ids["npo"], "yes")]
    [target] = await bot.scalars(select(ContactCheckTarget).where(ContactCheckTarget.organization_id == s["orgs"]["npo"]))
    assert target.member_id == ids["npo"]
    assert (await bot.one(Handover)).status == HandoverStatus.undone
    await bot.tap(npo, f"hand:undo:{handover.id}")  # twice
    assert bot.last_text(npo) == T.HANDOVER_UNDO_REFUSED["not-done"]

    await hand_over(bot, npo, "NPO 後任（メンバー）")
    second = (await bot.scalars(select(Handover).where(Handover.status == HandoverStatus.done)))[0]
    bot.clock.set(bot.clock.now() + timedelta(days=1, minutes=1))
    await bot.tap(people["staff"], f"hand:undo:{second.id}")
    assert bot.last_text(people["staff"]) == T.HANDOVER_UNDO_REFUSED["too-late"]
    assert (await member(bot, heir)).role == "primary"
    assert [e.action for e in await _audit(bot)].count("handover.undo") == 1


async def test_a_plain_member_cannot_start_a_handover(bot):
    people = await partnership(bot)
    plain = await Seed(bot).member("NPO 会員", org="NPO法人 みどりの会", role="member")
    await bot.say(plain, T.HANDOVER)
    assert bot.last_text(plain) == T.HANDOVER_NOT_CONTACT
    assert await bot.scalars(select(Handover)) == []
    del people


async def test_the_weekly_note_lists_organizations_that_depend_on_one_person_once(bot):
    people = await partnership(bot)
    seed = Seed(bot)
    await seed.member("商店会 会長", org="駅前商店会", org_type=OrgType.association)
    gone = await seed.member("商店会 副会長", org="駅前商店会", org_type=OrgType.association, role="deputy")
    async with bot.runtime.sessions() as session, session.begin():
        row = await session.scalar(select(Member).where(Member.line_user_id == gone))
        row.status, row.inactive_since = MemberStatus.inactive, local(10, 1)
    async with bot.runtime.sessions() as session:
        fragile = {o.name: o.reasons for o in await fragile_organizations(session, local(11, 30, 9))}
    assert fragile == {"株式会社 山田建設": ("single", "no_deputy"), "市立大学": ("single", "no_deputy"),
                       "駅前商店会": ("single", "no_deputy", "inactive")}
    assert (await run_at(bot, local(11, 29, 8, 30)))["send_fragile_note"] == 0  # a Sunday
    assert (await run_at(bot, local(11, 30, 7, 59)))["send_fragile_note"] == 0
    assert (await run_at(bot, local(11, 30, 8)))["send_fragile_note"] == 1
    note = bot.last_text(people["staff"])
    assert note.startswith("【担当者の体制】一人に頼っている団体があります（3団体）。")
    assert "・駅前商店会：メンバーが1人だけ、副担当がいない、担当者が長くLINEを離れている" in note
    assert (await run_at(bot, local(11, 30, 8, 15)))["send_fragile_note"] == 0  # claimed for the week
    assert await send_fragile_note(bot.runtime.sessions, local(11, 30, 8, 30), bot.settings) == []
    assert (await run_at(bot, local(12, 7, 10)))["send_fragile_note"] == 0  # after the hour: not mid-morning
    assert (await run_at(bot, local(12, 14, 8, 5)))["send_fragile_note"] == 1  # the next week's
    assert [n.week for n in await bot.scalars(select(FragileNote).order_by(FragileNote.week))] == ["2026-W49",
                                                                                                  "2026-W51"]
    assert bot.messages_to(people["npo"]) == []


async def test_the_command_line_hands_over_and_undoes(bot, renkei):
    s = await scene(bot)
    ids = s["ids"]
    result = await asyncio.to_thread(renkei, "member", "handover", "--member", str(ids["npo"]), "--to", str(ids["heir"]))
    assert result.exit_code == 0, result.output
    assert "NPO 後任" in result.output
    assert (await member(bot, s["people"]["heir"])).role == "primary"
    handover = await bot.one(Handover)
    assert handover.door == "cli" and handover.started_by_member_id is None
    result = await asyncio.to_thread(renkei, "member", "handover", "--member", str(ids["npo_deputy"]), "--to",
                                     str(ids["company"]))
    assert result.exit_code == 1 and "same organization" in result.output
    result = await asyncio.to_thread(renkei, "member", "handover-undo", "--handover", str(handover.id))
    assert result.exit_code == 0, result.output
    assert (await member(bot, s["people"]["npo"])).role == "primary"
    result = await asyncio.to_thread(renkei, "member", "handover", "--member", str(ids["npo"]), "--invite")
    assert result.exit_code == 0, result.output
    invite = await bot.one(Invite, Invite.handover_id.is_not(None))
    assert result.output.strip().splitlines()[-1] == invite.code
    result = await asyncio.to_thread(renkei, "member", "handover", "--member", str(ids["npo"]))
    assert result.exit_code == 1 and "--invite" in result.output
