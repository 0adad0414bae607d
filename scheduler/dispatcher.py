"""The outbox dispatcher: claims due rows, sends them within platform limits, records.

Claim: due pending rows of people who have an active identity on a platform with a
sender, locked with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serializes writers)
and leased (`claimed_until`) so that a crashed dispatcher's rows go out again once
the lease ends: nothing is lost, and at most the batch in flight is sent twice.
Console rows are left alone: the console delivers them itself. Reminders no longer
worth sending (their person is away, their moment has passed, their task is closed:
services.reminders_stale) are dropped as they are claimed, here and in the console.

Send: a token window per platform (Telegram about 30 a second in all, shared among
the dispatchers running on the database, which each say every few seconds that they
run), one message a second per chat, 20 a minute per group chat; a 429 pauses the whole platform for its
retry_after; temporary failures retry with exponential backoff; a recipient who
blocked the bot has their identity marked inactive and the row failed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import utcnow
from models.db import insert_for
from models.outbox import HOME, SKIP_CHATS, DispatcherBeat, OutboxMessage
from models.teams import Identity
from scheduler.delivery import (
    HomePublisher,
    Parts,
    RecipientGone,
    RetryAfter,
    Sender,
    TemporaryFailure,
)
from scheduler.ratelimit import DEFAULT_LIMITS as DEFAULT_LIMITS
from scheduler.ratelimit import SLACK as SLACK
from scheduler.ratelimit import TELEGRAM as TELEGRAM
from scheduler.ratelimit import UNLIMITED as UNLIMITED
from scheduler.ratelimit import Limits as Limits
from scheduler.ratelimit import RateLimiter as RateLimiter
from services import reminders_stale

try:  # the chats area binds group chats; without it only people are addressed
    from models.chats import ChatBinding
except ImportError:  # pragma: no cover
    ChatBinding = None  # type: ignore[assignment,misc]

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 6
PARTS_DONE = "parts_done"  # in a retried row's payload: chat id -> parts that arrived
ALL_PARTS = 1_000_000  # a chat that has the whole message (or is gone): skipped on a retry
BEAT_EVERY = 5.0  # seconds between a dispatcher's signs of life
BEAT_ALIVE = timedelta(seconds=20)  # a dispatcher not seen for this long has stopped


async def _group_chats(
    session: AsyncSession, group_ids: list[int], platforms: list[str]
) -> dict[int, list[tuple[str, str]]]:
    """group id -> [(platform, chat id)] of the chats bound to it."""
    if not group_ids or ChatBinding is None:
        return {}
    rows = await session.execute(
        select(ChatBinding.group_id, ChatBinding.platform, ChatBinding.chat_id)
        .where(ChatBinding.group_id.in_(group_ids), ChatBinding.platform.in_(platforms))
        .order_by(ChatBinding.id)
    )
    out: dict[int, list[tuple[str, str]]] = {}
    for group_id, platform, chat_id in rows:
        out.setdefault(group_id, []).append((platform, chat_id))
    return out


def _publisher(sender: Sender) -> Callable[[str], Awaitable[None]] | None:
    """A sender's way to show a person's home again (see delivery.HomePublisher)."""
    return sender.publish_home if isinstance(sender, HomePublisher) else None


@dataclass(slots=True)
class Job:
    id: int
    platform: str
    chat_id: str
    identity_id: int
    payload: dict[str, Any]
    attempts: int
    chats: tuple[str, ...] = ()  # a group's row: every chat it goes to, this one included
    home: bool = False  # the person's home to show again (chat_id: their id on the platform)


@dataclass(slots=True)
class Outcome:
    sent: list[int] = field(default_factory=list)
    gone: list[tuple[int, int]] = field(default_factory=list)  # (row, identity)
    retry: list[tuple[int, int, str]] = field(default_factory=list)  # (row, attempts, error)
    gone_chats: list[tuple[str, str]] = field(default_factory=list)  # (platform, group chat)
    group_rows: set[int] = field(default_factory=set)  # rows sent to a group's chats
    group_chats: dict[int, set[str]] = field(default_factory=dict)  # row -> its chats now
    group_attempts: dict[int, int] = field(default_factory=dict)  # row -> this try's number
    # rows to retry whose first parts arrived: the payload that says so
    progress: dict[int, dict[str, Any]] = field(default_factory=dict)


def _merge_progress(into: dict[int, dict[str, Any]], more: dict[int, dict[str, Any]]) -> None:
    """A group's row goes to each chat bound to it: the parts each chat got add up."""
    for row_id, payload in more.items():
        held = into.get(row_id)
        if held is None:
            into[row_id] = payload
        else:
            held[PARTS_DONE] = {**held.get(PARTS_DONE, {}), **payload.get(PARTS_DONE, {})}


