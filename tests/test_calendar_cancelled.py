"""Old buttons of a cancelled event: nobody answers, moves or cancels it again."""

from __future__ import annotations

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_calendar_e2e import team


async def test_a_cancelled_event_refuses_its_old_buttons(sqlite_app: App) -> None:
    boss, _anna, petr = await team(sqlite_app)
    out = await boss.say("/event Standup tomorrow 10:00 30m @Petr")
    assert "Event created; 1 person invited." in out
    # the organiser's card opened in two other messages, before the cancel
    earlier, again = (ConsoleDriver(sqlite_app, user="Boss", lang="en") for _ in range(2))
    for card in (earlier, again):
        await card.say("/events week")
        out = await card.press("📅 Standup")
        assert "Move" in out and "Cancel event" in out
    out = await petr.say("/events")
    assert "Boss invites you to Standup" in out and "Accept" in out

    out = await boss.press("Cancel event")
    assert "You cancelled Standup." in out

    told = out = await petr.press("Accept")  # the invitation's button, from before the cancel
    assert "This event was cancelled." in out
    assert "You accepted." not in out
    out = await earlier.press("Move")
    assert "This event was cancelled." in out
    out = await again.press("Cancel event")
    assert "This event was cancelled." in out
    told += await petr.say("/events")
    assert told.count("Boss cancelled Standup.") == 1  # told once, not per press
    assert "accepted" not in await boss.say("/events")


async def test_a_cancelled_event_refuses_its_old_buttons_in_russian(sqlite_app: App) -> None:
    boss, _anna, petr = await team(sqlite_app, lang="ru")
    await boss.say("/event Планёрка завтра 10:00 30m @Petr")
    out = await petr.say("/events")
    assert "Принять" in out
    await boss.say("/events week")
    await boss.press("📅 Планёрка")
    await boss.press("Отменить событие")
    out = await petr.press("Принять")
    assert "Это событие отменено." in out
