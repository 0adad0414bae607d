"""Fixtures: a migrated database on SQLite and on PostgreSQL, and the workspace."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, build_app
from bot.config import Settings
from bot.migrate import upgrade
from tests import pgserver
from tests.fakes.telegram_api import FakeTelegram

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """The server's URL; a migrated template database `planerka_template` exists on it."""
    external = os.environ.get("PLANERKA_TEST_PG_URL")
    server = None
    if external:
        base = external
    else:
        try:
            server = pgserver.start()
        except pgserver.Unavailable as exc:
            if IN_CI:
                pytest.fail(f"PostgreSQL is required in CI: {exc}")
            pytest.skip(f"PostgreSQL unavailable locally ({exc}); PostgreSQL tests skipped")
        base = server.url
    admin_url = base
    run_sync(_create_database(admin_url, "planerka_template"))
    upgrade(_with_database(admin_url, "planerka_template"))
    try:
        yield admin_url
    finally:
        if server is not None:
            server.stop()


def _with_database(url: str, name: str) -> str:
    head, _, _ = url.rpartition("/")
    return f"{head}/{name}"


async def _create_database(admin_url: str, name: str, template: str | None = None) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            suffix = f' TEMPLATE "{template}"' if template else ""
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "planerka.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


def run_sync(coro: Any) -> Any:
    """Run a coroutine to completion from sync code, even inside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def pg_url(pg_template: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    run_sync(_create_database(pg_template, name, template="planerka_template"))
    return _with_database(pg_template, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """A freshly migrated database on each engine."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


def test_settings(**overrides: object) -> Settings:
    os.environ.setdefault("PLANERKA_CONFIG", "/nonexistent/config.toml")
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.workspace.default_timezone = "Europe/Moscow"
    # the tests run at any hour of the wall clock: the teams they make hold no messages
    # for the night (22:00-08:00 by default) unless a test gives them quiet hours
    settings.workspace.default_quiet_hours = "off"
    return settings


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    application = build_app(test_settings(), database_url=db_url)
    try:
        yield application
    finally:
        await application.close()


@pytest.fixture
async def sqlite_app(sqlite_url: str) -> AsyncIterator[App]:
    application = build_app(test_settings(), database_url=sqlite_url)
    try:
        yield application
    finally:
        await application.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API on loopback for one test."""
    server = await FakeTelegram().start()
    try:
        yield server
    finally:
        await server.stop()
