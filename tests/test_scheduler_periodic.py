"""The scheduler's periodic upkeep: recurring tasks fall due, long series get reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import App
from models.outbox import OutboxMessage
from models.tasks import Task
from scheduler import periodic
from tests.console_driver import ConsoleDriver


async def test_recurring_task_copies_and_series_reminders(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    out = await boss.say("/task Send the weekly report")
    task_id = int(out.split("#", 1)[1].split()[0].strip(".:,"))
    out = await boss.say(f"/task {task_id} repeat daily at 10:00")
    assert "repeats daily" in out
    maker = sqlite_app.workspace.sessionmaker
    later = datetime.now(UTC) + timedelta(days=2)
    assert await periodic.recurring_tasks(maker, now=later) >= 1
    assert await periodic.recurring_tasks(maker, now=later) == 0  # idempotent
    async with maker() as s:
        assert await s.scalar(select(func.count()).select_from(Task)) >= 2

    await boss.say("/event Standup tomorrow 10:00 15m daily")
    async with maker() as s:
        before = await s.scalar(select(func.count()).select_from(OutboxMessage))
    far = datetime.now(UTC) + timedelta(days=40)
    assert await periodic.calendar_reminders(maker, now=far) > 0
    assert await periodic.calendar_reminders(maker, now=far) == 0
    async with maker() as s:
        assert (await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0) > (
            before or 0
        )
