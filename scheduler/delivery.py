"""The contract between the outbox dispatcher and the platform adapters.

An adapter that can deliver queued messages implements `Sender`. The payload is
a serialized neutral view (handlers.views.View.to_dict); the adapter renders it.
"""

from __future__ import annotations

from typing import Any, Protocol


class RetryAfter(Exception):
    """The platform said 429: wait `seconds` before sending to it again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class RecipientGone(Exception):
    """The person blocked the bot or left (Telegram 403, Slack account_inactive)."""


class TemporaryFailure(Exception):
    """A network error or a 5xx: try again later with backoff."""


class Sender(Protocol):
    platform: str

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        """Deliver one message to a chat; raise RetryAfter, RecipientGone or TemporaryFailure."""
        ...
