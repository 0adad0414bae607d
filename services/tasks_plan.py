"""My Plan (a personal kanban with one's own columns) and the data of a Gantt chart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.tasks import PlanCard, PlanColumn, Task, TaskDependency, TaskMember
from services.access import Actor, get_readable_group
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate
from services.tasks import ACCOMPLICE, COMPLETED, get_task, is_doer, visible_tasks

# as in Bitrix24's My Plan, the first column takes the tasks not yet planned, so a task
# due in a month is not shown under "Today"
DEFAULT_COLUMNS = {
    "ru": ("Новые", "Сегодня", "На неделю", "На проверку", "Завершённые"),
    "en": ("New", "Today", "This week", "Review", "Done"),
}
# a column's role, kept on it (a rename or a move keeps it): the one that takes the tasks
# not yet planned (it cannot be deleted), and the one completed tasks go to
INBOX, DONE = "new", "done"
NAME_MAX = 60
COLUMNS_MAX = 12
GANTT_MAX = 60
GANTT_DONE_DAYS = 30  # completed tasks stay on a chart this long after


async def columns(session: AsyncSession, actor: Actor) -> list[PlanColumn]:
    """The person's columns in order; the defaults, in their language, on first use."""
    rows = list(
        (
            await session.execute(
                select(PlanColumn)
                .where(PlanColumn.user_id == actor.user_id)
                .order_by(PlanColumn.position, PlanColumn.id)
            )
        ).scalars()
    )
    if rows:
        return rows
    names = DEFAULT_COLUMNS.get(actor.locale, DEFAULT_COLUMNS["en"])
    for position, name in enumerate(names):
        role = INBOX if position == 0 else DONE if position == len(names) - 1 else ""
        column = PlanColumn(user_id=actor.user_id, name=name, position=position, role=role)
        session.add(column)
        rows.append(column)
    await session.flush()
    return rows


def inbox(cols: list[PlanColumn]) -> PlanColumn:
    """The column that takes the tasks not yet planned."""
    return next((c for c in cols if c.role == INBOX), cols[0])


async def _column(session: AsyncSession, actor: Actor, column_id: int) -> PlanColumn:
    column = await session.get(PlanColumn, column_id)
    if column is None or column.user_id != actor.user_id:
        raise not_found()
    return column


async def column_by_id(session: AsyncSession, actor: Actor, column_id: int) -> PlanColumn:
    return await _column(session, actor, column_id)


def _doing(uid: int) -> ColumnElement[bool]:
    """The tasks the person does: responsible for, or a co-executor of."""
    helping = select(TaskMember.task_id).where(
        TaskMember.user_id == uid, TaskMember.role == ACCOMPLICE
    )
    return or_(Task.responsible_id == uid, Task.id.in_(helping))


def done_column(cols: list[PlanColumn]) -> PlanColumn | None:
    """The column completed tasks go to, whatever it is called (none once deleted)."""
    return next((c for c in cols if c.role == DONE), None)


def _plan_query(actor: Actor, done: PlanColumn | None) -> Select[Any]:
    """Tasks on the person's plan: those they still do (a task handed to someone else
    leaves it), open ones, and completed ones (a plan without a done column keeps only
    those placed in a column)."""
    uid = actor.user_id
    query = (
        visible_tasks(actor)
        .outerjoin(PlanCard, and_(PlanCard.task_id == Task.id, PlanCard.user_id == uid))
        .where(_doing(uid))
    )
    if done is None:
        query = query.where(or_(Task.is_open.is_(True), PlanCard.column_id.is_not(None)))
    return query


def _unplaced(cols: list[PlanColumn]) -> ColumnElement[Any]:
    """Where a task without a card of its own is: an open one waits in the first column,
    a completed one is in the done column, whenever it was completed (before the plan
    was first opened too)."""
    done = done_column(cols)
    first = inbox(cols).id
    return case((Task.is_open.is_(True), first), else_=done.id if done else first)


