"""Typed postback data: a small class per kind of button that packs and unpacks itself.

    class Ack(PostbackData, prefix="ack"):
        notice_id: int

    Ack(notice_id=12).pack() == "ack:12";  Ack.unpack("ack:12") == Ack(notice_id=12)

Fields are `int` (a row id as the bot writes it: short ASCII digits, anything else is
forged) or `str`; a `str` field last takes the rest of the data, colons included. Packing
checks LINE's 300-character limit, so a button that LINE would refuse is never built.
"""

import dataclasses
import types
from typing import ClassVar, get_type_hints

from bot.line.messages import MAX_POSTBACK_DATA

SEPARATOR = ":"


class StaleButton(Exception):
    """The button no longer applies (its dialog moved on, its row is gone, its data was forged)."""


def is_id(value: str) -> bool:
    """A row id as the bot writes it into postback data."""
    return value.isascii() and value.isdecimal() and len(value) <= 9


class PostbackData:
    prefix: ClassVar[str]
    _fields: ClassVar[tuple[tuple[str, type], ...]]

    def __init_subclass__(cls, *, prefix: str, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix
        dataclasses.dataclass(frozen=True)(cls)
        hints = get_type_hints(cls)
        cls._fields = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
        if any(kind not in (int, str) for _, kind in cls._fields):
            raise TypeError(f"{cls.__name__}: postback fields are int or str")

    def pack(self) -> str:
        values = [str(getattr(self, name)) for name, _ in self._fields]
        data = SEPARATOR.join([self.prefix, *values])
        if len(data) > MAX_POSTBACK_DATA:
            raise ValueError(f"postback data is {len(data)} characters; LINE allows {MAX_POSTBACK_DATA}")
        return data

    __str__ = pack

    @classmethod
    def matches(cls, data: str) -> bool:
        return data == cls.prefix or data.startswith(cls.prefix + SEPARATOR)

    @classmethod
    def unpack(cls, data: str):
        """The data a button of this kind carries; StaleButton if it does not read as one."""
        if not cls.matches(data):
            raise StaleButton(data)
        rest = data[len(cls.prefix) + 1:]
        count = len(cls._fields)
        parts = rest.split(SEPARATOR, count - 1) if count else []
        if (count == 0 and rest) or len(parts) != count:
            raise StaleButton(data)
        values = {}
        for (name, kind), part in zip(cls._fields, parts):
            if kind is int and not is_id(part):
                raise StaleButton(data)
            values[name] = int(part) if kind is int else part
        return cls(**values)


def button_kind(name: str, prefix: str, **fields: type) -> type[PostbackData]:
    """A kind of button made at run time, for a menu that several dialogs build under their own prefix."""
    return types.new_class(name, (PostbackData,), {"prefix": prefix},
                           lambda namespace: namespace.update(__annotations__=dict(fields)))
