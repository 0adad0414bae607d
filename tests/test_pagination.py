"""Pages of a query: rows and total, a page past the end clamped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.base import utcnow
from models.db import create_engine, create_sessionmaker
from models.outbox import InboxKey
from services.pagination import paginate, paginate_rows


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def _fill(maker: async_sessionmaker[AsyncSession], n: int) -> None:

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


async def test_prepared_once_serves_every_value(engine: AsyncEngine) -> None:
    """Statements built once, values given at each run: each run reads its own rows,
    a page past the end included (its fallback statements take the same values)."""
    from sqlalchemy import bindparam

    from services.pagination import paginate_prepared, prepare

    maker = create_sessionmaker(engine)
    await _fill(maker, 23)
    async with maker() as session, session.begin():
        session.add_all(InboxKey(platform="q", key=f"q{k}", created_at=utcnow()) for k in range(3))
    prepared = prepare(
        select(InboxKey.key).where(InboxKey.platform == bindparam("who")).order_by(InboxKey.key)
    )
    async with maker() as session:
        p_page = await paginate_prepared(session, prepared, {"who": "p"}, 3, 10)
        assert [row[0] for row in p_page.items] == ["k020", "k021", "k022"]
        assert (p_page.page, p_page.pages, p_page.total) == (3, 3, 23)
        q_page = await paginate_prepared(session, prepared, {"who": "q"}, 1, 10)
        assert [row[0] for row in q_page.items] == ["q0", "q1", "q2"]
        assert (q_page.pages, q_page.total) == (1, 3)
        beyond = await paginate_prepared(session, prepared, {"who": "q"}, 4, 2)
        assert [row[0] for row in beyond.items] == ["q2"]
        assert (beyond.page, beyond.pages, beyond.total) == (2, 2, 3)
        nobody = await paginate_prepared(session, prepared, {"who": "r"}, 2, 10)
        assert (nobody.items, nobody.page, nobody.total) == ([], 1, 0)
