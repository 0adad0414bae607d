"""SQLite for asyncio without a thread hop per statement.

aiosqlite runs every statement in a worker thread and wakes the event loop when
it is done: two context switches and a self-pipe write per statement, which cost
far more than the statements of a chat workspace (tens of microseconds each on
an indexed file in WAL mode). This driver runs them on the event loop's thread,
inside SQLAlchemy's greenlet, and never blocks the loop on a lock: the
connection's busy timeout is zero, and a statement that finds the database
locked by another connection or process (SQLITE_BUSY) is retried after an
asyncio sleep with backoff, up to the configured wait. Every other error,
including SQLITE_BUSY_SNAPSHOT (which no wait resolves), is raised at once.

Within one process the writers do not poll for the lock at all: a connection
takes the engine's write gate (an asyncio lock, first come first served) before
its transaction's first write and gives it back when the transaction ends, so
concurrent chats queue for SQLite's single writer instead of sleeping through
backoff pauses after it is free. The retry remains for other processes.

The URL stays ``sqlite+aiosqlite://`` for the configuration; models.db picks the
driver (``[database] sqlite_driver``).
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

T = TypeVar("T")

SQLITE_BUSY = 5
SQLITE_BUSY_RECOVERY = 261  # another connection is recovering the WAL: wait too
FIRST_PAUSE = 0.001
LONGEST_PAUSE = 0.05


def _locked(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (SQLITE_BUSY, SQLITE_BUSY_RECOVERY)


YIELD_EVERY = 0.002  # seconds of statements after which the loop gets a turn
_last_turn = 0.0


async def _passed() -> None:
    return None


def _turn() -> None:
    """Inside a unit of work: let other tasks run if statements kept the loop for
    YIELD_EVERY since they last could (a long job must not starve the chats);
    otherwise a coroutine that finishes at once, since AsyncConnection.execute
    insists that a statement awaited something (a greenlet switch, no loop cycle)."""
    global _last_turn
    now = time.monotonic()
    if now - _last_turn >= YIELD_EVERY:
        _last_turn = now
        await_(asyncio.sleep(0))
        _last_turn = time.monotonic()
    else:
        await_(_passed())


def _retrying(call: Callable[[], T], wait: float) -> T:
    """Run `call`; while the database is locked, sleep without blocking the loop."""
    if in_greenlet():
        _turn()
    deadline: float | None = None
    pause = FIRST_PAUSE
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
            now = time.monotonic()
            if deadline is None:
                deadline = now + wait
            if now >= deadline:
                raise
            pause = min(pause * 2, LONGEST_PAUSE, max(deadline - now, 0.0))
            if in_greenlet():
                await_(asyncio.sleep(pause))
            else:  # outside a unit of work (pool clean-up): a short blocking wait
                time.sleep(pause)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _writes(operation: str) -> bool:
    """Whether a statement takes SQLite's write lock. A write it misses (say one
    behind WITH) still works: it meets the lock and retries, as between processes."""
    return operation.lstrip()[:7].upper().startswith(_WRITES)


class WriteGate:
    """One writing transaction at a time among an engine's connections, in order of
    arrival (SQLite has a single writer; waiting here costs no polling)."""

    def __init__(self) -> None:
        # an asyncio lock belongs to one loop; tests run an engine on several
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def _enter(self, lock: asyncio.Lock, wait: float) -> None:
        try:
            async with asyncio.timeout(wait):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (waited for a writer)") from None

    def enter(self, wait: float) -> asyncio.Lock:
        """Take the gate (inside SQLAlchemy's greenlet); the lock to give back."""
        lock = self._lock()
        if not lock.locked() and not getattr(lock, "_waiters", None):
            await_(lock.acquire())  # free: acquired at once, without a loop cycle
        else:  # held, or just released to a waiter not yet running: wait in line
            await_(self._enter(lock, wait))
        return lock


class Cursor:
    """A sqlite3 cursor whose statements wait asynchronously for a busy database."""

    __slots__ = ("_cursor", "_wait", "_owner")

    def __init__(
        self, cursor: sqlite3.Cursor, wait: float, owner: Connection | None = None
    ) -> None:
        self._cursor = cursor
        self._wait = wait
        self._owner = owner

    def execute(self, operation: str, parameters: Any = ()) -> Cursor:
        owner = self._owner
        if owner is not None:
            owner.before(operation)
        try:
            _retrying(lambda: self._cursor.execute(operation, parameters), self._wait)
        finally:
            if owner is not None:
                owner.after()
        return self

    def executemany(self, operation: str, seq_of_parameters: Any) -> Cursor:
        rows = list(seq_of_parameters)  # a retry needs the parameters again
        owner = self._owner
        if owner is not None:
            owner.before(operation)
        try:
            if self._cursor.connection.isolation_level is None:
                # autocommit: each row commits alone, so a lock met at row k must not
                # send rows 0..k-1 again; row by row, each waits for its own lock
                for row in rows:
                    _retrying(functools.partial(self._cursor.execute, operation, row), self._wait)
                return self
            # in a transaction the lock is met at the first row, before any row is written
            _retrying(lambda: self._cursor.executemany(operation, rows), self._wait)
            return self
        finally:
            if owner is not None:
                owner.after()

    async def _async_soft_close(self) -> None:
        """AsyncConnection's hook before a result is read in sync code: nothing to do,
        the rows are read on this thread whenever they are fetched."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __iter__(self) -> Any:
        return iter(self._cursor)


class Connection:
    """A sqlite3 connection, used only from the event loop's thread."""

    __slots__ = ("_connection", "_wait", "_gate", "_held")

    def __init__(
        self, connection: sqlite3.Connection, wait: float, gate: WriteGate | None = None
    ) -> None:
        self._connection = connection
        self._wait = wait
        self._gate = gate
        self._held: asyncio.Lock | None = None

    def before(self, operation: str) -> None:
        """Take the write gate before the transaction's first write."""
        if self._held is None and self._gate is not None and _writes(operation) and in_greenlet():
            self._held = self._gate.enter(self._wait)

    def after(self) -> None:
        """Give the gate back once no transaction is open (autocommit, a failed
        first write, or a COMMIT/ROLLBACK sent as a statement)."""
        if self._held is not None and not self._connection.in_transaction:
            self._release()

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.release()

    def cursor(self) -> Cursor:
        return Cursor(self._connection.cursor(), self._wait, self)

    def commit(self) -> None:
        _retrying(self._connection.commit, self._wait)
        self.after()

    def rollback(self) -> None:
        try:
            self._connection.rollback()
        finally:
            self.after()

    def close(self) -> None:
        try:
            self._connection.close()
        finally:
            self._release()

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.isolation_level = value  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class DBAPI:
    """The sqlite3 module, with connect() returning the waiting connection."""

    paramstyle = "qmark"

    def __init__(self) -> None:
        for name in (
            "DatabaseError",
            "Error",
            "IntegrityError",
            "InterfaceError",
            "InternalError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "DataError",
            "Warning",
            "sqlite_version",
            "sqlite_version_info",
            "PARSE_COLNAMES",
            "PARSE_DECLTYPES",
            "Binary",
        ):
            setattr(self, name, getattr(sqlite3, name))

    def connect(
        self, *args: Any, busy_wait: float = 5.0, gate: WriteGate | None = None, **kwargs: Any
    ) -> Connection:
        kwargs["timeout"] = 0  # never block the loop in SQLite's own busy handler
        kwargs["check_same_thread"] = False  # the pool may close it from a GC callback
        return Connection(sqlite3.connect(*args, **kwargs), busy_wait, gate)


class SQLiteDialect_inline(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's naming
    driver = "inline"
    is_async = True
    has_terminate = True
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> Any:
        return DBAPI()

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def get_driver_connection(self, connection: Any) -> Any:
        return connection

    def do_terminate(self, dbapi_connection: Any) -> None:
        dbapi_connection.close()