async def board(session: AsyncSession, actor: Actor) -> list[tuple[PlanColumn, int]]:
    cols = await columns(session, actor)
    key = func.coalesce(PlanCard.column_id, _unplaced(cols))
    query = _plan_query(actor, done_column(cols)).with_only_columns(key, func.count()).group_by(key)
    counts = {int(col): int(n) for col, n in (await session.execute(query)).all()}
    return [(col, counts.get(col.id, 0)) for col in cols]


async def column_tasks(
    session: AsyncSession, actor: Actor, column_id: int, *, page: int = 1, per_page: int = 8
) -> tuple[PlanColumn, Page[Task]]:
    column = await _column(session, actor, column_id)
    cols = await columns(session, actor)
    query = _plan_query(actor, done_column(cols)).where(
        func.coalesce(PlanCard.column_id, _unplaced(cols)) == column.id
    )
    return column, await paginate(session, query.order_by(Task.due_sort, Task.id), page, per_page)


async def column_of(session: AsyncSession, actor: Actor, task_id: int) -> PlanColumn:
    card = await session.get(PlanCard, (actor.user_id, task_id))
    if card is not None:
        return await _column(session, actor, card.column_id)
    task = await get_task(session, actor, task_id)
    cols = await columns(session, actor)
    done = done_column(cols)
    return done if done is not None and not task.is_open else inbox(cols)


async def move(
    session: AsyncSession, actor: Actor, task_id: int, column_id: int
) -> tuple[Task, PlanColumn]:
    """Put a task in one of the person's columns (their plan only)."""
    task = await get_task(session, actor, task_id)
    column = await _column(session, actor, column_id)
    if not await is_doer(session, actor, task):
        raise DomainError(N_("Only the tasks you do or help with go on your plan."))
    card = await session.get(PlanCard, (actor.user_id, task.id))
    if card is None:
        session.add(PlanCard(user_id=actor.user_id, task_id=task.id, column_id=column.id))
    else:
        card.column_id = column.id
    await session.flush()
    return task, column


async def file_as_done(session: AsyncSession, task: Task, user_ids: set[int]) -> None:
    """A completed task leaves the columns it was placed in on these people's plans: a
    completed task without a card of its own is in the done column, whatever it is
    called (see _unplaced); a plan without one lets it go."""
    if user_ids:
        await session.execute(
            delete(PlanCard).where(
                PlanCard.task_id == task.id, PlanCard.user_id.in_(sorted(user_ids))
            )
        )
        await session.flush()


async def take_out_of_done(session: AsyncSession, task: Task) -> None:
    """A task opened again leaves the "Done" columns it was filed in (back to the first
    column of each plan, where unplanned tasks wait)."""
    done_cards = await session.execute(
        select(PlanCard)
        .join(PlanColumn, PlanColumn.id == PlanCard.column_id)
        .where(PlanCard.task_id == task.id, PlanColumn.role == DONE)
    )
    for card in done_cards.scalars():
        await session.delete(card)
    await session.flush()


def clean_column_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(N_("A column needs a name."))
    if len(name) > NAME_MAX:
        raise DomainError(N_("A column name may have at most {limit} characters."), limit=NAME_MAX)
    return name


async def add_column(session: AsyncSession, actor: Actor, name: str) -> PlanColumn:
    cols = await columns(session, actor)
    if len(cols) >= COLUMNS_MAX:
        raise DomainError(N_("A plan may have at most {limit} columns."), limit=COLUMNS_MAX)
    column = PlanColumn(
        user_id=actor.user_id,
        name=clean_column_name(name),
        position=max(c.position for c in cols) + 1,
    )
    session.add(column)
    await session.flush()
    return column


async def rename_column(
    session: AsyncSession, actor: Actor, column_id: int, name: str
) -> PlanColumn:
    column = await _column(session, actor, column_id)
    column.name = clean_column_name(name)
    await session.flush()
    return column


