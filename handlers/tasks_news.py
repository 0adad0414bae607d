"""A group's task news in the chats bound to it (/bind): a new task of the group, one
completed, one overdue. Everyone there reads the same notice, in the team's language,
with one Open button (whoever presses it gets their own card, as handlers.tasks_shared
says); the outbox sends it within each chat's limits. People are told separately."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import Ctx
from handlers.i18n import N_, Translator, translator
from handlers.markup import Markup
from handlers.tasks_views import notice
from handlers.views import View
from models.groups import Group
from models.tasks import Task
from models.teams import Team
from services import chats

KIND = "task"
CREATED = N_("{person} created a task of the group; {other} is responsible.")
OVERDUE = N_("⚠ A task of the group is overdue: it was due {when}.")

Said = Callable[[Translator], Markup]


async def _group_of(session: AsyncSession, task: Task) -> Group | None:
    """The task's group, while it speaks to its chats (not archived)."""
    if task.group_id is None:
        return None
    group = await session.get(Group, task.group_id)
    return None if group is None or group.archived else group


async def tell_group(ctx: Ctx, task: Task, said: Said) -> None:
    """The news of a task of a group to the chats bound to it, but the one it happened in
    (its answer shows it there already)."""
    group = await _group_of(ctx.session, task)
    if group is not None:
        await ctx.notify_group(group, KIND, lambda tr: notice(tr, task, said(tr)))


async def tell_group_overdue(session: AsyncSession, task_id: int, deadline: datetime) -> None:
    """The scheduler's overdue notice of a group's task, once for each deadline."""
    task = await session.get(Task, task_id)
    group = await _group_of(session, task) if task is not None else None
    team = await session.get(Team, group.team_id) if group is not None else None
    if task is None or group is None or team is None:
        return
    tr = translator(team.locale, team.timezone, shared=True)
    view: View = notice(tr, task, tr(OVERDUE, when=tr.when(deadline)))
    await chats.notify_group(
        session,
        group,
        kind=KIND,
        payload=view.to_dict(),
        dedup_key=f"task:{task.id}:overdue:{int(deadline.timestamp())}",
    )
