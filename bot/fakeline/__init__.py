"""A fake LINE platform: the Messaging API over real HTTP, and webhook bodies like LINE's."""

from bot.fakeline.server import FakeLine, RecordedRequest

__all__ = ["FakeLine", "RecordedRequest"]
