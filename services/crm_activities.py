"""Activities (call, meeting, to-do) on CRM records, with a reminder in the outbox.

The reminder is an outbox row due 15 minutes before the activity's time, keyed
`activity:<id>:<due>`, not sent once that time has passed (held by quiet hours), and
a row in the owner's centre that shows from that moment on. Done or rescheduled
activities call it off: the pending message goes, and so does the centre's row, or
it is marked read if it has arrived.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.crm import CrmActivity
from models.notifications import Notification
from models.outbox import OutboxMessage
from models.teams import User
from services import notifications, reminders_stale
from services.access import Actor
from services.crm import get_visible, scope_of
from services.crm_notes import add_history
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate

KINDS = ("call", "meeting", "todo")
KIND_NAMES = {"call": N_("call"), "meeting": N_("meeting"), "todo": N_("to-do")}
KIND_ICON = {"call": "📞", "meeting": "🤝", "todo": "✅"}
KIND_WORDS = {
    "call": "call",
    "звонок": "call",
    "позвонить": "call",
    "meeting": "meeting",
    "встреча": "meeting",
    "todo": "todo",
    "to-do": "todo",
    "task": "todo",
    "дело": "todo",
    "задача": "todo",
}


def dedup_key(activity: CrmActivity) -> str:
    return f"activity:{activity.id}:{activity.due_at.strftime('%Y%m%dT%H%M')}"


def reminder_ref(activity: CrmActivity) -> str:
    """The reminder's reference in the centre: the record it is on ("deal:3", which
    opening and muting go by), then the activity, so it is found again alone."""
    return f"{activity.entity}:{activity.entity_id}:activity:{activity.id}"


async def _drop_reminder(session: AsyncSession, activity: CrmActivity) -> None:
    """Call the reminder off (moved or done): the message not sent yet is forgotten,
    so its key is free again and a move back to the same time queues it anew; in the
    owner's centre, one not due yet goes and one already there is read."""
    now = utcnow()
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.dedup_key == dedup_key(activity), OutboxMessage.status == "pending"
        )
    )
    mine = Notification.ref == reminder_ref(activity), Notification.kind == "reminder"
    await session.execute(delete(Notification).where(*mine, Notification.created_at > now))
    await session.execute(
        update(Notification).where(*mine, Notification.read.is_(False)).values(read=True)
    )


REMIND_AHEAD = timedelta(minutes=15)


def remind_at(activity: CrmActivity, now: datetime | None = None) -> datetime:
    """When the owner hears of it: 15 minutes ahead, so there is time to get ready
    (at once when it is sooner than that)."""
    return max(now or utcnow(), activity.due_at - REMIND_AHEAD)


async def remind(session: AsyncSession, activity: CrmActivity, payload: dict[str, Any]) -> None:
    """Queue the reminder for the activity's owner, 15 minutes before its time."""
    if activity.owner_id is None or activity.done:
        return
    user = await db.get(session, User, activity.owner_id)
    if user is None:
        return
    due = remind_at(activity)
    row = await notifications.notify(
        session,
        user,
        kind="reminder",
        payload=payload,
        ref=reminder_ref(activity),
        dedup_key=dedup_key(activity),
        due_at=due,
        stale=reminders_stale.guard(until=activity.due_at),  # not once its time has come
    )
    if row is not None:
        row.created_at = due  # it reaches the centre when it is due, not when planned


async def hand_over(
    session: AsyncSession, team_id: int, entity: str, entity_id: int, owner_id: int
) -> list[CrmActivity]:
    """The record's open activities follow it to its new responsible person (the
    caller has checked the right to hand it over): each one's reminder is called off
    for the old owner; the caller queues it anew for the new one (in their words).
    Returns the activities that moved."""
    moved = list(
        await session.scalars(
            select(CrmActivity)
            .where(
                CrmActivity.team_id == team_id,
                CrmActivity.entity == entity,
                CrmActivity.entity_id == entity_id,
                CrmActivity.done.is_(False),
                or_(CrmActivity.owner_id.is_(None), CrmActivity.owner_id != owner_id),
            )
            .order_by(CrmActivity.id)
        )
    )
    for activity in moved:
        await _drop_reminder(session, activity)
        activity.owner_id = owner_id
    await session.flush()
    return moved


