"""The recurring-task tick: due repeat rules become new tasks, and each new task's
responsible is notified (centre + outbox) in the same transaction.

Call `spawn_recurring(sessionmaker)` from the planner tick; on PostgreSQL the rules
are claimed with FOR UPDATE SKIP LOCKED, so several planners never copy one twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core import reader_tr
from handlers.tasks_views import notice
from models import db
from models.base import utcnow
from models.teams import User
from services import notifications, tasks_people, tasks_repeat


async def spawn_recurring(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    """Create the due copies; returns how many were created."""
    now = now or utcnow()
    async with sessionmaker() as session, session.begin():
        created = await tasks_repeat.spawn_due(session, now)
        for task in created:
            user = await db.get(session, User, task.responsible_id)
            if user is None or not await tasks_people.who_may_see(session, task, [user.id]):
                continue  # removed, or an extranet member out of the task's group
            tr = await reader_tr(session, user, "assignment", now)  # "tomorrow 10:00"
            if task.deadline is None:
                said = tr("A recurring task is due again.")
            else:  # made ahead of its deadline: say when it is due
                said = tr("A recurring task is due again {when}.", when=tr.when(task.deadline))
            view = notice(tr, task, said)
            await notifications.notify(
                session,
                user,
                kind="assignment",
                payload=view.to_dict(),
                ref=f"task:{task.id}",
                dedup_key=f"task-repeat:{task.recurrence_id}:{task.start_at.isoformat() if task.start_at else task.id}",
            )
        return len(created)
