"""Long polling that confirms an update to Telegram only after it is handled.

aiogram's start_polling asks for the next batch, which confirms the previous one
to Telegram, while that batch's updates may still be running: a crash or a
restart then loses them. Here the offset sent with getUpdates never passes an
update in flight. It is the lowest update_id still running, or one past the
highest seen when nothing runs. Updates that come back because an earlier one is
still running are not started twice (they are remembered here); any other
repeated update (one that ran before a crash and came back after it) goes to the
workspace, whose inbox drops it.

One update may not hold the others back for long: getUpdates returns at most
100 updates from the offset, so after `hold` seconds a running update no longer
holds it (a crash after that can lose it, as any update could with aiogram's
polling).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress

import structlog
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramRetryAfter, TelegramUnauthorizedError
from aiogram.methods import GetUpdates
from aiogram.types import Update

log = structlog.get_logger(__name__)

BATCH = 100  # the most updates getUpdates returns


class Poller:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        timeout: int = 30,
        hold: float = 5.0,
        settle: float = 0.5,
        grace: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.timeout = timeout
        self.hold = hold
        self.settle = settle  # how long to wait when only running updates came back
        self.grace = grace  # how long a stop waits for running updates
        self.sleep = sleep
        self.next_id: int | None = None  # one past the highest update started
        self.running: dict[int, tuple[float, asyncio.Task[None]]] = {}
        self.done: set[int] = set()  # finished, but at or above the offset
        self.asked: int | None = None  # the offset of the last getUpdates

    def offset(self) -> int | None:
        """The getUpdates offset: everything below it is handled (or held too long)."""
        now = time.monotonic()
        holding = [uid for uid, (started, _) in self.running.items() if now - started < self.hold]
        if holding:
            return min(holding)
        return self.next_id

    async def run(self) -> None:
        delay = 1.0
        try:
            while True:
                try:
                    updates = await self._fetch()
                except asyncio.CancelledError:
                    raise
                except TelegramUnauthorizedError:
                    log.error("telegram_token_rejected")
                    raise
                except TelegramRetryAfter as exc:
                    log.warning("telegram_poll_rate_limited", retry_in=exc.retry_after)
                    await self.sleep(float(exc.retry_after))
                    continue
                except Exception as exc:  # network, 5xx, a conflicting poller: try again
                    log.warning("telegram_poll_failed", reason=str(exc)[:200], retry_in=delay)
                    await self.sleep(delay)
                    delay = min(delay * 2, 60.0)
                    continue
                delay = 1.0
                started = self._start(updates)
                if updates and not started:
                    await self._settle()
        finally:
            await self._stop()

    async def _fetch(self) -> list[Update]:
        self.asked = self.offset()
        method = GetUpdates(offset=self.asked, timeout=self.timeout, limit=BATCH)
        session_timeout = self.bot.session.timeout or 0
        return await self.bot(method, request_timeout=int(session_timeout + self.timeout))

    def _start(self, updates: list[Update]) -> int:
        if self.asked is not None:  # nothing below the offset asked with can come back
            self.done = {uid for uid in self.done if uid >= self.asked}
        started = 0
        for update in updates:
            uid = update.update_id
            if uid in self.running or uid in self.done:
                continue  # back only because an earlier update still holds the offset
            task = asyncio.create_task(self._handle(update))
            self.running[uid] = (time.monotonic(), task)
            task.add_done_callback(functools.partial(self._finished, uid))
            self.next_id = max(self.next_id or 0, uid + 1)
            started += 1
        return started

    def _finished(self, uid: int, _task: asyncio.Task[None]) -> None:
        self.running.pop(uid, None)
        self.done.add(uid)

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:
            log.exception("telegram_update_failed", update_id=update.update_id)

    async def _settle(self) -> None:
        """Only updates still running came back: wait for one to end, or a moment."""
        tasks = [task for _, task in self.running.values()]
        if tasks:
            await asyncio.wait(tasks, timeout=self.settle, return_when=asyncio.FIRST_COMPLETED)
        else:
            await self.sleep(self.settle)

    async def _stop(self) -> None:
        """Let running updates finish (for a while), then confirm what is done."""
        tasks = [task for _, task in self.running.values()]
        if tasks:
            await asyncio.wait(tasks, timeout=self.grace)
        for _, task in list(self.running.values()):
            task.cancel()  # its transaction rolls back; Telegram will send it again
        offset = self.offset()
        if offset is not None:
            with suppress(Exception):
                await self.bot(GetUpdates(offset=offset, timeout=0, limit=1))
