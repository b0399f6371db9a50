"""The rich menus: which buttons each role has, where they sit, and what a tap sends.

Every button sends what the dialogs already understand: a command's text (as if typed) or a
postback of this package's own (安否を回答, 招待コードを入力). A role with more than six
buttons gets tabs: each tab is a menu of its own, switched on the phone by LINE through rich
menu aliases (richmenuswitch), without a request to Renkei.
"""

import hashlib
import json
from dataclasses import dataclass

from bot.dialogs import PostbackData
from bot.line import messages as m
from bot.texts import catalog as T
from db.richmenus import ALERT, BOARD, GUEST, MEMBER, STAFF

# Bumped when the drawing changes, so that a new look makes new menus like a new layout does.
DRAWING_VERSION = 1
NAME_PREFIX = "renkei-"
WIDTH, FULL, HALF = 2500, 1686, 843
TAB_HEIGHT = 260
# The staff's other tabs: not given by Renkei, only reached by tapping a tab.
STAFF_MEMBER, STAFF_MORE = "staff_member", "staff_more"


class AnswerCheck(PostbackData, prefix="rm:ans"):
    """安否を回答: the running check's question again."""


class EnterInvite(PostbackData, prefix="rm:invite"):
    """招待コードを入力: what to send to register."""


class Tab(PostbackData, prefix="rm:tab"):
    """A tab was switched on the phone (LINE did it; nothing to answer)."""

    key: str


@dataclass(frozen=True)
class Button:
    label: str
    hint: str
    action: dict
    bounds: tuple[int, int, int, int]  # x, y, width, height
    style: str = "plain"  # plain, tab, tab-on, alert


@dataclass(frozen=True)
class Menu:
    key: str
    chat_bar: str
    height: int
    buttons: tuple[Button, ...]

    @property
    def alias(self) -> str:
        """The alias a tab switches to (LINE allows [a-z0-9_-]{1,32})."""
        return f"{NAME_PREFIX}{self.key.replace('_', '-')}"

    def request(self) -> dict:
        """The body of LINE's create-rich-menu request, without the name."""
        return {"size": {"width": WIDTH, "height": self.height}, "selected": True, "chatBarText": self.chat_bar,
                "areas": [{"bounds": dict(zip(("x", "y", "width", "height"), b.bounds)), "action": b.action}
                          for b in self.buttons]}

    @property
    def name(self) -> str:
        """Names the layout: a menu on LINE under this name is this layout, drawn this way."""
        digest = hashlib.sha256(json.dumps([self.request(), DRAWING_VERSION], sort_keys=True,
                                           ensure_ascii=False).encode()).hexdigest()[:12]
        return f"{NAME_PREFIX}{self.key}-{digest}"


def say(command: str, label: str) -> dict:
    return m.message_action(command, label)


def _grid(specs: list[tuple[str, str, dict]], top: int, height: int, columns: int = 3) -> list[Button]:
    """Buttons in rows of `columns`, filling the space from `top` down."""
    rows = (len(specs) + columns - 1) // columns
    cell_h = (height - top) // rows
    out = []
    for i, (label, hint, action) in enumerate(specs):
        row, col = divmod(i, columns)
        x0, x1 = WIDTH * col // columns, WIDTH * (col + 1) // columns
        out.append(Button(label, hint, action, (x0, top + row * cell_h, x1 - x0, cell_h)))
    return out


def _tabs(current: str, tabs: list[tuple[str, str]]) -> list[Button]:
    out = []
    for i, (key, label) in enumerate(tabs):
        x0, x1 = WIDTH * i // len(tabs), WIDTH * (i + 1) // len(tabs)
        action = {"type": "richmenuswitch", "label": label, "richMenuAliasId": Menu(key, "", 0, ()).alias,
                  "data": Tab(key=key).pack()}
        out.append(Button(label, "", action, (x0, 0, x1 - x0, TAB_HEIGHT), "tab-on" if key == current else "tab"))
    return out


