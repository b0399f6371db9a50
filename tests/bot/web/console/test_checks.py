"""The console's contact checks in a real browser: started with a confirmation, the board changing
without a reload while answers arrive through signed webhooks (and from another connection, as
the workers' processes write them), an answer received by phone, a re-ask, the CSV, the drill's
chart, closing; an audit entry for each."""

import csv
import io
import time

import httpx
from sqlalchemy import select, update

from bot.demo.personas import persona
from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.contact_checks import record_answer
from db.models import AuditEntry, ContactCheck, ContactCheckTarget, Member
from tests.bot.web.console.conftest import open_signed_in
from tests.bot.web.simulator.conftest import SCREENSHOTS

LIVE_WITHIN_MS = 2000  # the promise: the board shows an answer within 2 s


async def post_events(local, *events) -> None:
    """Signed webhook requests, as LINE sends them, into the running app."""
    body = ev.body(list(events))
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{local.url}/callback", content=body, headers={
            "Content-Type": "application/json", "X-Line-Signature": ev.sign(body, local.settings.line_channel_secret)})
    assert answer.status_code == 200, answer.text


async def tap(local, key: str, data: str) -> None:
    await post_events(local, ev.postback(persona(key).user_id, data))


async def say(local, key: str, text: str) -> None:
    await post_events(local, ev.text_message(persona(key).user_id, text))


async def shows(page, selector: str, text: str, *, within_ms: int = LIVE_WITHIN_MS) -> None:
    await page.wait_for_function("([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)",
                                 arg=[selector, text], timeout=within_ms)


async def actions(console_db) -> list[str]:
    return [e.action for e in await console_db.scalars(select(AuditEntry).where(AuditEntry.action.startswith("check."))
                                                      .order_by(AuditEntry.id))]


