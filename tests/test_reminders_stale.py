"""Reminders checked as they go out (services.reminders_stale): the console's own
delivery and the dispatcher's, with the clock at the moment a reminder is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from models.outbox import OutboxMessage
from models.teams import User
from scheduler.dispatcher import UNLIMITED, Dispatcher
from tests.test_calendar_e2e import team

MOSCOW = ZoneInfo("Europe/Moscow")


class ConsoleSender:
    """Stands in for a platform: what the dispatcher sends to the console's people."""

    platform = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Any = None) -> None:
        self.sent.append((chat_id, "".join(str(span[0]) for span in payload["body"])))


def dispatcher_at(app: App, moment: datetime, sender: ConsoleSender) -> Dispatcher:
    return Dispatcher(
        app.workspace.sessionmaker,
        {"console": sender},
        limits={"console": UNLIMITED},
        now=lambda: moment,
    )


async def reminders_of(app: App, name: str) -> list[OutboxMessage]:
    async with app.workspace.sessionmaker() as session:
        rows = await session.execute(
            select(OutboxMessage)
            .join(User, User.id == OutboxMessage.user_id)
            .where(User.name == name, OutboxMessage.kind == "reminder")
            .order_by(OutboxMessage.id)
        )
        return list(rows.scalars())


# -- /away: reminders stay silent --------------------------------------------------------


async def test_an_event_reminder_is_not_sent_to_someone_away(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    today = datetime.now(MOSCOW).date()
    monday = today + timedelta(days=7 - today.weekday())
    out = await anna.say(f"/away until {monday + timedelta(days=1):%d.%m.%Y} vacation")
    assert "Reminders stay silent until then." in out, out
    out = await boss.say(f"/event Vendor call {monday:%d.%m.%Y} 14:30 30m @Anna")
    assert "Vendor call" in out, out
    sender = ConsoleSender()
    reminded = datetime(monday.year, monday.month, monday.day, 14, 15, tzinfo=MOSCOW)
    await dispatcher_at(sqlite_app, reminded.astimezone(UTC), sender).drain()
    # the organiser is reminded; Anna, away on Monday, is not
    reminders = [(chat, text) for chat, text in sender.sent if text.startswith("⏰")]
    assert reminders == [("console:boss", "⏰ Vendor call starts today 14:30–15:00.")], sender.sent
    [row] = await reminders_of(sqlite_app, "Anna")
    assert (row.status, row.error) == ("dropped", "away")


async def test_a_crm_activity_reminder_is_not_printed_to_someone_away(sqlite_app: App) -> None:
    _boss, anna, _petr = await team(sqlite_app)
    tomorrow = datetime.now(MOSCOW).date() + timedelta(days=1)
    await anna.say(f"/away until {tomorrow:%d.%m.%Y}")
    await anna.say("/lead Ivan, +7 999 000 11 22")
    await anna.press("Activity")
    await anna.press("call")
    await anna.say("Discuss contract")
    out = await anna.say("in 5 minutes")
    assert "Planned; I will remind you" in out, out
    out += await anna.say("/tasks")  # the console prints what is due on each line
    assert "Reminder: call" not in out, out
    [row] = await reminders_of(sqlite_app, "Anna")
    assert (row.status, row.error) == ("dropped", "away")
