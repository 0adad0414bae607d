"""Platform send limits: an even pace per platform, one message a second per chat,
and a per-minute cap for group chats; a 429 pauses the whole platform."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")


class InLine(Generic[K]):
    """Turns taken one at a time per key (a chat), in the order they were asked for
    (a lock, which asyncio wakes in order); a key's lock goes when nobody waits."""

    def __init__(self) -> None:
        self.turns: dict[K, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self.turns)

    @asynccontextmanager
    async def turn(self, key: K) -> AsyncIterator[None]:
        lock, waiting = self.turns.get(key) or (asyncio.Lock(), 0)
        self.turns[key] = (lock, waiting + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiting = self.turns[key]
            if waiting > 1:
                self.turns[key] = (lock, waiting - 1)
            else:
                del self.turns[key]


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float = 28.0  # all chats of the platform (a margin under 30)
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    group_per_minute: int = 20  # group chats (Telegram: negative chat ids)
    is_group: Callable[[str], bool] = staticmethod(lambda chat: chat.startswith("-"))


TELEGRAM = Limits()
SLACK = Limits(
    per_second=50.0, per_chat_interval=1.0, group_per_minute=60, is_group=lambda _c: False
)
UNLIMITED = Limits(per_second=1e9, per_chat_interval=0.0, group_per_minute=10**9)
DEFAULT_LIMITS = {"telegram": TELEGRAM, "slack": SLACK}


class RateLimiter:
    """Sends spaced evenly per platform (bursts arrive bunched and trip the platform's
    own one-second window), one a second per chat, at most 20 a minute per group.

    The spacing is checked when a send actually leaves: after an event-loop stall the
    waiting sends go one gap apart, not all at once. A 429 holds every send back for
    its retry_after.
    """

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.gap = 1.0 / limits.per_second
        self.next_slot = 0.0
        self.chat_next: dict[str, float] = {}
        self.group_window: dict[str, deque[float]] = {}
        self.turn = asyncio.Lock()
        self.chat_turns: InLine[str] = InLine()  # a chat's sends in line

    def share(self, dispatchers: int) -> None:
        """Pace at this dispatcher's share of the platform's rate (1/n with n running)."""
        self.gap = max(1, dispatchers) / self.limits.per_second

    def pause(self, seconds: float) -> None:
        self.next_slot = max(self.next_slot, self.clock() + seconds)

    def _chat_wait(self, chat: str, now: float) -> float:
        wait = self.chat_next.get(chat, 0.0) - now
        if self.limits.is_group(chat):
            group = self.group_window.setdefault(chat, deque())
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= self.limits.group_per_minute:
                wait = max(wait, group[0] + 60.0 - now)
        return wait

    def try_take(self, chat: str) -> float:
        """0 when a send to the chat may leave now (and it is counted); else how long
        to wait before asking again."""
        now = self.clock()
        wait = max(self._chat_wait(chat, now), self.next_slot - now)
        if wait > 0:
            return wait
        # keep the cadence through small delays of the event loop (so the rate holds),
        # but never catch up after a stall (that would be a burst)
        late = now - self.next_slot
        self.next_slot = self.next_slot + self.gap if late < self.gap else now + self.gap
        self.next_slot = max(self.next_slot, now + self.gap / 2)
        self.chat_next[chat] = now + self.limits.per_chat_interval
        if self.limits.is_group(chat):
            self.group_window.setdefault(chat, deque()).append(now)
        if len(self.chat_next) > 50_000:  # forget chats idle for a while
            self.chat_next = {c: t for c, t in self.chat_next.items() if t > now}
        return 0.0

    async def acquire(self, chat: str) -> None:
        """Wait for the chat, then for a turn: turns are first come, first served (a
        lock, which asyncio wakes in order), so no sender waits behind luckier ones,
        and one chat's messages leave in the order they came."""
        async with self.chat_turns.turn(chat):
            await self._acquire(chat)

    async def _acquire(self, chat: str) -> None:
        while True:
            while (wait := self._chat_wait(chat, self.clock())) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)  # the moment is known; nothing signals it
            async with self.turn:
                while (wait := self.try_take(chat)) > 0:  # noqa: ASYNC110
                    if self._chat_wait(chat, self.clock()) > 0:
                        break  # another send took the chat meanwhile: queue again
                    await asyncio.sleep(wait)
                else:
                    return
