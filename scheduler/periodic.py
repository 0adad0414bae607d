"""Periodic upkeep of other areas, run by the scheduler beside the planner:
recurring tasks falling due, and reminders of long calendar series beyond the
horizon queued when they were made. Both are idempotent, so a second scheduler
process or a retried run changes nothing."""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.calendar_reminders import top_up_reminders
from models.base import utcnow
from scheduler.tasks_recurring import spawn_recurring

log = structlog.get_logger(__name__)


async def recurring_tasks(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    try:
        created = await spawn_recurring(sessionmaker, now=now)
    except Exception:
        log.exception("recurring_tasks_failed")
        return 0
    if created:
        log.info("recurring_tasks", created=created)
    return created


async def calendar_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    try:
        async with sessionmaker() as session, session.begin():
            queued = await top_up_reminders(session, now or utcnow())
    except Exception:
        log.exception("calendar_top_up_failed")
        return 0
    if queued:
        log.info("calendar_reminders_topped_up", queued=queued)
    return queued
