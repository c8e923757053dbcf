"""The real server the reliability tests run against, killed whatever the test's outcome."""

from __future__ import annotations

import pytest

from tests.reliability.harness import GunicornServer


@pytest.fixture
def server_factory(database_url, tmp_path):
    servers: list[GunicornServer] = []

    def start(workers: int = 4) -> GunicornServer:
        server = GunicornServer(database_url, tmp_path, workers=workers).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.kill()
