"""A task's people: their roles in it, who hears of its changes, and who of them may
still open it (one by one, or its responsible in a query)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import GroupMember
from models.tasks import Task, TaskMember
from models.teams import Role, User
from services.access import Actor
from services.tasks import ACCOMPLICE, AUDITOR, visible_tasks


@dataclass(frozen=True, slots=True)
class Roles:
    accomplices: list[User]
    auditors: list[User]


async def roles_of(session: AsyncSession, task: Task) -> Roles:
    rows = (
        await session.execute(
            select(User, TaskMember.role)
            .join(TaskMember, TaskMember.user_id == User.id)
            .where(TaskMember.task_id == task.id)
            .order_by(User.name)
        )
    ).all()
    return Roles(
        accomplices=[u for u, r in rows if r == ACCOMPLICE],
        auditors=[u for u, r in rows if r == AUDITOR],
    )


async def participants(
    session: AsyncSession, task: Task, *, without: int | None = None
) -> set[int]:
    """Everyone with a role in the task who may still open it: who hears about its
    changes (`without`: the one who changed it, who is not told)."""
    ids = {task.creator_id, task.responsible_id}
    ids.update(
        (await session.execute(select(TaskMember.user_id).where(TaskMember.task_id == task.id)))
        .scalars()
        .all()
    )
    ids.discard(without)
    return await who_may_see(session, task, ids)


async def who_may_see(session: AsyncSession, task: Task, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` who may open the task now: active people of its team whom
    `visible_tasks` lets see it. Every notice about a task goes to them only, so an
    extranet member taken out of the task's group (still its responsible, say) or a
    person removed from the team hears nothing more of it."""
    ids = set(user_ids)
    if not ids:
        return set()
    people = await session.scalars(
        select(User).where(
            User.id.in_(sorted(ids)), User.team_id == task.team_id, User.active.is_(True)
        )
    )
    out: set[int] = set()
    for user in people.all():
        query = visible_tasks(Actor.of(user)).where(Task.id == task.id)
        if await session.scalar(query.with_only_columns(Task.id)) is not None:
            out.add(user.id)
    return out


def seen_by_responsible() -> ColumnElement[bool]:
    """The condition a task row meets when its responsible person may open it: the
    batch form of `visible_tasks` for that one person (the planner's deadline
    reminders, the morning agenda). Being responsible lets anyone but an extranet
    member see the task; an extranet member sees it in a group of theirs only."""
    outsider = select(User.id).where(
        User.id == Task.responsible_id, User.role == Role.EXTRANET.value
    )
    in_group = select(GroupMember.group_id).where(
        GroupMember.group_id == Task.group_id, GroupMember.user_id == Task.responsible_id
    )
    return or_(~outsider.exists(), in_group.exists())
