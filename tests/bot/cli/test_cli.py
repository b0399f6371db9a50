"""The operator commands, run as an operator would, against the test database."""

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from db.models import AuditEntry
from tests.harness import ACCESS_TOKEN
from tests.seed import partnership


def test_org_invite_and_member_list(renkei):
    added = renkei("org", "add", "NPO法人 みどりの会", "--type", "npo")
    assert added.exit_code == 0, added.output
    org_id = added.output.strip().splitlines()[-1]
    assert org_id.isdigit()
    invite = renkei("invite", "create", "--org", org_id, "--staff", "--uses", "3", "--expires", "7")
    assert invite.exit_code == 0, invite.output
    code = invite.output.strip().splitlines()[-1]
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert "staff invite" in invite.output and "3 use(s)" in invite.output
    listed = renkei("member", "list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    assert "No members yet." in renkei("member", "list").output


def test_bad_input_fails_with_a_clear_message(renkei):
    wrong_type = renkei("org", "add", "商店会", "--type", "shop")
    assert wrong_type.exit_code != 0 and "municipality" in wrong_type.output
    assert renkei("org", "add", "商店会", "--type", "association").exit_code == 0
    duplicate = renkei("org", "add", "商店会", "--type", "association")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    missing = renkei("invite", "create", "--org", "999")
    assert missing.exit_code == 1 and "no organization with id 999" in missing.output
    zero_uses = renkei("invite", "create", "--org", "1", "--uses", "0")
    assert zero_uses.exit_code != 0


def test_serve_in_production_without_credentials_names_the_missing_variable(renkei):
    result = renkei("serve", RENKEI_ENVIRONMENT="production")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: LINE_CHANNEL_SECRET is not set (see README: connecting a LINE channel)"
    result = renkei("serve", LINE_CHANNEL_SECRET="s3cret", RENKEI_ENVIRONMENT="production")
    assert "LINE_CHANNEL_ACCESS_TOKEN is not set" in result.output


def test_a_worker_needs_credentials_even_outside_production(renkei):
    """Only `renkei serve` has a local mode: a worker alone could not show anyone anything."""
    result = renkei("worker")
    assert result.exit_code == 1 and "LINE_CHANNEL_SECRET is not set" in result.output


def test_agreement_add_and_its_review_reminders_reach_staff(renkei):
    renkei("org", "add", "市役所", "--type", "municipality")
    renkei("org", "add", "商工会", "--type", "association")
    review = date.today() + timedelta(days=100)
    added = renkei("agreement", "add", "まちづくり包括連携協定", "--org", "1", "--org", "2",
                   "--start", "2026-04-01", "--end", "2029-03-31", "--review", review.isoformat())
    assert added.exit_code == 0, added.output
    assert added.output.count("Staff will be reminded") == 2
    listed = renkei("agreement", "list").output
    assert "まちづくり包括連携協定" in listed and "市役所、商工会" in listed
    bad = renkei("agreement", "add", "別の協定", "--org", "7", "--start", "2026-04-01")
    assert bad.exit_code == 1 and "no organization with id 7" in bad.output
    bad_date = renkei("agreement", "add", "別の協定", "--org", "1", "--start", "4/1")
    assert bad_date.exit_code == 1 and "--start must be a date" in bad_date.output


async def test_review_reminders_fire_90_and_30_days_before(bot, renkei):
    people = await partnership(bot)
    review = date.today() + timedelta(days=100)
    result = await asyncio.to_thread(renkei, "agreement", "add", "防災協定", "--org", "1", "--start",
                                     "2026-04-01", "--review", review.isoformat())
    assert result.exit_code == 0, result.output
    at_nine = datetime.combine(review - timedelta(days=90), time(9, 0), tzinfo=bot.settings.tz)
    bot.clock.set(at_nine - timedelta(minutes=1))
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 0
    bot.clock.set(at_nine)
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 1
    assert "あと90日" in bot.last_text(people["staff"])
    assert bot.texts_to(people["npo"]) == []
    bot.clock.set(at_nine + timedelta(days=60))
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 1
    assert "あと30日" in bot.last_text(people["staff"])
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 0


async def test_notice_send_and_status_from_the_command_line(bot, renkei):
    people = await partnership(bot)
    line = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": bot.line.url}
    bot.line.set_quota(3)
    nobody = await asyncio.to_thread(renkei, "notice", "send", "--to", "field:観光", "--text", "観光の方へ", **line)
    assert nobody.exit_code == 1 and "covers no active member" in nobody.output
    wrong = await asyncio.to_thread(renkei, "notice", "send", "--to", "kind:npo", "--text", "x", **line)
    assert wrong.exit_code == 1 and "unknown segment" in wrong.output
    over = await asyncio.to_thread(renkei, "notice", "send", "--to", "all", "--text", "全員へ", **line)
    assert over.exit_code == 1 and "would exceed this month's quota" in over.output
    long_title = await asyncio.to_thread(renkei, "notice", "send", "--to", "field:防災", "--text", "x",
                                         "--title", "長" * 41, **line)
    assert long_title.exit_code == 1 and "at most 40 characters" in long_title.output
    sent = await asyncio.to_thread(renkei, "notice", "send", "--to", "field:防災", "--text", "防災訓練のお知らせ",
                                   "--title", "防災訓練", **line)
    assert sent.exit_code == 0, sent.output
    assert "to 3 member(s)" in sent.output and "0 left after this send" in sent.output
    notice_id = sent.output.strip().splitlines()[-1]
    [entry] = await bot.scalars(select(AuditEntry))
    assert (entry.action, entry.door, entry.target_label) == ("notice.send", "cli", f"#{notice_id} 防災訓練")
    # The command line uses the real clock; the scheduler runs at the next 10:00, outside quiet hours.
    morning = datetime.now(bot.settings.tz).replace(hour=10, minute=0, second=0, microsecond=0)
    bot.clock.set(morning if morning > datetime.now(UTC) else morning + timedelta(days=1))
    assert (await bot.runtime.scheduler.run_due())["send_due_notices"] == 1
    [card] = [m for m in bot.messages_to(people["company"]) if m["type"] == "flex"]
    await bot.tap(people["company"], card["contents"]["footer"]["contents"][0]["action"]["data"])
    status = await asyncio.to_thread(renkei, "notice", "status", notice_id)
    assert status.exit_code == 0
    assert "Acknowledged: 1 of 3" in status.output and "✓ 株式会社 山田建設\t企業 担当" in status.output
    assert "- NPO法人 みどりの会\tNPO 代表" in status.output
    assert (await asyncio.to_thread(renkei, "notice", "status", "999")).exit_code == 1


def test_a_worker_share_must_name_one_of_the_shares(renkei):
    for shard in ("2/2", "1", "a/b"):
        result = renkei("worker", "--shard", shard)
        assert result.exit_code == 1 and "--shard must look like 0/2" in result.output


async def test_member_staff_role_and_deactivate_from_the_command_line(bot, renkei):
    import getpass
    import socket

    from sqlalchemy import select

    from db.models import AuditEntry, Member

    people = await partnership(bot)

    async def cli(*args):
        return await asyncio.to_thread(renkei, *args)

    async def member(user):
        return await bot.one(Member, Member.line_user_id == user)

    staff, npo = await member(people["staff"]), await member(people["npo"])
    last = await cli("member", "staff", "--member", str(staff.id), "--off")
    assert last.exit_code == 1 and "last active staff member" in last.output
    assert (await cli("member", "deactivate", "--member", str(staff.id))).exit_code == 1
    made = await cli("member", "staff", "--member", str(npo.id), "--on")
    assert made.exit_code == 0 and "NPO 代表 is now staff." in made.output
    assert (await cli("member", "staff", "--member", str(staff.id), "--off")).exit_code == 0
    assert (await cli("member", "role", "--member", str(npo.id), "deputy")).exit_code == 0
    assert (await cli("member", "role", "--member", str(npo.id), "boss")).exit_code != 0
    assert (await cli("member", "deactivate", "--member", "999")).exit_code == 1
    gone = await cli("member", "deactivate", "--member", str((await member(people["company"])).id))
    assert gone.exit_code == 0 and "has left" in gone.output
    assert (await cli("org", "add", "みなと商店会", "--type", "association")).exit_code == 0
    assert ((await member(people["npo"])).is_staff, (await member(people["npo"])).role) == (True, "deputy")
    assert not (await member(people["staff"])).is_staff
    assert (await member(people["company"])).status == "left"
    entries = await bot.scalars(select(AuditEntry).order_by(AuditEntry.id))
    operator = f"{getpass.getuser()}@{socket.gethostname()}"
    assert [(e.door, e.actor_label, e.action, e.target_label) for e in entries] == [
        ("cli", operator, "member.staff_on", "NPO 代表"), ("cli", operator, "member.staff_off", "市 職員"),
        ("cli", operator, "member.role", "NPO 代表"), ("cli", operator, "member.deactivate", "企業 担当"),
        ("cli", operator, "organization.create", "みなと商店会")]
