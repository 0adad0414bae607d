"""The stairway: every migration up, down to base, and up again, on both engines."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, make_url
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.schema import CreateTable

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


BEFORE_AUTOINCREMENT = ("0003", "0006", "0008", "0009", "0011", "0012")  # the heads 0014 joins


def _sqlite_schema(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per table: columns, foreign keys, indexes (with their columns) and AUTOINCREMENT."""
    schema: dict[str, dict[str, Any]] = {}
    tables = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
    ).fetchall()
    for name, sql in tables:
        indexes = [
            (index[1], index[2], index[3], index[4])  # name, unique, origin, partial
            + tuple(connection.execute(f"PRAGMA index_xinfo('{index[1]}')").fetchall())
            for index in connection.execute(f"PRAGMA index_list('{name}')").fetchall()
        ]
        schema[name] = {
            "columns": connection.execute(f"PRAGMA table_xinfo('{name}')").fetchall(),
            "foreign_keys": sorted(
                fk[2:] for fk in connection.execute(f"PRAGMA foreign_key_list('{name}')")
            ),
            "indexes": sorted(indexes),
            "autoincrement": "AUTOINCREMENT" in sql.upper(),
        }
    return schema


def test_sqlite_upgrade_keeps_the_rows_and_stops_reusing_ids(tmp_path: Path) -> None:
    """A database from before 0014 reused the id of a deleted newest row; upgraded,
    it keeps every row, index and key, and numbering goes on past the highest id."""
    path = tmp_path / "old.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    for head in BEFORE_AUTOINCREMENT:
        upgrade(url, head)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA foreign_keys=ON")
        at = "2030-01-01 10:00:00"
        db.execute("INSERT INTO teams VALUES (1, 'T', 'UTC', 'en', NULL, ?)", (at,))
        db.execute(
            "INSERT INTO users (id, team_id, name, role, locale, timezone, active, created_at)"
            " VALUES (1, 1, 'Anna', 'admin', 'en', 'UTC', 1, ?)",
            (at,),
        )
        for post_id in (1, 2, 3):
            db.execute(
                "INSERT INTO posts (id, team_id, author_id, audience, text, important,"
                " created_at) VALUES (?, 1, 1, 'all', ?, 0, ?)",
                (post_id, f"post {post_id}", at),
            )
        db.execute("INSERT INTO post_comments VALUES (1, 2, 1, 'a comment', ?)", (at,))
        db.execute("INSERT INTO post_likes VALUES (2, 1, ?)", (at,))
        db.execute("DELETE FROM posts WHERE id = 3")
        db.execute(  # before 0014: the deleted post's id went to the next post
            "INSERT INTO posts (team_id, audience, text, important, created_at)"
            " VALUES (1, 'all', 'post 3 again', 0, ?)",
            (at,),
        )
        assert db.execute("SELECT max(id) FROM posts").fetchone() == (3,)
        before = _sqlite_schema(db)

    upgrade(url, "0014")  # later revisions change tables of their own

    with closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA foreign_keys=ON")
        after = _sqlite_schema(db)
        for table in before:  # the same columns, keys and indexes; only AUTOINCREMENT added
            assert {**before[table], "autoincrement": None} == {
                **after[table],
                "autoincrement": None,
            }, table
        assert after["posts"]["autoincrement"] and after["tasks"]["autoincrement"]
        # each table still comes after those it points at: SQLite runs the actions of
        # a deleted row newest table first, and a RESTRICT key met too early fails
        order = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
        for table, columns in after.items():
            for fk in columns["foreign_keys"]:
                assert order.index(fk[0]) <= order.index(table), (table, fk)
        assert db.execute("SELECT id, text FROM posts ORDER BY id").fetchall() == [
            (1, "post 1"),
            (2, "post 2"),
            (3, "post 3 again"),
        ]
        assert db.execute("SELECT post_id, text FROM post_comments").fetchall() == [
            (2, "a comment")
        ]
        assert db.execute("SELECT post_id, user_id FROM post_likes").fetchall() == [(2, 1)]
        db.execute("DELETE FROM posts WHERE id = 3")
        new = db.execute(
            "INSERT INTO posts (team_id, audience, text, important, created_at)"
            " VALUES (1, 'all', 'post 4', 0, '2030-01-01 11:00:00') RETURNING id"
        ).fetchone()
        assert new == (4,)
        db.execute("DELETE FROM posts WHERE id = 2")  # the keys still cascade
        assert db.execute("SELECT count(*) FROM post_comments").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM post_likes").fetchone() == (0,)


def test_sqlite_autoincrement_of_the_models_matches_the_migrations(sqlite_url: str) -> None:
    """Every table the models give AUTOINCREMENT has it in the migrated database: a
    later migration rebuilding a table must keep it (table_kwargs, see models.base)."""
    import models

    models.load_all()
    dialect = sqlite.dialect()
    expected = {
        name
        for name, table in Base.metadata.tables.items()
        if "AUTOINCREMENT" in str(CreateTable(table).compile(dialect=dialect))
    }
    assert {"tasks", "posts", "polls", "poll_options", "notifications", "outbox"} <= expected
    with closing(sqlite3.connect(make_url(sqlite_url).database or "")) as db:
        schema = _sqlite_schema(db)
    assert {name for name, table in schema.items() if table["autoincrement"]} == expected


def test_sqlite_team_quiet_hours_up_down_and_up_again(tmp_path: Path) -> None:
    """0041 adds the team's default quiet hours and a person's own "off"; down to 0040
    they go, the teams (rebuilt) keep their rows, the rows pointing at them and
    AUTOINCREMENT; up again, nobody has a default nor an "off" they did not choose."""
    path = tmp_path / "quiet.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    at = "2030-01-01 10:00:00"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "INSERT INTO teams (id, name, timezone, locale, quiet_start, quiet_end, created_at)"
            " VALUES (1, 'T', 'UTC', 'en', 1320, 480, ?)",
            (at,),
        )
        db.execute(
            "INSERT INTO users (id, team_id, name, role, locale, timezone, active, created_at)"
            " VALUES (1, 1, 'Anna', 'admin', 'en', 'UTC', 1, ?)",
            (at,),
        )
        db.execute(
            "INSERT INTO notification_settings (user_id, quiet_start, quiet_end, quiet_off,"
            " digest, muted_kinds) VALUES (1, NULL, NULL, 1, 'off', '[]')"
        )
    downgrade(url, "0040")
    with closing(sqlite3.connect(path)) as db, db:
        columns = {row[1] for row in db.execute("PRAGMA table_info('teams')")}
        assert "quiet_start" not in columns and "quiet_end" not in columns
        settings = {row[1] for row in db.execute("PRAGMA table_info('notification_settings')")}
        assert "quiet_off" not in settings and "quiet_start" in settings
        assert _sqlite_schema(db)["teams"]["autoincrement"]
        assert db.execute("SELECT id, name FROM users").fetchall() == [(1, "Anna")]
        assert db.execute("SELECT user_id FROM notification_settings").fetchall() == [(1,)]
    upgrade(url)
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("SELECT name, quiet_start, quiet_end FROM teams").fetchall() == [
            ("T", None, None)
        ]
        assert db.execute("SELECT user_id, quiet_off FROM notification_settings").fetchall() == [
            (1, 0)
        ]
