"""KPI reports by chat: prompts when a period closes, values typed back, confirmation of the unusual,
corrections, escalation to the deputy and the secretariat, the summary with charts, set-up and export."""

import asyncio
import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot.texts import catalog as T
from bot.fakeline import events as ev
from db.access import create_agreement
from db.kpis import KpiError, create_kpi, record_report
from db.models import Kpi, KpiPrompt, KpiPromptStep, KpiReport, Member
from tests.seed import partnership

TOKYO = ZoneInfo("Asia/Tokyo")
VISITORS, SATISFACTION = "講座参加者数", "満足度"


async def member(bot, user) -> Member:
    return await bot.one(Member, Member.line_user_id == user)


async def agreement(bot, people, *, satisfaction=True) -> dict[str, int]:
    """An agreement between the city and the NPO; the NPO reports visitors monthly and satisfaction on 12/1."""
    city, npo = await member(bot, people["staff"]), await member(bot, people["npo"])
    now = bot.clock.now()
    async with bot.runtime.sessions() as session, session.begin():
        deal = await create_agreement(session, name="みどりのまち協定", organization_ids=[city.organization_id,
                                      npo.organization_id], start_date=date(2026, 4, 1), end_date=None,
                                      review_date=None, now=now, reminder_time=time(9, 0), tz=TOKYO,
                                      review_text=T.AGREEMENT_REVIEW_REMINDER)
        kpis = {VISITORS: (await create_kpi(session, agreement_id=deal.id, organization_id=npo.organization_id,
                                            name=VISITORS, unit="人", target_value=500, target_date=date(2027, 3, 31),
                                            cadence="monthly", due_dates=[], now=now)).id}
        if satisfaction:
            kpis[SATISFACTION] = (await create_kpi(
                session, agreement_id=deal.id, organization_id=npo.organization_id, name=SATISFACTION, unit="点",
                target_value=4.5, target_date=date(2027, 3, 31), cadence="dates", due_dates=[date(2026, 12, 1)],
                now=now)).id
    return kpis


async def at(bot, month, day, hour=10, minute=0, year=2026) -> int:
    """Move the clock to a local time and run the scheduler; returns the KPI job's outbox rows."""
    bot.clock.set(datetime(year, month, day, hour, minute, tzinfo=TOKYO))
    return (await bot.runtime.scheduler.run_due())["send_due_kpi_prompts"]


async def reports(bot, kpi_id) -> list[KpiReport]:
    return await bot.scalars(select(KpiReport).where(KpiReport.kpi_id == kpi_id).order_by(KpiReport.id))


