"""A free TCP port on 127.0.0.1 for a server a test starts (SMTP, OpenID provider, the app)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now. The server that takes it binds straight after; another
    process taking it in between is possible but not seen on these machines."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
