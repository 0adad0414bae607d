"""Moving a date of a repeating event and every later one ("this and following"): the
series split in two, through the console and against the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from babel.dates import format_date
from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from models.calendar import Event, EventOccurrenceAnswer
from models.teams import User
from services import calendar, calendar_changes, calendar_feed, calendar_ics, calendar_series
from services.access import Actor
from services.calendar_recur import expand, key_to_time, occ_key
from services.errors import DomainError
from tests.console_driver import ConsoleDriver, bind_room
from tests.test_calendar_e2e import group_chat_news, team
from tests.test_calendar_services import World, maker, utc, world  # noqa: F401

__all__ = ["maker", "world"]

ZONE = ZoneInfo("Europe/Moscow")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


async def ten_weeks(boss: ConsoleDriver, title: str = "Sync", extra: str = "@Anna") -> date:
    """A weekly meeting at 10:00 on the day after tomorrow's weekday, ten times (its last
    day the tenth one); returns its first day."""
    first = datetime.now(ZONE).date() + timedelta(days=2)
    last = first + timedelta(weeks=9)
    month = format_date(last, "MMM", locale="en")
    out = await boss.say(
        f"/event {title} every {DAYS[first.weekday()]} at 10:00 30m {extra} "
        f"until {month} {last.day}"
    )
    assert f"📅 {title}\n" in out and "10:00–10:30" in out, out
    return first


async def open_date(who: ConsoleDriver, day: date, title: str = "Sync") -> str:
    await who.say(f"/events {day.day:02d}.{day.month:02d}.{day.year}")
    return await who.press(f"📅 {title}")


async def starts(app: App) -> list[datetime]:
    """Every date of every series as the calendar shows it (local times, Moscow)."""
    async with app.workspace.sessionmaker() as s:
        rows = list(await s.scalars(select(Event)))
    series = [e for e in rows if e.parent_id is None]
    overrides = [e for e in rows if e.parent_id is not None]
    far = datetime.now(UTC)
    occs = expand(series, overrides, far - timedelta(days=30), far + timedelta(days=400))
    return [o.starts_at.astimezone(ZONE).replace(tzinfo=None) for o in occs]


def ics_starts(text: str) -> list[datetime]:
    """The dates a calendar app reads from an .ics file: each rule expanded, its
    EXDATEs left out and its RECURRENCE-ID rows put in their place (local, Moscow)."""
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    moved = {
        (str(ev["UID"]), ev.decoded("RECURRENCE-ID")): ev for ev in events if "RECURRENCE-ID" in ev
    }
    out: list[datetime] = []
    for ev in events:
        if "RECURRENCE-ID" in ev or str(ev["STATUS"]) == "CANCELLED":
            continue
        first = ev.decoded("DTSTART")
        dates = [first]
        if "RRULE" in ev:
            dates = list(rrulestr(ev["RRULE"].to_ical().decode(), dtstart=first))
        skipped: set[datetime] = set()
        exdates = ev.get("EXDATE", [])
        for exdate in exdates if isinstance(exdates, list) else [exdates]:
            skipped |= {d.dt for d in exdate.dts}
        for moment in dates:
            if moment in skipped:
                continue
            row = moved.get((str(ev["UID"]), moment))
            out.append(row.decoded("DTSTART") if row is not None else moment)
    return sorted(m.astimezone(ZONE).replace(tzinfo=None) for m in out)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


async def ics_of(app: App, user_id: int) -> str:
    async with app.workspace.sessionmaker() as s:
        user = await s.get(User, user_id)
        assert user is not None
        return calendar_ics.render(await calendar_feed.entries(s, Actor.of(user)), name="x")


async def test_this_and_following_moves_the_third_date_and_the_later_ones(
    sqlite_app: App,
) -> None:
    """A weekly meeting ten times: its third date moved two hours later "this and
    following" leaves the first two at 10:00 and puts the third to the tenth at 12:00,
    ten dates in all (the first part ends with its second date, the new one on the
    series' last day); Anna is told once; the .ics feeds say the same."""
    boss, anna, _petr = await team(sqlite_app)
    first = await ten_weeks(boss)
    weeks = [first + timedelta(weeks=n) for n in range(10)]
    assert await starts(sqlite_app) == [at(d, 10) for d in weeks]

    out = await open_date(boss, weeks[2])
    assert "Move this one" in out and "Move this and following" in out, out
    out = await boss.press("Move this and following")
    assert "When does this date start now? It and every later date move by as much" in out, out
    out = await boss.say("12:00")
    day = format_date(weeks[2], "EEE d MMM", locale="en")
    assert out.startswith(f"You moved Sync from {day} on to 12:00–12:30, every week on "), out
    assert "📅 Sync\nWhen: " in out and "12:00–12:30" in out.split("When: ")[1], out

    expected = [at(d, 10) for d in weeks[:2]] + [at(d, 12) for d in weeks[2:]]
    assert await starts(sqlite_app) == expected
    async with sqlite_app.workspace.sessionmaker() as s:
        earlier, later = list(await s.scalars(select(Event).order_by(Event.id)))
    assert earlier.repeat_until is not None and later.repeat_until is not None
    assert earlier.repeat_until.astimezone(ZONE).date() == weeks[1]
    assert later.repeat_until.astimezone(ZONE).date() == weeks[9]
    assert (later.title, later.repeat, later.weekdays, later.organizer_id) == (
        earlier.title,
        earlier.repeat,
        earlier.weekdays,
        earlier.organizer_id,
    )
    assert later.starts_at.astimezone(ZONE).replace(tzinfo=None) == at(weeks[2], 12)
    assert later.ends_at - later.starts_at == timedelta(minutes=30)

    out = await anna.say("/inbox")
    assert out.count("🔔 Boss moved Sync from") == 1, out  # one notice
    assert f"Boss moved Sync from {day} on: it was 10:00–10:30, every week on " in out, out
    assert "; now it is 12:00–12:30, every week on " in out, out
    # Anna is in the new part too: its card, her answer and her feed
    out = await open_date(anna, weeks[4])
    assert "12:00–12:30" in out and "❔ Anna" in out and "Accept this one" in out, out
    for user_id in (1, 2):  # Boss's and Anna's feeds
        assert ics_starts(await ics_of(sqlite_app, user_id)) == expected


async def test_dates_changed_on_their_own_go_with_their_part(sqlite_app: App) -> None:
    """Before the split the second date was moved to 15:00, the fourth cancelled, the
    fifth moved to 16:00, and Anna declined the first and the sixth. The dates changed
    on their own go with the part their original date is in: the second stays at
    15:00; the fourth stays cancelled, the fifth at 16:00 and Anna's no for the sixth
    all move to the new series, whose other dates are at 12:00."""
    boss, anna, _petr = await team(sqlite_app)
    first = await ten_weeks(boss)
    weeks = [first + timedelta(weeks=n) for n in range(10)]

    def said(day: date, hour: int) -> str:
        return f"{day.day:02d}.{day.month:02d}.{day.year} {hour}:00"

    await open_date(boss, weeks[1])
    await boss.press("Move this one")
    assert "You moved Sync to" in await boss.say(said(weeks[1], 15))
    await open_date(boss, weeks[3])
    assert "You cancelled Sync on" in await boss.press("Cancel this one")
    await open_date(boss, weeks[4])
    await boss.press("Move this one")
    assert "You moved Sync to" in await boss.say(said(weeks[4], 16))
    for week in (0, 5):
        await open_date(anna, weeks[week])
        assert "You will not come to Sync" in await anna.press("Decline this one")

    await open_date(boss, weeks[2])
    await boss.press("Move this and following")
    out = await boss.say("12:00")
    assert "You moved Sync from " in out and "no longer" not in out, out

    expected = [at(weeks[0], 10), at(weeks[1], 15), at(weeks[2], 12), at(weeks[4], 16)]
    expected += [at(d, 12) for d in weeks[5:]]
    assert await starts(sqlite_app) == expected
    async with sqlite_app.workspace.sessionmaker() as s:
        rows = list(await s.scalars(select(Event).order_by(Event.id)))
        answers = list(await s.scalars(select(EventOccurrenceAnswer)))
    earlier, later = [e for e in rows if e.parent_id is None]
    parts = {
        (e.parent_id, e.recurrence_id.astimezone(ZONE).replace(tzinfo=None), e.cancelled)
        for e in rows
        if e.parent_id is not None and e.recurrence_id is not None
    }
    assert parts == {
        (earlier.id, at(weeks[1], 10), False),
        (later.id, at(weeks[3], 12), True),
        (later.id, at(weeks[4], 12), False),
    }
    assert {(a.series_id, a.occ_key, a.status) for a in answers} == {
        (earlier.id, occ_key(at(weeks[0], 10).replace(tzinfo=ZONE)), "no"),
        (later.id, occ_key(at(weeks[5], 12).replace(tzinfo=ZONE)), "no"),
    }
    out = await open_date(anna, weeks[5])
    assert "12:00–12:30" in out and "❌ Anna" in out and "• Decline this one" in out, out
    # the organiser's feed has every date; Anna's leaves out the two she declined
    assert ics_starts(await ics_of(sqlite_app, 1)) == expected
    assert ics_starts(await ics_of(sqlite_app, 2)) == [
        m for m in expected if m not in (at(weeks[0], 10), at(weeks[5], 12))
    ]


async def test_only_the_organiser_splits_and_the_first_date_moves_the_whole_series(
    sqlite_app: App,
) -> None:
    """An attendee has no such button and is refused; in Russian the organiser's button
    and question speak Russian; on the series' first date nothing is left before it, so
    the whole series moves (no second series); the group's chat hears of it once."""

    boss, anna, _petr = await team(sqlite_app, lang="ru")
    await boss.say("/groups new Dev")
    await boss.say("/groups add Dev Anna")
    await bind_room(sqlite_app, "room-dev", "Dev", by="boss")
    first = await ten_weeks(boss, "Planning", "#Dev")
    weeks = [first + timedelta(weeks=n) for n in range(10)]
    out = await open_date(anna, weeks[2], "Planning")
    assert "Перенести" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        user = await s.get(User, 2)
        assert user is not None
        (series,) = await s.scalars(select(Event))
        with pytest.raises(DomainError, match="Only the organiser can change this event"):
            await calendar_series.move_following(
                s, Actor.of(user), series.id, None, series.starts_at + timedelta(hours=2)
            )

    out = await open_date(boss, weeks[0], "Planning")
    out = await boss.press("Перенести это и следующие")
    assert "Она и все следующие даты сдвинутся на столько же" in out, out
    out = await boss.say("12:00")
    assert out.startswith("Вы перенесли даты события «Planning» начиная с "), out
    assert await starts(sqlite_app) == [at(d, 12) for d in weeks]
    async with sqlite_app.workspace.sessionmaker() as s:
        assert len(list(await s.scalars(select(Event)))) == 1
    news = [n for n in await group_chat_news(sqlite_app) if "начиная с" in n]
    assert len(news) == 1 and news[0].startswith("Boss: даты события «Planning» начиная с"), news


async def test_a_date_changed_on_its_own_that_no_longer_falls_on_the_new_part_is_dropped(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """A monthly series on the 1st, split at 1 Feb and moved a day earlier: the new part
    falls on the 31st. Its 1 Apr answer follows to 31 Mar; 1 Mar, cancelled, would be
    28 Feb, no date of it: that change is dropped and counted. The earlier part keeps
    1 Jan alone, with the answer given for it."""
    admin = utc(world.admin)
    first = datetime(2030, 1, 1, 9, tzinfo=UTC)
    async with maker() as s, s.begin():
        series, _ = await calendar.create_event(
            s,
            admin,
            title="Payroll",
            starts_at=first,
            ends_at=first + timedelta(hours=1),
            attendee_ids=[world.employee.user_id],
            repeat="monthly",
        )
        jan, feb, mar, apr = (occ_key(datetime(2030, m, 1, 9, tzinfo=UTC)) for m in (1, 2, 3, 4))
        await calendar_changes.cancel(s, admin, series.id, mar, whole=False)
        for key in (jan, apr):
            await calendar.answer(s, world.employee, series.id, "no", key)
        done = await calendar_series.move_following(
            s, admin, series.id, feb, datetime(2030, 1, 31, 9, tzinfo=UTC)
        )
        tail = done.series
        assert done.dropped == 1 and tail.id != series.id and done.before.id == series.id
        assert key_to_time(done.key) == datetime(2030, 1, 31, 9, tzinfo=UTC)
        assert series.repeat_until == datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC)
        assert list(await s.scalars(select(Event).where(Event.parent_id.is_not(None)))) == []
        answers = await s.scalars(select(EventOccurrenceAnswer))
        assert {(a.series_id, key_to_time(a.occ_key)) for a in answers} == {
            (series.id, first),
            (tail.id, datetime(2030, 3, 31, 9, tzinfo=UTC)),
        }
        found = await calendar.occurrences(
            s, admin, datetime(2029, 12, 1, tzinfo=UTC), datetime(2030, 6, 1, tzinfo=UTC)
        )
        assert [(o.series_id, o.starts_at.date()) for o in found] == [
            (series.id, date(2030, 1, 1)),
            (tail.id, date(2030, 1, 31)),
            (tail.id, date(2030, 3, 31)),
            (tail.id, date(2030, 5, 31)),
        ]
        march = datetime(2030, 3, 31, 9, tzinfo=UTC)  # a later date of it, said where it is
        with pytest.raises(DomainError, match="already start then"):  # nothing split
            await calendar_series.move_following(s, admin, tail.id, occ_key(march), march)
        assert len(list(await s.scalars(select(Event)))) == 2


async def test_reminders_follow_the_split(sqlite_app: App) -> None:
    """A daily standup split three days ahead and moved to 12:00: the reminders waiting
    in the outbox are for 10:00 before that day (the earlier part's) and for 12:00 from
    it on (the new part's), one a person a day."""
    from models.outbox import OutboxMessage

    boss, _anna, _petr = await team(sqlite_app)
    await boss.say("/event Standup every day 10:00 15m @Anna")
    split = datetime.now(ZONE).date() + timedelta(days=3)
    await open_date(boss, split, "Standup")
    await boss.press("Move this and following")
    assert "You moved Standup from " in await boss.say("12:00")
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
        start = (row.due_at + timedelta(minutes=15)).astimezone(ZONE)
        series = later if start.date() >= split else earlier
        assert start.hour == (12 if start.date() >= split else 10), start
        assert (row.dedup_key or "").startswith(f"event:{series}:"), (row.dedup_key, start)
        seen.append((row.user_id, start.date()))
    assert len(seen) == len(set(seen)) and {day for _, day in seen} >= {
        split - timedelta(days=1),
        split,
        split + timedelta(days=5),
    }, seen