async def test_a_closed_period_is_asked_for_answered_in_one_line_and_corrected(bot):
    people = await partnership(bot)
    kpis = await agreement(bot, people)
    npo = people["npo"]
    assert await at(bot, 12, 1, 9, 59) == 0  # the period closed at midnight; prompts wait for 10:00
    assert bot.messages_to(npo) == []
    assert await at(bot, 12, 1) == 1
    prompt = bot.last_text(npo)
    assert prompt.startswith(T.KPI_PROMPT_HEADER)
    assert "・講座参加者数（2026年11月）目標 500人／前回 なし" in prompt and "・満足度（2026/12/1）目標 4.5点" in prompt
    assert bot.quick_labels(npo) == [T.KPI_LATER, "報告なし：講座参加者数", "報告なし：満足度"]
    for other in ("npo_deputy", "company", "staff", "school"):
        assert bot.messages_to(people[other]) == []
    assert await at(bot, 12, 1, 10, 1) == 0  # asked once

    await bot.say(npo, "わかりました")
    assert bot.last_text(npo) == T.KPI_NOT_A_NUMBER
    await bot.say(npo, "42")
    assert bot.last_text(npo) == T.KPI_WHICH.format(names="「講座参加者数」、「満足度」", example="講座参加者数 42 満足度 4.5")
    assert await bot.scalars(select(KpiReport)) == []

    await bot.say(npo, "参加者 ４２人 雨で減少 満足度 4.5")
    assert bot.last_text(npo) == "\n".join([
        T.KPI_STORED, "・講座参加者数（2026年11月）42人　目標 500人（達成率 8.4%）", "　コメント：雨で減少",
        "・満足度（2026/12/1）4.5点　目標 4.5点（達成率 100%）"])
    assert bot.quick_labels(npo) == ["訂正：講座参加者数", "訂正：満足度"]
    prompts = await bot.scalars(select(KpiPrompt))
    assert {p.step for p in prompts} == {KpiPromptStep.answered}

    await bot.press(npo, "訂正：講座参加者数")
    assert bot.last_text(npo) == T.KPI_ASK_FIX.format(name=VISITORS, period="2026年11月", value="42人")
    await bot.say(npo, "45 チラシを増やした")
    assert "・講座参加者数（2026年11月）45人　目標 500人（達成率 9.0%）\n　（訂正前：42人）\n　コメント：チラシを増やした" \
        in bot.last_text(npo)
    history = await reports(bot, kpis[VISITORS])
    assert [(r.value, r.comment, r.replaced_at is not None) for r in history] == [
        (42, "雨で減少", True), (45, "チラシを増やした", False)]
    reporter = await member(bot, npo)
    assert {r.reported_by_member_id for r in history} == {reporter.id}
    assert await at(bot, 12, 2) == 0


async def test_silence_brings_a_reminder_later_the_deputy_then_the_secretariat(bot):
    people = await partnership(bot)
    kpis = await agreement(bot, people, satisfaction=False)
    npo, deputy, staff = people["npo"], people["npo_deputy"], people["staff"]
    assert await at(bot, 12, 1) == 1
    assert await at(bot, 12, 4, 9, 59) == 0
    assert await at(bot, 12, 4) == 1  # three days later, a Friday
    assert bot.last_text(npo).startswith(T.KPI_REMINDER_HEADER)
    assert bot.messages_to(deputy) == []

    await bot.press(npo, T.KPI_LATER)
    assert bot.last_text(npo) == T.KPI_SNOOZED.format(when="12/7(月)")
    assert await at(bot, 12, 5) == 0  # Saturday: nothing, and the snooze holds the escalation
    assert await at(bot, 12, 7) == 1
    assert bot.last_text(npo).startswith(T.KPI_AGAIN_HEADER) and bot.messages_to(deputy) == []

    asked_npo = len(bot.messages_to(npo))
    assert await at(bot, 12, 10) == 1
    assert bot.last_text(deputy).startswith(T.KPI_DEPUTY_HEADER)
    assert len(bot.messages_to(npo)) == asked_npo
    assert bot.messages_to(staff) == []

    assert await at(bot, 12, 13) == 0  # a Sunday: the secretariat hears on Monday
    assert await at(bot, 12, 14) == 1
    assert bot.last_text(staff) == T.KPI_LATE_STAFF.format(org="NPO法人 みどりの会", name=VISITORS,
                                                           period="2026年11月", asked="12/1(火)")
    assert await at(bot, 12, 14, 11) == 0  # told once

    await bot.say(deputy, "38人")  # the deputy may answer for the organization
    assert bot.last_text(deputy).startswith(T.KPI_STORED)
    [report] = await reports(bot, kpis[VISITORS])
    assert report.value == 38 and report.reported_by_member_id == (await member(bot, deputy)).id
    assert await at(bot, 12, 21) == 0


