"""The console's notices in a real headless Chromium on the real app: composing to a segment while the
recipient count follows the picker, the confirmation, the send through fake LINE, members tapping
確認しました through signed webhooks while the read status page follows, a re-remind that reaches only
those who have not confirmed, a scheduled notice called off, and bad input refused with nothing sent."""

from datetime import datetime, timedelta

import httpx
from playwright.async_api import expect
from sqlalchemy import select

from bot.demo.personas import persona
from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import Notice, OutboxMessage
from tests.bot.web.simulator.conftest import SCREENSHOTS
from tests.bot.web.simulator.test_browser import TIMEOUT

MULTICAST = "/v2/bot/message/multicast"
NPO, COMPANY, UNIVERSITY = (persona(key).user_id for key in ("npo", "company", "university"))


async def shot(page, name: str) -> None:
    """The whole page (these run longer than the window), as SCREENSHOTS/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def multicasts(local) -> list:
    return local.line.sent(MULTICAST)


async def tap_ack(local, user_id: str, card: dict) -> None:
    """The member taps the card's 確認しました: a postback, signed as LINE signs it, to the real webhook."""
    data = card["contents"]["footer"]["contents"][0]["action"]["data"]
    event = ev.postback(user_id, data)
    local.line.register_events([event])
    body = ev.body([event])
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{local.url}/callback", content=body, headers={
            "Content-Type": "application/json", "X-Line-Signature": ev.sign(body, local.settings.line_channel_secret)})
    assert answer.status_code == 200


async def count_shows(page, count: int, segment: str = "") -> None:
    """The picker shows `segment` (as staff read it) reaching `count` people."""
    await expect(page.locator("#segment-label")).to_have_text(segment, timeout=TIMEOUT)
    await expect(page.locator("#recipient-count")).to_have_text(T.CONSOLE_NOTICE_RECIPIENTS.format(count=count))


async def compose(page, local, *, title: str, text: str) -> None:
    await page.goto(f"{local.url}/console/notices/new")
    await page.get_by_label(T.CONSOLE_NOTICE_TITLE.format(max=40)).fill(title)
    await page.get_by_label(T.CONSOLE_NOTICE_TEXT.format(max=2000)).fill(text)


async def send_to_everyone(page, local, *, title: str, text: str) -> int:
    """Compose to 全員 and send now; returns the notice's id from the status page it lands on."""
    await compose(page, local, title=title, text=text)
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_NEXT).click()
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_SEND).click()
    await expect(page.locator("#notice-done")).to_have_text(T.CONSOLE_NOTICE_DONE["sent"])
    return int(page.url.split("/console/notices/")[1].split("?")[0])


