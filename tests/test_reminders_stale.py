"""Reminders checked as they go out (services.reminders_stale): the console's own
delivery and the dispatcher's, with the clock at the moment a reminder is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from models.outbox import OutboxMessage
from models.teams import User
from scheduler import planner
from scheduler.dispatcher import UNLIMITED, Dispatcher
from tests.console_driver import ConsoleDriver
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
    # back from her vacation, Anna finds no unread reminder of what is over
    from models.notifications import Notification

    async with sqlite_app.workspace.sessionmaker() as session:
        entries = (
            (
                await session.execute(
                    select(Notification.read)
                    .join(User, User.id == Notification.user_id)
                    .where(User.name == "Anna", Notification.kind == "reminder")
                )
            )
            .scalars()
            .all()
        )
    assert entries == [True], entries


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


# -- held by quiet hours: sent only while still true ---------------------------------------


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock moment, in UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


def on_date(day: date, clock: str) -> str:
    """A moment as a notice held by quiet hours names it, in English: "Sun 29 Nov 08:30"
    (read at a moment not known when it was written: no "today" or "tomorrow")."""
    return f"{day:%a} {day.day} {day:%b} {clock}"


async def test_a_deadline_reminder_held_past_its_deadline_is_dropped(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/inbox quiet 23:00-07:00")
    tomorrow = datetime.now(MOSCOW).date() + timedelta(days=1)
    out = await boss.say(f"/task Report F {tomorrow:%d.%m.%Y} 00:30")
    assert "Report F" in out, out
    maker = sqlite_app.workspace.sessionmaker
    today = tomorrow - timedelta(days=1)
    await planner.tick(maker, now=at(today, 23, 30))  # "due in an hour", held until 07:00
    await planner.tick(maker, now=at(tomorrow, 0, 31))  # overdue, held until 07:00
    assert [r.due_at for r in await reminders_of(sqlite_app, "Boss")] == [at(tomorrow, 7)] * 2
    sender = ConsoleSender()
    await dispatcher_at(sqlite_app, at(tomorrow, 7), sender).drain()
    # what is still true goes out at 07:00; "due in an hour" does not
    assert [text for _chat, text in sender.sent] == [
        f"⚠ The task #1 Report F is overdue: it was due {on_date(tomorrow, '00:30')}."
    ], sender.sent
    soon, overdue = await reminders_of(sqlite_app, "Boss")
    assert (soon.status, soon.error, overdue.status) == ("dropped", "passed", "sent")


async def test_held_reminders_of_a_task_completed_meanwhile_are_dropped(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/inbox quiet 23:00-08:00")
    await boss.say("/reminders deadline 9h 1h")
    tomorrow = datetime.now(MOSCOW).date() + timedelta(days=1)
    await boss.say(f"/task Report G {tomorrow:%d.%m.%Y} 08:30")
    await boss.say(f"/task Report H {tomorrow:%d.%m.%Y} 08:30")
    maker = sqlite_app.workspace.sessionmaker
    await planner.tick(maker, now=at(tomorrow - timedelta(days=1), 23, 30))  # 9 h ahead
    await planner.tick(maker, now=at(tomorrow, 7, 30))  # an hour ahead
    rows = await reminders_of(sqlite_app, "Boss")
    assert [r.due_at for r in rows] == [at(tomorrow, 8)] * 4  # all held until 08:00
    out = await boss.say("/task 1 complete")
    assert "completed" in out, out
    sender = ConsoleSender()
    await dispatcher_at(sqlite_app, at(tomorrow, 8), sender).drain()
    # Report H's go out, with the date (held, they could have gone at 23:30 or at 08:00)
    assert [text for _chat, text in sender.sent] == [
        f"⏰ The task #2 Report H is due {on_date(tomorrow, '08:30')}."
    ] * 2, sender.sent
    rows = await reminders_of(sqlite_app, "Boss")
    assert sorted((r.status, r.error) for r in rows) == [
        ("dropped", "task closed"),
        ("dropped", "task closed"),
        ("sent", None),
        ("sent", None),
    ]


async def test_an_event_reminder_held_until_after_the_start_is_dropped(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await anna.say("/inbox quiet 06:00-08:00")
    tomorrow = datetime.now(MOSCOW).date() + timedelta(days=1)
    await boss.say(f"/event Standup {tomorrow:%d.%m.%Y} 07:30 15m @Anna")
    sender = ConsoleSender()
    await dispatcher_at(sqlite_app, at(tomorrow, 7, 15), sender).drain()
    await dispatcher_at(sqlite_app, at(tomorrow, 8), sender).drain()
    reminders = [(chat, text) for chat, text in sender.sent if text.startswith("⏰")]
    assert reminders == [("console:boss", "⏰ Standup starts today 07:30–07:45.")], sender.sent
    [row] = await reminders_of(sqlite_app, "Anna")
    assert (row.due_at, row.status, row.error) == (at(tomorrow, 8), "dropped", "passed")
