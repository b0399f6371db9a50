"""The console's pages in the nav's order; a page module not (yet) in the tree is left out."""

import importlib.util
from dataclasses import dataclass

from bot.texts import catalog as T


@dataclass(frozen=True)
class NavItem:
    module: str
    href: str
    label: str

    def current(self, path: str) -> bool:
        return path == self.href if self.href == "/console" else path.startswith(self.href)


PAGES = (NavItem("home", "/console", T.CONSOLE_NAV_HOME),
         NavItem("members", "/console/members", T.CONSOLE_NAV_MEMBERS),
         NavItem("invites", "/console/invites", T.CONSOLE_NAV_INVITES),
         NavItem("notices", "/console/notices", T.CONSOLE_NAV_NOTICES),
         NavItem("checks", "/console/checks", T.CONSOLE_NAV_CHECKS),
         NavItem("audit", "/console/audit", T.CONSOLE_NAV_AUDIT))
NAV = [item for item in PAGES if importlib.util.find_spec(f"bot.web.console.{item.module}") is not None]
