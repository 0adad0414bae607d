"""Deadline reminders in Telegram: the task's number in the text and its buttons on the
message, pressed there (the real aiogram adapter, the planner and the outbox dispatcher
against the fake Bot API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler import planner
from scheduler.dispatcher import UNLIMITED, Dispatcher
from tests.fakes.telegram_api import Call, FakeTelegram, Person
from tests.telegram_harness import Chat, running

MOSCOW = ZoneInfo("Europe/Moscow")


async def tick_and_send(adapter: Any, at: datetime) -> None:
    """The planner's pass at `at`, and what it queued sent at once."""
    await planner.tick(adapter.workspace.sessionmaker, now=at, homes=False)
    await Dispatcher(
        adapter.workspace.sessionmaker,
        {"telegram": adapter.sender},
        limits={"telegram": UNLIMITED},
        now=lambda: at,
    ).drain()


def shown(calls: list[Call]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(c.text, c.buttons) for c in calls]


async def test_a_deadline_reminder_names_the_task_and_acts_on_it(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    day = datetime.now(MOSCOW).date() + timedelta(days=3)
    deadline = datetime(day.year, day.month, day.day, 12, 0, tzinfo=MOSCOW).astimezone(UTC)
    async with running(sqlite_url, fake) as adapter:
        boss = Chat(fake, Person(101, "Boss", "en", username="boss"))
        await boss.say("/start", expect=2)
        out = await boss.say("/invite")
        code = out[0].text.split("?start=", 1)[1].split('"', 1)[0]
        anna = Chat(fake, Person(202, "Anna", "ru", username="anna"))
        await anna.say(f"/start {code}", expect=2)
        await boss.say(f"/task Prepare the offer {day:%d.%m.%Y} 12:00 @anna")
        await boss.say(f"/task Send the invoice {day:%d.%m.%Y} 12:00")
        await boss.say("/task 1")
        await boss.press("More")
        out = await boss.press("Deadline rights on/off")  # Anna may not move task 1's
        await tick_and_send(adapter, deadline - timedelta(hours=2))  # the notices so far

        anna_before, boss_before = len(anna.replies()), len(boss.replies())
        await tick_and_send(adapter, deadline - timedelta(minutes=59))
        assert shown(anna.replies()[anna_before:]) == [
            (
                "⏰ Срок задачи <b>#1 Prepare the offer</b>: сегодня 12:00.",
                [("Открыть", "t:o:1"), ("Завершить", "t:s:1:complete")],
            )
        ]
        assert shown(boss.replies()[boss_before:]) == [
            (
                "⏰ The task <b>#2 Send the invoice</b> is due today 12:00.",
                [("Open", "t:o:2"), ("Complete", "t:s:2:complete"), ("Deadline", "t:dl:2")],
            )
        ]

        # completed from the reminder: the message becomes the task's card
        out = await anna.press("Завершить")
        assert out[0].method == "editMessageText", shown(out)
        assert out[0].text.startswith("#1 <b>Prepare the offer</b>\nСтатус: ✅ завершена"), shown(
            out
        )

        anna_before, boss_before = len(anna.replies()), len(boss.replies())
        await tick_and_send(adapter, deadline + timedelta(minutes=5))
        assert shown(anna.replies()[anna_before:]) == []  # done: nothing overdue
        assert shown(boss.replies()[boss_before:]) == [
            ("Anna completed the task.\n<b>Prepare the offer</b>", [("Open", "t:o:1")]),
            (
                "⚠ The task <b>#2 Send the invoice</b> is overdue: it was due today 12:00.",
                [("Open", "t:o:2"), ("Complete", "t:s:2:complete"), ("Deadline", "t:dl:2")],
            ),
        ]
        out = await boss.press("Deadline")
        assert out[-1].text.startswith("New deadline? For example:"), shown(out)
        await boss.press("Cancel")
        out = await boss.press("Open")
        assert "#2 <b>Send the invoice</b>" in out[-1].text, shown(out)