MEMBER_BUTTONS = [
    (T.MENU_KPI_REPORT, T.MENU_HINT_KPI_REPORT, say(T.KPI_REPORT, T.MENU_KPI_REPORT)),
    (T.MEETING, T.MENU_HINT_MEETING, say(T.MEETING, T.MEETING)),
    (T.MENU_NOTICES, T.MENU_HINT_NOTICES, say(T.NOTICE_LIST, T.MENU_NOTICES)),
    (T.MENU_INTROS, T.MENU_HINT_INTROS, say(T.INTRO_LIST, T.MENU_INTROS)),
    (T.PROFILE, T.MENU_HINT_PROFILE, say(T.PROFILE, T.PROFILE)),
    (T.HELP, T.MENU_HINT_HELP, say(T.HELP, T.HELP)),
]
STAFF_BUTTONS = [
    (T.MENU_NOTICE_NEW, T.MENU_HINT_NOTICE_NEW, say(T.NOTICE, T.MENU_NOTICE_NEW)),
    (T.CHECK, T.MENU_HINT_CHECK, say(T.CHECK, T.CHECK)),
    (T.MENU_STATUS, T.MENU_HINT_STATUS, say(T.NOTICE_STATUS, T.MENU_STATUS)),
    (T.KPI, T.MENU_HINT_KPI, say(T.KPI, T.KPI)),
    (T.MENU_CONSOLE, T.MENU_HINT_CONSOLE, say(T.MENU_CONSOLE, T.MENU_CONSOLE)),
    (T.HELP, T.MENU_HINT_HELP, say(T.HELP, T.HELP)),
]
STAFF_MORE_BUTTONS = [
    (T.INVITE_ISSUE, T.MENU_HINT_INVITE, say(T.INVITE_ISSUE, T.INVITE_ISSUE)),
    (T.AGREEMENT_ADD, T.MENU_HINT_AGREEMENT, say(T.AGREEMENT_ADD, T.AGREEMENT_ADD)),
    (T.KPI_SETUP, T.MENU_HINT_KPI_SETUP, say(T.KPI_SETUP, T.KPI_SETUP)),
    (T.AREA_SETTINGS, T.MENU_HINT_AREAS, say(T.AREA_SETTINGS, T.AREA_SETTINGS)),
    (T.INTRO_SETTINGS, T.MENU_HINT_INTRO_SETTINGS, say(T.INTRO_SETTINGS, T.INTRO_SETTINGS)),
    (T.INTRO_NETWORK, T.MENU_HINT_NETWORK, say(T.INTRO_NETWORK, T.INTRO_NETWORK)),
]
STAFF_TABS = [(STAFF, T.MENU_TAB_STAFF), (STAFF_MEMBER, T.MENU_TAB_MEMBER), (STAFF_MORE, T.MENU_TAB_MORE)]
ANSWER = m.postback_action(T.MENU_ANSWER, AnswerCheck(), display_text=T.MENU_ANSWER)


def _menus() -> dict[str, Menu]:
    guest = _grid([(T.MENU_INVITE, T.MENU_HINT_INVITE_ENTER,
                    m.postback_action(T.MENU_INVITE, EnterInvite(), display_text=T.MENU_INVITE)),
                   (T.HELP, T.MENU_HINT_GUEST_HELP, say(T.HELP, T.HELP))], 0, HALF, columns=2)
    alert = [Button(T.MENU_ANSWER, T.MENU_HINT_ANSWER, ANSWER, (0, 0, WIDTH, HALF), "alert")]
    board_top = 600
    board = [Button(T.MENU_ANSWER, T.MENU_HINT_ANSWER, ANSWER, (0, 0, WIDTH, board_top), "alert")]
    board += _grid([(T.MENU_STATUS, T.MENU_HINT_CHECK_STATUS, say(T.CHECK_STATUS, T.MENU_STATUS)),
                    (T.CHECK_PROXY, T.MENU_HINT_PROXY, say(T.CHECK_PROXY, T.CHECK_PROXY)),
                    (T.MENU_NOTICE_NEW, T.MENU_HINT_NOTICE_NEW, say(T.NOTICE, T.MENU_NOTICE_NEW)),
                    (T.MENU_CHECK_CLOSE, T.MENU_HINT_CHECK_CLOSE, say(T.CHECK_CLOSE, T.MENU_CHECK_CLOSE)),
                    (T.MENU_CONSOLE, T.MENU_HINT_CONSOLE, say(T.MENU_CONSOLE, T.MENU_CONSOLE)),
                    (T.HELP, T.MENU_HINT_HELP, say(T.HELP, T.HELP))], board_top, FULL)
    menus = [
        Menu(GUEST, T.MENU_BAR, HALF, tuple(guest)),
        Menu(MEMBER, T.MENU_BAR, FULL, tuple(_grid(MEMBER_BUTTONS, 0, FULL))),
        Menu(STAFF, T.MENU_BAR, FULL, tuple(_tabs(STAFF, STAFF_TABS) + _grid(STAFF_BUTTONS, TAB_HEIGHT, FULL))),
        Menu(STAFF_MEMBER, T.MENU_BAR, FULL,
             tuple(_tabs(STAFF_MEMBER, STAFF_TABS) + _grid(MEMBER_BUTTONS, TAB_HEIGHT, FULL))),
        Menu(STAFF_MORE, T.MENU_BAR, FULL,
             tuple(_tabs(STAFF_MORE, STAFF_TABS) + _grid(STAFF_MORE_BUTTONS, TAB_HEIGHT, FULL))),
        Menu(ALERT, T.MENU_BAR_ALERT, HALF, tuple(alert)),
        Menu(BOARD, T.MENU_BAR_ALERT, FULL, tuple(board)),
    ]
    return {menu.key: menu for menu in menus}


MENUS = _menus()
# The menus reached by tapping a tab, by alias; the default menu (everyone not registered).
TABBED = (STAFF, STAFF_MEMBER, STAFF_MORE)
DEFAULT = GUEST
