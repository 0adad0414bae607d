"""Tasks: visibility, create, read, roles, statuses, deadlines (lists and search are in
services.tasks_lists, time logged in services.tasks_time, a task's people and who hears
of it in services.tasks_people).

A task is visible to its creator, responsible, co-executors and observers, to the
members of its group, and to the team's admins. An extranet member sees only the
tasks of the groups they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.db import built, insert_now
from models.groups import Group
from models.tasks import Task, TaskMember
from models.teams import Role, User
from services.access import (
    Actor,
    ensure_group_writable,
    get_team_user,
    get_writable_group,
    groups_of,
)
from services.errors import N_, DomainError, forbidden, not_found
from services.groups import is_member
from services.pagination import Page, paginate

TITLE_MAX = 2000
DESCRIPTION_MAX = 20000
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
ALMOST = timedelta(days=1)

PENDING, IN_PROGRESS, AWAITING, COMPLETED, DEFERRED, PAUSED = (
    "pending",
    "in_progress",
    "awaiting_control",
    "completed",
    "deferred",
    "paused",
)
STATUSES = (PENDING, IN_PROGRESS, AWAITING, COMPLETED, DEFERRED, PAUSED)
STARTABLE = (PENDING, PAUSED, DEFERRED)  # what Start (or a doer's timer) puts in progress
ACCOMPLICE, AUDITOR = "accomplice", "auditor"
FILTERS = ("do", "help", "created", "observe", "overdue", "group", "all", "done", "mine")


def due_sort(deadline: datetime | None) -> datetime:
    return deadline if deadline is not None else NO_DEADLINE


class Deadlined(Protocol):
    """What the deadline rules read of a task: a Task, or a line of a list."""

    @property
    def deadline(self) -> datetime | None: ...

    @property
    def is_open(self) -> bool: ...

    @property
    def status(self) -> str: ...


def deadline_counts(task: Deadlined) -> bool:
    """The one rule of whose deadline counts (overdue, almost overdue, reminders, the
    day's agenda): an open task that is not deferred. `deadline_counts_sql` is the same
    rule for a query."""
    return task.deadline is not None and task.is_open and task.status != DEFERRED


def deadline_counts_sql() -> ColumnElement[bool]:
    """`deadline_counts` for a query on Task."""
    return and_(Task.deadline.is_not(None), Task.is_open.is_(True), Task.status != DEFERRED)


def is_overdue(task: Deadlined, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return deadline_counts(task) and task.deadline is not None and task.deadline < now


def is_almost_overdue(task: Deadlined, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        deadline_counts(task) and task.deadline is not None and now <= task.deadline < now + ALMOST
    )


def _member_task_ids(user_id: Any, role: str | None = None) -> Select[Any]:
    query = select(TaskMember.task_id).where(TaskMember.user_id == user_id)
    if role is not None:
        query = query.where(TaskMember.role == role)
    return query


def visible_tasks(actor: Actor) -> Select[Any]:
    return tasks_seen_by(actor.role, actor.team_id, actor.user_id)


def tasks_seen_by(role: str, team: Any, uid: Any) -> Select[Any]:
    """The tasks a person of this role sees (visible_tasks). `team` and `uid` are values,
    or bind parameters in a statement built once for every person (services.tasks_lists)."""
    query = select(Task).where(Task.team_id == team)
    if role == Role.ADMIN.value:
        return query
    in_groups = Task.group_id.in_(groups_of(uid))
    if role == Role.EXTRANET.value:
        return query.where(in_groups)
    return query.where(
        or_(
            Task.responsible_id == uid,
            Task.creator_id == uid,
            Task.id.in_(_member_task_ids(uid)),
            in_groups,
        )
    )


async def get_task(session: AsyncSession, actor: Actor, task_id: int) -> Task:
    task = (
        await session.execute(visible_tasks(actor).where(Task.id == task_id))
    ).scalar_one_or_none()
    if task is None:
        raise not_found()
    return task


async def get_task_to_change(session: AsyncSession, actor: Actor, task_id: int) -> Task:
    """A task the actor sees, about to be changed (or added to): refused while its group
    is archived. Who may make the change is the caller's to check."""
    task = await get_task(session, actor, task_id)
    await ensure_group_writable(session, actor, task.group_id)
    return task


async def _role(session: AsyncSession, task: Task, user_id: int) -> str | None:
    return await session.scalar(
        select(TaskMember.role).where(TaskMember.task_id == task.id, TaskMember.user_id == user_id)
    )


def can_manage(actor: Actor, task: Task) -> bool:
    """Creator and admins edit a task: deadline, roles, approval, delete."""
    return actor.is_admin or task.creator_id == actor.user_id


def may_edit(actor: Actor, task: Task) -> bool:
    """Who changes a task's text and people: its creator, an admin, its responsible."""
    return can_manage(actor, task) or task.responsible_id == actor.user_id


async def is_doer(session: AsyncSession, actor: Actor, task: Task) -> bool:
    if task.responsible_id == actor.user_id:
        return True
    return await _role(session, task, actor.user_id) == ACCOMPLICE


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise DomainError(N_("A task needs a title."))
    if len(title) > TITLE_MAX:
        raise DomainError(N_("A task title may have at most {limit} characters."), limit=TITLE_MAX)
    return title


def clean_description(text: str) -> str:
    text = text.strip()
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            N_("A description may have at most {limit} characters."), limit=DESCRIPTION_MAX
        )
    return text


