"""/event without its day or time: the title is kept and the day and time are asked, as
a dialog question that listens to the next message (through the console, en and ru)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from models.calendar import Event
from tests.console_driver import ConsoleDriver
from tests.fakes.telegram_api import FakeTelegram, Person, message_update
from tests.telegram_harness import Chat, running

MOSCOW = ZoneInfo("Europe/Moscow")


async def _events(app: App) -> dict[str, datetime]:
    """Each event's title and its start, in the suite's zone."""
    async with app.workspace.sessionmaker() as session:
        rows = (await session.execute(select(Event))).scalars().all()
    return {e.title: e.starts_at.astimezone(MOSCOW).replace(tzinfo=None) for e in rows}


def _tomorrow_at(hour: int) -> datetime:
    day = datetime.now(MOSCOW).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour)


async def test_an_event_without_a_time_asks_for_it_and_keeps_the_title(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/event Lunch")
    assert (
        "When is it? Type the day and time, for example: tomorrow 15:00, fri 10am, "
        'Dec 31 18:00, or "tomorrow all day".'
    ) in out, out
    out = await boss.say("whenever suits")
    assert "I could not find a day or time in “whenever suits”." in out, out
    assert "When is it? Type the day and time" in out, out
    out = await boss.say("tomorrow at noon")
    assert "Event created." in out and "📅 Lunch\n" in out, out
    assert "When: tomorrow 12:00–13:00" in out, out
    assert await _events(sqlite_app) == {"Lunch": _tomorrow_at(12)}

    # /cancel leaves the question; nothing is made
    out = await boss.say("/event Dinner place: Cafe Roma | bring the contract")
    assert "When is it?" in out, out
    out = await boss.say("/cancel")
    assert "Cancelled. Nothing was saved." in out, out
    out = await boss.say("tomorrow 19:00")
    assert "Send /help" in out, out
    assert set(await _events(sqlite_app)) == {"Lunch"}

    # the place and the description stay theirs when the time is put in
    await boss.say("/event Dinner place: Cafe Roma | bring the contract")
    out = await boss.say("tomorrow 19:00")
    assert "📅 Dinner\n" in out and "Where: Cafe Roma" in out, out
    assert "bring the contract" in out, out

    # a day without a time: the time is asked next, the day kept
    out = await boss.say("/event Review")
    out = await boss.say("tomorrow")
    assert 'At what time? For example: 15:00, 10am, 15:00-16:30, or "all day".' in out, out
    out = await boss.say("soon")
    assert "I could not find a time in “soon”." in out, out
    out = await boss.say("16:30")
    assert "📅 Review\n" in out and "When: tomorrow 16:30–17:30" in out, out

    # the day said again, or the whole line typed again, does not join the title
    await boss.say("/event Retro tomorrow")
    out = await boss.say("tomorrow 17:00")
    assert "📅 Retro\n" in out and "When: tomorrow 17:00–18:00" in out, out
    await boss.say("/event Demo")
    out = await boss.say("Demo tomorrow 11:00")
    assert "📅 Demo\n" in out and "When: tomorrow 11:00–12:00" in out, out
    # a day that does not exist is said at once, not asked the time of
    out = await boss.say("/event Offsite 31.02")
    assert "There is no such date: 31.02." in out and "At what time?" not in out, out


async def test_the_step_by_step_event_keeps_its_title(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/event")
    assert "Describe the event:" in out
    out = await boss.say("Lunch")
    assert "When is it? Type the day and time" in out, out
    out = await boss.say("tomorrow 13:00")
    assert "Event created." in out and "📅 Lunch\n" in out, out
    assert "When: tomorrow 13:00–14:00" in out, out
    # a line with no title is still asked again, as before
    await boss.say("/event")
    out = await boss.say("tomorrow 13:00")
    assert "What is the event called? Put its title first." in out, out


async def test_an_event_without_a_time_in_russian(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    out = await boss.say("/event Обед")
    assert (
        "Когда? Напишите день и время, например: завтра в 15:00, в пятницу в 10, "
        "31.12 18:00 или «завтра весь день»."
    ) in out, out
    out = await boss.say("когда-нибудь")
    assert "Не нашёл ни дня, ни времени в «когда-нибудь»." in out, out
    out = await boss.say("завтра в 13")
    assert "Событие создано." in out and "📅 Обед\n" in out, out
    assert "Когда: завтра 13:00–14:00" in out, out

    out = await boss.say("/event Созвон завтра")
    assert "В какое время? Например: 15:00, в 10, 15:00-16:30 или «весь день»." in out, out
    out = await boss.say("скоро")
    assert "Не нашёл время в «скоро»." in out, out
    out = await boss.say("в 10")
    assert "📅 Созвон\n" in out and "Когда: завтра 10:00–11:00" in out, out
    assert await _events(sqlite_app) == {"Обед": _tomorrow_at(13), "Созвон": _tomorrow_at(10)}


async def test_telegram_takes_the_time_in_a_private_chat_after_a_restart(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    ann = Chat(fake, Person(202, "Ann", "en"))
    async with running(sqlite_url, fake):
        await ann.say("/start", expect=2)
        out = await ann.say("/event Lunch")
        assert out[-1].text.startswith("When is it? Type the day and time"), out[-1].text
        assert "Reply to this message" not in out[-1].text  # a plain message does here
    async with running(sqlite_url, fake):  # a new process, the same database
        out = await ann.say("tomorrow at noon")
        assert "Event created." in out[-1].text, out[-1].text
        assert "Lunch" in out[-1].text and "tomorrow 12:00–13:00" in out[-1].text
        out = await ann.say("/event Обед")
        out = await ann.say("/cancel")
        assert out[-1].text == "Cancelled. Nothing was saved."
        out = await ann.say("tomorrow 13:00")
        assert "Send /help" in out[-1].text


async def test_telegram_takes_the_time_as_a_reply_in_a_group(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        ann = Chat(fake, Person(202, "Ann", "en"))
        await ann.say("/start", expect=2)
        group = {"id": -100900, "type": "supergroup", "title": "Team chat"}
        update = await fake.push(message_update(fake, ann.person, "/event Lunch", chat=group))
        await fake.wait_handled(update["update_id"])
        asked = fake.sent(-100900)[-1]
        assert asked.text.startswith("When is it? Type the day and time"), asked.text
        assert "Reply to this message to answer." in asked.text, asked.text
        answer = message_update(fake, ann.person, "tomorrow 13:00", chat=group, reply_to=asked)
        before = len(fake.calls)
        update = await fake.push(answer)
        await fake.wait_handled(update["update_id"])
        made = [c.text for c in fake.calls[before:] if "Event created." in c.text]
        assert made and "Lunch" in made[0] and "tomorrow 13:00–14:00" in made[0], made
