"""The inline SQLite driver: statements on the loop's thread, lock waits asynchronous."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from models import db, sqlite_inline
from models.db import create_engine


def _path(url: str) -> str:
    return url.split("///", 1)[1]


async def test_inline_driver_is_the_default_and_runs_on_the_loop_thread(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        assert engine.dialect.driver == "inline"
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 0
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()
    threaded = create_engine(sqlite_url, sqlite_driver="thread")
    try:
        assert threaded.dialect.driver == "aiosqlite"
        async with threaded.connect() as conn:
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    finally:
        await threaded.dispose()


async def test_a_locked_database_is_waited_for_without_blocking_the_loop(sqlite_url: str) -> None:
    """Another process holds the write lock for 0.3 s: the write waits, the loop runs."""
    other = sqlite3.connect(_path(sqlite_url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO inbox (platform, key, created_at) VALUES ('x', 'held', '2026-01-01')"
    )
    engine = create_engine(sqlite_url)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def release() -> None:
        await asyncio.sleep(0.3)
        other.execute("COMMIT")

    tick_task = asyncio.create_task(ticker())
    release_task = asyncio.create_task(release())
    try:
        started = time.monotonic()
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO inbox (platform, key, created_at) "
                    "VALUES ('x', 'mine', '2026-01-01')"
                )
            )
        waited = time.monotonic() - started
        await release_task
    finally:
        tick_task.cancel()
        await engine.dispose()
        other.close()
    assert waited >= 0.25  # it did wait for the lock
    during = [t for t in ticks if started <= t <= started + waited]
    assert len(during) >= 10  # ~30 ticks of 10 ms: the loop was never blocked for long
    gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
    assert max(gaps) < 0.1
    check = sqlite3.connect(_path(sqlite_url))
    keys = {row[0] for row in check.execute("SELECT key FROM inbox WHERE platform = 'x'")}
    check.close()
    assert keys == {"held", "mine"}


async def test_a_lock_held_too_long_fails_after_the_wait(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_WAIT", 0.2)
    other = sqlite3.connect(_path(sqlite_url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    engine = create_engine(sqlite_url)
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO inbox (platform, key, created_at) "
                        "VALUES ('x', 'late', '2026-01-01')"
                    )
                )
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
        await engine.dispose()
    assert 0.15 <= waited < 2.0


async def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="no such table"):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM nowhere"))
        assert time.monotonic() - started < 0.5
    finally:
        await engine.dispose()


async def test_a_long_run_of_statements_lets_other_tasks_run(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    try:
        async with engine.begin() as conn:
            # the process's own time: a busy machine that holds the process back makes
            # the wall clock's seconds longer than the statements' (and the turns, which
            # follow the wall clock, only more frequent)
            started = time.process_time()
            for k in range(3000):
                await conn.execute(
                    text("INSERT INTO inbox (platform, key, created_at) VALUES ('y', :k, '2026')"),
                    {"k": str(k)},
                )
            spent = time.process_time() - started
    finally:
        task.cancel()
        await engine.dispose()
    # the ticker got a turn at least once per YIELD_EVERY of statements
    assert ticks >= int(spent / sqlite_inline.YIELD_EVERY) // 2 and ticks >= 5


@pytest.mark.parametrize("driver", ["inline", "thread"])
async def test_a_savepoint_opening_a_unit_of_work_rolls_back_with_it(
    sqlite_url: str, driver: str
) -> None:
    """Python's sqlite3 starts its transaction only at the first INSERT/UPDATE/DELETE;
    a SAVEPOINT before it would open SQLite's own, which its RELEASE commits, and the
    unit's later failure could not take the savepoint's rows back."""
    engine = create_engine(sqlite_url, sqlite_driver=driver)
    sessions = db.create_sessionmaker(engine)
    insert_row = text(
        "INSERT INTO inbox (platform, key, created_at) VALUES ('x', 'nested', '2026-01-01')"
    )
    count = text("SELECT count(*) FROM inbox WHERE key = 'nested'")
    try:
        with pytest.raises(RuntimeError):
            async with sessions() as session, session.begin():
                await session.execute(text("SELECT 1"))
                async with session.begin_nested():
                    await session.execute(insert_row)
                raise RuntimeError("the unit fails after its savepoint")
        async with sessions() as session:
            assert (await session.execute(count)).scalar() == 0
        # and a savepoint that rolls back leaves the unit's other work to commit
        async with sessions() as session, session.begin():
            with pytest.raises(RuntimeError):
                async with session.begin_nested():
                    await session.execute(insert_row)
                    raise RuntimeError("the savepoint fails")
            await session.execute(
                text(
                    "INSERT INTO inbox (platform, key, created_at) "
                    "VALUES ('x', 'after', '2026-01-01')"
                )
            )
        async with sessions() as session:
            assert (await session.execute(count)).scalar() == 0
            after = text("SELECT count(*) FROM inbox WHERE key = 'after'")
            assert (await session.execute(after)).scalar() == 1
    finally:
        await engine.dispose()


class _LockedOnce:
    """A sqlite3 cursor stand-in in autocommit mode whose third row meets a lock once."""

    class connection:  # noqa: N801 - mirrors sqlite3.Cursor.connection
        isolation_level = None

    def __init__(self) -> None:
        self.written: list[object] = []
        self.locked = False

    def _row(self, row: object) -> None:
        if len(self.written) == 2 and not self.locked:
            self.locked = True
            exc = sqlite3.OperationalError("database is locked")
            exc.sqlite_errorcode = 5  # type: ignore[attr-defined]
            raise exc
        self.written.append(row)

    def execute(self, _operation: str, row: object) -> None:
        self._row(row)

    def executemany(self, _operation: str, rows: list[object]) -> None:
        for row in rows:
            self._row(row)


def test_executemany_in_autocommit_never_repeats_rows_after_a_lock() -> None:
    from models.sqlite_inline import Cursor

    stand_in = _LockedOnce()
    Cursor(stand_in, 1.0).executemany("INSERT", [1, 2, 3, 4])  # type: ignore[arg-type]
    assert stand_in.locked and stand_in.written == [1, 2, 3, 4]


def _insert(key: str) -> Any:
    return text(
        "INSERT INTO inbox (platform, key, created_at) VALUES ('g', :key, '2026-01-01')"
    ).bindparams(key=key)


@pytest.fixture
def busy_errors(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every time a statement met SQLite's lock (and slept before trying again)."""
    seen: list[int] = []
    locked = sqlite_inline._locked

    def counting(exc: sqlite3.OperationalError) -> bool:
        if locked(exc):
            seen.append(1)
            return True
        return False

    monkeypatch.setattr(sqlite_inline, "_locked", counting)
    return seen


