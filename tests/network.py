"""The network cut off for tests: reaching any host but this machine fails loudly.

As in python-telegram-bot's tests/auxil/networking.py, socket connect and name lookups are
patched for the whole session. A host other than loopback (127.0.0.0/8, ::1, localhost) is
refused before anything is looked up or sent, with NetworkCutOff. The app catches broad
errors in its background tasks and only logs them, so every refusal is also recorded, and
conftest fails the test that made it.
"""

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

ALLOWED = "127.0.0.0/8, ::1, localhost"


class NetworkCutOff(RuntimeError):
    """A test tried to reach a host other than this machine."""


_refused: list[str] = []
_lock = threading.Lock()


def is_this_machine(host) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local host, as a server binds
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = host.strip("[]").split("%", 1)[0].rstrip(".").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: looking it up would already ask a DNS server
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    # 0.0.0.0 and :: are what a server binds to; connecting to them stays on this machine.
    return address.is_loopback or address.is_unspecified


def _refuse(what: str, host, port) -> None:
    message = (f"a test tried to {what} {host}:{port}; tests reach only this machine ({ALLOWED}): "
               f"point it at the fake LINE platform (BotHarness, LINE_API_BASE_URL)")
    with _lock:
        _refused.append(message)
    raise NetworkCutOff(message)


def _check_address(family, address, what: str) -> None:
    if family in (socket.AF_INET, socket.AF_INET6) and not is_this_machine(address[0]):
        _refuse(what, address[0], address[1])


@contextmanager
def cut_off() -> Iterator[None]:
    """Patch the socket module so that only this machine can be reached, until the block ends."""
    real = {name: getattr(socket, name) for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex")}
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def getaddrinfo(host, port, *args, **kwargs):
        if not is_this_machine(host):
            _refuse("look up", host, port)
        return real["getaddrinfo"](host, port, *args, **kwargs)

    def gethostbyname(host):
        if not is_this_machine(host):
            _refuse("look up", host, "")
        return real["gethostbyname"](host)

    def gethostbyname_ex(host):
        if not is_this_machine(host):
            _refuse("look up", host, "")
        return real["gethostbyname_ex"](host)

    def connect(self, address):
        _check_address(self.family, address, "connect to")
        return real_connect(self, address)

    def connect_ex(self, address):
        _check_address(self.family, address, "connect to")
        return real_connect_ex(self, address)

    socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex = getaddrinfo, gethostbyname, gethostbyname_ex
    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    try:
        yield
    finally:
        for name, function in real.items():
            setattr(socket, name, function)
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex


def take_refusals() -> list[str]:
    """The refusals recorded since the last call, forgotten."""
    with _lock:
        taken = list(_refused)
        _refused.clear()
    return taken


@contextmanager
def refusals_expected() -> Iterator[list[str]]:
    """For a test that tries to leave on purpose: the refusals made inside the block are its own,
    listed in what this yields, and do not fail it."""
    with _lock:
        before = len(_refused)
    taken: list[str] = []
    try:
        yield taken
    finally:
        with _lock:
            taken.extend(_refused[before:])
            del _refused[before:]
