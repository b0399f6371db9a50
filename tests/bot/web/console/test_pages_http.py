"""The console's pages over HTTP on the real app with a hand-moved clock: what home lists on a given
day, the members' filters, taking a member off, and refusals that change nothing."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db import audit
from db.audit import Actor, Door
from db.access import create_agreement, create_invite
from db.kpis import create_kpi
from db.meetings import create_meeting, slots_of
from db.models import AuditEntry, KpiPrompt, Member
from db.segments import Segment
from tests.bot.web.console.conftest import sign_in_through_line
from tests.seed import Seed, partnership


async def test_home_lists_the_days_tasks_and_the_quota(public_bot):
    bot = public_bot
    people = await partnership(bot)
    bot.line.set_quota(1000)
    now, tz = bot.clock.now(), bot.settings.tz
    city, npo = (await bot.one(Member, Member.line_user_id == people["staff"]),
                 await bot.one(Member, Member.line_user_id == people["npo"]))
    async with bot.runtime.sessions() as session, session.begin():
        deal = await create_agreement(session, name="防災協定", organization_ids=[city.organization_id, npo.organization_id],
                                      start_date=date(2026, 4, 1), end_date=None, review_date=date(2027, 1, 15),
                                      now=now, reminder_time=datetime.min.time(), tz=tz,
                                      review_text=T.AGREEMENT_REVIEW_REMINDER)
        await create_agreement(session, name="遠い協定", organization_ids=[city.organization_id], now=now, tz=tz,
                               start_date=date(2026, 4, 1), end_date=None, review_date=date(2027, 6, 1),
                               reminder_time=datetime.min.time(), review_text=T.AGREEMENT_REVIEW_REMINDER)
        kpi = await create_kpi(session, agreement_id=deal.id, organization_id=npo.organization_id, name="講座参加者数",
                               unit="人", target_value=500, target_date=date(2027, 3, 31), cadence="monthly",
                               due_dates=[], now=now)
        session.add(KpiPrompt(kpi_id=kpi.id, organization_id=npo.organization_id, period="2026-10", step="reminded",
                              first_asked_at=now - timedelta(days=5), created_at=now))
        meeting, _ = await create_meeting(session, title="推進会議", slots=[(now + timedelta(days=2),
                                          now + timedelta(days=2, hours=1))], segment=Segment("all"),
                                          deadline=now + timedelta(days=1), organizer_id=None, now=now)
        [slot] = await slots_of(session, meeting.id)  # decided, as the organizer's tap leaves it
        meeting.status, meeting.decided_slot_id, meeting.starts_at, meeting.ends_at = (
            "decided", slot.id, slot.starts_at, slot.ends_at)
    await bot.say(people["staff"], T.NOTICE)  # a notice sent (through LINE) that no one has confirmed yet
    await bot.say(people["staff"], "年末の清掃について")
    await bot.press(people["staff"], T.SEGMENT_ALL)
    await bot.press(people["staff"], T.SEND_NOW)
    await bot.press(people["staff"], T.CONFIRM_SEND)

    await sign_in_through_line(bot, people["staff"])
    await bot.runtime.gateway.refresh_quota()
    home = (await bot.client.get("/console")).text
    assert T.CONSOLE_HOME_NOTICE_LINE.format(id=1, title="年末の清掃について", sent="11/24(火) 10:00", acked=0,
                                             total=5) in home
    assert T.CONSOLE_HOME_KPI_LINE.format(org="NPO法人 みどりの会", name="講座参加者数", period="2026年10月",
                                          asked="11/19(木) 10:00") in home
    assert T.CONSOLE_HOME_MEETING_DECIDED.format(title="推進会議", when="11/26(木) 10:00-11:00") in home
    assert T.CONSOLE_HOME_REVIEW_LINE.format(name="防災協定", date="2027/1/15(金)", days=52) in home
    assert "遠い協定" not in home and T.CONSOLE_HOME_CHECK not in home
    assert "上限 1,000通のうち" in home and T.CONSOLE_HOME_QUOTA_OWN.format(own=5) in home


async def test_members_filtered_by_field_area_and_role(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await Seed(bot).member("港の人", org="港湾組合", fields=("観光",), areas=("港地区",), role="deputy")
    await sign_in_through_line(bot, people["staff"])

    async def names(**query) -> list[str]:
        page = (await bot.client.get("/console/members", params=query, headers={"HX-Request": "true",
                                                                               "HX-Target": "member-list"})).text
        assert page.startswith('<div id="member-list">')  # the fragment alone, for htmx to swap
        return sorted(m.name for m in await bot.scalars(select(Member)) if f'data-member="{m.id}"' in page)

    assert await names(field="防災") == ["NPO 代表", "NPO 副担当", "企業 担当"]
    assert await names(area="港地区") == ["港の人"]
    assert await names(role="deputy") == ["NPO 副担当", "港の人"]
    assert await names(role="staff") == ["市 職員"]
    assert await names(type="university") == ["大学 教員"]
    assert await names(q="npo") == ["NPO 代表", "NPO 副担当"]
    page = (await bot.client.get("/console/members")).text
    # The company and the university; not the city, whose members are all staff (the weekly note's rules).
    assert page.count(f'<span class="flag">{T.CONSOLE_ORG_FLAGS["no_deputy"]}</span>') == 2
    assert f'<span class="flag">{T.CONSOLE_ORG_FLAGS["no_primary"]}</span>' in page  # 港湾組合 has a deputy alone


async def test_taking_a_member_off_goes_through_the_same_rules(public_bot):
    bot = public_bot
    people = await partnership(bot)
    csrf = await sign_in_through_line(bot, people["staff"])
    company = await bot.one(Member, Member.line_user_id == people["company"])
    done = await bot.client.post(f"/console/members/{company.id}/deactivate", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"].endswith("done=deactivate")
    assert (await bot.one(Member, Member.id == company.id)).status == "left"
    [entry] = await bot.scalars(select(AuditEntry).where(AuditEntry.action == "member.deactivate"))
    assert (entry.door, entry.target_id, entry.origin) == ("console", company.id, "127.0.0.1")
    again = await bot.client.post(f"/console/members/{company.id}/staff", data={"csrf_token": csrf, "make": "1"})
    assert again.headers["location"].endswith("refused=not_active")
    page = (await bot.client.get(again.headers["location"])).text
    assert T.CONSOLE_MEMBER_REFUSED["not_active"] in page
    staff = await bot.one(Member, Member.line_user_id == people["staff"])
    last = await bot.client.post(f"/console/members/{staff.id}/deactivate", data={"csrf_token": csrf})
    assert last.headers["location"].endswith("refused=last_staff")
    assert (await bot.one(Member, Member.id == staff.id)).status == "active"
    assert (await bot.client.post("/console/members/999/deactivate", data={"csrf_token": csrf})).status_code == 404
    assert len(await bot.scalars(select(AuditEntry).where(AuditEntry.action.like("member.%")))) == 1


async def test_the_audit_csv_keeps_names_as_text(public_bot):
    bot = public_bot
    people = await partnership(bot)
    csrf = await sign_in_through_line(bot, people["staff"])
    npo = await bot.one(Member, Member.line_user_id == people["npo"])
    async with bot.runtime.sessions() as session, session.begin():
        (await session.get(Member, npo.id)).name = '=HYPERLINK("x")'
    await bot.client.post(f"/console/members/{npo.id}/staff", data={"csrf_token": csrf, "make": "1"})
    refused = await bot.client.post("/console/audit/export", data={"action": "member."})
    assert refused.status_code == 403
    exported = await bot.client.post("/console/audit/export", data={"csrf_token": csrf, "action": "member."})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(T.CONSOLE_AUDIT_CSV_HEADERS)
    assert len(lines) == 2 and ',"\'=HYPERLINK(""x"")",' in lines[1]  # quoted, and text
    page = (await bot.client.get("/console/audit", params={"door": "console", "action": "audit."})).text
    assert T.AUDIT_ACTIONS["audit.export"] in page and T.CONSOLE_AUDIT_COUNT.format(total=1) in page
    counted = {}
    for query in ({"since": "2026-11-25"}, {"until": "2026-11-23"}, {"since": "2026-11-24", "until": "2026-11-24"},
                  {"who": str(npo.id)}, {"door": "line"}, {"since": "not a date"}):
        page = (await bot.client.get("/console/audit", params=query)).text
        counted[tuple(query.values())] = next(n for n in range(20) if T.CONSOLE_AUDIT_COUNT.format(total=n) in page)
    # Today (11/24 in Tokyo): the link, the sign-in, the staff role, the export; from LINE: the link alone.
    assert counted == {("2026-11-25",): 0, ("2026-11-23",): 0, ("2026-11-24", "2026-11-24"): 4, (str(npo.id),): 0,
                       ("line",): 1, ("not a date",): 4}


async def test_the_audit_log_reads_stored_codes_as_words(public_bot):
    bot = public_bot
    people = await partnership(bot)
    csrf = await sign_in_through_line(bot, people["staff"])
    staff = await bot.one(Member, Member.line_user_id == people["staff"])
    later = bot.clock.now() + timedelta(days=2)
    async with bot.runtime.sessions() as session, session.begin():
        actor = Actor.of(staff, Door.line)
        await audit.record(session, actor=actor, action="notice.schedule", now=bot.clock.now(), target_kind="notice",
                           target_id=1, details={"segment": "type:npo", "recipients": 6,
                                                 "send_at": later.isoformat()})
        await audit.record(session, actor=actor, action="handover.start", now=bot.clock.now(), target_kind="member",
                           target_id=staff.id, details={"role": "primary", "invite": False})
    page = (await bot.client.get("/console/audit")).text
    assert "対象者：種別：NPO" in page and "送信予定：" + moment_label(later, bot.settings.tz, bot.clock.now()) in page
    assert "担当：主担当" in page and "招待コードで引継ぎ：いいえ" in page
    assert not {"type:npo", "primary", "successor", "send_at"} & set(page.replace("／", " ").replace("：", " ").split())
    exported = await bot.client.post("/console/audit/export", data={"csrf_token": csrf})
    assert "対象者：種別：NPO" in exported.content.decode("utf-8-sig")


async def test_an_invite_everyone_used_is_listed_as_used_up_even_after_its_date(public_bot):
    bot = public_bot
    people = await partnership(bot)
    await sign_in_through_line(bot, people["staff"])
    npo = await bot.one(Member, Member.line_user_id == people["npo"])
    async with bot.runtime.sessions() as session, session.begin():
        used = await create_invite(session, organization_id=npo.organization_id, now=bot.clock.now() - timedelta(days=30))
        used.uses = 1
        lapsed = await create_invite(session, organization_id=npo.organization_id, now=bot.clock.now() - timedelta(days=30))
    page = (await bot.client.get("/console/invites")).text
    row = lambda code: page[page.index(code, page.index("<tbody")):].split("</tr>")[0]  # noqa: E731
    assert T.CONSOLE_INVITE_PROBLEMS["used-up"] in row(used.code) and "1／1" in row(used.code)
    assert T.CONSOLE_INVITE_PROBLEMS["expired"] in row(lapsed.code)
    assert T.CONSOLE_INVITE_USED in page