async def test_writers_of_one_engine_queue_in_order_instead_of_polling_the_lock(
    sqlite_url: str, busy_errors: list[int]
) -> None:
    """Four units of work write at once; each holds its transaction open across an
    await. They take SQLite's single writer one after another, in the order they
    asked, and none of them meets the lock and sleeps."""
    engine = create_engine(sqlite_url)
    sessions = db.create_sessionmaker(engine)
    committed: list[str] = []

    async def unit(key: str) -> None:
        async with sessions() as session, session.begin():
            await session.execute(_insert(key))
            await asyncio.sleep(0.02)  # e.g. the loop's turn given to other chats
        committed.append(key)

    try:
        tasks = []
        for key in ("a", "b", "c", "d"):
            tasks.append(asyncio.create_task(unit(key)))
            await asyncio.sleep(0.002)  # a arrives first, then b, c, d
        await asyncio.gather(*tasks)
    finally:
        await engine.dispose()
    assert committed == ["a", "b", "c", "d"]
    assert busy_errors == []


async def test_the_write_gate_is_given_back_on_rollback_on_failure_and_in_autocommit(
    sqlite_url: str, busy_errors: list[int]
) -> None:
    engine = create_engine(sqlite_url)
    sessions = db.create_sessionmaker(engine)
    try:
        # a unit that fails after its write rolls back and frees the writer
        with pytest.raises(RuntimeError):
            async with sessions() as session, session.begin():
                await session.execute(_insert("failed"))
                raise RuntimeError("the handler failed")
        # a first write that fails (a duplicate key) frees it with the rollback too
        async with sessions() as session, session.begin():
            await session.execute(_insert("dup"))
        with pytest.raises(IntegrityError):
            async with sessions() as session, session.begin():
                await session.execute(
                    text(
                        "INSERT INTO inbox (platform, key, created_at) "
                        "VALUES ('g', 'dup', '2026-01-01')"
                    )
                )
        # autocommit: every statement is its own transaction and frees it at once
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(_insert("auto"))
            # another connection writes while this one is still checked out
            async with asyncio.timeout(2):
                async with sessions() as session, session.begin():
                    await session.execute(_insert("beside"))
        async with asyncio.timeout(2):  # would wait out the gate if one were leaked
            async with sessions() as session, session.begin():
                await session.execute(_insert("last"))
                rows = await session.execute(text("SELECT key FROM inbox WHERE platform = 'g'"))
                keys = {row[0] for row in rows}
    finally:
        await engine.dispose()
    assert keys == {"dup", "auto", "beside", "last"}
    assert busy_errors == []


