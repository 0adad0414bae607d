"""The .ics output parsed back by the icalendar library (events, attendees,
recurrence, time zones), and the subscription feed over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.web import make_web_app
from models.calendar import CalendarFeedToken
from models.teams import User
from services import calendar, calendar_changes, calendar_feed, calendar_ics
from tests.console_driver import ConsoleDriver
from tests.test_calendar_services import World, maker, world  # noqa: F401

__all__ = ["maker", "world"]


async def _plan(s: AsyncSession, w: World) -> tuple[int, int]:
    moscow = ZoneInfo("Europe/Moscow")
    await s.execute(update(User).where(User.id == w.admin.user_id).values(timezone="Europe/Moscow"))
    admin = type(w.admin)(w.admin.user_id, w.admin.team_id, "admin", "Admin", "en", "Europe/Moscow")
    start = datetime.now(moscow).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(
        days=2
    )
    single, _ = await calendar.create_event(
        s,
        admin,
        title="Review; budget, Q3",
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(minutes=45)).astimezone(UTC),
        attendee_ids=[w.employee.user_id],
        place="https://meet.example/abc",
        description="Line 1\nLine 2",
    )
    await calendar.answer(s, w.employee, single.id, "maybe")
    series, _ = await calendar.create_event(
        s,
        admin,
        title="Standup",
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(minutes=15)).astimezone(UTC),
        repeat="weekly",
        weekdays=[0, 2, 4],
    )
    occs = await calendar.occurrences(
        s, admin, start.astimezone(UTC), start.astimezone(UTC) + timedelta(days=14)
    )
    mine = [o for o in occs if o.series_id == series.id]
    await calendar_changes.cancel(s, admin, series.id, mine[1].key, whole=False)
    await calendar_changes.move(
        s, admin, series.id, mine[2].key, mine[2].starts_at + timedelta(hours=1)
    )
    return single.id, series.id


async def test_ics_round_trip(maker: async_sessionmaker[AsyncSession], world: World) -> None:  # noqa: F811
    async with maker() as s, s.begin():
        single_id, series_id = await _plan(s, world)
        admin = world.admin
        text = calendar_ics.render(await calendar_feed.entries(s, admin), name="Admin")
    cal = icalendar.Calendar.from_ical(text)
    events = cal.walk("VEVENT")
    by_uid: dict[str, list[icalendar.Event]] = {}
    for ev in events:
        by_uid.setdefault(str(ev["UID"]), []).append(ev)
    single = by_uid[f"event-{single_id}@planerka"][0]
    assert str(single["SUMMARY"]) == "Review; budget, Q3"
    assert str(single["DESCRIPTION"]) == "Line 1\nLine 2"
    assert str(single["LOCATION"]) == "https://meet.example/abc"
    assert single.decoded("DTSTART").tzinfo is not None
    assert single.decoded("DTSTART").astimezone(ZoneInfo("Europe/Moscow")).hour == 10
    assert single.decoded("DTEND") - single.decoded("DTSTART") == timedelta(minutes=45)
    attendees = single.get("ATTENDEE")
    statuses = {str(a.params["CN"]): str(a.params["PARTSTAT"]) for a in attendees}
    assert statuses == {"Admin": "ACCEPTED", "Emp": "TENTATIVE"}
    assert str(single["ORGANIZER"].params["CN"]) == "Admin"

    master, override = sorted(
        by_uid[f"event-{series_id}@planerka"], key=lambda e: "RECURRENCE-ID" in e
    )
    rule = master["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "WE", "FR"]
    start = master.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Moscow" and start.hour == 10
    exdates = [
        d.dt
        for ex in (
            [master["EXDATE"]] if not isinstance(master["EXDATE"], list) else master["EXDATE"]
        )
        for d in ex.dts
    ]
    assert len(exdates) == 1 and exdates[0].hour == 10
    assert override.decoded("RECURRENCE-ID").hour == 10
    assert (
        override.decoded("DTSTART").hour == 11
        and str(override.decoded("DTSTART").tzinfo) == "Europe/Moscow"
    )


async def test_subscription_feed_over_http(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:  # noqa: F811
    async with maker() as s, s.begin():
        await _plan(s, world)
        token = await calendar_feed.new_token(s, world.employee)
        stored = (await s.execute(select(CalendarFeedToken.token_hash))).scalars().all()
        assert token not in stored and len(stored) == 1  # only the hash is kept
    client = TestClient(TestServer(make_web_app(maker, "https://bot.example.com")))
    await client.start_server()
    try:
        response = await client.get(f"/ics/{token}.ics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        cal = icalendar.Calendar.from_ical(await response.text())
        titles = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
        assert titles == ["Review; budget, Q3"]  # the employee's calendar only
        assert (await client.get("/ics/wrong-token.ics")).status == 404
        # a new link turns the old one off
        async with maker() as s, s.begin():
            fresh = await calendar_feed.new_token(s, world.employee)
        assert (await client.get(f"/ics/{token}.ics")).status == 404
        assert (await client.get(f"/ics/{fresh}.ics")).status == 200
    finally:
        await client.close()


async def test_ics_command_in_console(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/event Standup every mon, wed 10:00 15m")
    out = await boss.say("/ics")
    assert "Calendar Boss: 1 event." in out and "(file: calendar.ics" in out
    out = await boss.press("Subscription link")
    assert "Subscription links need the bot's web server" in out
    sqlite_app.workspace.services.public_url = "https://bot.example.com"
    out = await boss.say("/ics link")
    assert "Your private calendar link: https://bot.example.com/ics/" in out
    ru = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await ru.say("/me lang ru")
    out = await ru.say("/ics")
    assert "Календарь Boss: 1 событие." in out


async def test_a_series_zone_is_described_in_the_feed(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """RFC 5545: every TZID has its VTIMEZONE. Berlin's offsets, DST included, are
    spelled out from the year its weekly series starts."""
    berlin = ZoneInfo("Europe/Berlin")
    async with maker() as s, s.begin():
        await s.execute(
            update(User).where(User.id == world.admin.user_id).values(timezone="Europe/Berlin")
        )
        admin = type(world.admin)(
            world.admin.user_id, world.admin.team_id, "admin", "Admin", "en", "Europe/Berlin"
        )
        start = datetime(2026, 1, 5, 9, 0, tzinfo=berlin)
        await calendar.create_event(
            s,
            admin,
            title="Weekly",
            starts_at=start.astimezone(UTC),
            ends_at=(start + timedelta(minutes=30)).astimezone(UTC),
            repeat="weekly",
            weekdays=[0],
        )
        now = datetime(2026, 11, 27, tzinfo=UTC)
        text = calendar_ics.render(
            await calendar_feed.entries(s, admin, now=now), name="Admin", now=now
        )
    cal = icalendar.Calendar.from_ical(text)
    zones = {str(z["TZID"]): z for z in cal.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Berlin"}
    changes = [
        (c.name, c.decoded("DTSTART"), c["TZOFFSETFROM"].to_ical())
        for c in zones["Europe/Berlin"].subcomponents
    ]
    assert ("DAYLIGHT", datetime(2026, 3, 29, 2, 0), "+0100") in changes
    assert ("STANDARD", datetime(2026, 10, 25, 3, 0), "+0200") in changes
    assert ("DAYLIGHT", datetime(2031, 3, 30, 2, 0), "+0100") in changes  # five years on
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


async def test_a_place_or_name_cannot_add_lines_to_the_feed(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """A place edited into several lines stays one line (no forged VEVENT in a
    subscriber's calendar), and a name with ":" or a quote stays that person's name."""
    forged = (
        "https://meet.example/x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil-1\n"
        "DTSTART:20300101T090000Z\nSUMMARY:Payroll portal moved\n"
    )
    async with maker() as s, s.begin():
        await s.execute(
            update(User).where(User.id == world.admin.user_id).values(name='Boss: "CEO"; HQ')
        )
        start = datetime.now(UTC) + timedelta(days=1)
        event, _ = await calendar.create_event(
            s,
            world.admin,
            title="Sync",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            attendee_ids=[world.employee.user_id],
        )
        await calendar_changes.edit(s, world.admin, event.id, place=forged)
        text = calendar_ics.render(await calendar_feed.entries(s, world.employee), name="Emp")
    assert "UID:evil-1" not in text.splitlines()
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Sync"]
    assert "\n" not in str(events[0]["LOCATION"])
    assert "URL" not in events[0]  # not one plain link any more
    assert str(events[0]["ORGANIZER"].params["CN"]) == "Boss: 'CEO'; HQ"


async def test_the_ics_caption_counts_the_events_in_the_file(sqlite_app: App) -> None:
    """A series with one date moved and one cancelled, and a meeting cancelled: the file
    holds one event (the series, its moved date inside it), and /ics says so."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/event Standup daily tomorrow 10:00 15m")
    await boss.say("/event Lunch tomorrow 13:00")
    await boss.press("Cancel event")
    await boss.press("Yes, cancel it")
    await boss.say("/events week")
    await boss.press("📅 Standup")
    await boss.press("Cancel this one")
    await boss.say("/events next")
    await boss.press("📅 Standup")
    await boss.press("Move this one")
    await boss.say("in 9 days 11:00")
    out = await boss.say("/ics")
    assert "Calendar Boss: 1 event." in out, out
