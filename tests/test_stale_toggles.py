"""Buttons that switch something on or off carry the state they were drawn for: pressed
again from an old message, they do not switch it back."""

from __future__ import annotations

from bot.app import App
from tests.console_driver import ConsoleDriver


async def test_an_old_make_closed_button_does_not_open_a_closed_group(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Sales")
    old = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    out = await old.say("/groups show Sales")
    assert "Sales — group, open" in out and "Make closed" in out
    out = await anna.say("/groups show Sales")
    out = await anna.press("Make closed")
    assert "Sales — group, closed" in out
    out = await old.press("Make closed")  # the card from before
    assert "Sales — group, closed" in out and "open" not in out.split("\n")[0]


async def test_old_mute_and_pin_buttons_keep_their_meaning(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    old = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await old.say("/inbox settings")
    out = await anna.say("/inbox settings")
    assert "🔔 comments" in out
    label = next(label for label in anna.buttons().values() if label.startswith("🔔 "))
    name = label[2:]
    out = await anna.press(label)
    assert f"🔕 {name}" in out
    out = await old.press(label)  # "mute", drawn before: still mutes, does not unmute
    assert f"🔕 {name}" in out

    await old.say("/menu edit")
    out = await anna.say("/menu edit")
    pinned = next(label for label in anna.buttons().values() if label.startswith("📌 "))
    section = pinned[2:]
    out = await anna.press(pinned)
    assert f"○ {section}" in out
    out = await old.press(pinned)  # "unpin", drawn before: stays unpinned
    assert f"○ {section}" in out


async def test_quiet_hours_that_start_and_end_together_are_refused(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    out = await anna.say("/inbox quiet 22:00-22:00")
    assert "Quiet hours start and end at different times" in out
    out = await anna.say("/inbox settings")
    assert "Quiet hours: none" in out
