"""Every operator command that changes something leaves an audit entry: door cli, the server account
and host as who, what it acted on. The API's start of a check is recorded with the caller's address."""

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.models import AuditEntry
from tests.handlers.test_contact_checks import API, TOKEN
from tests.seed import partnership


async def entries(bot) -> list[tuple]:
    rows = await bot.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.door, e.target_kind, e.target_label) for e in rows]


async def test_operator_commands_are_recorded(bot, renkei):
    await partnership(bot)

    async def cli(*args):
        result = await asyncio.to_thread(renkei, *args)
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    org = await cli("org", "add", "みなと商店会", "--type", "association")
    code = await cli("invite", "create", "--org", org, "--uses", "2")
    await cli("agreement", "add", "商店街連携協定", "--org", org, "--org", "1", "--start", "2026-04-01")
    await cli("area", "add", "港地区")
    await cli("area", "remove", "港地区")
    notice = await cli("notice", "send", "--to", "all", "--text", "年末の防災訓練について\n詳しくは後日。",
                       "--at", f"{datetime.now(UTC) + timedelta(days=10):%Y-%m-%d} 09:00")
    await cli("notice", "cancel", notice)
    check = await cli("check", "start", "--drill")
    await cli("check", "answer", check, "--member", "5", "--status", "safe")
    await asyncio.to_thread(renkei, "check", "export", check)
    await cli("check", "close", check)
    kpi = await cli("kpi", "add", "来店者数", "--agreement", "1", "--org", org, "--target", "100",
                    "--target-date", "2027-03-31", "--cadence", "monthly")
    await cli("kpi", "archive", kpi)
    await asyncio.to_thread(renkei, "intro", "schedule", "--every", "14d", "--weekday", "tue", "--time", "12:00")
    await asyncio.to_thread(renkei, "intro", "schedule", "--off")
    assert await entries(bot) == [
        ("organization.create", "cli", "organization", "みなと商店会"),
        ("invite.create", "cli", "invite", f"みなと商店会 {code}"),
        ("agreement.create", "cli", "agreement", "商店街連携協定"),
        ("area.create", "cli", "area", "港地区"),
        ("area.remove", "cli", "area", "港地区"),
        ("notice.schedule", "cli", "notice", f"#{notice} 年末の防災訓練について"),
        ("notice.cancel", "cli", "notice", f"#{notice} 年末の防災訓練について"),
        ("check.start", "cli", "check", f"#{check}"),
        ("check.proxy_answer", "cli", "member", "大学 教員"),
        ("check.export", "cli", "check", f"#{check}"),
        ("check.close", "cli", "check", f"#{check}"),
        ("kpi.create", "cli", "kpi", "みなと商店会 来店者数"),
        ("kpi.archive", "cli", "kpi", "来店者数"),
        ("intro.schedule", "cli", "intro", None),
        ("intro.schedule", "cli", "intro", None),
    ]
    rows = await bot.scalars(select(AuditEntry))
    assert all(e.actor_member_id is None and "@" in e.actor_label and e.origin for e in rows)
    assert "後日" not in str([(e.target_label, e.details) for e in rows])


async def test_a_meeting_cancelled_on_the_command_line(bot, renkei):
    people = await partnership(bot)
    later = datetime.now(UTC) + timedelta(days=20)  # the command line runs on the real clock
    created = await asyncio.to_thread(renkei, "meeting", "create", "--title", "推進会議", "--slot",
                                      f"{later.month}/{later.day} 14:00-15:30", "--to", "all", "--deadline",
                                      f"{later - timedelta(days=5):%Y-%m-%d} 18:00")
    assert created.exit_code == 0, created.output
    assert (await asyncio.to_thread(renkei, "meeting", "cancel", "1")).exit_code == 0
    assert await entries(bot) == [("meeting.cancel", "cli", "meeting", "推進会議")]
    assert people


async def test_the_api_start_is_recorded_with_the_callers_address(bot):
    await partnership(bot)
    bot.settings.renkei_api_token = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    started = await bot.client.post(API, json={"segment": "all", "drill": True}, headers=auth)
    assert started.status_code == 201
    again = await bot.client.post(API, json={"segment": "all", "drill": True}, headers=auth)
    assert again.status_code == 200  # the running one: nothing new started, nothing recorded
    [entry] = await bot.scalars(select(AuditEntry))
    assert (entry.action, entry.door, entry.actor_label, entry.actor_member_id) == (
        "check.start", "api", "RENKEI_API_TOKEN", None)
    assert entry.origin == "127.0.0.1" and entry.details["drill"] is True
    assert entry.target_id == started.json()["id"]
