"""Reminders checked as they go out, whoever queued them and however long they waited.

A reminder is written to the outbox ahead of its time (an event's, a CRM activity's)
or held back by quiet hours (a deadline's), so what was true when it was queued may
not be when it is due. At delivery (the dispatcher's claim, the console's take) a
reminder is dropped, not sent, when:

- its person is away (/away) on that day, in their zone: reminders stay silent;
- the moment it announces has passed (`until`: an event that has started, a deadline
  that has come): "due today 08:30" is noise at 09:00;
- its task is closed, gone, handed to someone else or has another deadline now, or
  its person may no longer open it (an extranet member out of the task's group), or
  its group was archived;

The conditions travel in the outbox row's payload under STALE (the centre's copy has
none); dropped rows keep the reason in `error`.

Any message about an item (its payload's ref: a task, a post, an event), a reminder
or not, is dropped as well when its person may no longer open the item: an extranet
member taken out of its group, say, hears nothing more of it (`closed_refs`; the
digest and the notification centre ask the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.outbox import STALE, OutboxMessage
from models.teams import User
from services import timeman_reports
from services.access import Actor, outside_archived_groups
from services.reminders import optional_rows

log = structlog.get_logger(__name__)

KIND = "reminder"  # the outbox kind these checks are for


def guard(
    *,
    until: datetime | None = None,
    task_id: int | None = None,
    deadline: datetime | None = None,
) -> dict[str, Any]:
    """The conditions under which a reminder is still worth sending (see the module)."""
    out: dict[str, Any] = {}
    if until is not None:
        out["until"] = until.isoformat()
    if task_id is not None:
        out["task"] = task_id
        out["deadline"] = deadline.isoformat() if deadline is not None else None
    return out


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


async def _tasks(session: AsyncSession, ids: set[int]) -> dict[int, tuple[bool, Any, int, bool]]:
    """task id -> (whether its deadline still counts: open, not deferred, not an archived
    group's; deadline, responsible, whether the responsible may open it) of those that
    still exist."""
    if not ids:
        return {}
    try:
        from models.tasks import Task
        from services.tasks import deadline_counts_sql
        from services.tasks_people import seen_by_responsible
    except ImportError:  # pragma: no cover - the tasks area is optional
        return {}
    rows = await optional_rows(
        session,
        "tasks",
        select(
            Task.id,
            and_(deadline_counts_sql(), outside_archived_groups(Task.group_id)),
            Task.deadline,
            Task.responsible_id,
            seen_by_responsible(),
        ).where(Task.id.in_(ids)),
    )
    return {
        task_id: (bool(counts), deadline, who, bool(sees))
        for task_id, counts, deadline, who, sees in rows
    }


# the items whose messages need their reader's access, and their tables
ITEMS = {"task": "tasks", "post": "posts", "event": "events"}


def _openable(kind: str, actor: Actor, ids: set[int]) -> Select[Any] | None:
    """The ids among `ids` of the items of `kind` the actor may open."""
    try:
        if kind == "task":
            from models.tasks import Task
            from services.tasks import visible_tasks

            return visible_tasks(actor).with_only_columns(Task.id).where(Task.id.in_(ids))
        if kind == "event":
            from models.calendar import Event
            from services.calendar import visible_events

            return select(Event.id).where(visible_events(actor), Event.id.in_(ids))
        if kind == "post":
            from models.feed import Post
            from services.feed import visible_posts

            return select(Post.id).where(visible_posts(actor), Post.id.in_(ids))
    except ImportError:  # pragma: no cover - an area left out of the build
        return None
    return None


async def closed_refs(session: AsyncSession, actor: Actor, refs: Iterable[str]) -> set[str]:
    """Those of `refs` ("task:12", "post:3:45" for a comment on it, "event:7") about an
    item the person may no longer open, or that is gone. Other refs are left alone."""
    wanted: dict[str, set[int]] = {}
    for ref in set(refs):
        kind, _, rest = ref.partition(":")
        item = rest.partition(":")[0]
        if kind in ITEMS and item.isdigit():
            wanted.setdefault(kind, set()).add(int(item))
    if not wanted:
        return set()
    open_ids: dict[str, set[int]] = {}
    for kind, ids in wanted.items():
        query = _openable(kind, actor, ids)
        if query is None:
            open_ids[kind] = ids
        else:
            open_ids[kind] = {row[0] for row in await optional_rows(session, ITEMS[kind], query)}
    out: set[str] = set()
    for ref in set(refs):
        kind, _, rest = ref.partition(":")
        item = rest.partition(":")[0]
        if kind in wanted and item.isdigit() and int(item) not in open_ids[kind]:
            out.add(ref)
    return out


async def _closed_rows(session: AsyncSession, rows: Sequence[OutboxMessage]) -> set[int]:
    """Ids of the rows whose item (the payload's ref) their person may no longer open."""
    by_user: dict[int, list[OutboxMessage]] = {}
    for row in rows:
        if row.user_id is not None and isinstance(row.payload, dict) and row.payload.get("ref"):
            by_user.setdefault(row.user_id, []).append(row)
    out: set[int] = set()
    for user_id, mine in by_user.items():
        user = await db.get(session, User, user_id)
        if user is None or not user.active:  # someone off the team opens nothing of it
            continue  # (the dispatcher sends them nothing anyway)
        closed = await closed_refs(session, Actor.of(user), [str(r.payload["ref"]) for r in mine])
        out |= {r.id for r in mine if str(r.payload["ref"]) in closed}
    return out


async def why_stale(
    session: AsyncSession, rows: Sequence[OutboxMessage], now: datetime
) -> dict[int, str]:
    """Row id -> why it is no longer worth sending: messages about an item their person
    may no longer open, and reminders (see the module)."""
    out: dict[int, str] = dict.fromkeys(await _closed_rows(session, rows), "no access")
    reminders = [r for r in rows if r.kind == KIND and r.user_id is not None and r.id not in out]
    if not reminders:
        return out
    zones = dict(
        (
            await session.execute(
                select(User.id, User.timezone).where(
                    User.id.in_({r.user_id for r in reminders if r.user_id is not None})
                )
            )
        ).all()
    )
    days = {
        r.id: (r.user_id, now.astimezone(ZoneInfo(zones.get(r.user_id) or "UTC")).date())
        for r in reminders
        if r.user_id is not None
    }
    away = await timeman_reports.away_on(session, list(set(days.values())))
    guards = {r.id: r.payload.get(STALE) for r in reminders if isinstance(r.payload, dict)}
    tasks = await _tasks(
        session,
        {int(g["task"]) for g in guards.values() if isinstance(g, dict) and g.get("task")},
    )
    for row in reminders:
        if days[row.id] in away:
            out[row.id] = "away"
            continue
        said = guards.get(row.id)
        if not isinstance(said, dict):
            continue
        until = _moment(said.get("until"))
        if until is not None and until <= now:
            out[row.id] = "passed"
            continue
        if said.get("task"):
            task = tasks.get(int(said["task"]))
            if task is None or not task[0]:
                # or deferred, or its group archived: no deadline to remind of
                out[row.id] = "task closed"
            elif task[2] != row.user_id:
                out[row.id] = "task handed over"
            elif not task[3]:
                out[row.id] = "no access"
            elif task[1] != _moment(said.get("deadline")):
                out[row.id] = "deadline moved"
    return out


async def sift(
    session: AsyncSession, rows: Sequence[OutboxMessage], now: datetime
) -> list[OutboxMessage]:
    """The rows still worth sending; stale reminders among them are marked dropped."""
    stale = await why_stale(session, rows, now)
    if not stale:
        return list(rows)
    for reason in sorted(set(stale.values())):
        ids = [row_id for row_id, said in stale.items() if said == reason]
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="dropped", error=reason, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        log.info("reminders_dropped", reason=reason, rows=ids)
    await _read_in_centre(session, [row for row in rows if row.id in stale])
    return [row for row in rows if row.id not in stale]


async def _read_in_centre(session: AsyncSession, dropped: Sequence[OutboxMessage]) -> None:
    """A dropped reminder's entry in the notification centre is marked read: back from
    an absence, nobody wants a pile of reminders of what is over."""
    from models.notifications import Notification

    for row in dropped:
        # only reminders: other news no longer open to the person stays listed as such
        if row.user_id is None or row.kind != "reminder" or not isinstance(row.payload, dict):
            continue
        shown = {key: value for key, value in row.payload.items() if key != STALE}
        found = await session.scalars(
            select(Notification).where(
                Notification.user_id == row.user_id,
                Notification.kind == row.kind,
                Notification.ref == shown.get("ref"),
                Notification.read.is_(False),
                Notification.created_at <= row.due_at,
                Notification.created_at >= row.due_at - timedelta(days=1),
            )
        )
        for entry in found:
            if entry.payload == shown:  # this reminder's own entry, not another one
                entry.read = True
    await session.flush()
