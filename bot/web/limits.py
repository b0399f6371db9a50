"""Slowing down guessing at the API's bearer token, per client address."""

import ipaddress
import math
from collections import deque
from datetime import datetime, timedelta

from bot.clock import Clock

MAX_WRONG = 10
WINDOW = timedelta(minutes=10)
MAX_ADDRESSES = 10_000  # a flood from many addresses forgets the oldest, it cannot fill memory


def client_key(host: str) -> str:
    """Whom to count: an IPv4 address, or an IPv6 /64 (one network hands out any number within it)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


class WrongTokens:
    """Past MAX_WRONG wrong tokens from one address within WINDOW, that address is refused without
    its token being compared, until the oldest of them ages out; other addresses are not affected."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._seen: dict[str, deque[datetime]] = {}

    def _recent(self, address: str) -> deque[datetime]:
        times = self._seen.get(address) or deque()
        while times and times[0] <= self._clock.now() - WINDOW:
            times.popleft()
        return times

    def retry_after(self, address: str) -> int | None:
        """Seconds until this address may try again, or None when it may now."""
        times = self._recent(address)
        if len(times) < MAX_WRONG:
            return None
        return max(1, math.ceil((times[-MAX_WRONG] + WINDOW - self._clock.now()).total_seconds()))

    def record(self, address: str) -> None:
        times = self._recent(address)
        times.append(self._clock.now())
        self._seen.pop(address, None)
        self._seen[address] = times  # most recent last, so the oldest is forgotten first
        if len(self._seen) > MAX_ADDRESSES:
            del self._seen[next(iter(self._seen))]