async def _check_assignee(
    session: AsyncSession, actor: Actor, user_id: int, group: Group | None
) -> User:
    user = await get_team_user(session, actor, user_id)
    if not user.active:
        raise not_found()
    if await outside_its_group(session, user, group.id if group else None):
        if group is not None:  # the task has its group: another would not be theirs
            raise DomainError(OUTSIDE_THE_GROUP, person=user.name, group=group.name)
        raise DomainError(
            N_("{person} is an extranet member: give the task a group they belong to."),
            person=user.name,
        )
    return user


OUTSIDE_THE_GROUP = N_(
    "{person} is an extranet member outside {group}: they cannot take part in its tasks."
)


async def outside_its_group(session: AsyncSession, user: User, group_id: int | None) -> bool:
    """An extranet member outside the task's group (or the task has none): never one of
    its people, whoever asks."""
    return user.role == "extranet" and (
        group_id is None or not await is_member(session, group_id, user.id)
    )


async def create_task(
    session: AsyncSession,
    actor: Actor,
    title: str,
    *,
    description: str = "",
    responsible_id: int | None = None,
    deadline: datetime | None = None,
    group_id: int | None = None,
    parent_id: int | None = None,
    accomplices: Iterable[int] = (),
    auditors: Iterable[int] = (),
    needs_approval: bool = False,
    responsible_may_change_deadline: bool = True,
    start_at: datetime | None = None,
    now: datetime | None = None,
) -> Task:
    title = clean_title(title)
    description = clean_description(description)
    group: Group | None = None
    if group_id is not None:
        group = await get_writable_group(session, actor, group_id)
        if actor.is_extranet and not await is_member(session, group.id, actor.user_id):
            raise forbidden()
    if parent_id is not None:
        parent = await get_task_to_change(session, actor, parent_id)
        if not (can_manage(actor, parent) or await is_doer(session, actor, parent)):
            raise forbidden()  # an observer watches the task; they do not split it
        if group is None and parent.group_id is not None:
            # a subtask belongs to its parent's group unless told otherwise
            group = await session.get(Group, parent.group_id)
            if actor.is_extranet and (
                group is None or not await is_member(session, group.id, actor.user_id)
            ):
                raise forbidden()
    if group is None and actor.is_extranet:
        raise DomainError(N_("As an extranet member, create tasks inside your group: add #group."))
    responsible = await _check_assignee(session, actor, responsible_id or actor.user_id, group)
    now = now or utcnow()
    # every column given: made without the constructor's change tracking (models.db.built)
    task = built(
        Task,
        {
            "team_id": actor.team_id,
            "group_id": group.id if group else None,
            "parent_id": parent_id,
            "title": title,
            "description": description,
            "creator_id": actor.user_id,
            "responsible_id": responsible.id,
            "status": PENDING,
            "is_open": True,
            "deadline": deadline,
            "due_sort": due_sort(deadline),
            "start_at": start_at,
            "needs_approval": needs_approval,
            "responsible_may_change_deadline": responsible_may_change_deadline,
            "recurrence_id": None,
            "created_at": now,
            "completed_at": None,
        },
    )
    await insert_now(session, task)
    for uid in dict.fromkeys(accomplices):
        await add_member(session, actor, task.id, uid, ACCOMPLICE)
    for uid in dict.fromkeys(auditors):
        await add_member(session, actor, task.id, uid, AUDITOR)
    return task


