"""Pages of a query: rows and total, a page past the end clamped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from models.outbox import InboxKey
from services.pagination import paginate, paginate_rows


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def _fill(maker: async_sessionmaker[AsyncSession], n: int) -> None:
    from models.base import utcnow

    async with maker() as session, session.begin():
        session.add_all(
            InboxKey(platform="p", key=f"k{k:03d}", created_at=utcnow()) for k in range(n)
        )


async def test_pages_totals_and_the_end(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    query = select(InboxKey).where(InboxKey.platform == "p").order_by(InboxKey.key)
    async with maker() as session:
        empty = await paginate(session, query, 1, 10)
        assert (empty.items, empty.page, empty.pages, empty.total) == ([], 1, 1, 0)
    await _fill(maker, 23)
    async with maker() as session:
        first = await paginate(session, query, 1, 10)
        assert [k.key for k in first.items] == [f"k{k:03d}" for k in range(10)]
        assert (first.page, first.pages, first.total) == (1, 3, 23)
        last = await paginate(session, query, 3, 10)
        assert [k.key for k in last.items] == ["k020", "k021", "k022"]
        # past the end (the list shrank since it was shown): the last page
        beyond = await paginate(session, query, 7, 10)
        assert (beyond.page, beyond.pages, beyond.total) == (3, 3, 23)
        assert [k.key for k in beyond.items] == ["k020", "k021", "k022"]
        before = await paginate(session, query, -2, 10)
        assert before.page == 1 and before.items[0].key == "k000"
        rows = await paginate_rows(
            session, select(InboxKey.key, InboxKey.platform).order_by(InboxKey.key), 2, 20
        )
        assert rows.items == [("k020", "p"), ("k021", "p"), ("k022", "p")]
        assert (rows.page, rows.pages, rows.total) == (2, 2, 23)
        distinct = await paginate(session, select(InboxKey.platform).distinct(), 1, 10)
        assert distinct.items == ["p"] and distinct.total == 1