async def drop_all(session: AsyncSession, team_id: int, entity: str, entity_id: int) -> None:
    """A deleted record's activities go, with their reminders (the caller has checked
    the right to delete it)."""
    rows = await session.scalars(
        select(CrmActivity).where(
            CrmActivity.team_id == team_id,
            CrmActivity.entity == entity,
            CrmActivity.entity_id == entity_id,
        )
    )
    for activity in list(rows):
        await _drop_reminder(session, activity)
        await session.delete(activity)
    await session.flush()


async def create_activity(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    entity_id: int,
    kind: str,
    subject: str,
    due_at: datetime,
) -> CrmActivity:
    row = await get_visible(session, actor, entity, entity_id)
    if kind not in KINDS:
        raise DomainError(N_("An activity is a call, a meeting or a to-do."))
    activity = CrmActivity(
        team_id=actor.team_id,
        entity=entity,
        entity_id=entity_id,
        kind=kind,
        subject=" ".join(subject.split())[:300],
        due_at=due_at,
        done=False,
        # the record's responsible person does it (a head plans for the rep), and is
        # reminded and credited; a record nobody is responsible for: the planner
        owner_id=row.owner_id if row.owner_id is not None else actor.user_id,
    )
    session.add(activity)
    await session.flush()
    if activity.subject:
        await add_history(
            session,
            actor,
            entity,
            entity_id,
            N_("Activity planned: {subject}"),
            subject=activity.subject,
        )
    else:  # the kind's name, translated for each reader
        await add_history(
            session, actor, entity, entity_id, N_("Activity planned: {kind}"), kind=KIND_NAMES[kind]
        )
    return activity


async def get_activity(session: AsyncSession, actor: Actor, activity_id: int) -> CrmActivity:
    activity = await session.get(CrmActivity, activity_id)
    if activity is None or activity.team_id != actor.team_id:
        raise not_found()
    await get_visible(session, actor, activity.entity, activity.entity_id)
    return activity


async def complete(session: AsyncSession, actor: Actor, activity_id: int) -> CrmActivity:
    activity = await get_activity(session, actor, activity_id)
    if activity.done:
        raise DomainError(N_("The activity is done already."))
    activity.done = True
    activity.done_at = utcnow()
    await _drop_reminder(session, activity)
    await _note(
        session, actor, activity, N_("Activity done: {subject}"), N_("Activity done: {kind}")
    )
    await session.flush()
    return activity


async def _note(
    session: AsyncSession,
    actor: Actor,
    activity: CrmActivity,
    with_subject: str,
    with_kind: str,
    **params: str,
) -> None:
    """A history line about an activity: its subject, or else its kind (translated for
    each reader, as "kind" parameters are)."""
    if activity.subject:
        message, params = with_subject, {**params, "subject": activity.subject}
    else:
        message, params = with_kind, {**params, "kind": KIND_NAMES[activity.kind]}
    await add_history(session, actor, activity.entity, activity.entity_id, message, **params)


async def reschedule(
    session: AsyncSession, actor: Actor, activity_id: int, due_at: datetime
) -> CrmActivity:
    activity = await get_activity(session, actor, activity_id)
    if activity.done:
        raise DomainError(N_("The activity is done already."))
    await _drop_reminder(session, activity)
    activity.due_at = due_at
    await _note(
        session,
        actor,
        activity,
        N_("Activity moved to {when}: {subject}"),
        N_("Activity moved to {when}: {kind}"),
        when=due_at.isoformat(),  # shown in each reader's zone
    )
    await session.flush()
    return activity


async def count_done(
    session: AsyncSession, actor: Actor, owner_id: int, since: datetime, until: datetime
) -> int:
    await scope_of(session, actor)
    return int(
        await session.scalar(
            select(func.count())
            .select_from(CrmActivity)
            .where(
                CrmActivity.team_id == actor.team_id,
                CrmActivity.owner_id == owner_id,
                CrmActivity.done.is_(True),
                CrmActivity.done_at >= since,
                CrmActivity.done_at < until,
            )
        )
        or 0
    )


async def my_open(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 8
) -> Page[CrmActivity]:
    """The actor's activities not done yet, the soonest first."""
    await scope_of(session, actor)
    query = (
        select(CrmActivity)
        .where(
            CrmActivity.team_id == actor.team_id,
            CrmActivity.owner_id == actor.user_id,
            CrmActivity.done.is_(False),
        )
        .order_by(CrmActivity.due_at, CrmActivity.id)
    )
    return await paginate(session, query, page, per_page)
