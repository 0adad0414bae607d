"""The scheduler process: APScheduler (in-memory job store) runs two ticks only.

The planner tick turns due reminder rules and deadlines (of tasks; of polls, which
it closes) into outbox rows; the
dispatcher tick wakes the dispatcher, which drains due outbox rows to the platforms.
Reminders themselves live in the database (rules, outbox), never in APScheduler.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import periodic, planner
from scheduler.delivery import Sender
from scheduler.dispatcher import Dispatcher
from scheduler.dispatcher_claim import publisher

log = structlog.get_logger(__name__)


class SchedulerSettings(Protocol):
    planner_interval_seconds: float
    dispatcher_interval_seconds: float
    catch_up_minutes: int


async def run_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession],
    senders: Mapping[str, Sender],
    settings: SchedulerSettings,
) -> None:
    """Run the planner and the dispatcher until cancelled."""
    catch_up = timedelta(minutes=settings.catch_up_minutes)
    dispatcher = Dispatcher(sessionmaker, senders)
    homes = any(publisher(sender) is not None for sender in senders.values())

    async def plan() -> None:
        try:
            stats = await planner.tick(
                sessionmaker, catch_up=catch_up, on_batch=dispatcher.poke, homes=homes
            )
        except Exception:
            log.exception("planner_failed")
            return
        if stats.fired or stats.deadlines or stats.dropped or stats.digests or stats.polls:
            log.info(
                "planner_tick",
                fired=stats.fired,
                deadlines=stats.deadlines,
                dropped=stats.dropped,
                skipped=stats.skipped,
                digests=stats.digests,
                polls=stats.polls,
            )
        dispatcher.poke()

    scheduler = AsyncIOScheduler()
    # rules fire on whole minutes: ticks aligned to the minute catch them at once
    now = datetime.now(UTC)
    aligned = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    scheduler.add_job(
        plan,
        "interval",
        seconds=settings.planner_interval_seconds,
        start_date=aligned,
        id="planner",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.add_job(
        dispatcher.poke,
        "interval",
        seconds=settings.dispatcher_interval_seconds,
        id="dispatcher",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        periodic.recurring_tasks,
        "interval",
        args=[sessionmaker],
        seconds=60,
        start_date=aligned,
        id="recurring_tasks",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        periodic.calendar_reminders,
        "interval",
        args=[sessionmaker],
        hours=1,
        id="calendar_reminders",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC) + timedelta(seconds=30),
    )
    scheduler.start()
    log.info("scheduler_started", platforms=sorted(senders))
    serving = asyncio.create_task(dispatcher.serve(settings.dispatcher_interval_seconds))
    try:
        await plan()
        await serving
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        scheduler.shutdown(wait=False)
