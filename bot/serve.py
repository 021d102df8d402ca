"""Run the gateway: ``python -m bot.serve [--host H] [--port P]``.

uvicorn with our settings: proxy headers are handled inside the app (trusted proxies from the settings),
and on SIGTERM/SIGINT open streams are closed at once, so the process exits within a few seconds while
clients reconnect to another gateway and catch up from their last event id.
"""

from __future__ import annotations

import argparse
from types import FrameType

import uvicorn

from bot.main import create_app
from core.config import get_settings

GRACE_S = 3


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_exit: object) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()  # type: ignore[operator]
        super().handle_exit(sig, frame)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m bot.serve", description="Start the Bildungslotse gateway (HTTP API, widget, inbox)."
    )
    parser.add_argument("--host", default=settings.gateway_host, help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=settings.gateway_port, help="port (default: %(default)s)")
    args = parser.parse_args(argv)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=False,  # done by the app's ProxyHeadersMiddleware with BILDUNGSLOTSE_TRUSTED_PROXIES
        timeout_graceful_shutdown=GRACE_S,
        log_config=None,  # ours (core.logging), with conversation ids redacted
        backlog=2048,
    )
    _Server(config, on_exit=app.state.broker.close_streams_soon).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
