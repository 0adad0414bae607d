"""The outbox dispatcher: claims due rows, sends them within platform limits, records.

Claiming is in scheduler.dispatcher_claim, recording in scheduler.dispatcher_record.

Send: a token window per platform (Telegram about 30 a second in all, shared among
the dispatchers running on the database, which each say every few seconds that they
run), one message a second per chat, 20 a minute per group chat; a 429 pauses the whole platform for its
retry_after; temporary failures retry with exponential backoff; a recipient who
blocked the bot has their identity marked inactive and the row failed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import utcnow
from models.db import insert_for
from models.outbox import DispatcherBeat
from scheduler.delivery import (
    ChatMembership,
    NotAllowed,
    Parts,
    RecipientGone,
    RetryAfter,
    Sender,
    TemporaryFailure,
)
from scheduler.dispatcher_claim import Job, claim_jobs, publisher
from scheduler.dispatcher_record import (
    ALL_PARTS,
    MAX_ATTEMPTS,
    PARTS_DONE,
    Outcome,
    kick_refused,
    merge_outcome,
    merge_progress,
    record_outcome,
)
from scheduler.ratelimit import DEFAULT_LIMITS as DEFAULT_LIMITS
from scheduler.ratelimit import SLACK as SLACK
from scheduler.ratelimit import TELEGRAM as TELEGRAM
from scheduler.ratelimit import UNLIMITED as UNLIMITED
from scheduler.ratelimit import InLine
from scheduler.ratelimit import Limits as Limits
from scheduler.ratelimit import RateLimiter as RateLimiter

log = structlog.get_logger(__name__)

BEAT_EVERY = 5.0  # seconds between a dispatcher's signs of life
BEAT_ALIVE = timedelta(seconds=20)  # a dispatcher not seen for this long has stopped


class Dispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: Mapping[str, Sender],
        *,
        limits: Mapping[str, Limits] | None = None,
        batch: int = 100,
        lease: timedelta = timedelta(seconds=120),
        workers: int = 64,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.senders = dict(senders)
        given = limits if limits is not None else DEFAULT_LIMITS
        self.limiters = {p: RateLimiter(given.get(p, TELEGRAM)) for p in self.senders}
        self.batch = batch
        self.lease = lease
        self.workers = workers
        self.record_every = max(1, batch // 2)
        self.now = now
        self.wake = asyncio.Event()
        self.process_id = uuid.uuid4().hex
        self.beaten = False  # whether this dispatcher has said it runs yet
        self.stats = {"sent": 0, "gone": 0, "retried": 0, "failed": 0, "retry_after": 0}
        self.chat_jobs: InLine[tuple[str, str]] = InLine()  # a chat's jobs in line

    # -- claiming ------------------------------------------------------------------------
    async def claim(self) -> list[Job]:
        if not self.senders:
            return []
        return await claim_jobs(
            self.sessionmaker, self.senders, self.now(), batch=self.batch, lease=self.lease
        )

    # -- sending -------------------------------------------------------------------------
    async def send(self, job: Job) -> Outcome:
        """Send one job (waiting out limits and 429s); its outcome, to be recorded. A
        chat's jobs go one after another in the order they came, each whole: its later
        parts and its retry after a 429 before the next job's first part."""
        async with self.chat_jobs.turn((job.platform, job.chat_id)):
            return await self._send(job)

    async def _send(self, job: Job) -> Outcome:
        outcome = Outcome()
        if not job.identity_id:
            outcome.group_rows.add(job.id)
            outcome.group_chats[job.id] = set(job.chats or (job.chat_id,))
            outcome.group_attempts[job.id] = job.attempts
        sender = self.senders[job.platform]
        limiter = self.limiters[job.platform]
        publish = publisher(sender)
        if job.home and publish is None:  # a platform without a home: nothing to show
            outcome.sent.append(job.id)
            return outcome
        payload = dict(job.payload)
        arrived = payload.pop(PARTS_DONE, None)
        arrived = dict(arrived) if isinstance(arrived, dict) else {}
        # each part of a long view is a message to the platform: each waits its turn,
        # and a part that arrived is not sent again when a later one has to be retried
        parts = Parts(
            done=int(arrived.get(job.chat_id, 0)),
            pace=lambda: limiter.acquire(job.chat_id),
        )
        remover = sender.remove_member if isinstance(sender, ChatMembership) else None
        if (not job.identity_id and parts.done >= ALL_PARTS) or (
            job.kick is not None and (not job.kick or remover is None)
        ):
            # a group's chat served before, while another chat of the row is retried, or
            # nobody to take out there: nothing to send, so no turn of the rate limit
            outcome.sent.append(job.id)
            self._group_chat_done(outcome, job, payload, arrived)
            return outcome
        while True:
            await limiter.acquire(job.chat_id)
            try:
                if job.home and publish is not None:
                    await publish(job.chat_id)
                elif job.kick and remover is not None:
                    for account in job.kick:  # each of their accounts (a retry repeats none
                        await remover(job.chat_id, account)  # harm: a kick is idempotent)
                else:
                    await sender.send(job.chat_id, payload, parts)
            except RetryAfter as exc:
                self.stats["retry_after"] += 1
                limiter.pause(exc.seconds)
                log.warning("retry_after", platform=job.platform, seconds=exc.seconds)
                continue
            except NotAllowed as exc:  # the bot may not there: the remover is told
                log.info("kick_refused", row=job.id, platform=job.platform, error=str(exc)[:200])
                outcome.sent.append(job.id)
                self._group_chat_done(outcome, job, payload, arrived)
                refused = kick_refused(job, payload)
                if refused is not None:
                    outcome.notices.append(refused)
            except RecipientGone:
                outcome.gone.append((job.id, job.identity_id))
                if not job.identity_id:  # a group chat that removed the bot
                    outcome.gone_chats.append((job.platform, job.chat_id))
                    self._group_chat_done(outcome, job, payload, arrived)
            except TemporaryFailure as exc:
                log.warning("send_retry", row=job.id, attempts=job.attempts, error=str(exc)[:200])
                outcome.retry.append((job.id, job.attempts, str(exc)[:500]))
                if parts.done or not job.identity_id:
                    # a group's chat is noted even with nothing sent: it is owed the message
                    arrived[job.chat_id] = parts.done
                    merge_progress(outcome.progress, {job.id: {**payload, PARTS_DONE: arrived}})
            except Exception as exc:  # a bug in a renderer must not stop the queue
                log.exception("send_failed", row=job.id)
                outcome.retry.append((job.id, MAX_ATTEMPTS, repr(exc)[:500]))
                if not job.identity_id:  # this chat is owed it: the row is not "sent"
                    arrived.setdefault(job.chat_id, parts.done)
                    merge_progress(outcome.progress, {job.id: {**payload, PARTS_DONE: arrived}})
            else:
                outcome.sent.append(job.id)
                if not job.identity_id:
                    # a group's row goes to each chat bound to it: should another chat
                    # of it be retried, this one, served, is skipped
                    self._group_chat_done(outcome, job, payload, arrived)
            return outcome

    @staticmethod
    def _group_chat_done(
        outcome: Outcome, job: Job, payload: dict[str, Any], arrived: dict[str, int]
    ) -> None:
        merge_progress(
            outcome.progress, {job.id: {**payload, PARTS_DONE: {**arrived, job.chat_id: ALL_PARTS}}}
        )

    async def record(self, outcome: Outcome) -> None:
        if not (outcome.sent or outcome.gone or outcome.retry or outcome.notices):
            return
        await record_outcome(self.sessionmaker, outcome, self.now())
        self.stats["sent"] += len(outcome.sent)
        self.stats["gone"] += len(outcome.gone)
        self.stats["retried"] += len(outcome.retry)

    async def drain(self) -> int:
        """Claim and send until nothing is due; returns how many were handled."""
        handled = 0
        pending: set[asyncio.Task[None]] = set()
        # a bounded queue: a new batch is claimed only when the last one is mostly sent
        queue: asyncio.Queue[Job | None] = asyncio.Queue(maxsize=max(1, self.batch // 2))
        outcome = Outcome()
        flushing = asyncio.Lock()

        async def flush(tries: int = 1) -> None:
            nonlocal outcome
            async with flushing:
                current, outcome = outcome, Outcome()
                for attempt in range(tries):
                    try:
                        await self.record(current)
                        return
                    except DBAPIError as exc:  # SQLite busy: another writer held on
                        log.warning("record_retry", attempt=attempt, error=str(exc)[:200])
                        await asyncio.sleep(min(1.0, 0.05 * 2**attempt))
                # not recorded yet: the next flush takes it along
                merge_outcome(outcome, current)

        async def worker() -> None:
            while True:
                job = await queue.get()
                if job is None:
                    return
                result = await self.send(job)
                # appended after the await: a flush in between swaps `outcome`
                merge_outcome(outcome, result)
                # what was sent but not yet recorded is what a crash would resend
                if len(outcome.sent) >= self.record_every:
                    await flush()

        pending = {asyncio.create_task(worker()) for _ in range(self.workers)}
        try:
            while True:
                try:
                    jobs = await self.claim()
                except DBAPIError as exc:  # SQLite busy: finish what is queued, claim later
                    log.warning("claim_failed", error=str(exc)[:200])
                    break
                for job in jobs:
                    await queue.put(job)
                handled += len(jobs)
                if len(jobs) < self.batch:
                    break
            for _ in pending:
                await queue.put(None)
            await asyncio.gather(*pending)
        finally:
            for task in pending:
                task.cancel()
            await flush(tries=30)
        return handled

    # -- sharing the platforms' rate with the other dispatchers ------------------------------
    async def beat(self) -> dict[str, int]:
        """Say this dispatcher runs, and pace at its share of each platform's rate:
        how many dispatchers (any process on this database) sent to it lately.

        A dispatcher that finds others already running waits one beat before its
        first send, so that they have slowed down to their new share by then."""
        if not self.senders:
            return {}
        now = self.now()
        async with self.sessionmaker() as session, session.begin():
            dialect = session.get_bind().dialect.name
            if dialect == "postgresql" and self.now is utcnow:
                # schedulers on several hosts: one clock for all, the database's
                now = await session.scalar(select(func.now())) or now
            insert = insert_for(dialect)
            for platform in sorted(self.senders):
                await session.execute(
                    insert(DispatcherBeat)
                    .values(process_id=self.process_id, platform=platform, seen_at=now)
                    .on_conflict_do_update(
                        index_elements=["process_id", "platform"], set_={"seen_at": now}
                    )
                )
            await session.execute(
                delete(DispatcherBeat).where(DispatcherBeat.seen_at < now - 10 * BEAT_ALIVE)
            )
            rows = await session.execute(
                select(DispatcherBeat.platform, func.count())
                .where(
                    DispatcherBeat.platform.in_(list(self.senders)),
                    DispatcherBeat.seen_at >= now - BEAT_ALIVE,
                )
                .group_by(DispatcherBeat.platform)
            )
            running = {platform: int(count) for platform, count in rows.all()}
        first = not self.beaten
        self.beaten = True
        for platform, limiter in self.limiters.items():
            count = max(1, running.get(platform, 1))
            running[platform] = count
            limiter.share(count)
            if first and count > 1:
                limiter.pause(BEAT_EVERY)
        return running

    async def leave(self) -> None:
        """Stopping: the others take over the whole rate at their next beat."""
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                delete(DispatcherBeat).where(DispatcherBeat.process_id == self.process_id)
            )

    async def _beating(self) -> None:
        while True:
            try:
                running = await self.beat()
                log.debug("dispatcher_beat", dispatchers=running)
            except Exception as exc:  # the database is busy or away: the pace stays
                log.warning("dispatcher_beat_failed", error=str(exc)[:200])
            await asyncio.sleep(BEAT_EVERY)

    async def serve(self, interval: float = 1.0) -> None:
        """Run until cancelled: drain, then wait for a poke or the interval; meanwhile
        keep the share of the rate up to date."""
        with suppress(Exception):
            await self.beat()  # the first batch already goes at the shared pace
        beating = asyncio.create_task(self._beating())
        try:
            while True:
                try:
                    await self.drain()
                except Exception:
                    log.exception("dispatcher_failed")
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=interval)
                except TimeoutError:
                    pass
                self.wake.clear()
        finally:
            beating.cancel()
            await asyncio.gather(beating, return_exceptions=True)
            with suppress(Exception):
                await self.leave()

    def poke(self) -> None:
        self.wake.set()