async def delete_column(session: AsyncSession, actor: Actor, column_id: int) -> PlanColumn:
    """Its tasks go back to the column of tasks not yet planned, which itself stays: a
    task due in a month would otherwise be shown under "Today"."""
    column = await _column(session, actor, column_id)
    cols = await columns(session, actor)
    if column.id == inbox(cols).id:
        raise DomainError(
            N_("{column} holds the tasks not yet planned: it cannot be deleted, only renamed."),
            column=column.name,
        )
    await session.execute(
        delete(PlanCard).where(PlanCard.user_id == actor.user_id, PlanCard.column_id == column.id)
    )
    await session.delete(column)
    await session.flush()
    return column


async def shift_column(
    session: AsyncSession, actor: Actor, column_id: int, step: int
) -> list[PlanColumn]:
    """Move a column one place left (-1) or right (+1)."""
    column = await _column(session, actor, column_id)
    cols = await columns(session, actor)
    index = next(i for i, c in enumerate(cols) if c.id == column.id)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(cols):
        cols[index], cols[other] = cols[other], cols[index]
    for position, col in enumerate(cols):
        col.position = position
    await session.flush()
    return cols


async def column_by_number(session: AsyncSession, actor: Actor, number: str) -> PlanColumn:
    cols = await columns(session, actor)
    if number.isdigit() and 1 <= int(number) <= len(cols):
        return cols[int(number) - 1]
    key = number.casefold()
    for col in cols:
        if col.name.casefold() == key:
            return col
    raise DomainError(N_("There is no column {name}: give its number from /plan."), name=number)


# -- Gantt ------------------------------------------------------------------------


async def _charted(session: AsyncSession, actor: Actor, group_id: int | None) -> Any:
    """The tasks a chart is of: a group's, or the person's own."""
    query = visible_tasks(actor)
    if group_id is not None:
        group = await get_readable_group(session, actor, group_id)
        return query.where(Task.group_id == group.id)
    uid = actor.user_id
    return query.where(
        or_(
            Task.responsible_id == uid,
            Task.creator_id == uid,
            Task.id.in_(select(TaskMember.task_id).where(TaskMember.user_id == uid)),
        )
    )


async def undated_open(session: AsyncSession, actor: Actor, group_id: int | None) -> int:
    """How many of a chart's open tasks have no deadline (no bar to draw)."""
    query = (await _charted(session, actor, group_id)).where(
        Task.is_open.is_(True), Task.deadline.is_(None)
    )
    return int(await session.scalar(query.with_only_columns(func.count())) or 0)


async def gantt_data(
    session: AsyncSession, actor: Actor, group_id: int | None = None, *, done: bool = True
) -> tuple[list[Task], list[tuple[int, int]], int]:
    """Tasks with a deadline (a group's, or the person's): the open ones and, unless
    `done` is False, those completed in the last GANTT_DONE_DAYS, so that a sprint's
    chart stays whole as its tasks are done (with their dependencies). The GANTT_MAX
    shown are the open ones first, then the completed, each due first; in the order
    of their deadlines. Also their dependencies, and how many there are in all."""
    shown: ColumnElement[bool] = Task.is_open.is_(True)
    if done:
        since = utcnow() - timedelta(days=GANTT_DONE_DAYS)
        shown = or_(shown, and_(Task.status == COMPLETED, Task.completed_at >= since))
    query = (await _charted(session, actor, group_id)).where(shown, Task.deadline.is_not(None))
    total = int(await session.scalar(query.with_only_columns(func.count())) or 0)
    first = query.order_by(Task.is_open.desc(), Task.due_sort, Task.id).limit(GANTT_MAX)
    rows = sorted((await session.execute(first)).scalars(), key=lambda t: (t.due_sort, t.id))
    ids = [t.id for t in rows]
    deps: list[tuple[int, int]] = []
    if ids:
        found = await session.execute(
            select(TaskDependency.predecessor_id, TaskDependency.successor_id).where(
                TaskDependency.predecessor_id.in_(ids), TaskDependency.successor_id.in_(ids)
            )
        )
        deps = [(int(a), int(b)) for a, b in found.all()]
    return rows, deps, total