async def test_compose_to_a_segment_send_and_watch_the_confirmations_arrive(signed_in_page, local_renkei, console_db):
    page, local = signed_in_page, local_renkei
    local.line.set_quota(1000)
    await page.get_by_role("link", name=T.CONSOLE_NAV_NOTICES).click()
    await expect(page.locator(".card")).to_have_text(T.CONSOLE_NOTICES_EMPTY)
    await page.get_by_role("link", name=T.CONSOLE_NOTICES_NEW).click()
    await page.get_by_label(T.CONSOLE_NOTICE_TITLE.format(max=40)).fill("防災訓練のご案内")
    await page.get_by_label(T.CONSOLE_NOTICE_TEXT.format(max=2000)).fill("12月5日（土）10時、北公園に集合です。\n雨天決行です。")
    await count_shows(page, 4, T.SEGMENT_ALL)  # the four personas
    await expect(page.locator("#quota-preview")).to_contain_text("送信後の残り：996通")

    # The picker changes and the count follows, without a reload.
    await page.get_by_label(T.CONSOLE_NOTICE_SEGMENT, exact=True).select_option(label=T.PICK_BY_TYPE)
    await count_shows(page, 1, "種別：行政")  # the first type: the secretariat
    await page.get_by_label(T.CONSOLE_NOTICE_CHOICE).select_option(label=T.ORG_TYPE_LABELS["npo"])
    await count_shows(page, 1, "種別：NPO")
    await page.get_by_label(T.CONSOLE_NOTICE_SEGMENT, exact=True).select_option(label=T.PICK_BY_ROLE)
    await count_shows(page, 4, "担当区分：主担当")
    await page.get_by_label(T.CONSOLE_NOTICE_CHOICE).select_option(label=T.ROLE_DEPUTY)
    await count_shows(page, 0, "担当区分：副担当")
    await page.get_by_label(T.CONSOLE_NOTICE_SEGMENT, exact=True).select_option(label=T.SEGMENT_STAFF)
    await count_shows(page, 1, T.SEGMENT_STAFF)
    await page.get_by_label(T.CONSOLE_NOTICE_SEGMENT, exact=True).select_option(label=T.PICK_ORGS)
    await count_shows(page, 0)
    await page.get_by_label("NPO法人 みどりの会").check()
    await count_shows(page, 1, "団体：NPO法人 みどりの会")
    await page.get_by_label("株式会社 山田建設").check()
    await count_shows(page, 2, "団体：NPO法人 みどりの会、株式会社 山田建設")
    await expect(page.locator("#quota-preview")).to_contain_text(T.CONSOLE_NOTICE_COST.format(count=2))
    await expect(page.locator("#quota-preview")).to_contain_text("送信後の残り：998通")
    await shot(page, "console-notice-compose")

    await page.get_by_role("button", name=T.CONSOLE_NOTICE_NEXT).click()
    await expect(page.locator("#confirm-lead")).to_have_text(T.CONSOLE_NOTICE_CONFIRM_LEAD.format(count=2))
    await expect(page.locator("#confirm-when")).to_have_text(T.NOW_LABEL)
    await shot(page, "console-notice-confirm")
    assert multicasts(local) == []  # nothing before the confirmation
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_SEND).click()
    await expect(page.locator("#notice-done")).to_have_text(T.CONSOLE_NOTICE_DONE["sent"])
    await expect(page.locator("#read-summary")).to_have_text(T.CONSOLE_NOTICE_SUMMARY.format(acked=0, total=2))

    [call] = await local.line.wait_for_async(lambda: multicasts(local), timeout=10)
    assert sorted(call.json["to"]) == sorted([NPO, COMPANY])
    [card] = call.json["messages"]
    assert card["contents"]["body"]["contents"][1]["text"] == "防災訓練のご案内"
    assert call.headers.get("x-line-retry-key")

    # A member taps 確認しました in LINE; the page shows it without a reload.
    await tap_ack(local, NPO, card)
    await expect(page.locator("#read-summary")).to_have_text(T.CONSOLE_NOTICE_SUMMARY.format(acked=1, total=2),
                                                             timeout=TIMEOUT)
    await expect(page.locator("#acked")).to_contain_text("NPO法人 みどりの会")
    await expect(page.locator("#pending")).to_contain_text("株式会社 山田建設")
    await expect(page.locator("#pending")).not_to_contain_text("みどりの会")
    await shot(page, "console-notice-status")
    await page.set_viewport_size({"width": 390, "height": 844})
    await shot(page, "console-notice-status-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})

    await page.get_by_role("link", name=T.CONSOLE_NOTICE_BACK).click()
    await expect(page.locator("table.notices tbody tr")).to_have_count(1)
    await expect(page.locator("td.read")).to_have_text(T.CONSOLE_NOTICE_READ.format(acked=1, total=2))
    await shot(page, "console-notice-list")

    [entry] = await console_db.audit("notice.send")
    assert (entry.door, entry.target_label, entry.origin) == ("console", "#1 防災訓練のご案内", "127.0.0.1")
    assert entry.details["recipients"] == 2 and "北公園" not in str(entry.details)


async def test_re_remind_reaches_only_those_who_did_not_confirm(signed_in_page, local_renkei, console_db):
    page, local = signed_in_page, local_renkei
    local.line.set_quota(100)
    notice_id = await send_to_everyone(page, local, title="総会の資料", text="資料を添付しました。ご確認ください。")
    [call] = await local.line.wait_for_async(lambda: multicasts(local), timeout=10)
    await tap_ack(local, NPO, call.json["messages"][0])
    await tap_ack(local, COMPANY, call.json["messages"][0])
    await expect(page.locator("#read-summary")).to_have_text(T.CONSOLE_NOTICE_SUMMARY.format(acked=2, total=4),
                                                             timeout=TIMEOUT)

    await page.get_by_role("link", name=T.CONSOLE_NOTICE_REMIND).click()
    await expect(page.locator("#remind-lead")).to_have_text(T.CONSOLE_NOTICE_REMIND_LEAD.format(count=2))
    await expect(page.locator("#quota-preview")).to_contain_text(T.CONSOLE_NOTICE_COST.format(count=2))
    await expect(page.locator("#quota-preview")).to_contain_text("送信後の残り：94通")  # 4 sent, 2 now
    await shot(page, "console-notice-remind")
    form = {name: await page.locator(f"input[name={name}]").last.get_attribute("value") for name in ("csrf_token", "seen")}
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_REMIND_OK).click()
    await expect(page.locator("#notice-done")).to_have_text(T.CONSOLE_NOTICE_DONE["reminded"])

    first, again = await local.line.wait_for_async(lambda: multicasts(local)[1:] and multicasts(local), timeout=10)
    assert sorted(again.json["to"]) == sorted([persona("staff").user_id, UNIVERSITY])
    assert again.json["messages"][0]["contents"]["body"]["contents"][0]["text"] == T.NOTICE_REMINDER_HEADER
    assert again.headers.get("x-line-retry-key") != first.headers.get("x-line-retry-key")

    # The same confirmation sent a second time (a double click, an old tab) reminds nobody twice.
    answer = await page.request.post(f"{local.url}/console/notices/{notice_id}/remind", form=form, max_redirects=0)
    assert answer.status == 422 and T.NOTICE_REFUSALS["nobody_to_remind"] in await answer.text()
    assert len(multicasts(local)) == 2
    [entry] = await console_db.audit("notice.remind")
    assert (entry.door, entry.target_id, entry.details) == ("console", notice_id, {"recipients": 2})


