"""Reminders checked as they go out, whoever queued them and however long they waited.

A reminder is written to the outbox ahead of its time (an event's, a CRM activity's)
or held back by quiet hours, so what was true when it was queued may not be when it
is due. At delivery (the dispatcher's claim, the console's take) a reminder is
dropped, not sent, when its person is away (/away) on that day, in their zone:
reminders stay silent, as /away promises. Dropped rows keep the reason in `error`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.outbox import OutboxMessage
from models.teams import User
from services import timeman_reports

log = structlog.get_logger(__name__)

KIND = "reminder"  # the outbox kind these checks are for


async def why_stale(
    session: AsyncSession, rows: Sequence[OutboxMessage], now: datetime
) -> dict[int, str]:
    """Row id -> why it is no longer worth sending, for the reminders among `rows`."""
    reminders = [r for r in rows if r.kind == KIND and r.user_id is not None]
    if not reminders:
        return {}
    out: dict[int, str] = {}
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
    for row in reminders:
        if days[row.id] in away:
            out[row.id] = "away"
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
    return [row for row in rows if row.id not in stale]
