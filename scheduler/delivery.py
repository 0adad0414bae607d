"""The contract between the outbox dispatcher and the platform adapters.

An adapter that can deliver queued messages implements `Sender`. The payload is
a serialized neutral view (handlers.views.View.to_dict); the adapter renders it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


class RetryAfter(Exception):
    """The platform said 429: wait `seconds` before sending to it again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class RecipientGone(Exception):
    """The person blocked the bot or left (Telegram 403, Slack account_inactive)."""


class TemporaryFailure(Exception):
    """A network error or a 5xx: try again later with backoff."""


class NotAllowed(Exception):
    """The platform refused the bot the action in that chat (not an admin there, or the
    workspace does not let apps remove people): trying again would not help."""


@dataclass(slots=True)
class Parts:
    """A view that goes out as several messages (a long text, a photo and its text):
    how many of them arrived, so that a retry sends only the rest, and what to await
    before each further one (a platform's limits count every message)."""

    done: int = 0
    pace: Callable[[], Awaitable[None]] | None = None


class Sender(Protocol):
    platform: str

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Parts | None = None) -> None:
        """Deliver one view to a chat, from part `parts.done` on, counting each part that
        arrives; raise RetryAfter, RecipientGone or TemporaryFailure."""
        ...


@runtime_checkable
class HomePublisher(Protocol):
    """A Sender whose platform shows each person a home (Slack's App Home tab): the
    dispatcher has it shown again for an outbox row of kind "home"; other senders'
    platforms have none, and such a row is dropped there."""

    async def publish_home(self, user_id: str) -> None:
        """Show the person's home again (raise as `Sender.send` does)."""
        ...


@runtime_checkable
class ChatMembership(Protocol):
    """A Sender that can take a person out of a group chat (a Telegram group, a Slack
    channel): the dispatcher has it do so for an outbox row of kind "kick"."""

    async def remove_member(self, chat_id: str, external_id: str) -> None:
        """Take the person out of the chat; done too when they are not in it. Raise
        NotAllowed when the bot may not, otherwise as `Sender.send` does."""
        ...