async def test_unusual_values_wait_for_confirmation_and_nothing_is_stored_without_it(bot):
    people = await partnership(bot)
    kpis = await agreement(bot, people)
    npo = people["npo"]
    await at(bot, 12, 1)

    await bot.say(npo, "満足度 600")  # more than 100 times the target
    assert bot.last_text(npo) == "\n".join([T.KPI_CONFIRM, "・満足度（2026/12/1）600点", T.KPI_WARN_ABSURD.format(target="4.5点")])
    await bot.press(npo, T.KPI_CONFIRM_NO)
    assert bot.last_text(npo) == T.KPI_DISCARDED
    assert await bot.scalars(select(KpiReport)) == []

    await bot.say(npo, "12月10日の会議に出席します")  # a sentence with numbers is not a value
    assert bot.last_text(npo) == T.KPI_NOT_A_NUMBER
    await bot.say(npo, "参加者 ▲3")
    assert T.KPI_WARN_NEGATIVE in bot.last_text(npo)
    await bot.send(ev.sticker_message(npo, timestamp_ms=bot.now_ms()))
    assert bot.last_text(npo) == T.KPI_CONFIRM_PENDING
    await bot.say(npo, "参加者 30")  # another value instead of confirming: read afresh
    assert bot.last_text(npo).startswith(T.KPI_STORED)
    assert [r.value for r in await reports(bot, kpis[VISITORS])] == [30]

    await bot.say(npo, "参加者 -3")
    await bot.press(npo, T.KPI_CONFIRM_YES)
    assert "-3人" in bot.last_text(npo)
    await bot.say(npo, "参加者 31")  # no longer pending: for the latest period, after confirmation
    assert T.KPI_WARN_NOT_PENDING.format(period="2026年11月") in bot.last_text(npo)
    assert T.KPI_WARN_REPLACES.format(value="-3人") in bot.last_text(npo)  # and it would replace a stored value
    await bot.press(npo, T.KPI_CONFIRM_YES)
    assert [(r.value, r.replaced_at is None) for r in await reports(bot, kpis[VISITORS])] == [
        (30, False), (-3, False), (31, True)]

    bot.clock.set(datetime(2026, 12, 16, 11, 0, tzinfo=TOKYO))  # long after the prompt
    await bot.say(npo, "4.2")
    assert T.KPI_WARN_LATE.format(days=14) in bot.last_text(npo)
    await bot.press(npo, T.KPI_CONFIRM_YES)
    assert [r.value for r in await reports(bot, kpis[SATISFACTION])] == [4.2]
    await bot.tap(npo, "kpi:yes")  # the same button again changes nothing
    assert bot.last_text(npo) == T.STALE_BUTTON
    assert len(await reports(bot, kpis[SATISFACTION])) == 1

    await bot.say(people["company"], "42")  # an organization without KPIs gets the usual help
    assert bot.last_text(people["company"]) == T.UNKNOWN_TEXT
    for forged in ("kpi:none:999", "kpi:later:1,x", "kpi:fix:1"):
        await bot.tap(people["company"], forged)
        assert bot.last_text(people["company"]) == T.STALE_BUTTON


async def test_nothing_to_report_and_a_redelivered_answer_are_stored_once(bot):
    people = await partnership(bot)
    kpis = await agreement(bot, people)
    npo = people["npo"]
    await at(bot, 12, 1)
    await bot.press(npo, "報告なし：満足度")
    assert bot.last_text(npo) == T.KPI_NOTHING_TO_REPORT.format(name=SATISFACTION, period="2026/12/1")
    [nothing] = await reports(bot, kpis[SATISFACTION])
    assert nothing.value is None
    answer = ev.text_message(npo, "42", timestamp_ms=bot.now_ms())
    await bot.send(answer)
    await bot.send(answer)  # LINE delivers the same event again
    assert [r.value for r in await reports(bot, kpis[VISITORS])] == [42]


async def seed_reports(bot, kpi_id, values: dict[str, float | None]):
    async with bot.runtime.sessions() as session, session.begin():
        kpi = await session.get(Kpi, kpi_id)
        for i, (period, value) in enumerate(values.items()):
            await record_report(session, kpi=kpi, period=period, value=value, comment="好調" if i else None,
                                member_id=None, source_key=f"seed:{kpi_id}:{i}", now=bot.clock.now())


