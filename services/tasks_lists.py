"""Task lists: one filter of a person's or a group's tasks, paginated, and search."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.base import utcnow
from models.tasks import Task
from services.access import Actor, get_readable_group
from services.errors import N_, DomainError
from services.pagination import Page, Prepared, paginate_prepared, prepare
from services.tasks import (
    ACCOMPLICE,
    AUDITOR,
    COMPLETED,
    FILTERS,
    _member_task_ids,
    deadline_counts_sql,
    tasks_seen_by,
    visible_tasks,
)
from services.tasks_due import due_window


def _mine(uid: Any) -> Any:
    """Every task the person is on: responsible, creator, co-executor or observer."""
    return or_(
        Task.responsible_id == uid,
        Task.creator_id == uid,
        Task.id.in_(_member_task_ids(uid)),
    )


class TaskLine(NamedTuple):
    """What a line of a task list shows of a task (a list reads no more)."""

    id: int
    title: str
    status: str
    is_open: bool
    deadline: datetime | None
    responsible_id: int


LINE = (Task.id, Task.title, Task.status, Task.is_open, Task.deadline, Task.responsible_id)


@functools.cache
def _prepared(flt: str, role: str, dated: bool, include_closed: bool) -> Prepared:
    """The statements of one kind of list, built once: every value is a bind parameter
    (team, uid; start and end when `dated`; group; now), given by list_tasks."""
    uid: Any = bindparam("uid")
    query = tasks_seen_by(role, bindparam("team"), uid).with_only_columns(*LINE)
    if dated:
        query = query.where(Task.deadline >= bindparam("start"), Task.deadline < bindparam("end"))
    if flt == "mine":
        query = query.where(_mine(uid))
    elif flt == "do":
        query = query.where(Task.responsible_id == uid)
    elif flt == "help":
        query = query.where(Task.id.in_(_member_task_ids(uid, ACCOMPLICE)))
    elif flt == "created":  # set for someone else, as Bitrix24's: one's own is "do"
        query = query.where(Task.creator_id == uid, Task.responsible_id != uid)
    elif flt == "observe":
        query = query.where(Task.id.in_(_member_task_ids(uid, AUDITOR)))
    elif flt == "done":  # completed, the latest first: mine, or of tasks I am on
        query = query.where(_mine(uid), Task.status == COMPLETED)
        return prepare(query.order_by(Task.completed_at.desc(), Task.id.desc()), hot=True)
    elif flt == "overdue":
        query = query.where(_mine(uid), Task.due_sort < bindparam("now"), deadline_counts_sql())
    elif flt == "group":
        query = query.where(Task.group_id == bindparam("group"))
    if not include_closed or flt == "overdue":
        query = query.where(Task.is_open.is_(True))
    return prepare(query.order_by(Task.due_sort, Task.id), hot=True)


async def list_tasks(
    session: AsyncSession,
    actor: Actor,
    flt: str = "do",
    *,
    group_id: int | None = None,
    page: int = 1,
    per_page: int = 10,
    include_closed: bool = False,
    now: datetime | None = None,
    due: str | None = None,
) -> Page[TaskLine]:
    """One filter of the task list, sorted by deadline (none last), paginated; `due`
    (today, week, nextweek: tasks_due.DUE) keeps those due then, in the actor's days.
    "mine" is every task the actor is on (as overdue counts them)."""
    if flt not in FILTERS:
        raise DomainError(N_("This button is out of date. Open the list again."))
    params: dict[str, Any] = {"team": actor.team_id, "uid": actor.user_id}
    if due is not None:
        params["start"], params["end"] = await due_window(session, actor, due, now)
    if flt == "overdue":
        params["now"] = now or utcnow()
    elif flt == "group":
        if group_id is None:
            raise DomainError(N_("Which group? For example: /tasks #Sales"))
        params["group"] = (await get_readable_group(session, actor, group_id)).id
    prepared = _prepared(flt, actor.role, due is not None, include_closed)
    found = await paginate_prepared(session, prepared, params, page, per_page)
    return Page([TaskLine(*row) for row in found.items], found.page, found.pages, found.total)


SEARCH_BATCH = 1000  # the tasks a search reads at a time, until its page is full


class Found(NamedTuple):
    """A page of a search. Tasks are read a batch at a time, the open first, the latest
    first, until the page is full and one more match shows that a next page exists.
    `complete`: that read every task the actor sees, so the page's total and pages are
    exact; else they count the matches among the `scanned` tasks read so far, of the
    `visible` tasks the actor has in all."""

    page: Page[Task]
    complete: bool
    scanned: int
    visible: int


async def search_tasks(
    session: AsyncSession, actor: Actor, text: str, *, page: int = 1, per_page: int = 10
) -> Found:
    """Tasks the actor may see whose title or description has every word of the text
    (any case, ё as е), open and done, the open first, the latest first, a page of
    them. Compared on the Python side: SQLite folds only ASCII case."""
    words = [_fold(word) for word in text.split()]
    if not words:
        raise DomainError(N_("Search for what? For example: /tasks search mockup"))
    page = max(1, page)
    wanted = page * per_page + 1  # the page's matches and one more: is there a next page
    ids: list[int] = []
    scanned = 0
    complete = True
    for is_open in (True, False):
        below: int | None = None
        while len(ids) < wanted:
            rows = (await session.execute(_batch(actor, is_open, below))).all()
            scanned += len(rows)
            ids.extend(
                row.id
                for row in rows
                if all(word in _fold(f"{row.title}\n{row.description}") for word in words)
            )
            if len(rows) < SEARCH_BATCH:
                break  # every task of this kind read
            below = rows[-1].id
        else:
            complete = False  # the page is full before every task was read
            break
    visible = scanned
    if not complete:  # stopped at a full page: unless that read every task after all
        counted = visible_tasks(actor).with_only_columns(func.count()).order_by(None)
        visible = int(await session.scalar(counted) or 0)
        complete = scanned >= visible
    if complete:
        shown = Page.of(ids, page, per_page)
    else:
        start = (page - 1) * per_page
        shown = Page(ids[start : start + per_page], page, page + 1, len(ids))
    tasks = await session.execute(select(Task).where(Task.id.in_(shown.items)))
    by_id = {task.id: task for task in tasks.scalars()}
    items = [by_id[i] for i in shown.items if i in by_id]
    return Found(Page(items, shown.page, shown.pages, shown.total), complete, scanned, visible)


def _batch(actor: Actor, is_open: bool, below: int | None) -> Any:
    """The next SEARCH_BATCH tasks the actor sees, open or not, the latest first, below
    an id. Read along the primary key, each task's visibility checked by its id: no
    index orders a team's tasks by id, and sorting them all for every batch would make
    a search of many batches read them all as many times."""
    row = aliased(Task, name="found")
    seen = visible_tasks(actor).with_only_columns(Task.id).where(Task.id == row.id)
    query = select(row.id, row.title, row.description).where(row.is_open.is_(is_open))
    if below is not None:  # on both sides: PostgreSQL may merge them along the key
        query = query.where(row.id < below)
        seen = seen.where(Task.id < below)
    return query.where(seen.exists()).order_by(row.id.desc()).limit(SEARCH_BATCH)


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")
