"""A local stand-in of the NetEase Cloud Music web API serving real recorded data.

It serves the plain web-API routes the crawler uses, from a folder in the layout of
`shared/data/netease/mirror/`, and can inject faults for tests. It is a test and demo tool.
"""

from tools.netease_standin.app import create_app
from tools.netease_standin.faults import FaultInjector
from tools.netease_standin.mirror import Mirror
from tools.netease_standin.server import StandinServer

__all__ = ["FaultInjector", "Mirror", "StandinServer", "create_app"]