async def test_members_see_latest_value_target_change_and_a_chart(bot):
    people = await partnership(bot)
    kpis = await agreement(bot, people)
    await seed_reports(bot, kpis[VISITORS], {"2026-09": 25, "2026-10": 30, "2026-11": 42})
    await bot.say(people["company"], T.KPI)  # not a party to the agreement
    assert bot.last_text(people["company"]) == T.KPI_NONE_VISIBLE

    await bot.say(people["npo"], T.KPI)
    [summary] = bot.messages_to(people["npo"])  # without PUBLIC_BASE_URL, the text alone
    assert summary["text"].splitlines() == [
        T.KPI_SUMMARY_HEADER, "■ みどりのまち協定", "講座参加者数（NPO法人 みどりの会）",
        "　最新 42人（2026年11月）／目標 500人（2027/3/31まで）達成率 8.4%", "　前月比 +12人（+40.0%）（2026年10月：30人）",
        "　コメント：好調", "満足度（NPO法人 みどりの会）", "　まだ報告がありません／目標 4.5点（2027/3/31まで）"]

    bot.settings.public_base_url = "http://renkei.example.org"  # LINE fetches images over HTTPS only
    await bot.say(people["npo"], T.KPI)
    assert [m["type"] for m in bot.messages_to(people["npo"])] == ["text", "text"]
    bot.settings.public_base_url = "https://renkei.example.org"
    await bot.say(people["staff"], T.KPI)  # staff see every agreement's KPIs
    text, image = bot.messages_to(people["staff"])
    assert text["text"] == summary["text"] and image["type"] == "image"
    for url, size, limit in ((image["originalContentUrl"], (1200, 800), 10 * 1024 * 1024),
                             (image["previewImageUrl"], (480, 320), 1024 * 1024)):
        assert url.startswith("https://renkei.example.org/kpi/")
        response = await bot.client.get(url.removeprefix("https://renkei.example.org"))
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        assert response.content.startswith(b"\x89PNG\r\n\x1a\n") and len(response.content) < limit
        assert Image.open(io.BytesIO(response.content)).size == size
    path = image["originalContentUrl"].removeprefix("https://renkei.example.org")
    assert (await bot.client.get(path[:-4] + "0000")).status_code == 404  # a forged signature
    assert (await bot.client.get(path.replace("s=l", "s=s"))).status_code == 404  # signed for the other size
    assert (await bot.client.get(path.split("?")[0])).status_code == 404


