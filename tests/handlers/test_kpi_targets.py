"""KPI words and numbers: a target that is a total over the term is met by the running total (with the
pace against the plan), a level by each period's value; the change is 前月比 or 前四半期比 by cadence;
and the secretariat is told what really happened when an organization has no deputy."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.texts import catalog as T
from db.access import create_agreement
from db.kpis import create_kpi, record_report
from db.models import Kpi, Member
from tests.seed import partnership

TOKYO = ZoneInfo("Asia/Tokyo")
VISITORS, SATISFACTION = "講座参加者数", "満足度"


async def org_of(bot, user) -> int:
    return (await bot.one(Member, Member.line_user_id == user)).organization_id


async def deal(bot, people, reporter: str) -> int:
    async with bot.runtime.sessions() as session, session.begin():
        agreement = await create_agreement(
            session, name="みどりのまち協定", organization_ids=[await org_of(bot, people["staff"]),
                                                          await org_of(bot, people[reporter])],
            start_date=date(2026, 4, 1), end_date=None, review_date=None, now=bot.clock.now(),
            reminder_time=time(9, 0), tz=TOKYO, review_text=T.AGREEMENT_REVIEW_REMINDER)
        return agreement.id


async def kpi(bot, agreement_id, org_id, name, unit, target, cadence, kind) -> int:
    async with bot.runtime.sessions() as session, session.begin():
        return (await create_kpi(session, agreement_id=agreement_id, organization_id=org_id, name=name, unit=unit,
                                 target_value=target, target_date=date(2027, 3, 31), cadence=cadence, due_dates=[],
                                 now=bot.clock.now(), target_kind=kind)).id


async def seed_reports(bot, kpi_id, values: dict[str, float]):
    async with bot.runtime.sessions() as session, session.begin():
        row = await session.get(Kpi, kpi_id)
        for i, (period, value) in enumerate(values.items()):
            await record_report(session, kpi=row, period=period, value=value, comment=None, member_id=None,
                                source_key=f"seed:{kpi_id}:{i}", now=bot.clock.now())


async def at(bot, month, day, hour=10) -> int:
    bot.clock.set(datetime(2026, month, day, hour, tzinfo=TOKYO))
    return (await bot.runtime.scheduler.run_due())["send_due_kpi_prompts"]


async def test_a_total_is_met_by_the_running_total_and_a_level_by_each_period(bot):
    bot.clock.set(datetime(2026, 4, 1, 9, tzinfo=TOKYO))  # the term starts with the agreement, on 4/1
    people = await partnership(bot)
    npo = people["npo"]
    agreement_id = await deal(bot, people, "npo")
    visitors = await kpi(bot, agreement_id, await org_of(bot, npo), VISITORS, "人", 1200, "monthly", "total")
    satisfaction = await kpi(bot, agreement_id, await org_of(bot, npo), SATISFACTION, "点", 4.5, "quarterly", "level")
    await seed_reports(bot, visitors, {"2026-04": 100, "2026-05": 110, "2026-06": 90, "2026-07": 120,
                                       "2026-08": 100, "2026-09": 95, "2026-10": 105})
    await seed_reports(bot, satisfaction, {"2026-Q2": 4.0, "2026-Q3": 4.4})

    assert await at(bot, 12, 1) == 1
    prompt = bot.last_text(npo)
    assert "・講座参加者数（2026年11月の分）これまでの累計 720人／目標 1,200人（2027/3/31までの合計）" in prompt
    await bot.say(npo, "48")
    # Not 「48人 目標 1,200人（達成率 4.0%）」: the month's 48 is added to the total the target is for.
    assert bot.last_text(npo) == "\n".join([
        T.KPI_STORED, "・講座参加者数（2026年11月）48人　累計 768人／目標 1,200人（達成率 64%）"])

    await bot.say(npo, T.KPI)
    lines = bot.last_text(npo).splitlines()
    assert lines[2:] == [
        "講座参加者数（NPO法人 みどりの会）",
        "　累計 768人（2026年4月〜2026年11月）／目標 1,200人（2027/3/31までの合計）達成率 64%",
        "　計画比 96%（2026年11月までの計画 802人）",  # 1,200人 spread over 4/1-3/31: 802 by the end of November
        "　2026年11月の値 48人",
        "　前月比 -57人（-54.3%）（2026年10月：105人）",
        "満足度（NPO法人 みどりの会）",
        "　最新 4.4点（2026年7〜9月）／目標 4.5点（2027/3/31まで）達成率 98%",
        "　前四半期比 +0.4点（+10.0%）（2026年4〜6月：4点）"]


async def test_the_secretariat_hears_that_the_primary_was_reminded_when_there_is_no_deputy(bot):
    people = await partnership(bot)
    company, staff = people["company"], people["staff"]  # the company has no deputy
    agreement_id = await deal(bot, people, "company")
    await kpi(bot, agreement_id, await org_of(bot, company), "協賛件数", "件", 10, "monthly", "total")
    assert await at(bot, 12, 1) == 1
    assert await at(bot, 12, 4) == 1
    assert bot.last_text(company).startswith(T.KPI_REMINDER_HEADER)
    assert await at(bot, 12, 7) == 1  # the deputies' turn: without one, the primary is reminded again
    assert bot.last_text(company).startswith(T.KPI_REMINDER_HEADER)
    assert await at(bot, 12, 10) == 1
    assert bot.last_text(staff) == T.KPI_LATE_STAFF_NO_DEPUTY.format(
        org="株式会社 山田建設", name="協賛件数", period="2026年11月", asked="12/1(火)")
    assert "副担当へのお願い" not in bot.last_text(staff)
