"""Sent messages' items are written shortly after sending, many at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from models.messages import MessageRef
from services import messages


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def _rows(maker: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with maker() as session:
        found = await session.execute(select(MessageRef.message_id, MessageRef.ref))
        return {message_id: ref for message_id, ref in found}


async def test_rows_wait_then_go_in_one_statement(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    inserts: list[str] = []
    event.listen(
        engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: (
            inserts.append(statement) if statement.startswith("INSERT INTO message_refs") else None
        ),
    )
    log = messages.SentLog(maker, delay=0.05)
    for k in range(30):
        log.add("telegram", "101", str(k), f"task:{k}")
    log.add("telegram", "101", "7", "task:70")  # the same message shows another item
    assert log.pending("telegram", "101", "7") == "task:70"
    assert await _rows(maker) == {}  # nothing written yet
    await asyncio.sleep(0.2)
    rows = await _rows(maker)
    assert len(rows) == 30 and rows["7"] == "task:70" and rows["29"] == "task:29"
    assert log.pending("telegram", "101", "7") is None
    assert len(inserts) == 1
    # a later send of the same message id updates the row
    log.add("telegram", "101", "7", "deal:3")
    await log.close()
    assert (await _rows(maker))["7"] == "deal:3"
    async with maker() as session:
        assert await messages.lookup(session, "telegram", "101", "7") == "deal:3"
        total = await session.scalar(select(func.count()).select_from(MessageRef))
    assert total == 30


async def test_a_full_batch_goes_at_once(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    log = messages.SentLog(maker, delay=60, batch=10)
    for k in range(10):
        log.add("slack", "C1", f"17.{k}", "lead:1")
    # written long before the 60 s delay (a busy machine may take a moment)
    for _ in range(100):
        if len(await _rows(maker)) == 10:
            break
        await asyncio.sleep(0.05)
    assert len(await _rows(maker)) == 10
    await log.close()


async def test_a_failed_write_keeps_the_rows_for_the_next_try(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    maker = create_sessionmaker(engine)
    log = messages.SentLog(maker, delay=60)
    log.add("telegram", "5", "1", "task:1")
    real = messages.remember_many
    calls = 0

    async def failing_once(session: AsyncSession, rows: dict[messages.Key, str]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database went away")
        await real(session, rows)

    monkeypatch.setattr(messages, "remember_many", failing_once)
    await log.flush()
    assert log.pending("telegram", "5", "1") == "task:1"
    await log.close()
    assert await _rows(maker) == {"1": "task:1"}


async def test_rows_being_written_stay_visible_and_flushes_take_turns(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    maker = create_sessionmaker(engine)
    log = messages.SentLog(maker, delay=60, batch=10)
    real = messages.remember_many
    gate = asyncio.Event()
    statements = 0

    async def slow(session: AsyncSession, rows: dict[messages.Key, str]) -> None:
        nonlocal statements
        statements += 1
        await gate.wait()
        await real(session, rows)

    monkeypatch.setattr(messages, "remember_many", slow)
    for k in range(25):
        log.add("telegram", "9", str(k), "task:1")
    first = asyncio.create_task(log.flush())
    await asyncio.sleep(0.05)
    # a reply while the rows are being written still finds its item
    assert log.pending("telegram", "9", "3") == "task:1"
    # the same message is edited to show another item while the first flush waits
    log.add("telegram", "9", "3", "task:2")
    second = asyncio.create_task(log.flush())
    gate.set()
    await asyncio.gather(first, second)
    rows = await _rows(maker)
    assert len(rows) == 25 and rows["3"] == "task:2"  # the newer ref wins
    assert statements == 4  # 25 rows at 10 a statement, then the re-added one


async def test_rows_kept_while_the_database_is_away_are_bounded(engine: AsyncEngine) -> None:
    log = messages.SentLog(create_sessionmaker(engine), delay=60, batch=1000, limit=5)
    for k in range(8):
        log.add("telegram", "1", str(k), f"task:{k}")
    assert log.pending("telegram", "1", "2") is None  # the oldest went first
    assert log.pending("telegram", "1", "7") == "task:7"
    await log.close()
