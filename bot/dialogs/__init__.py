"""The dialog framework under the features: states, typed button data, routers with guards, the dispatcher."""

from bot.dialogs.context import Context
from bot.dialogs.data import PostbackData, StaleButton, button_kind, is_id
from bot.dialogs.dispatcher import Dispatcher
from bot.dialogs.router import UNHANDLED, Access, Router
from bot.dialogs.states import State, StatesGroup

__all__ = ["Access", "Context", "Dispatcher", "PostbackData", "Router", "StaleButton", "State", "StatesGroup",
           "UNHANDLED", "button_kind", "is_id"]