async def test_a_drill_is_started_watched_live_answered_by_phone_exported_and_closed(
        signed_in_page, local_renkei, console_db, staff_member, screenshot):
    page = signed_in_page
    await console_db.run(lambda s: s.execute(update(Member).where(Member.line_user_id == persona("university").user_id)
                                             .values(phone="090-1234-5678")))
    await page.goto(f"{local_renkei.url}/console/checks")
    await page.get_by_role("link", name=T.CONSOLE_CHECK_NEW).click()
    await page.select_option("select[name=segment]", "all")
    await page.check("input[name=kind][value=drill]")
    await page.fill("textarea[name=message]", "震度6弱の想定で訓練を行います。")
    await page.get_by_role("button", name=T.CONSOLE_CHECK_TO_CONFIRM).click()
    # The confirmation says how many will be asked; nothing is sent before 開始する.
    await page.get_by_text(T.CONSOLE_CHECK_CONFIRM_COUNT.format(asked=4, orgs=4)).wait_for()
    assert await console_db.scalars(select(ContactCheck)) == []
    await screenshot(page, "console-check-confirm")
    await page.get_by_role("button", name=T.CHECK_START).click()
    await page.wait_for_url(f"{local_renkei.url}/console/checks/1?done=started")
    [check] = await console_db.scalars(select(ContactCheck))
    assert (check.drill, check.source, check.started_by_member_id, check.message) == (
        True, "console", staff_member.member.id, "震度6弱の想定で訓練を行います。")
    assert await actions(console_db) == ["check.start"]
    await shows(page, "#count-silent", "4")
    await page.evaluate("window.sameBoard = true")  # gone if the page reloads

    # Answers through signed webhooks: the board changes by itself.
    started = time.monotonic()
    await tap(local_renkei, "npo", "chk:ans:1:damaged")
    await shows(page, "#count-damaged", "1")
    took = time.monotonic() - started
    await tap(local_renkei, "npo", "chk:prv:1:shelter")
    await tap(local_renkei, "npo", "chk:prv:1:done")
    await say(local_renkei, "npo", "倉庫の屋根が壊れました")
    await shows(page, "#in-need", "倉庫の屋根が壊れました")
    await tap(local_renkei, "company", "chk:ans:1:safe")
    await shows(page, "#count-safe", "1")
    assert "避難場所 1" in await page.text_content(".offered")

    # An answer another connection commits (as a worker process does) shows too.
    async def from_elsewhere(session):
        staff = await session.scalar(select(Member).where(Member.line_user_id == persona("staff").user_id))
        await record_answer(session, check_id=1, member_id=staff.id, status="help", now=check.started_at,
                            source_key="test:elsewhere")
    await console_db.run(from_elsewhere)
    await shows(page, "#count-help", "1")
    assert await page.evaluate("window.sameBoard") is True
    await shows(page, "#silent", "090-1234-5678")
    await screenshot(page, "console-check-board-live")
    await page.screenshot(path=str(SCREENSHOTS / "console-check-board-live-full.png"), full_page=True)

    # A re-ask round now, for the one still silent.
    await page.get_by_role("button", name=T.CONSOLE_CHECK_REASK_NOW).click()
    await page.get_by_text(T.CONSOLE_CHECK_DONE["reasked"]).wait_for()
    await shows(page, "#reasks", T.CONSOLE_CHECK_REASKS.format(done=1, planned=3))
    university = await console_db.member(persona("university").user_id)
    [target] = await console_db.scalars(select(ContactCheckTarget).where(ContactCheckTarget.member_id == university.id))
    assert target.asked_count == 2

    # The university contact answers on the phone: staff enter it with a note.
    await page.locator(f"#silent tr[data-member='{university.id}']").get_by_role(
        "link", name=T.CONSOLE_CHECK_PHONE_ENTRY).click()
    await page.check("input[name=status][value=help]")
    await page.check("input[name=provide][value=people]")
    await page.fill("textarea[name=note]", "停電のため電話で連絡あり。学生10人を派遣できる")
    await screenshot(page, "console-check-phone-entry")
    await page.get_by_role("button", name=T.CONSOLE_CHECK_RECORD).click()
    await page.get_by_text(T.CONSOLE_CHECK_DONE["answered"]).wait_for()
    await shows(page, "#in-need", "停電のため電話で連絡あり")
    [target] = await console_db.scalars(select(ContactCheckTarget).where(ContactCheckTarget.member_id == university.id))
    assert (target.status, target.by_proxy, target.provisions) == ("help", True, ["people"])
    [entry] = await console_db.audit("check.proxy_answer")
    assert (entry.door, entry.actor_member_id, entry.target_id) == ("console", staff_member.member.id, university.id)
    assert "停電" not in str(entry.details)  # what the member said stays out of the audit log
    await shows(page, "#count-silent", "0")

    # The drill's curve, with its 25/50/75 % times written.
    await shows(page, "#milestones", "4分の3まで：")
    assert T.CHECK_MILESTONE_NONE not in await page.text_content("#milestones")
    chart = page.locator("img.chart")
    await page.wait_for_function("() => document.querySelector('img.chart')?.naturalWidth > 0", timeout=20000)
    assert await chart.evaluate("img => img.naturalWidth") == 1000
    await page.evaluate("document.querySelector('img.chart').scrollIntoView()")  # the board may be drawn again
    await screenshot(page, "console-check-drill-chart")

    # The CSV, in Japanese.
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name=T.CONSOLE_CHECK_EXPORT).click()
    download = await download_info.value
    raw = open(await download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:4] == ["団体", "メンバー番号", "氏名", "担当"]
    by_name = {r["氏名"]: r for r in rows}
    assert (by_name["NPO 代表"]["最新の回答"], by_name["NPO 代表"]["提供できるもの"]) == ("被害あり", "避難場所")
    assert (by_name["大学 担当"]["代理入力"], by_name["大学 担当"]["最新の回答"]) == ("はい", "支援が必要")

    # A forged close is refused; the real one asks first.
    forged = await page.request.post(f"{local_renkei.url}/console/checks/1/close", form={"csrf_token": "forged"})
    assert forged.status == 403
    await page.get_by_role("link", name=T.CONSOLE_CHECK_CLOSE).click()
    await page.get_by_role("button", name=T.CHECK_CLOSE_OK).click()
    await page.get_by_text(T.CONSOLE_CHECK_DONE["closed"]).wait_for()
    await shows(page, ".board-status", T.CONSOLE_CHECK_CLOSED_LABEL)
    # Finished: said so, no live indicator; the questions that reached LINE are counted, not 0.
    assert await page.locator("#live-state").count() == 0
    assert await page.text_content("#finished") == T.CONSOLE_CHECK_FINISHED
    assert T.CONSOLE_CHECK_SENT.format(sent=4, waiting=0, failed=0) in await page.text_content(".board-facts")
    assert (await console_db.scalars(select(ContactCheck.status))) == ["closed"]
    await screenshot(page, "console-check-closed")
    assert await actions(console_db) == ["check.start", "check.reask", "check.proxy_answer", "check.export",
                                         "check.close"]
    print(f"answer to board: {took:.2f} s")


async def test_a_check_already_running_for_the_segment_is_shown_instead_of_a_second(
        signed_in_page, local_renkei, console_db, screenshot):
    page = signed_in_page
    for _ in range(2):
        await page.goto(f"{local_renkei.url}/console/checks/new")
        await page.get_by_role("button", name=T.CONSOLE_CHECK_TO_CONFIRM).click()
        await page.get_by_role("button", name=T.CHECK_START).click()
        await page.wait_for_url(f"{local_renkei.url}/console/checks/1?**")
    await page.get_by_text(T.CONSOLE_CHECK_DONE["running"]).wait_for()
    assert len(await console_db.scalars(select(ContactCheck))) == 1
    assert await actions(console_db) == ["check.start"]
    await page.goto(f"{local_renkei.url}/console/checks")
    await page.get_by_role("link", name="#1").wait_for()
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{local_renkei.url}/console/checks/1")
    await screenshot(page, "console-check-board-phone")


