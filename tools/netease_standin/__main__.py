"""`python -m tools.netease_standin --data DIR --port N [--faults SPEC]`."""

from __future__ import annotations

import argparse
import json
import sys
import time

from tools.netease_standin.faults import FaultInjector
from tools.netease_standin.mirror import Mirror
from tools.netease_standin.server import StandinServer


def main(argv: list[str] | None = None) -> int:
    """Load the mirror, print the URL on one line, serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tools.netease_standin", description=__doc__)
    parser.add_argument("--data", required=True, help="mirror folder (layout of shared/data/netease/mirror)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8163, help="0 picks a free port")
    parser.add_argument("--faults", default="", help='JSON spec or @file: {"seed":1,"rules":[{"kind":"http405","rate":0.1}]}')
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--die-with-parent", action="store_true",
                        help="stop when the process that started this one dies (Linux)")
    args = parser.parse_args(argv)
    if args.die_with_parent:
        _die_with_parent()
    try:
        faults = FaultInjector(*FaultInjector.parse(_read_spec(args.faults))) if args.faults else None
        started = time.monotonic()
        mirror = Mirror.load(args.data)
    except (OSError, ValueError, TypeError) as exc:
        print(f"netease-standin: {exc}", file=sys.stderr)
        return 2
    server = StandinServer(mirror, args.host, args.port, faults, quiet=not args.verbose)
    print(f"netease-standin serving {args.data} on {server.url} "
          f"(loaded in {time.monotonic() - started:.1f}s: {mirror.counts()})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def _die_with_parent() -> None:
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux


def _read_spec(text: str) -> dict:
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as fh:
            return json.load(fh)
    return json.loads(text)


if __name__ == "__main__":
    sys.exit(main())
