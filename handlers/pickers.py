"""Picking one of many by buttons within LINE's 13 quick replies: a page of them, 「次の…」 for the next
page, and キャンセル; or part of a name typed. Dialogs that pick an organization or a member use it."""

import math
from collections.abc import Callable

from bot.dialogs.words import folded
from bot.line import messages as m
from bot.texts import catalog as T

PAGE_ALONE = 12  # with キャンセル, LINE's 13 quick replies; several pages give one of them to 「次の…」


def page_of(items: list, page: int, room: int = PAGE_ALONE) -> tuple[list, int, int]:
    """The items on `page` (wrapping around), that page's number, and how many pages there are, with `room`
    buttons for items when they fit on one page (one fewer on each page when they do not, for 「次の…」)."""
    if len(items) <= room:
        return items, 0, 1
    per_page = room - 1
    pages = math.ceil(len(items) / per_page)
    page %= pages
    return items[page * per_page:(page + 1) * per_page], page, pages


def page_buttons(items: list, page: int, *, button: Callable, more_label: str, more: Callable[[int], object],
                 extra: tuple[dict, ...] = ()) -> list[dict]:
    """Quick replies for one page: `button(item)` for each, then 「次の…」 (`more(next page)`), `extra` (a 完了)
    and キャンセル."""
    shown, page, pages = page_of(items, page, PAGE_ALONE - len(extra))
    quick = [button(item) for item in shown]
    if pages > 1:
        quick.append(m.postback_action(more_label, more((page + 1) % pages), display_text=more_label))
    return quick + list(extra) + [m.message_action(T.CANCEL)]


def matching(items: list, text: str | None, name: Callable[[object], str]) -> list:
    """Items whose name is what was typed, or else contains it (full-width or half-width, any case)."""
    form = folded(text)
    if not form:
        return []
    return [i for i in items if folded(name(i)) == form] or [i for i in items if form in folded(name(i))]
