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
