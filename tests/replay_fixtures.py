"""Fixtures for poller and scan tests (a pytest plugin, see tests/conftest.py).

A replay server, settings pointing at it, stubbed sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from callbrief.foundation.settings import Brand, Settings
from callbrief.services.demo.replay import Interaction, ReplayServer
from callbrief.services.scan import ScanClients

SECRET = "AAAA-secret-bearer-token-0042"


class Sleeps(list):
    """Stand-in for time.sleep that remembers each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def clients(sleeps) -> ScanClients:
    """Clients built from settings, with time.sleep stubbed."""
    return ScanClients(sleep=sleeps)


@pytest.fixture
def replay() -> Iterator[Callable[[list[dict]], ReplayServer]]:
    """Start replay servers for recorded interactions; stopped after the test."""
    servers: list[ReplayServer] = []

    def start(recorded: list[dict]) -> ReplayServer:
        server = ReplayServer([Interaction.from_json(i) for i in recorded]).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def kargola() -> Brand:
    return Brand(
        name="Kargola",
        language="tr",
        handles={"x": ["kargola"], "reddit": ["kargola_destek"]},
        keywords=["kargola"],
    )


@pytest.fixture
def x_settings(settings: Settings, kargola: Brand) -> Callable[[ReplayServer], Settings]:
    """Settings with only X enabled, talking to a replay server, with a secret token."""

    def make(server: ReplayServer) -> Settings:
        s = settings.model_copy(deep=True)
        s.brands = [kargola.model_copy(update={"handles": {"x": ["kargola"]}})]
        s.sources.x.enabled = True
        s.sources.x.base_url = server.url
        s.sources.x.bearer_token = SECRET
        s.sources.x.timeout_s = 0.5
        return s

    return make
