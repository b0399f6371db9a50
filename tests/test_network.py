"""The network guard (tests/network.py): nothing leaves this machine, and trying fails at once."""

import socket
import time

import pytest

from bot.line.gateway import LineGateway
from bot.settings import Settings
from tests import network

DOCUMENTATION_ADDRESS = "192.0.2.1"  # TEST-NET-1: routed nowhere, so only the guard can answer at once


def test_only_loopback_counts_as_this_machine():
    for host in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST.", "::ffff:127.0.0.1", None):
        assert network.is_this_machine(host), host
    for host in (DOCUMENTATION_ADDRESS, "2001:db8::1", "10.0.0.1", "api.line.me", "::ffff:192.0.2.1"):
        assert not network.is_this_machine(host), host


def test_connecting_elsewhere_is_refused_at_once_and_nothing_is_sent():
    started = time.monotonic()
    with network.refusals_expected() as refused, socket.socket() as sock:
        sock.settimeout(5)
        with pytest.raises(network.NetworkCutOff):
            sock.connect((DOCUMENTATION_ADDRESS, 80))
        with pytest.raises(OSError):
            sock.getpeername()  # the socket never connected: the guard stopped it before the system call
        with pytest.raises(network.NetworkCutOff):
            socket.create_connection((DOCUMENTATION_ADDRESS, 443), timeout=5)
    assert time.monotonic() - started < 1  # a real attempt would have waited for the timeout
    assert len(refused) == 2 and all(DOCUMENTATION_ADDRESS in line for line in refused)


def test_looking_a_name_up_is_refused_before_any_dns_query():
    with network.refusals_expected() as refused, pytest.raises(network.NetworkCutOff, match="api.line.me"):
        socket.getaddrinfo("api.line.me", 443)
    assert len(refused) == 1


async def test_a_gateway_whose_settings_lack_a_base_url_cannot_reach_line(clock, monkeypatch):
    monkeypatch.delenv("LINE_API_BASE_URL", raising=False)
    settings = Settings(_env_file=None, line_channel_secret="s", line_channel_access_token="t")
    assert settings.line_api_base_url is None  # the SDK's default host: the real LINE API
    gateway = LineGateway(settings=settings, sessions=None, clock=clock)
    await gateway.start(sweep=False)
    try:
        with network.refusals_expected() as refused, pytest.raises(network.NetworkCutOff, match="api.line.me"):
            await gateway.quota()
    finally:
        await gateway.close()
    assert refused
