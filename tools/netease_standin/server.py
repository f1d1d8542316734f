"""Run the stand-in on a loopback port, in the foreground or in a background thread."""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import make_server

from tools.netease_standin.app import create_app
from tools.netease_standin.faults import FaultInjector
from tools.netease_standin.mirror import Mirror


class StandinServer:
    """A threaded HTTP server over one mirror; port 0 picks a free port."""

    def __init__(self, mirror: Mirror, host: str = "127.0.0.1", port: int = 0,
                 faults: FaultInjector | None = None, quiet: bool = True) -> None:
        self.faults = faults or FaultInjector()
        self.app = create_app(mirror, self.faults)
        if quiet:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = make_server(host, port, self.app, threaded=True)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL to give the crawler as NETEASE_BASE_URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def hits(self) -> dict[str, int]:
        """Requests per route since start or the last fault change."""
        return dict(self.app.config["HITS"])

    def set_faults(self, rules: list | None = None, seed: int = 0) -> None:
        """Replace the fault rules (dicts or FaultRule) and reset the request counters."""
        from tools.netease_standin.faults import FaultRule

        self.faults.configure([r if isinstance(r, FaultRule) else FaultRule(**r) for r in rules or []], seed)
        self.app.config["HITS"].clear()

    def start(self) -> StandinServer:
        """Serve in a daemon thread and return at once."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
