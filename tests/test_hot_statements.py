"""models.hot: the statements of every update, run on the driver's cursor, give what
SQLAlchemy gives for the same statement, in the same transaction, on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, exc, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import create_engine, create_sessionmaker
from models.dialogs import DialogState
from models.hot import HotStatement
from models.outbox import InboxKey
from tests.test_db_helpers import watch

MOMENT = datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def test_rows_come_out_as_sqlalchemy_gives_them(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        s.add(
            DialogState(
                platform="p", chat_id="c", user_key="u", form="f", step=3,
                data={"a": [1, "я"], "b": None}, updated_at=MOMENT,
            )
        )  # fmt: skip
        s.add(DialogState(platform="p", chat_id="c", user_key="v", form="g", step=0, data={}))
    query = (
        select(*DialogState.__table__.c, (DialogState.step > 1).label("big"))
        .where(DialogState.platform == bindparam("platform"), DialogState.form != "none")
        .order_by(DialogState.user_key)
    )
    hot = HotStatement(query)
    async with maker() as s, s.begin():
        expected = [tuple(row) for row in (await s.execute(query, {"platform": "p"})).all()]
        got = await hot.rows(s, {"platform": "p"})
        assert got == expected and len(got) == 2
        first = got[0]
        assert first[3:6] == ("f", 3, {"a": [1, "я"], "b": None})
        assert first[6] == MOMENT and first[6].tzinfo is not None  # as UTCDateTime gives it
        assert first[7] is True and got[1][7] is False  # booleans, not SQLite's 1 and 0
        assert await hot.rows(s, {"platform": "none"}) == []
        with pytest.raises(KeyError):
            await hot.rows(s, {})  # a parameter left out is an error, not a NULL


async def test_writes_share_the_transaction_and_count(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    write = HotStatement(
        insert(InboxKey).values(platform="p", key=bindparam("key"), created_at=bindparam("at"))
    )
    with pytest.raises(RuntimeError):
        async with maker() as s, s.begin():
            assert await write.rowcount(s, {"key": "gone", "at": MOMENT}) == 1
            # the unit sees its own write, through SQLAlchemy too
            seen = (await s.execute(select(InboxKey.key, InboxKey.created_at))).all()
            assert [tuple(row) for row in seen] == [("gone", MOMENT)]
            raise RuntimeError  # rolled back with the unit
    async with maker() as s, s.begin():
        assert (await s.execute(select(InboxKey.key))).all() == []
        await write.rowcount(s, {"key": "kept", "at": MOMENT})
        # a driver error is SQLAlchemy's, as any statement's: callers catch those
        with pytest.raises(exc.IntegrityError):
            async with s.begin_nested():
                await write.rowcount(s, {"key": "kept", "at": MOMENT})
        with pytest.raises(RuntimeError):
            async with s.begin_nested():  # a savepoint's rollback takes its writes only
                await write.rowcount(s, {"key": "in savepoint", "at": MOMENT})
                raise RuntimeError
        await write.rowcount(s, {"key": "after", "at": MOMENT})
    async with maker() as s:
        kept = (await s.execute(select(InboxKey.key).order_by(InboxKey.key))).scalars().all()
        assert kept == ["after", "kept"]


async def test_the_engine_still_sees_each_statement(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    hot = HotStatement(select(InboxKey.key).where(InboxKey.platform == bindparam("platform")))
    statements, stop = watch(engine)
    try:
        async with maker() as s, s.begin():
            await hot.rows(s, {"platform": "p"})
    finally:
        stop()
    assert statements == ["SELECT"]


async def test_what_sqlalchemy_must_do_at_execution_it_does(engine: AsyncEngine) -> None:
    """An expanding IN list, a default computed in Python: such a statement runs
    through SQLAlchemy, with the same results; a JSON None is JSON's null either way."""
    maker = create_sessionmaker(engine)
    listed = HotStatement(
        select(InboxKey.key).where(InboxKey.key.in_(bindparam("keys"))).order_by(InboxKey.key)
    )
    defaulted = HotStatement(insert(InboxKey).values(platform="p", key=bindparam("key")))
    dialog = HotStatement(
        insert(DialogState).values(
            platform="p", chat_id="c", user_key=bindparam("u"), form="f", step=0,
            data=bindparam("data"), updated_at=bindparam("at"),
        )
    )  # fmt: skip
    async with maker() as s, s.begin():
        assert await defaulted.rowcount(s, {"key": "a"}) == 1  # created_at: its default
        await defaulted.rowcount(s, {"key": "b"})
        assert await listed.rows(s, {"keys": ["a", "b", "z"]}) == [("a",), ("b",)]
        stamps = (await s.execute(select(InboxKey.created_at))).scalars().all()
        assert len(stamps) == 2 and all(stamp is not None for stamp in stamps)
        await dialog.rowcount(s, {"u": "hot", "data": None, "at": MOMENT})
        got = await s.scalar(select(DialogState.data).where(DialogState.user_key == "hot"))
        assert got is None  # stored as JSON null (the column is NOT NULL)
