"""Cancelling or editing a date of a repeating event and every later one ("this and
following"): the series cut short, or split with the new texts on its later part,
through the console."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
from babel.dates import format_date
from sqlalchemy import select

from bot.app import App
from handlers.events import ChatRef, Incoming, Sender
from handlers.markup import to_plain
from models.calendar import Event, EventOccurrenceAnswer
from services.calendar_recur import occ_key
from tests.test_calendar_e2e import group_chat_news, team
from tests.test_calendar_following import ZONE, at, ics_of, ics_starts, open_date, starts, ten_weeks


def said(day: date, hour: int) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year} {hour}:00"


def key_of(day: date, hour: int = 10) -> int:
    return occ_key(at(day, hour).replace(tzinfo=ZONE))


async def press_as(app: App, who: str, action: str) -> str:
    """A button pressed by `who` (a console identity) whether or not their card shows it:
    an old or forged one."""
    views = await app.workspace.handle(
        Incoming(
            chat=ChatRef(platform="console", chat_id=who, private=True),
            sender=Sender(external_id=who, name=who.capitalize()),
            kind="action",
            action=action,
        )
    )
    return "\n".join(to_plain(v.body) for v in views)


async def test_cancel_this_and_following_keeps_the_earlier_dates(sqlite_app: App) -> None:
    """A weekly meeting ten times, cancelled from its third date on: the first two stay
    (the second moved on its own to 15:00 still is), the others go, with the fifth's
    own move and Anna's answer for the sixth. Anna, invited to all, is told once; Petr,
    who declined the series and came only to its first date, is not told. The .ics
    feeds show the two dates left."""
    boss, anna, petr = await team(sqlite_app)
    first = await ten_weeks(boss, extra="@Anna @Petr")
    weeks = [first + timedelta(weeks=n) for n in range(10)]
    await open_date(boss, weeks[1])
    await boss.press("Move this one")
    assert "You moved Sync to" in await boss.say(said(weeks[1], 15))
    await open_date(boss, weeks[4])
    await boss.press("Move this one")
    assert "You moved Sync to" in await boss.say(said(weeks[4], 16))
    await open_date(anna, weeks[5])
    assert "You will not come to Sync" in await anna.press("Decline this one")
    await open_date(petr, weeks[0])
    assert "You declined." in await petr.press("Decline all")
    await open_date(petr, weeks[0])
    assert "You will come to Sync" in await petr.press("Accept this one")

    out = await open_date(boss, weeks[2])
    assert "Cancel this one" in out and "Cancel this and following" in out, out
    out = await boss.press("Cancel this and following")
    day = format_date(weeks[2], "EEE d MMM", locale="en")
    assert out.startswith(f"Cancel Sync from {day} on, for everyone?"), out
    out = await boss.press("Yes, cancel these dates")
    assert out.startswith(f"You cancelled Sync from {day} on."), out

    expected = [at(weeks[0], 10), at(weeks[1], 15)]
    assert await starts(sqlite_app) == expected
    async with sqlite_app.workspace.sessionmaker() as s:
        rows = list(await s.scalars(select(Event)))
        answers = list(await s.scalars(select(EventOccurrenceAnswer)))
    (series,) = [e for e in rows if e.parent_id is None]
    assert not series.cancelled and series.repeat_until is not None
    assert series.repeat_until.astimezone(ZONE).date() == weeks[1]
    assert [e.recurrence_id for e in rows if e.parent_id is not None] == [
        at(weeks[1], 10).replace(tzinfo=ZONE)
    ]  # the fifth date's move went with it
    assert {(a.occ_key, a.status) for a in answers} == {(key_of(weeks[0]), "yes")}

    out = await anna.say("/inbox")  # one notice (and it pushed to her once)
    assert out.count("📅 Boss cancelled Sync") == 1, out
    assert f"📅 Boss cancelled Sync from {day} on." in out, out
    assert "Boss cancelled Sync" not in await petr.say("/inbox")
    out = await open_date(anna, weeks[1])
    assert "15:00–15:30" in out and "Accept this one" in out, out
    for user_id in (1, 2):  # Boss's and Anna's feeds
        text = await ics_of(sqlite_app, user_id)
        assert ics_starts(text) == expected
        assert len(icalendar.Calendar.from_ical(text).walk("VEVENT")) == 2  # and its move


async def test_edit_this_and_following_changes_only_the_later_dates(sqlite_app: App) -> None:
    """A weekly meeting ten times, renamed and given a place from its third date on: the
    first two keep their title and no place (the second moved on its own, too); the
    third to the tenth, the fifth moved to 16:00 among them, have the new ones, in a new
    series that keeps Anna's answer for the sixth. Anna is told once; both feeds name
    each part as its dates do."""
    boss, anna, _petr = await team(sqlite_app)
    first = await ten_weeks(boss)
    weeks = [first + timedelta(weeks=n) for n in range(10)]
    await open_date(boss, weeks[1])
    await boss.press("Move this one")
    assert "You moved Sync to" in await boss.say(said(weeks[1], 15))
    await open_date(boss, weeks[4])
    await boss.press("Move this one")
    assert "You moved Sync to" in await boss.say(said(weeks[4], 16))
    await open_date(anna, weeks[5])
    assert "You will not come to Sync" in await anna.press("Decline this one")

    out = await open_date(boss, weeks[2])
    assert "Edit this and following" in out, out
    out = await boss.press("Edit this and following")
    assert "New title?" in out, out
    await boss.say("Sync v2")
    await boss.say("Room 7")
    out = await boss.press("Skip")
    day = format_date(weeks[2], "EEE d MMM", locale="en")
    assert out.startswith(f"You changed Sync from {day} on: title, place."), out
    assert "📅 Sync v2\n" in out and "Where: Room 7" in out and "10:00–10:30" in out, out

    expected = [at(weeks[0], 10), at(weeks[1], 15), *(at(d, 10) for d in weeks[2:])]
    expected[4] = at(weeks[4], 16)
    assert await starts(sqlite_app) == expected
    async with sqlite_app.workspace.sessionmaker() as s:
        rows = list(await s.scalars(select(Event).order_by(Event.id)))
        answers = list(await s.scalars(select(EventOccurrenceAnswer)))
    earlier, later = [e for e in rows if e.parent_id is None]
    assert (earlier.title, earlier.place) == ("Sync", "")
    assert (later.title, later.place) == ("Sync v2", "Room 7")
    assert earlier.repeat_until is not None and later.repeat_until is not None
    assert earlier.repeat_until.astimezone(ZONE).date() == weeks[1]
    assert later.repeat_until.astimezone(ZONE).date() == weeks[9]
    moved = {e.parent_id: (e.title, e.place) for e in rows if e.parent_id is not None}
    assert moved == {earlier.id: ("Sync", ""), later.id: ("Sync v2", "Room 7")}
    assert {(a.series_id, a.occ_key, a.status) for a in answers} == {
        (later.id, key_of(weeks[5]), "no")
    }

    for week, title in ((0, "Sync"), (1, "Sync"), (3, "Sync v2"), (4, "Sync v2")):
        out = await open_date(anna, weeks[week], "Sync")
        assert f"📅 {title}\n" in out and ("Where: Room 7" in out) == (week > 2), out
    out = await open_date(anna, weeks[5], "Sync v2")
    assert "❌ Anna" in out and "• Decline this one" in out, out
    out = await anna.say("/inbox")
    assert out.count("📅 Boss changed Sync") == 1, out  # one notice
    assert f"📅 Boss changed Sync from {day} on: title, place." in out, out

    for user_id in (1, 2):  # Boss's and Anna's feeds: each date under its own title
        text = await ics_of(sqlite_app, user_id)
        feed = icalendar.Calendar.from_ical(text).walk("VEVENT")
        titles = {str(ev["SUMMARY"]) for ev in feed if "RECURRENCE-ID" not in ev}
        assert titles == {"Sync", "Sync v2"}
        shown = expected if user_id == 1 else [m for m in expected if m != at(weeks[5], 10)]
        assert ics_starts(text) == shown


async def test_only_the_organiser_cancels_or_edits_the_following_dates(sqlite_app: App) -> None:
    """An attendee's card has neither button, and the buttons pressed anyway are refused:
    nothing is split or cancelled."""
    boss, anna, _petr = await team(sqlite_app)
    first = await ten_weeks(boss)
    weeks = [first + timedelta(weeks=n) for n in range(10)]
    out = await open_date(anna, weeks[2])
    assert "this and following" not in out and "Accept this one" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        (series,) = await s.scalars(select(Event))
    key = key_of(weeks[2])
    for verb in ("xf", "xfy", "ef"):
        out = await press_as(sqlite_app, "anna", f"ev:{verb}:{series.id}:{key}")
        assert "Only the organiser can change this event." in out, (verb, out)
    assert await starts(sqlite_app) == [at(d, 10) for d in weeks]
    async with sqlite_app.workspace.sessionmaker() as s:
        (row,) = await s.scalars(select(Event))
        assert not row.cancelled and row.repeat_until == series.repeat_until


async def test_on_the_first_date_the_whole_series_is_edited_or_cancelled(
    sqlite_app: App,
) -> None:
    """In Russian: on the series' first date nothing is left before it, so "this and
    following" edits the whole series, then cancels it; never a second series. The
    group's chat hears of each once."""
    boss, _anna, _petr = await team(sqlite_app, lang="ru")
    await boss.say("/groups new Dev")
    await boss.say("/groups add Dev Anna")
    from tests.console_driver import bind_room

    await bind_room(sqlite_app, "room-dev", "Dev", by="boss")
    first = await ten_weeks(boss, "Planning", "#Dev")
    weeks = [first + timedelta(weeks=n) for n in range(10)]

    await open_date(boss, weeks[0], "Planning")
    out = await boss.press("Изменить это и следующие")
    assert "Новое название?" in out, out
    await boss.say("Planning 2")
    await boss.press("Пропустить")
    out = await boss.press("Пропустить")
    assert out.startswith("Вы изменили даты события «Planning» начиная с "), out
    async with sqlite_app.workspace.sessionmaker() as s:
        (series,) = await s.scalars(select(Event))
    assert series.title == "Planning 2" and series.repeat_until is not None
    assert series.repeat_until.astimezone(ZONE).date() == weeks[9]

    out = await open_date(boss, weeks[0], "Planning 2")
    out = await boss.press("Отменить это и следующие")
    assert out.startswith("Отменить даты события «Planning 2» начиная с "), out
    out = await boss.press("Да, отменить эти даты")
    assert out.startswith("Вы отменили событие «Planning 2»."), out
    assert await starts(sqlite_app) == []
    async with sqlite_app.workspace.sessionmaker() as s:
        (series,) = await s.scalars(select(Event))
    assert series.cancelled and series.repeat_until.astimezone(ZONE).date() == weeks[9]
    news = await group_chat_news(sqlite_app)
    assert len([n for n in news if "Boss: даты события «Planning» начиная с" in n]) == 1, news
    assert len([n for n in news if ": событие «Planning 2» отменено" in n]) == 1, news