async def test_schedule_a_notice_and_call_it_off(signed_in_page, local_renkei, console_db):
    page, local = signed_in_page, local_renkei
    tz = local.settings.tz
    tomorrow = (datetime.now(tz) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    await compose(page, local, title="清掃活動", text="来週の清掃活動の持ち物です。")
    await page.get_by_label(T.CONSOLE_NOTICE_LATER).check()
    await page.get_by_label(T.CONSOLE_NOTICE_WHEN, exact=True).fill(f"{tomorrow:%Y-%m-%dT%H:%M}")
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_NEXT).click()
    await expect(page.locator("#confirm-when")).to_contain_text(f"{tomorrow:%H:%M}")
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_SCHEDULE).click()
    await expect(page.locator("#notice-done")).to_have_text(T.CONSOLE_NOTICE_DONE["scheduled"])
    await expect(page.locator("#notice-state")).to_contain_text(f"{tomorrow:%H:%M}に送信予定")
    await shot(page, "console-notice-scheduled")

    await page.get_by_role("link", name=T.CONSOLE_NOTICE_CANCEL).click()
    await expect(page.locator("#cancel-lead")).to_contain_text("取り消すと誰にも届きません")
    token = await page.locator("input[name=csrf_token]").last.get_attribute("value")
    await page.get_by_role("button", name=T.NOTICE_CANCEL_OK).click()
    await expect(page.locator("#notice-done")).to_have_text(T.CONSOLE_NOTICE_DONE["cancelled"])
    await expect(page.locator("#notice-state")).to_have_text(T.CONSOLE_NOTICE_STATES["cancelled"])
    await shot(page, "console-notice-cancelled")
    [notice] = await console_db.scalars(select(Notice))
    assert notice.status == "cancelled" and notice.sent_at is None

    # Called off twice (an old tab): refused, with the reason; the page offers it no more.
    answer = await page.request.post(f"{local.url}/console/notices/{notice.id}/cancel", form={"csrf_token": token},
                                     max_redirects=0)
    assert answer.status == 422 and T.NOTICE_NOT_CANCELLABLE in await answer.text()
    await page.goto(f"{local.url}/console/notices/{notice.id}/cancel")
    await expect(page.locator(".card")).to_have_text(T.NOTICE_NOT_CANCELLABLE)
    assert [e.action for e in await console_db.audit("notice.schedule") + await console_db.audit("notice.cancel")] == [
        "notice.schedule", "notice.cancel"]
    assert multicasts(local) == []