async def add_member(
    session: AsyncSession, actor: Actor, task_id: int, user_id: int, role: str
) -> tuple[Task, User]:
    """Add a co-executor or an observer. The creator, an admin or the responsible may;
    anyone who sees a task may add themselves as an observer."""
    task = await get_task_to_change(session, actor, task_id)
    if role not in (ACCOMPLICE, AUDITOR):
        raise DomainError(N_("This button is out of date. Open the list again."))
    self_watch = role == AUDITOR and user_id == actor.user_id
    if not (self_watch or may_edit(actor, task)):
        raise forbidden()
    if self_watch and await _role(session, task, user_id) == ACCOMPLICE:
        # "Watch" would take the co-executor's part away: they see everything already
        raise DomainError(N_("You work on this task already, as a co-executor."))
    group = await session.get(Group, task.group_id) if task.group_id else None
    user = await _check_assignee(session, actor, user_id, group)
    if user.id == task.responsible_id:  # hears of everything already, as the one doing it
        raise DomainError(N_("{person} is already responsible for this task."), person=user.name)
    await session.execute(
        delete(TaskMember).where(TaskMember.task_id == task.id, TaskMember.user_id == user.id)
    )
    session.add(TaskMember(task_id=task.id, user_id=user.id, role=role))
    await session.flush()
    return task, user


async def remove_member(session: AsyncSession, actor: Actor, task_id: int, user_id: int) -> Task:
    task = await get_task_to_change(session, actor, task_id)
    if not (user_id == actor.user_id or can_manage(actor, task)):
        raise forbidden()
    await session.execute(
        delete(TaskMember).where(TaskMember.task_id == task.id, TaskMember.user_id == user_id)
    )
    await session.flush()
    return task


async def edit_text(
    session: AsyncSession,
    actor: Actor,
    task_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
) -> Task:
    task = await get_task_to_change(session, actor, task_id)
    if not (can_manage(actor, task) or task.responsible_id == actor.user_id):
        raise forbidden()
    if title is not None:
        task.title = clean_title(title)
    if description is not None:
        task.description = clean_description(description)
    await session.flush()
    return task


async def open_in_group_for(
    session: AsyncSession, group_id: int, user_id: int, limit: int = 5
) -> tuple[list[Task], int]:
    """The open tasks of a group someone is responsible for (the first few, and how
    many): what is left in their hands when they leave the group."""
    where = (Task.group_id == group_id, Task.responsible_id == user_id, Task.is_open.is_(True))
    total = int(await session.scalar(select(func.count()).select_from(Task).where(*where)) or 0)
    rows = await session.scalars(select(Task).where(*where).order_by(Task.id).limit(limit))
    return list(rows), total


async def subtasks(
    session: AsyncSession,
    actor: Actor,
    task_id: int,
    page: int = 1,
    per_page: int = 10,
    *,
    open_only: bool = False,
) -> Page[Task]:
    """The subtasks of a task the actor sees (the open ones only, if asked), oldest
    first, one page."""
    task = await get_task(session, actor, task_id)
    query = visible_tasks(actor).where(Task.parent_id == task.id)
    if open_only:
        query = query.where(Task.is_open.is_(True))
    return await paginate(session, query.order_by(Task.id), page, per_page)


# -- reports others read -------------------------------------------------------