async def test_a_writer_that_never_finishes_fails_the_next_one_after_the_wait(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_WAIT", 0.2)
    engine = create_engine(sqlite_url)
    sessions = db.create_sessionmaker(engine)
    hold = asyncio.Event()
    holding = asyncio.Event()

    async def holder() -> None:
        async with sessions() as session, session.begin():
            await session.execute(_insert("held"))
            holding.set()
            await hold.wait()

    task = asyncio.create_task(holder())
    try:
        await holding.wait()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            async with sessions() as session, session.begin():
                await session.execute(_insert("late"))
        waited = time.monotonic() - started
        hold.set()
        await task
        async with sessions() as session, session.begin():  # the gate was not leaked
            await session.execute(_insert("after"))
            rows = await session.execute(text("SELECT key FROM inbox WHERE platform = 'g'"))
            keys = {row[0] for row in rows}
    finally:
        hold.set()
        await engine.dispose()
    assert 0.15 <= waited < 2.0
    assert keys == {"held", "after"}


async def test_a_writer_arriving_as_the_gate_changes_hands_still_waits_only_busy_wait() -> None:
    """The gate was just released to a queued writer that has not run yet: one who comes
    then waits in line like the others, with the same limit."""
    from sqlalchemy.util.concurrency import greenlet_spawn

    gate = sqlite_inline.WriteGate()
    wait = 0.2
    held = await greenlet_spawn(gate.enter, wait)

    async def queued() -> None:
        lock = await greenlet_spawn(gate.enter, wait)
        await asyncio.sleep(1.0)  # its transaction takes a second
        lock.release()

    other = asyncio.create_task(queued())
    await asyncio.sleep(0.01)
    outcome: list[object] = []

    def commit_then_write() -> None:
        held.release()  # a COMMIT gives the gate back to the queued writer
        started = time.monotonic()
        try:
            gate.enter(wait).release()
            outcome.append("entered")
        except sqlite3.OperationalError as exc:
            outcome.append(exc)
        outcome.append(time.monotonic() - started)

    await greenlet_spawn(commit_then_write)
    await other
    assert isinstance(outcome[0], sqlite3.OperationalError) and "locked" in str(outcome[0])
    assert 0.15 <= float(outcome[1]) < 0.6  # type: ignore[arg-type]