async def test_held_deputies_are_counted_apart_the_same_on_every_page_and_drill_is_the_default(
        signed_in_page, local_renkei, console_db, staff_member, screenshot):
    """A deputy held back (the primary of their organization is asked) is not yet asked: the confirmation,
    the board, the list of checks and the home page give the same people asked and answered."""
    page = signed_in_page
    npo = await console_db.member(persona("npo").user_id)

    async def add_deputy(session):
        session.add(Member(line_user_id="U" + "d" * 32, organization_id=npo.organization_id, name="NPO 副担当",
                           role="deputy", registered_at=npo.registered_at, updated_at=npo.registered_at))
    await console_db.run(add_deputy)
    await page.goto(f"{local_renkei.url}/console/checks/new")
    # One slip does not send a real alert: 訓練 is chosen until staff pick 本番; the hint is true for both.
    assert await page.is_checked("input[name=kind][value=drill]")
    assert not await page.is_checked("input[name=kind][value=real]")
    hint = await page.text_content("#message-hint")
    assert T.CHECK_DRILL_MESSAGE in hint and T.CHECK_DEFAULT_MESSAGE in hint
    await page.get_by_role("button", name=T.CONSOLE_CHECK_TO_CONFIRM).click()
    await page.get_by_text(T.CONSOLE_CHECK_CONFIRM_COUNT.format(asked=4, orgs=4)).wait_for()
    assert await page.text_content(".confirm-held") == T.CONSOLE_CHECK_CONFIRM_HELD.format(held=1, members=5)
    assert T.CHECK_DRILL in await page.text_content(".facts")
    await page.get_by_role("button", name=T.CHECK_START).click()
    await page.wait_for_url(f"{local_renkei.url}/console/checks/1?done=started")
    [check] = await console_db.scalars(select(ContactCheck))
    assert check.drill is True
    await tap(local_renkei, "company", "chk:ans:1:safe")
    await shows(page, "#count-safe", "1")
    assert (await page.text_content("#count-answered")).strip() == "1/4人"
    assert await page.text_content("#count-held") == T.CONSOLE_CHECK_HELD_NOTE.format(count=1)
    assert (await page.text_content("#count-silent")).strip() == "3"
    deputy = await console_db.member("U" + "d" * 32)
    row = page.locator(f"#silent tr[data-member='{deputy.id}']")
    assert (await row.locator("td").nth(1).text_content()).strip() == "NPO 副担当" + T.CONSOLE_CHECK_CONTACT_ROLE_HELD.format(
        role=T.ROLE_DEPUTY, state=T.CONSOLE_CHECK_NOT_ASKED_YET)
    await screenshot(page, "console-check-board-held")
    # After a handover the member's role now is shown, with the target's own state, once.
    await console_db.run(lambda s: s.execute(update(Member).where(Member.id == deputy.id).values(role="primary")))
    await page.goto(f"{local_renkei.url}/console/checks/1/silent")
    cell = page.locator(f"#silent-all tr[data-member='{deputy.id}'] td").nth(1)
    assert (await cell.text_content()).strip() == "NPO 副担当" + T.CONSOLE_CHECK_CONTACT_ROLE_HELD.format(
        role=T.ROLE_PRIMARY, state=T.CONSOLE_CHECK_NOT_ASKED_YET)
    await page.goto(f"{local_renkei.url}/console/checks")
    assert "1/4人" in await page.text_content("table.list")
    await page.goto(f"{local_renkei.url}/console")
    assert "1／4人が回答" in await page.text_content("[data-part=check]")


async def test_the_demo_drill_never_sent_says_so_instead_of_none_reached_and_is_shown_finished(
        browser, local_renkei, console_db, demo_staff, screenshot):
    """The demo's finished drill has nine answers but no question in the outbox (nothing was sent)."""
    page = await open_signed_in(browser, local_renkei, console_db, demo_staff.member.id)
    try:
        [check] = await console_db.scalars(select(ContactCheck))
        await page.goto(f"{local_renkei.url}/console/checks/{check.id}")
        assert (await page.text_content("#count-answered")).strip().startswith("9/")
        assert await page.text_content("#sent") == T.CONSOLE_CHECK_SENT_NONE
        # Its deputies were never asked, and no one will be now.
        assert await page.text_content("#count-held") == T.CONSOLE_CHECK_HELD_NOTE_CLOSED.format(count=10)
        assert await page.locator("#live-state").count() == 0
        assert await page.text_content("#finished") == T.CONSOLE_CHECK_FINISHED
        await screenshot(page, "console-check-demo-finished")
    finally:
        await page.context.close()
