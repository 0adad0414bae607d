"""What `run` needs from a platform adapter."""

from __future__ import annotations

from typing import Protocol

from scheduler.delivery import Sender


class Adapter(Protocol):
    platform: str

    @property
    def sender(self) -> Sender:
        """Delivers queued messages (the outbox) on this platform."""
        ...

    async def run(self) -> None:
        """Serve until cancelled (polling, webhook server, Socket Mode)."""
        ...
