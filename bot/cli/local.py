"""Local mode: Renkei with no LINE channel, the fake platform inside the process, the simulator page."""

import ipaddress

import uvicorn

from bot.fakeline.server import FakeLine
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.simulator.state import Simulator


def reachable_address(host: str, port: int) -> str:
    """The address a browser on this machine opens (a wildcard listens on loopback too)."""
    try:
        if ipaddress.ip_address(host).is_unspecified:
            host = "127.0.0.1"
    except ValueError:
        pass
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve_locally(settings: Settings, *, host: str, port: int, run_scheduler: bool) -> None:
    """One process: the webhook, the handling, the scheduler, and LINE played by the fake platform."""
    address = reachable_address(host, port)
    line = FakeLine(host="127.0.0.1").start()
    try:
        local = settings.local_run(line_api_base_url=line.url, public_base_url=address)
        line.access_token = local.line_channel_access_token
        simulator = Simulator(line, channel_secret=local.line_channel_secret, base_url=address)
        app = create_app(local, run_scheduler=run_scheduler, simulator=simulator)
        config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False, ws="none",
                                timeout_graceful_shutdown=5)
        _Server(config, simulator).run()
    finally:
        line.stop()


class _Server(uvicorn.Server):
    """Ends the open pages' event streams when asked to stop: the server waits for open connections."""

    def __init__(self, config: uvicorn.Config, simulator: Simulator) -> None:
        super().__init__(config)
        self.simulator = simulator

    def handle_exit(self, sig, frame) -> None:
        self.simulator.end_streams()
        super().handle_exit(sig, frame)
