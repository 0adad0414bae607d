"""models.db helpers of the hot path: insert_now (one INSERT, the object persistent as
after a flush), unit_of_work (commit, rollback, close), get/attach/remember (objects
from the unit of work or from rows read as columns), and models.hot's connection and
core (the session's connection for Core statements)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from models.base import utcnow
from models.db import create_engine, create_sessionmaker, insert_now
from models.outbox import InboxKey
from models.tasks import Task
from services import tasks, teams, teams_identity
from services.teams import Newcomer


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


def watch(engine: AsyncEngine) -> tuple[list[str], Callable[[], None]]:
    """The first word of each statement the engine runs from now on; and how to stop."""
    statements: list[str] = []

    def seen(_conn: object, _cur: object, statement: str, *_args: object) -> None:
        statements.append(statement.split()[0])

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    return statements, lambda: event.remove(engine.sync_engine, "before_cursor_execute", seen)


async def test_insert_now_keeps_the_object_and_its_unit(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        actor = await teams.create_team(s, Newcomer(platform="console", external_id="a", name="A"))
    statements, stop = watch(engine)
    async with maker() as s, s.begin():
        task = await tasks.create_task(s, actor, "Call Ivanov")
        # the task's one INSERT, its last statement: no flush, no reload
        assert statements.count("INSERT") == 1 and statements[-1] == "INSERT"
        assert task.id and task.title == "Call Ivanov" and task.completed_at is None
        so_far = len(statements)
        assert await s.get(Task, task.id) is task and len(statements) == so_far
        task.status = "in_progress"  # changed later in the unit: flushed as an UPDATE
    stop()
    async with maker() as s:
        kept = await s.get(Task, task.id)
        assert kept is not None and (kept.status, kept.team_id) == ("in_progress", actor.team_id)
    with pytest.raises(RuntimeError):
        async with maker() as s, s.begin():
            gone = (await tasks.create_task(s, actor, "Taken back")).id
            raise RuntimeError  # the unit fails: its INSERT goes with it
    async with maker() as s:
        assert await s.get(Task, gone) is None
        assert (await s.execute(select(Task.id).where(Task.title == "Taken back"))).first() is None


async def test_insert_now_refuses_an_object_with_unset_columns(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        with pytest.raises(ValueError, match="created_at"):
            await insert_now(s, InboxKey(platform="p", key="k"))
        await insert_now(s, InboxKey(platform="p", key="k", created_at=utcnow()))
    async with maker() as s:
        keys = (await s.execute(select(InboxKey.key))).scalars().all()
        assert keys == ["k"]


async def test_unit_of_work_commits_rolls_back_and_closes(engine: AsyncEngine) -> None:
    from sqlalchemy import inspect as state_of

    from models.db import unit_of_work

    maker = create_sessionmaker(engine)
    async with unit_of_work(maker) as s:
        key = InboxKey(platform="u", key="kept", created_at=utcnow())
        s.add(key)
    assert state_of(key).detached  # closed: nothing of it stays bound
    with pytest.raises(RuntimeError):
        async with unit_of_work(maker) as s:
            s.add(InboxKey(platform="u", key="lost", created_at=utcnow()))
            await s.flush()
            raise RuntimeError
    assert not s.in_transaction()
    async with maker() as s:
        keys = (await s.execute(select(InboxKey.key).where(InboxKey.platform == "u"))).all()
        assert [k for (k,) in keys] == ["kept"]
    pool = engine.sync_engine.pool
    assert pool.checkedout() == 0  # every connection given back


async def test_get_answers_from_the_unit_of_work_when_it_can(engine: AsyncEngine) -> None:
    from models import db
    from models.teams import User

    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        actor = await teams.create_team(s, Newcomer(platform="console", external_id="g", name="G"))
    statements, stop = watch(engine)
    try:
        async with maker() as s, s.begin():
            assert await db.get(s, User, 10**6) is None  # not there: asked, and None
            assert statements == ["SELECT"]
            user = await db.get(s, User, actor.user_id)
            assert user is not None and user.name == "G" and len(statements) == 2
            assert await db.get(s, User, actor.user_id) is user and len(statements) == 2
            s.expire(user)  # expired: read again, not given stale
            again = await db.get(s, User, actor.user_id)
            assert again is user and again.name == "G" and len(statements) == 3
    finally:
        stop()


async def test_attach_keeps_a_row_read_as_columns(engine: AsyncEngine) -> None:
    from models import db
    from models.dialogs import DialogState

    maker = create_sessionmaker(engine)
    key = {"platform": "p", "chat_id": "c", "user_key": "u"}
    async with maker() as s, s.begin():
        s.add(DialogState(**key, form="f", step=1, data={"a": 1}, updated_at=utcnow()))
    async with maker() as s, s.begin():
        row = (await s.execute(select(*DialogState.__table__.c))).one()
        state = db.attach(s, DialogState, dict(row._mapping))
        assert db.attach(s, DialogState, dict(row._mapping)) is state  # one object a row
        assert await s.get(DialogState, ("p", "c", "u")) is state
        state.step = 2  # changed: written back as any loaded row is
    async with maker() as s:
        kept = await s.get(DialogState, ("p", "c", "u"))
        assert kept is not None and (kept.step, kept.data) == (2, {"a": 1})


async def test_connection_is_asked_once_a_transaction(engine: AsyncEngine) -> None:
    from models import hot

    maker = create_sessionmaker(engine)
    async with maker() as s:
        async with s.begin():
            first = await hot.connection(s)
            assert await hot.connection(s) is first
            await first.execute(select(1))
        async with s.begin():  # a new transaction of the same session: asked anew
            second = await hot.connection(s)
            assert (await second.execute(select(1))).scalar_one() == 1
            assert second.sync_connection is (await s.connection()).sync_connection


async def test_a_remembered_row_becomes_an_object_only_when_asked(engine: AsyncEngine) -> None:
    """The actor's row is read as columns on every update (teams_identity.resolve_identity):
    get() makes its object from those without a query, once, and the object is what
    counts afterwards; a query that loads the row itself wins over the remembered one."""
    from models import db
    from models.teams import User

    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        actor = await teams.create_team(s, Newcomer(platform="console", external_id="r", name="R"))
    statements, stop = watch(engine)
    try:
        async with maker() as s, s.begin():
            found = await teams_identity.resolve_identity(s, "console", "r")
            assert found is not None and found.actor == actor
            assert statements == ["SELECT"] and not s.identity_map  # no object made
            user = await db.get(s, User, actor.user_id)
            assert user is not None and user.name == "R" and statements == ["SELECT"]
            user.name = "Renamed"
            del user  # dropped by the code that changed it: the unit keeps it
            again = await db.get(s, User, actor.user_id)
            assert again is not None and again.name == "Renamed" and statements == ["SELECT"]
        async with maker() as s, s.begin():
            await teams_identity.resolve_identity(s, "console", "r")
            loaded = (await s.execute(select(User).where(User.id == actor.user_id))).scalar_one()
            loaded.name = "Loaded"
            await s.flush()
            del loaded  # flushed and dropped: the remembered row is stale now
            s.expunge_all()
            before = len(statements)
            fresh = await db.get(s, User, actor.user_id)
            assert fresh is not None and fresh.name == "Loaded"
            assert statements[before:] == ["SELECT"]  # read again, not the stale row
    finally:
        stop()


async def test_core_flushes_what_the_session_holds_first(engine: AsyncEngine) -> None:
    from models import hot

    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        s.add(InboxKey(platform="p", key="pending", created_at=utcnow()))
        connection = await hot.core(s)
        keys = (await connection.execute(select(InboxKey.key))).scalars().all()
        assert keys == ["pending"]  # as an ORM query would have seen it
        assert connection is await hot.connection(s)


async def _boss_and_me(maker: Any) -> tuple[Any, int]:
    """A team: Boss, and Me (an admin) whose supervisor Boss is."""
    from services.teams import Team, add_member

    async with maker() as s, s.begin():
        boss = await teams.create_team(s, Newcomer(platform="console", external_id="b", name="B"))
        team = await s.get(Team, boss.team_id)
        me = await add_member(
            s, team, Newcomer(platform="console", external_id="m", name="M"), "admin"
        )
        me.supervisor_id = boss.user_id
    return boss, me.id


async def test_a_remembered_row_is_forgotten_when_it_may_have_changed(
    engine: AsyncEngine,
) -> None:
    """An UPDATE or DELETE through the session, a flush that deletes (the team, and with
    it its people), a savepoint rolled back: get() reads the row again."""
    import gc

    from models import db
    from models.teams import User
    from services import teams_handover

    maker = create_sessionmaker(engine)
    boss, me = await _boss_and_me(maker)
    async with maker() as s, s.begin():
        await teams_identity.resolve_identity(s, "console", "m")
        await teams_handover.clear_supervisor(s, boss.user_id)  # UPDATE users ...
        user = await db.get(s, User, me)
        assert user is not None and user.supervisor_id is None
    async with maker() as s, s.begin():
        await teams_identity.resolve_identity(s, "console", "m")
        loaded = (await s.execute(select(User).where(User.id == me))).scalar_one()
        await teams_identity.resolve_identity(s, "console", "m")  # the object is alive: not kept
        loaded.locale = "ru"
        await s.flush()
        del loaded
        gc.collect()
        user = await db.get(s, User, me)
        assert user is not None and user.locale == "ru"
    async with maker() as s, s.begin():
        await teams_identity.resolve_identity(s, "console", "m")
        with pytest.raises(RuntimeError):
            async with s.begin_nested():
                raise RuntimeError
        assert not s.info.get("remembered_rows")
    async with maker() as s, s.begin():
        solo = await teams.create_team(s, Newcomer(platform="console", external_id="s", name="S"))
    async with maker() as s, s.begin():
        found = await teams_identity.resolve_identity(s, "console", "s")
        assert found is not None
        await teams.leave_own_team(s, found.actor)  # the team goes, and its people
        assert await db.get(s, User, solo.user_id) is None