async def test_reminders_follow_the_cut_and_the_edit(sqlite_app: App) -> None:
    """A daily standup edited from three days ahead, then cancelled from seven days
    ahead: the reminders waiting in the outbox are the earlier part's before the edit's
    day, the new part's (its new title) from it on, and none from the cancelled day on."""
    import json
    from datetime import datetime

    from models.outbox import OutboxMessage

    boss, _anna, _petr = await team(sqlite_app)
    await boss.say("/event Standup every day 10:00 15m @Anna")
    edited = datetime.now(ZONE).date() + timedelta(days=3)
    cut = edited + timedelta(days=4)
    await open_date(boss, edited, "Standup")
    await boss.press("Edit this and following")
    await boss.say("Daily")
    await boss.press("Skip")
    assert "You changed Standup from " in await boss.press("Skip")
    await open_date(boss, cut, "Daily")
    await boss.press("Cancel this and following")
    assert "You cancelled Daily from " in await boss.press("Yes, cancel these dates")
    async with sqlite_app.workspace.sessionmaker() as s:
        earlier, later = (e.id for e in await s.scalars(select(Event).order_by(Event.id)))
        rows = list(
            await s.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == "reminder", OutboxMessage.status == "pending"
                )
            )
        )
    seen: list[tuple[int | None, date]] = []
    for row in rows:
        day = (row.due_at + timedelta(minutes=15)).astimezone(ZONE).date()
        series, title = (later, "Daily") if day >= edited else (earlier, "Standup")
        assert day < cut, day
        assert (row.dedup_key or "").startswith(f"event:{series}:"), (row.dedup_key, day)
        assert title in json.dumps(row.payload, ensure_ascii=False), (row.payload, day)
        seen.append((row.user_id, day))
    assert len(seen) == len(set(seen)) and {day for _, day in seen} >= {
        edited - timedelta(days=1),
        edited,
        cut - timedelta(days=1),
    }, seen
