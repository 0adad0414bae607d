"""Alembic environment: async engines, batch mode on SQLite."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

import models
from models.base import Base
from models.db import create_engine

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

models.load_all()
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # batch mode changes a table by building a new one and dropping the old: with
            # foreign keys on, the drop would delete the rows of every table pointing at
            # it (ON DELETE CASCADE). Off until the end, checked then (SQLite's own advice).
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.run_sync(_configure)
        await connection.commit()
        if sqlite:
            broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).fetchall()
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(_run_async())