def _merge_groups(into: Outcome, more: Outcome) -> None:
    for row_id, chats in more.group_chats.items():
        into.group_chats.setdefault(row_id, set()).update(chats)
    for row_id, attempts in more.group_attempts.items():
        into.group_attempts[row_id] = max(attempts, into.group_attempts.get(row_id, 0))


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

    # -- claiming ------------------------------------------------------------------------
    async def claim(self) -> list[Job]:
        if not self.senders:
            return []
        now = self.now()
        async with self.sessionmaker() as session, session.begin():
            reachable = select(Identity.user_id).where(
                Identity.platform.in_(list(self.senders)),
                Identity.active.is_(True),
                Identity.chat_id.is_not(None),
            )
            rows = (
                (
                    await session.execute(
                        select(OutboxMessage)
                        .where(
                            OutboxMessage.status == "pending",
                            OutboxMessage.due_at <= now,
                            or_(
                                OutboxMessage.claimed_until.is_(None),
                                OutboxMessage.claimed_until < now,
                            ),
                            self._addressable(reachable),
                        )
                        .order_by(OutboxMessage.due_at, OutboxMessage.id)
                        .limit(self.batch)
                        .with_for_update(skip_locked=True, of=OutboxMessage)
                    )
                )
                .scalars()
                .all()
            )
            if not rows:
                return []
            # the conditions again: on SQLite two readers may have seen the same rows
            won = set(
                (
                    await session.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id.in_([r.id for r in rows]),
                            OutboxMessage.status == "pending",
                            or_(
                                OutboxMessage.claimed_until.is_(None),
                                OutboxMessage.claimed_until < now,
                            ),
                        )
                        .values(claimed_until=now + self.lease, attempts=OutboxMessage.attempts + 1)
                        .returning(OutboxMessage.id)
                        .execution_options(synchronize_session=False)
                    )
                ).scalars()
            )
            rows = [r for r in rows if r.id in won]
            # a reminder that waited (queued ahead, held by quiet hours) may be stale now
            rows = await reminders_stale.sift(session, rows, now)
            users = {r.user_id for r in rows}
            identities = (
                (
                    await session.execute(
                        select(Identity)
                        .where(
                            Identity.user_id.in_(users),
                            Identity.platform.in_(list(self.senders)),
                            Identity.active.is_(True),
                            Identity.chat_id.is_not(None),
                        )
                        .order_by(Identity.id)
                    )
                )
                .scalars()
                .all()
            )
            groups = {r.group_id for r in rows if r.user_id is None and r.group_id is not None}
            bindings = await _group_chats(session, list(groups), list(self.senders))
        order = list(self.senders)
        best: dict[int, Identity] = {}
        homes: dict[int, Identity] = {}  # on a platform that shows a home
        for ident in identities:
            held: Identity | None = best.get(ident.user_id)
            if held is None or order.index(ident.platform) < order.index(held.platform):
                best[ident.user_id] = ident
            if ident.user_id not in homes and _publisher(self.senders[ident.platform]):
                homes[ident.user_id] = ident
        jobs = []
        for row in rows:
            if row.user_id is None:
                # a group's message: every chat bound to the group on our platforms
                skip = {tuple(pair) for pair in row.payload.get(SKIP_CHATS, [])}
                bound = [b for b in bindings.get(row.group_id or 0, []) if b not in skip]
                chats = tuple(chat for _platform, chat in bound)
                for platform, chat in bound:
                    jobs.append(
                        Job(row.id, platform, chat, 0, row.payload, row.attempts + 1, chats)
                    )
                continue
            if row.kind == HOME:  # where it can be shown; elsewhere it is dropped
                chosen = homes.get(row.user_id) or best.get(row.user_id)
                if chosen is not None:
                    ref = (chosen.platform, chosen.external_id, chosen.id)
                    jobs.append(Job(row.id, *ref, {}, row.attempts + 1, home=True))
                continue
            chosen = best.get(row.user_id)
            if chosen is None or chosen.chat_id is None:
                continue
            jobs.append(
                Job(
                    row.id,
                    chosen.platform,
                    chosen.chat_id,
                    chosen.id,
                    row.payload,
                    row.attempts + 1,
                )
            )
        return jobs

    def _addressable(self, reachable: Any) -> Any:
        """Rows of people reachable here, and of groups with a chat bound here."""
        personal = OutboxMessage.user_id.in_(reachable)
        if ChatBinding is None:
            return personal
        bound = select(ChatBinding.group_id).where(ChatBinding.platform.in_(list(self.senders)))
        return or_(
            personal,
            and_(OutboxMessage.user_id.is_(None), OutboxMessage.group_id.in_(bound)),
        )

    # -- sending -------------------------------------------------------------------------
    async def send(self, job: Job) -> Outcome:
        """Send one job (waiting out limits and 429s); its outcome, to be recorded."""
        outcome = Outcome()
        if not job.identity_id:
            outcome.group_rows.add(job.id)
            outcome.group_chats[job.id] = set(job.chats or (job.chat_id,))
            outcome.group_attempts[job.id] = job.attempts
        sender = self.senders[job.platform]
        limiter = self.limiters[job.platform]
        publish = _publisher(sender)
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
        if not job.identity_id and parts.done >= ALL_PARTS:
            # a group's chat served before, while another chat of the row is retried:
            # nothing to send, so no turn of the rate limit is taken
            outcome.sent.append(job.id)
            self._group_chat_done(outcome, job, payload, arrived)
            return outcome
        while True:
            await limiter.acquire(job.chat_id)
            try:
                if job.home and publish is not None:
                    await publish(job.chat_id)
                else:
                    await sender.send(job.chat_id, payload, parts)
            except RetryAfter as exc:
                self.stats["retry_after"] += 1
                limiter.pause(exc.seconds)
                log.warning("retry_after", platform=job.platform, seconds=exc.seconds)
                continue
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
                    _merge_progress(outcome.progress, {job.id: {**payload, PARTS_DONE: arrived}})
            except Exception as exc:  # a bug in a renderer must not stop the queue
                log.exception("send_failed", row=job.id)
                outcome.retry.append((job.id, MAX_ATTEMPTS, repr(exc)[:500]))
                if not job.identity_id:  # this chat is owed it: the row is not "sent"
                    arrived.setdefault(job.chat_id, parts.done)
                    _merge_progress(outcome.progress, {job.id: {**payload, PARTS_DONE: arrived}})
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
        _merge_progress(
            outcome.progress, {job.id: {**payload, PARTS_DONE: {**arrived, job.chat_id: ALL_PARTS}}}
        )

    async def record(self, outcome: Outcome) -> None:
        if not (outcome.sent or outcome.gone or outcome.retry):
            return
        now = self.now()
        groups = outcome.group_rows
        async with self.sessionmaker() as session, session.begin():
            personal_sent = [row for row in outcome.sent if row not in groups]
            if personal_sent:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(personal_sent))
                    .values(status="sent", sent_at=now, claimed_until=None)
                )
            for row_id, identity_id in outcome.gone:
                if not identity_id:  # a group chat that removed the bot: see below
                    log.warning("group_chat_gone", row=row_id)
                    continue
                await session.execute(
                    update(Identity).where(Identity.id == identity_id).values(active=False)
                )
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id)
                    .values(status="failed", error="recipient gone", claimed_until=None)
                )
            await self._record_groups(session, outcome, now)
            for row_id, attempts, error in outcome.retry:
                if row_id in groups:
                    continue
                if attempts >= MAX_ATTEMPTS:
                    values: dict[str, Any] = {
                        "status": "failed",
                        "error": error,
                        "claimed_until": None,
                    }
                else:
                    backoff = timedelta(seconds=min(600, 2**attempts))
                    values = {"due_at": now + backoff, "error": error, "claimed_until": None}
                    if row_id in outcome.progress:
                        values["payload"] = outcome.progress[row_id]
                await session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
                )
        self.stats["sent"] += len(outcome.sent)
        self.stats["gone"] += len(outcome.gone)
        self.stats["retried"] += len(outcome.retry)

    async def _record_groups(self, session: AsyncSession, outcome: Outcome, now: datetime) -> None:
        """A group's row is sent when each chat bound to it has it. The chats it went to
        are kept in the row (across flushes and retries). A chat that failed keeps the
        row pending for a retry of that chat alone; one still being sent to keeps it
        leased; a chat no longer bound is owed nothing; and a chat that removed the bot
        loses its binding."""
        retry_of = {row: (attempts, error) for row, attempts, error in outcome.retry}
        for row_id in sorted(outcome.group_rows):
            stored = await session.scalar(
                select(OutboxMessage.payload).where(OutboxMessage.id == row_id)
            )
            payload = dict(outcome.progress.get(row_id) or stored or {})
            chats = dict(stored.get(PARTS_DONE, {})) if isinstance(stored, dict) else {}
            chats.update(payload.get(PARTS_DONE, {}))
            payload[PARTS_DONE] = chats
            expected = outcome.group_chats.get(row_id) or set(chats)
            owed = [chat for chat in expected if chats.get(chat, 0) < ALL_PARTS]
            values: dict[str, Any] = {"payload": payload}
            if not owed:
                values.update(status="sent", sent_at=now, claimed_until=None)
            elif row_id in retry_of:
                attempts, error = retry_of[row_id]
                attempts = max(attempts, outcome.group_attempts.get(row_id, 0))
                if attempts >= MAX_ATTEMPTS:
                    values.update(status="failed", error=error, claimed_until=None)
                else:
                    backoff = timedelta(seconds=min(600, 2**attempts))
                    values.update(
                        status="pending", due_at=now + backoff, error=error, claimed_until=None
                    )
            # else: its other chats are still being sent to; the lease stays
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
            )
        if ChatBinding is not None:
            for platform, chat_id in set(outcome.gone_chats):
                await session.execute(
                    delete(ChatBinding).where(
                        ChatBinding.platform == platform, ChatBinding.chat_id == chat_id
                    )
                )
                log.warning("group_chat_unbound", platform=platform, chat=chat_id)

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
                outcome.sent.extend(current.sent)
                outcome.gone.extend(current.gone)
                outcome.retry.extend(current.retry)
                _merge_progress(outcome.progress, current.progress)
                outcome.group_rows |= current.group_rows
                outcome.gone_chats.extend(current.gone_chats)
                _merge_groups(outcome, current)

        async def worker() -> None:
            while True:
                job = await queue.get()
                if job is None:
                    return
                result = await self.send(job)
                # appended after the await: a flush in between swaps `outcome`
                outcome.sent.extend(result.sent)
                outcome.gone.extend(result.gone)
                outcome.retry.extend(result.retry)
                _merge_progress(outcome.progress, result.progress)
                outcome.group_rows |= result.group_rows
                outcome.gone_chats.extend(result.gone_chats)
                _merge_groups(outcome, result)
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