async def test_bad_input_is_refused_in_japanese_and_nothing_is_sent(signed_in_page, local_renkei, console_db):
    page, local = signed_in_page, local_renkei
    await compose(page, local, title="件名だけ", text="   ")
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_NEXT).click()
    await expect(page.locator("#notice-error")).to_have_text(T.NOTICE_REFUSALS["text"].format(max=2000))
    await expect(page.get_by_label(T.CONSOLE_NOTICE_TITLE.format(max=40))).to_have_value("件名だけ")  # kept
    await shot(page, "console-notice-empty-body")

    yesterday = datetime.now(local.settings.tz) - timedelta(days=1)
    await page.get_by_label(T.CONSOLE_NOTICE_TEXT.format(max=2000)).fill("昨日のお知らせ")
    await page.get_by_label(T.CONSOLE_NOTICE_LATER).check()
    await page.get_by_label(T.CONSOLE_NOTICE_WHEN, exact=True).fill(f"{yesterday:%Y-%m-%dT%H:%M}")
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_NEXT).click()
    await expect(page.locator("#notice-error")).to_have_text(T.NOTICE_REFUSALS["past"])
    await shot(page, "console-notice-past")

    # A confirmation forged past the form (the time already past at the send) is refused the same way.
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = await page.request.post(f"{local.url}/console/notices", form={
        "csrf_token": token, "text": "昨日のお知らせ", "kind": "all", "when": "later",
        "send_at": f"{yesterday:%Y-%m-%dT%H:%M}"}, max_redirects=0)
    assert answer.status == 422 and T.NOTICE_REFUSALS["past"] in await answer.text()
    assert await console_db.scalars(select(Notice)) == []
    assert await console_db.scalars(select(OutboxMessage).where(OutboxMessage.purpose.like("notice%"))) == []
    assert await console_db.audit("notice.send") == await console_db.audit("notice.schedule") == []
    assert multicasts(local) == []


async def test_a_send_over_the_months_quota_needs_it_chosen_explicitly(signed_in_page, local_renkei, console_db):
    page, local = signed_in_page, local_renkei
    local.line.set_quota(3)
    await compose(page, local, title="全員へ", text="年末年始の窓口のご案内です。")
    await expect(page.locator("#picker .problem")).to_have_text(T.QUOTA_EXCEEDED.format(over=1))
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_NEXT).click()
    await expect(page.locator("#quota-preview, .confirm")).to_contain_text("送信後の残り：-1通")
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_SEND).click()  # without choosing to go over
    await expect(page.locator("#notice-error")).to_have_text(T.NOTICE_REFUSALS["over_quota"].format(over=1))
    await shot(page, "console-notice-over-quota")
    assert await console_db.scalars(select(Notice)) == [] and multicasts(local) == []
    await page.get_by_label(T.CONFIRM_SEND_OVER).check()
    await page.get_by_role("button", name=T.CONSOLE_NOTICE_SEND).click()
    await expect(page.locator("#notice-done")).to_have_text(T.CONSOLE_NOTICE_DONE["sent"])
    [notice] = await console_db.scalars(select(Notice))
    assert notice.over_quota_confirmed and notice.title == "全員へ"
    # Sent as confirmed; LINE itself refuses what is past the monthly limit (429), and the outbox keeps it.
    tried = await local.line.wait_for_async(lambda: [r for r in local.line.requests if r.path == MULTICAST], timeout=10)
    assert len(tried[0].json["to"]) == 4 and tried[0].status == 429