async def test_staff_define_a_kpi_in_line(bot):
    people = await partnership(bot)
    await agreement(bot, people, satisfaction=False)
    staff = people["staff"]
    await bot.say(people["npo"], T.KPI_SETUP)
    assert bot.last_text(people["npo"]) == T.KPI_STAFF_ONLY

    await bot.say(staff, T.KPI_SETUP)
    await bot.press(staff, "みどりのまち協定")
    assert bot.quick_labels(staff) == ["市役所 企画課", "NPO法人 みどりの会", T.CANCEL]
    await bot.press(staff, "NPO法人 みどりの会")
    await bot.say(staff, VISITORS)
    assert bot.last_text(staff) == T.KPI_SETUP_NAME_TAKEN.format(name=VISITORS)
    await bot.say(staff, "相談件数")
    await bot.say(staff, "件")
    await bot.say(staff, "たくさん")
    assert bot.last_text(staff) == T.KPI_SETUP_TARGET_INVALID
    await bot.say(staff, "1.2万")
    assert bot.last_text(staff) == T.KPI_SETUP_ASK_KIND.format(target="12,000件")
    assert bot.quick_labels(staff) == [*T.KPI_KIND_LABELS.values(), T.CANCEL]
    await bot.say(staff, "わからない")
    assert bot.texts_to(staff)[-2] == T.KPI_SETUP_KIND_BUTTON
    await bot.say(staff, "累計です")  # typed: the total
    await bot.say(staff, "2026/11/1")
    assert bot.texts_to(staff)[-2] == T.DATE_PAST.format(day="11/1(日)")
    await bot.say(staff, "今日")
    assert bot.texts_to(staff)[-2] == T.KPI_SETUP_DATE_INVALID
    await bot.send(ev.postback(staff, "kpis:date", params={"date": "2027-03-31"}, timestamp_ms=bot.now_ms()))
    await bot.say(staff, "毎週")  # typed where buttons are asked for: the buttons again
    assert bot.texts_to(staff)[-2] == T.KPI_SETUP_PICK_HINT
    assert bot.quick_labels(staff) == [*T.KPI_CADENCE_LABELS.values(), T.CANCEL]
    await bot.press(staff, T.KPI_CADENCE_LABELS["quarterly"])
    preview = bot.last_text(staff)
    assert "KPI：相談件数（単位：件）" in preview and "目標：12,000件（2027/3/31まで）" in preview
    assert "頻度：四半期ごと" in preview and "最初の報告依頼：2027/1/4(月)" in preview  # 2027-01-01 is a holiday
    assert f"目標の考え方：{T.KPI_KIND_PREVIEW['total']}" in preview
    await bot.press(staff, T.KPI_SETUP_SAVE)
    kpi = await bot.one(Kpi, Kpi.name == "相談件数")
    assert (kpi.target_value, kpi.unit, kpi.cadence, kpi.target_date) == (12000, "件", "quarterly", date(2027, 3, 31))
    assert kpi.target_kind == "total"

    await bot.say(staff, T.KPI_SETUP)
    await bot.press(staff, "みどりのまち協定")
    await bot.press(staff, "市役所 企画課")
    for typed in ("講座の開催", T.NONE_SELECTED, "4", T.KPI_KIND_LABELS["level"], "3/31"):
        await bot.say(staff, typed)
    await bot.press(staff, T.KPI_CADENCE_LABELS["dates"])
    await bot.say(staff, "12/15 3/15")
    assert "最初の報告依頼：12/15(火)" in bot.last_text(staff)
    await bot.press(staff, T.KPI_SETUP_SAVE)
    dated = await bot.one(Kpi, Kpi.name == "講座の開催")
    assert dated.due_dates == ["2026-12-15", "2027-03-15"] and dated.unit == "" and dated.target_kind == "level"


