"""`renkei serve` without a LINE channel, run as a newcomer runs it: local mode, one line with the address."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_without_credentials_starts_the_simulator_and_stops_on_ctrl_c(database_url, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "RENKEI_"))}
    env["DATABASE_URL"] = database_url
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        address = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx.get(f"{address}/simulator", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read()
                time.sleep(0.2)
        assert page.status_code == 200 and "ローカルモード" in page.text
        assert httpx.get(f"{address}/healthz").json() == {"status": "ok"}
        with httpx.stream("GET", f"{address}/simulator/stream", timeout=5) as stream:  # an open page
            assert next(stream.iter_lines()).startswith("retry:")
            server.send_signal(signal.SIGINT)
            server.wait(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
    output = server.stdout.read()
    [line] = [line for line in output.splitlines() if "ローカルモード" in line]
    assert line.endswith(f"{address}/simulator")
    assert server.returncode in (0, 130), output  # 130: uvicorn passes the Ctrl+C on, as a shell expects
