"""The stairway: every migration up, down to base, and up again, on both engines."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from bot.migrate import downgrade, upgrade
from models.base import Base
from tests.conftest import run_sync


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


def test_stairway(db_url: str) -> None:
    import models

    models.load_all()
    expected = set(Base.metadata.tables)
    assert expected <= run_sync(_tables(db_url))  # the fixture migrated it
    downgrade(db_url, "base")
    assert run_sync(_tables(db_url)) <= {"alembic_version"}
    upgrade(db_url)
    assert expected <= run_sync(_tables(db_url))


async def _diff(url: str) -> list[object]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": False}), Base.metadata
                )
            )
    finally:
        await engine.dispose()


def test_models_match_migrations(db_url: str) -> None:
    import models

    models.load_all()
    assert run_sync(_diff(db_url)) == []


async def _count_attendees(url: str, setup: bool = False) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    import models

    models.load_all()
    tables = Base.metadata.tables
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if setup:
                at = datetime(2030, 1, 1, 10, tzinfo=UTC)
                await conn.execute(tables["teams"].insert().values(id=901, name="T"))
                await conn.execute(
                    tables["users"].insert().values(id=901, team_id=901, name="U", role="admin")
                )
                await conn.execute(
                    tables["events"]
                    .insert()
                    .values(id=901, team_id=901, title="E", starts_at=at, ends_at=at)
                )
                await conn.execute(
                    tables["event_attendees"].insert().values(event_id=901, user_id=901)
                )
            count = await conn.scalar(select(func.count()).select_from(tables["event_attendees"]))
            return int(count or 0)
    finally:
        await engine.dispose()


def test_migrations_keep_the_rows_of_tables_they_rebuild(db_url: str) -> None:
    """SQLite rebuilds a table to change it: the rows of tables pointing at it (ON
    DELETE CASCADE) stay, down and up again."""
    assert run_sync(_count_attendees(db_url, setup=True)) == 1
    downgrade(db_url, "0007")
    upgrade(db_url)
    assert run_sync(_count_attendees(db_url)) == 1
