"""Engine and session factory for SQLite (inline driver or aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, event, inspect
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached

from models.hot import HotStatement
from models.sqlite_inline import WriteGate

T = TypeVar("T")

registry.register("sqlite.planerka_inline", "models.sqlite_inline", "SQLiteDialect_inline")


def insert_for(dialect: str) -> Any:
    """The INSERT construct with ON CONFLICT for an engine ("postgresql" or "sqlite")."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


SQLITE_BUSY_WAIT = 5.0  # seconds a statement waits for another writer's lock


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def apply(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return apply


def _in_transaction(dbapi_connection: Any) -> bool:
    # the inline driver's and SQLAlchemy's aiosqlite adapter both keep the
    # connection below as _connection (sqlite3, or aiosqlite proxying it)
    return bool(getattr(dbapi_connection, "_connection", dbapi_connection).in_transaction)


def _begin_before_savepoint(conn: Any, _name: str | None) -> None:
    """Python's sqlite3 opens its transaction only before an INSERT, UPDATE or DELETE.
    A SAVEPOINT ahead of them would open SQLite's own transaction, which the
    savepoint's RELEASE commits: the unit's later failure could no longer take the
    savepoint's rows back. So the unit's transaction is opened first."""
    if not _in_transaction(conn.connection.dbapi_connection):
        conn.exec_driver_sql("BEGIN")


def create_engine(
    url: str, *, echo: bool = False, pool_size: int = 10, sqlite_driver: str = "inline"
) -> AsyncEngine:
    """An engine for the URL; SQLite runs on the loop's thread unless told "thread".

    sqlite_driver "inline" (models.sqlite_inline) waits for locks asynchronously
    and so sets SQLite's own busy timeout to zero; "thread" is plain aiosqlite.
    """
    parsed = make_url(url)
    # statement parameters stay out of error messages and logs: they carry invite codes,
    # form and feed tokens, people's data
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        if sqlite_driver == "inline":
            parsed = parsed.set(drivername="sqlite+planerka_inline")
            # one gate per engine: its connections queue for SQLite's single writer
            kwargs["connect_args"] = {"busy_wait": SQLITE_BUSY_WAIT, "gate": WriteGate()}
            busy_ms = 0
        elif sqlite_driver == "thread":
            busy_ms = int(SQLITE_BUSY_WAIT * 1000)
        else:
            raise ValueError(f"unknown sqlite_driver {sqlite_driver!r}")
        engine = create_async_engine(parsed, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(busy_ms))
        event.listen(engine.sync_engine, "savepoint", _begin_before_savepoint)
        return engine
    kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    return create_async_engine(url, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@functools.cache
def _insert_of(table: Table, returning_id: bool) -> HotStatement:
    """Every column a value (but an integer id the database gives), as insert_now
    passes them."""
    columns = [c for c in table.columns if not (returning_id and c.key == "id")]
    statement = table.insert().values({c: bindparam(c.key, type_=c.type) for c in columns})
    return HotStatement(statement.returning(table.c.id) if returning_id else statement)


async def insert_now(session: AsyncSession, row: Any) -> None:
    """Insert a new ORM object with one statement and keep it in the session as if a
    flush had written it (persistent, its id set), without the flush's bookkeeping,
    which costs several times the INSERT on the hot path (a /task). Every column but
    an integer id must be set: nothing is left for defaults, so nothing is left unloaded.
    A rollback of the unit expires it, as it does a row read in the unit (the unit is
    over then); under a savepoint, whose rollback lets the unit go on, it is flushed."""
    table = row.__table__
    mapper = inspect(row).mapper
    values: dict[str, Any] = {}
    missing = []
    for column in table.columns:
        if column.key == "id" and getattr(row, "id", None) is None:
            continue
        key = mapper.get_property_by_column(column).key
        if key not in row.__dict__:
            missing.append(key)
        else:
            values[column.key] = row.__dict__[key]
    if missing:
        raise ValueError(f"insert_now: {type(row).__name__} lacks {', '.join(missing)}")
    if session.in_nested_transaction():
        # a savepoint's rollback forgets only what a flush wrote in it; the rest of the
        # unit goes on, so the object must go with its row: a flush, as usual
        session.add(row)
        await session.flush()
        return
    returning_id = "id" in table.c and "id" not in values
    # flushed first (models.hot.core): rows it may refer to go first
    returned = await _insert_of(table, returning_id).rows(session, values)
    if returning_id:
        (row.id,) = returned[0]
    make_transient_to_detached(row)
    session.add(row)


class unit_of_work:  # noqa: N801  (used as a function: `async with unit_of_work(maker)`)
    """A new session in a transaction: committed at the end, rolled back on an error,
    then closed. Closed at once when the transaction is over (nothing is left to give
    back); AsyncSession's own context manager closes it in a task of its own, guarded
    against cancellation, which costs every update a few loop turns. That guarded
    close remains for a session still holding a connection (a failed rollback)."""

    __slots__ = ("_maker", "_session", "_transaction")

    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:
        self._maker = maker

    async def __aenter__(self) -> AsyncSession:
        self._session = self._maker()
        # begun in place: beginning asks nothing of the database (the connection comes
        # with the first statement), and AsyncSession.begin() costs a greenlet round
        self._transaction = self._session.sync_session.begin()
        return self._session

    async def __aexit__(self, kind: Any, error: Any, trace: Any) -> None:
        session = self._session
        transaction = self._transaction
        try:
            # committed, or rolled back on an error, as `with session.begin():` does
            await session.run_sync(lambda _sync: transaction.__exit__(kind, error, trace))
        finally:
            if session.in_transaction():
                async with session:  # closed in the guarded way
                    pass
            else:
                session.sync_session.close()


async def get(session: AsyncSession, model: type[T], ident: Any) -> T | None:
    """session.get, answered without a greenlet round when the unit of work holds the
    object loaded already (a task just made), or its row read as columns (`remember`:
    the actor's own): AsyncSession.get costs tens of microseconds even when no
    statement is needed."""
    # the identity map's key of a class mapped without inheritance, as
    # Mapper.identity_key_from_primary_key makes it (orm.util.identity_key inspects the
    # class on every call)
    key = (model, ident if isinstance(ident, tuple) else (ident,), None)
    found = session.sync_session.identity_map.get(key)
    if found is not None:
        if not inspect(found).expired_attributes:
            return cast(T, found)
    else:
        remembered = session.info.get(_REMEMBERED)
        values = remembered.pop(key, None) if remembered else None
        if values is not None:
            row = attach(session, model, values)
            # the identity map holds objects weakly: this one stays for the unit of
            # work, so what is changed on it is what a later get() finds
            session.info.setdefault(_PINNED, []).append(row)
            return row
    return await session.get(model, ident)


_REMEMBERED, _PINNED = "remembered_rows", "pinned"


def remember(session: AsyncSession, model: type[Any], values: dict[str, Any]) -> None:
    """A row read as columns (every column, by attribute name) that `get` makes an
    object of if it is asked for in this unit of work: the actor's own row is read on
    every update, and mostly not needed as an object (making one costs more than the
    statement). Forgotten when the row may have changed otherwise than through its
    object: a query loads it, an UPDATE or DELETE runs through the session, a flush
    deletes, a savepoint is rolled back. (Statements run on the session's connection
    directly are not seen: none changes people.)"""
    mapper = inspect(model)
    key = (model, tuple(values[column.key] for column in mapper.primary_key), None)
    if key in session.sync_session.identity_map:
        return  # the object is what counts: it may be changed, flushed and dropped
    session.info.setdefault(_REMEMBERED, {})[key] = values
    if model not in _FORGETTING:  # once per class
        _FORGETTING.add(model)
        event.listen(model, "load", _forget_loaded)


_FORGETTING: set[type[Any]] = set()


def _forget_loaded(target: Any, context: Any) -> None:
    """A query loaded the object of a remembered row: from now on the object is what
    counts (it may be changed, flushed and dropped before `get` is asked)."""
    remembered = context.session.info.get(_REMEMBERED)
    if remembered:
        remembered.pop(inspect(target).key, None)


def _forget_all(session: Session) -> None:
    remembered = session.info.get(_REMEMBERED)
    if remembered:
        remembered.clear()


# rows may have changed under what was remembered: an UPDATE or DELETE statement, a
# flush that deletes (the database's cascades too), a savepoint rolled back
@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete:
        _forget_all(state.session)


@event.listens_for(Session, "after_flush")
def _forget_on_delete(session: Session, _context: Any) -> None:
    if session.deleted:
        _forget_all(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous: Any) -> None:
    _forget_all(session)


def attach(session: AsyncSession, model: type[T], values: dict[str, Any]) -> T:
    """The object of a row read as columns, kept in the session as if the ORM had
    loaded it (the one already there, if the unit of work holds it). `values` has
    every column, by attribute name."""
    mapper = inspect(model)
    key = (model, tuple(values[column.key] for column in mapper.primary_key), None)
    found = session.sync_session.identity_map.get(key)
    if found is not None:
        return cast(T, found)
    row = built(model, values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def built(model: type[T], values: dict[str, Any]) -> T:
    """A new object with its attributes set as they are, without the constructor's
    change tracking (which costs twice the rest): for an object whose every column is
    given and that becomes persistent at once (attach, insert_now)."""
    row = cast(T, inspect(model).class_manager.new_instance())
    row.__dict__.update(values)  # the instance state's dict
    return row