async def test_export_round_trips_and_archived_kpis_are_not_asked_for(bot, renkei, tmp_path):
    async def cli(*args):
        return await asyncio.to_thread(renkei, *args)

    people = await partnership(bot)
    kpis = await agreement(bot, people)
    await seed_reports(bot, kpis[VISITORS], {"2026-10": 30, "2026-11": 42})
    await seed_reports(bot, kpis[SATISFACTION], {"2026-12-01": None})
    async with bot.runtime.sessions() as session, session.begin():  # a correction: the history is exported too
        kpi = await session.get(Kpi, kpis[VISITORS])
        await record_report(session, kpi=kpi, period="2026-11", value=45, comment="=HYPERLINK(\"http://x\")", member_id=None,
                            source_key="fix", now=bot.clock.now() + timedelta(hours=1))

    assert (await cli("kpi", "export", "--format", "csv", "--output", str(tmp_path / "k.csv"))).exit_code == 0
    with (tmp_path / "k.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    column = T.KPI_EXPORT_COLUMNS
    assert list(rows[0]) == list(column.values())
    assert [(r[column["kpi"]], r[column["period"]], r[column["value"]], r[column["comment"]],
             bool(r[column["replaced_at"]])) for r in rows] == [
        (VISITORS, "2026年10月", "30", "", False), (VISITORS, "2026年11月", "42", "好調", True),
        (VISITORS, "2026年11月", "45", "'=HYPERLINK(\"http://x\")", False), (SATISFACTION, "2026/12/1", "", "", False)]
    assert rows[0][column["agreement"]] == "みどりのまち協定" and rows[0][column["reported_at"]] == "2026-11-24 10:00"

    assert (await cli("kpi", "export", "--format", "xlsx", "--output", str(tmp_path / "k.xlsx"))).exit_code == 0
    sheet = load_workbook(tmp_path / "k.xlsx").active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == list(T.KPI_EXPORT_COLUMNS.values()) and load_workbook(tmp_path / "k.xlsx").active.title == T.KPI_EXPORT_SHEET
    assert cells[3][8] == "'=HYPERLINK(\"http://x\")"  # kept as text, not run as a formula
    assert [(c[2], c[6], c[7]) for c in cells[1:]] == [(VISITORS, "2026年10月", 30), (VISITORS, "2026年11月", 42),
                                                       (VISITORS, "2026年11月", 45), (SATISFACTION, "2026/12/1", None)]
    assert (await cli("kpi", "export", "--format", "pdf")).exit_code == 1

    listed = (await cli("kpi", "list")).output
    assert "講座参加者数\tmonthly\ttarget 500人 by 2027-03-31\tlatest 45人 (2026-11)" in listed
    assert (await cli("kpi", "archive", str(kpis[VISITORS]))).exit_code == 0
    assert VISITORS not in (await cli("kpi", "list")).output
    # Neither the archived KPI nor 満足度, whose value came before its prompt, is asked for.
    assert await at(bot, 12, 1) == 0 and bot.messages_to(people["npo"]) == []
    await bot.say(people["npo"], "12月の会議はいつですか")  # nothing asked for: not read as a value
    assert bot.last_text(people["npo"]) == T.UNKNOWN_TEXT
    refused = await cli("kpi", "add", "X", "--agreement", "1", "--org", str((await member(bot, people["company"])).organization_id),
                     "--target", "1", "--target-date", "2027-03-31", "--cadence", "monthly")
    assert refused.exit_code == 1 and "not a party" in refused.output
    npo_org = str((await member(bot, people["npo"])).organization_id)
    added = await cli("kpi", "add", "相談件数", "--agreement", "1", "--org", npo_org, "--target", "1.2万",
                      "--target-date", "2027-03-31", "--cadence", "monthly", "--unit", "件")
    assert added.exit_code == 0 and "the first report is asked for on" in added.output
    past = await cli("kpi", "add", "講座", "--agreement", "1", "--org", npo_org, "--target", "4", "--target-date",
                     "2027-03-31", "--cadence", "dates", "--date", "2020-01-01")
    assert past.exit_code == 1 and "still ahead" in past.output


async def test_an_organization_never_reports_two_kpis_of_the_same_name(bot):
    people = await partnership(bot)
    await agreement(bot, people, satisfaction=False)
    npo = await member(bot, people["npo"])
    async with bot.runtime.sessions() as session, session.begin():
        other = await create_agreement(session, name="子育て協定", organization_ids=[npo.organization_id],
                                       start_date=date(2026, 4, 1), end_date=None, review_date=None,
                                       now=bot.clock.now(), reminder_time=time(9, 0), tz=TOKYO,
                                      review_text=T.AGREEMENT_REVIEW_REMINDER)
        with pytest.raises(KpiError, match="already has a KPI"):  # its members could not say which one they report
            await create_kpi(session, agreement_id=other.id, organization_id=npo.organization_id, name=VISITORS,
                             unit="人", target_value=100, target_date=date(2027, 3, 31), cadence="monthly",
                             due_dates=[], now=bot.clock.now())
        with pytest.raises(KpiError, match="below 10"):
            await create_kpi(session, agreement_id=other.id, organization_id=npo.organization_id, name="相談件数",
                             unit="件", target_value=10**16, target_date=date(2027, 3, 31), cadence="monthly",
                             due_dates=[], now=bot.clock.now())
