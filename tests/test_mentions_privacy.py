"""A mention in a comment never shows a private post or event to someone outside it."""

from __future__ import annotations

from bot.app import App
from tests.test_calendar_e2e import team


async def test_mention_under_private_post_is_not_delivered(sqlite_app: App) -> None:
    boss, anna, petr = await team(sqlite_app)
    out = await boss.say("/post @Anna Salary review: Anna gets +20%")
    assert "reached 1 person" in out or "reached 1 " in out
    await anna.say("/feed")
    await anna.press("Comment")
    out = await anna.say("Thanks! @Petr")
    assert "Comment added." in out
    out = await petr.say("/inbox")
    assert "Salary review" not in out and "mentioned you" not in out
    out = await boss.say("/feed")
    assert "Anna commented on «Salary review: Anna gets +20%»: Thanks! @Petr" in out


async def test_mention_in_private_event_is_not_delivered(sqlite_app: App) -> None:
    boss, anna, petr = await team(sqlite_app)
    out = await boss.say("/event Layoffs planning tomorrow 10:00 @Anna")
    assert "Event created" in out
    await anna.say("/events week")
    await anna.press("📅 Layoffs")
    await anna.press("Comment")
    out = await anna.say("ok @Petr")
    assert "Comment added." in out
    out = await petr.say("/inbox")
    assert "Layoffs" not in out and "mentioned you" not in out
