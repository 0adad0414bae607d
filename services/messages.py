"""Remember what a sent message shows; find it again when someone replies to it."""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import utcnow
from models.db import insert_for
from models.messages import MessageRef

log = structlog.get_logger(__name__)

Key = tuple[str, str, str]  # platform, chat, message


async def lookup(session: AsyncSession, platform: str, chat_id: str, message_id: str) -> str | None:
    row = await session.get(MessageRef, (platform, chat_id, message_id))
    return row.ref if row is not None else None


async def remember_many(session: AsyncSession, rows: dict[Key, str]) -> None:
    """Upsert many (platform, chat, message) -> ref rows in one statement."""
    insert = insert_for(session.get_bind().dialect.name)
    now = utcnow()
    values = [
        {"platform": p, "chat_id": c, "message_id": m, "ref": ref, "created_at": now}
        for (p, c, m), ref in rows.items()
    ]
    statement = insert(MessageRef).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "chat_id", "message_id"],
        set_={"ref": statement.excluded.ref},
    )
    await session.execute(statement)


class SentLog:
    """Which item each sent message shows, written shortly after, many rows at once.

    Writing the row on the reply path cost a transaction per sent card. A reply to a
    message comes seconds after it at the soonest, so rows wait in memory for
    `delay` seconds (or until `batch` of them) and go in one statement; look-ups see
    waiting rows first. A crash inside that window forgets its rows: a reply to such
    a message is then read as plain text, as a reply to any unknown message is.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        delay: float = 0.25,
        batch: int = 500,
        limit: int = 50_000,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.delay = delay
        self.batch = batch  # rows a statement writes (and a count that flushes at once)
        self.limit = limit  # rows kept while the database is away; the oldest go first
        self._pending: dict[Key, str] = {}
        self._writing: dict[Key, str] = {}  # taken by the flush under way, not committed
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()  # one flush at a time: a newer ref is never overwritten

    def add(self, platform: str, chat_id: str, message_id: str, ref: str) -> None:
        key = (platform, chat_id, message_id)
        self._pending.pop(key, None)  # re-inserted last: the newest rows are kept longest
        self._pending[key] = ref
        if len(self._pending) > self.limit:
            del self._pending[next(iter(self._pending))]
            log.warning("sent_refs_dropped", kept=self.limit)
        if len(self._pending) >= self.batch and not self._flushing:
            self._start_flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.delay, self._start_flush)

    def pending(self, platform: str, chat_id: str, message_id: str) -> str | None:
        key = (platform, chat_id, message_id)
        return self._pending.get(key) or self._writing.get(key)

    def _start_flush(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def flush(self) -> None:
        """Write every waiting row now (also on shutdown), `batch` rows a statement."""
        async with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._writing, self._pending = self._pending, {}
            rows = list(self._writing.items())
            try:
                for start in range(0, len(rows), self.batch):
                    async with self.sessionmaker() as session, session.begin():
                        await remember_many(session, dict(rows[start : start + self.batch]))
                    for key, _ref in rows[start : start + self.batch]:
                        self._writing.pop(key, None)
            except Exception:
                log.exception("sent_refs_not_saved", rows=len(self._writing))
                # keep them for the next try, unless newer rows replaced them meanwhile
                for key, ref in self._writing.items():
                    self._pending.setdefault(key, ref)
                if self._timer is None and self._pending:
                    self._timer = asyncio.get_running_loop().call_later(
                        self.delay * 8, self._start_flush
                    )
            finally:
                self._writing = {}

    async def close(self) -> None:
        for task in list(self._flushing):
            await task
        await self.flush()
