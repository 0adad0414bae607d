"""Statements every update runs, executed on the driver's cursor of the unit of work.

SQLAlchemy's execution path (compiled-cache look-up, execution context, result
object, the async adapter's bookkeeping) costs several times what SQLite takes to
run an indexed statement: on a small machine about 90 microseconds a statement
against 10. The three statements of nearly every update (the inbox key, the actor,
a task list or a new task) run here instead. Each is compiled once per dialect by
SQLAlchemy itself, with the bind and result processors of its columns' types, so
values go in and come out as SQLAlchemy would give them; the statement runs in the
session's transaction, on its connection, and the engine's before/after cursor
events still see it (statement counts; not `echo` logging, and with no execution
context). Everything else goes through SQLAlchemy as usual.

Only plain statements qualify: no expanding IN lists or other values rendered at
execution, no Python-side defaults, no types that need the driver's column type
(checked when compiled); a statement that does not runs through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None


async def connection(session: AsyncSession) -> AsyncConnection:
    """session.connection(), the same for the rest of its transaction: asked once, kept
    (each ask costs a greenlet round; Core statements of the hot path share it). Asked
    anew in a savepoint (begin_nested), which the session begins when it is asked."""
    held = session.info.get("connection")
    if held is not None and held[0] is not None and held[0] is _innermost(session):
        return cast(AsyncConnection, held[1])
    found = await session.connection()
    session.info["connection"] = (_innermost(session), found)
    return found


def _innermost(session: AsyncSession) -> Any:
    sync = session.sync_session
    return sync.get_nested_transaction() or sync.get_transaction()


async def core(session: AsyncSession) -> AsyncConnection:
    """The connection of the session's transaction for a Core statement, after what the
    session holds unwritten is flushed, as autoflush does before an ORM query: the ORM
    execution path costs more than the statement on the hot path."""
    if session.new or session.dirty or session.deleted:
        await session.flush()
    return await connection(session)


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    names: tuple[str, ...]  # the bind parameters in the order the SQL takes them
    defaults: dict[str, Any]  # values fixed in the statement (constants compared with)
    binds: tuple[Processor, ...]  # by position, as names
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, processor) that have one


_NOT_HOT = "not hot"  # a statement SQLAlchemy must run itself (see HotStatement._plan)


class HotStatement:
    """A statement compiled once per dialect, run on the driver's cursor; one that does
    not qualify runs through SQLAlchemy, with the same results."""

    __slots__ = ("statement", "_plans")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan | str] = {}

    def _plan(self, dialect: Dialect) -> _Plan | None:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect) or _NOT_HOT
        return plan if isinstance(plan, _Plan) else None

    def _compile(self, dialect: Dialect) -> _Plan | None:
        """The plan; None when SQLAlchemy must do part of the work at execution: values
        rendered then (an expanding IN list), defaults or onupdate values computed in
        Python, or a type whose processing depends on the driver's column type."""
        compiled: Any = cast(Any, self.statement).compile(dialect=dialect)
        if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
            return None
        if any(bind.expanding or bind.literal_execute for bind in compiled.binds.values()):
            return None
        names = tuple(compiled.positiontup or ())
        # a select's columns, or what a statement returns (none: nothing)
        columns = tuple(getattr(self.statement, "exported_columns", ()))
        try:
            # compiled.binds is keyed by the names rendered (an anonymous constant's too)
            by_name = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for name, bind in compiled.binds.items()
            }
            results = tuple(
                (index, process)
                for index, column in enumerate(columns)
                if (process := column.type.dialect_impl(dialect).result_processor(dialect, None))
            )
        except Exception:  # e.g. Numeric on asyncpg, which needs the column's type code
            return None
        return _Plan(
            sql=str(compiled),
            names=names,
            defaults={
                name: bind.effective_value
                for name, bind in compiled.binds.items()
                if not bind.required
            },
            binds=tuple(by_name.get(name) for name in names),
            results=results,
        )

    def _run(self, connection: Connection, params: dict[str, Any]) -> tuple[Any, int]:
        plan = self._plan(connection.dialect)
        if plan is None:
            result = connection.execute(self.statement, params)
            rows = [tuple(row) for row in result.all()] if result.returns_rows else None
            return rows, result.rowcount
        values: list[Any] = []
        for name, process in zip(plan.names, plan.binds, strict=True):
            value = params[name] if name in params else plan.defaults[name]
            # None too, as SQLAlchemy does (JSON's None is 'null')
            values.append(process(value) if process is not None else value)
        arguments: Sequence[Any] = tuple(values)
        dbapi_connection: Any = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        events = connection._has_events or connection.engine._has_events
        if events:
            connection.dispatch.before_cursor_execute(
                connection, cursor, plan.sql, arguments, None, False
            )
        try:
            cursor.execute(plan.sql, arguments)
            rows = cursor.fetchall() if cursor.description else None
            count = cursor.rowcount
        except connection.dialect.loaded_dbapi.Error as exc:
            # as SQLAlchemy's own path: wrapped (IntegrityError, ...), the cursor closed,
            # a lost connection invalidated, the engine's error events told
            connection._handle_dbapi_exception(exc, plan.sql, arguments, cursor, None)
        except BaseException:
            cursor.close()
            raise
        if events:
            connection.dispatch.after_cursor_execute(
                connection, cursor, plan.sql, arguments, None, False
            )
        cursor.close()
        if rows is None:
            return None, count
        processors = plan.results
        if not processors:
            return [tuple(row) for row in rows], count
        out = []
        for row in rows:
            values = list(row)
            for index, process in processors:
                values[index] = process(values[index])
            out.append(tuple(values))
        return out, count

    async def rows(self, session: AsyncSession, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The rows it selects (or returns), as tuples of processed values."""
        connection = await core(session)
        rows, _count = await connection.run_sync(self._run, params)
        return rows or []

    async def rowcount(self, session: AsyncSession, params: dict[str, Any]) -> int:
        """How many rows it wrote."""
        connection = await core(session)
        _rows, count = await connection.run_sync(self._run, params)
        return int(count)
