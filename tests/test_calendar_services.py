"""Calendar, feed and drive services on both engines: the access matrix (extranet
sees only its groups), recurrence with single-occurrence changes, reminders, slots."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.calendar import EventAttendee
from models.db import create_engine, create_sessionmaker
from models.teams import User
from models.timeman import Absence, WorkSchedule
from services import (
    calendar,
    calendar_answers,
    calendar_changes,
    calendar_feed,
    calendar_ics,
    calendar_reminders,
    calendar_series,
    calendar_slots,
    drive,
    feed,
    feed_polls,
    groups,
    teams,
    teams_invites,
    timeman,
)
from services.access import Actor
from services.calendar_recur import occ_key
from services.errors import DomainError
from services.teams import Newcomer

MONDAY = datetime(2030, 1, 7, tzinfo=UTC)  # a Monday


@dataclass
class World:
    admin: Actor
    employee: Actor
    guest: Actor
    outsider: Actor
    partners_id: int


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def who(name: str) -> Newcomer:
    return Newcomer(platform="console", external_id=name.casefold(), name=name)


def utc(actor: Actor) -> Actor:
    return Actor(actor.user_id, actor.team_id, actor.role, actor.name, actor.locale, "UTC")


@pytest.fixture
async def world(maker: async_sessionmaker[AsyncSession]) -> World:
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, who("Admin"))
        shared = await groups.create_group(s, admin, "Partners")
        code = (await teams_invites.create_invite(s, admin, role="employee")).code
        employee, _ = await teams_invites.join_with_invite(s, code, who("Emp"))
        guest_code = (
            await teams_invites.create_invite(s, admin, role="extranet", group_id=shared.id)
        ).code
        guest, _ = await teams_invites.join_with_invite(s, guest_code, who("Guest"))
        outsider = await teams.create_team(s, who("Other"))
        await s.execute(update(User).values(timezone="UTC"))
        return World(utc(admin), utc(employee), utc(guest), utc(outsider), shared.id)


async def _sees(call: object) -> bool:
    try:
        await call  # type: ignore[misc]
    except DomainError:
        return False
    return True


async def test_access_matrix(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    start = datetime.now(UTC) + timedelta(days=1)
    async with maker() as s, s.begin():
        personal, _ = await calendar.create_event(
            s,
            world.admin,
            title="1:1",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            attendee_ids=[world.employee.user_id],
        )
        group_event, invited = await calendar.create_event(
            s,
            world.admin,
            title="Partners sync",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            group_id=world.partners_id,
        )
        assert [u.id for u in invited] == [world.guest.user_id]
        team_post, reached = await feed.create_post(s, world.admin, "Hello team")
        assert world.guest.user_id not in [u.id for u in reached]
        group_post, _ = await feed.create_post(
            s, world.admin, "Hello partners", group_id=world.partners_id
        )
        _poll, poll_post, _ = await feed_polls.create_poll(
            s, world.admin, "Which?", ["A", "B"], group_id=world.partners_id
        )
        own_file = await drive.save_file(
            s,
            world.admin,
            platform="console",
            file_id="/x/a.txt",
            name="a.txt",
            size=1,
            mime="text/plain",
        )
        group_file = await drive.save_file(
            s,
            world.admin,
            platform="console",
            file_id="/x/b.txt",
            name="b.txt",
            size=1,
            mime="text/plain",
            group_id=world.partners_id,
        )
        ids = (
            personal.id,
            group_event.id,
            team_post.id,
            group_post.id,
            poll_post.id,
            own_file.id,
            group_file.id,
        )

    expected = {
        # personal event, group event, team post, group post, group poll, own file, group file
        "admin": (True, True, True, True, True, True, True),
        "employee": (True, False, True, False, False, False, False),
        "guest": (False, True, False, True, True, False, True),
        "outsider": (False, False, False, False, False, False, False),
    }
    for role, row in expected.items():
        actor = getattr(world, role)
        async with maker() as s, s.begin():
            seen = (
                await _sees(calendar.get_event(s, actor, ids[0])),
                await _sees(calendar.get_event(s, actor, ids[1])),
                await _sees(feed.get_post(s, actor, ids[2])),
                await _sees(feed.get_post(s, actor, ids[3])),
                await _sees(feed.get_post(s, actor, ids[4])),
                await _sees(drive.get_file(s, actor, ids[5])),
                await _sees(drive.get_file(s, actor, ids[6])),
            )
            assert seen == row, role
            page = await feed.list_feed(s, actor)
            assert page.total == sum(row[2:5]), role
            files = await drive.list_files(s, actor)
            assert files.total == sum(row[5:7]), role

    async with maker() as s, s.begin():
        # extranet members post only to their groups, and cannot plan events for others' groups
        with pytest.raises(DomainError):
            await feed.create_post(s, world.guest, "To everyone?")
        with pytest.raises(DomainError):
            await calendar.answer(s, world.employee, ids[1], "yes")
        # nobody but the organiser changes an event
        with pytest.raises(DomainError):
            await calendar_changes.cancel(s, world.employee, ids[0], None, whole=True)
        # sharing does not open another group's event or a team post to an extranet member
        other, _ = await calendar.create_event(
            s,
            world.admin,
            title="Internal",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            group_id=(await groups.create_group(s, world.admin, "Internal")).id,
        )
        with pytest.raises(DomainError):
            await calendar.invite(s, world.admin, other.id, [world.guest.user_id])
        # nor does creating one: an extranet member is not invited to another group's event
        with pytest.raises(DomainError, match="sees only their groups' events"):
            await calendar.create_event(
                s,
                world.admin,
                title="Merger",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                attendee_ids=[world.guest.user_id],
                group_id=other.group_id,
            )
        # one already on such an event (older data) sees neither it nor hears of it
        s.add(EventAttendee(event_id=other.id, user_id=world.guest.user_id, status="yes"))
        await s.flush()
        with pytest.raises(DomainError):
            await calendar.get_event(s, world.guest, other.id)
        mine = await calendar.occurrences(
            s, world.guest, start - timedelta(days=1), start + timedelta(days=2)
        )
        assert other.id not in [o.series_id for o in mine]
        assert world.guest.user_id not in await calendar_answers.people_to_tell(s, other)
        with pytest.raises(DomainError):
            await feed.share_post(s, world.admin, ids[2], [world.guest.user_id])
        await feed.share_post(s, world.admin, ids[3], [world.guest.user_id])  # their group's
        # a file in a group needs membership
        with pytest.raises(DomainError):
            await drive.move_to_group(s, world.employee, ids[5], world.partners_id)


async def test_recurrence_with_single_changes(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    first = MONDAY + timedelta(hours=10)
    async with maker() as s, s.begin():
        series, _ = await calendar.create_event(
            s,
            world.admin,
            title="Standup",
            starts_at=first,
            ends_at=first + timedelta(minutes=15),
            attendee_ids=[world.employee.user_id],
            repeat="weekly",
            weekdays=[0, 2],
        )
        occs = await calendar.occurrences(s, world.admin, MONDAY, MONDAY + timedelta(days=14))
        assert [o.starts_at.day for o in occs] == [7, 9, 14, 16]
        wednesday = occs[1]
        # move one occurrence, cancel another; the series stays
        await calendar_changes.move(
            s, world.admin, series.id, wednesday.key, wednesday.starts_at + timedelta(hours=2)
        )
        await calendar_changes.cancel(s, world.admin, series.id, occs[2].key, whole=False)
        occs = await calendar.occurrences(s, world.employee, MONDAY, MONDAY + timedelta(days=14))
        assert [(o.starts_at.day, o.starts_at.hour) for o in occs] == [(7, 10), (9, 12), (16, 10)]
        assert occs[1].series_id == series.id and occs[1].key == wednesday.key

        monthly, _ = await calendar.create_event(
            s,
            world.admin,
            title="Payroll",
            starts_at=datetime(2030, 1, 31, 9, tzinfo=UTC),
            ends_at=datetime(2030, 1, 31, 10, tzinfo=UTC),
            repeat="monthly",
        )
        found = await calendar.occurrences(
            s, world.admin, datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 6, 1, tzinfo=UTC)
        )
        paydays = [o.starts_at.date() for o in found if o.series_id == monthly.id]
        assert paydays == [date(2030, 1, 31), date(2030, 3, 31), date(2030, 5, 31)]  # no Feb 31


async def test_moving_a_series_drops_the_changes_that_no_longer_fall_on_it(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """A monthly series on the 1st moved a day earlier falls on the 31st: the answer for
    1 Apr follows to 31 Mar; 1 Mar, cancelled, would be 28 Feb, not a date of it any
    more: that change is dropped and counted."""
    from sqlalchemy import select

    from models.calendar import Event, EventOccurrenceAnswer
    from services.calendar_recur import key_to_time

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
        march, april = (occ_key(datetime(2030, m, 1, 9, tzinfo=UTC)) for m in (3, 4))
        await calendar_changes.cancel(s, admin, series.id, march, whole=False)
        await calendar.answer(s, world.employee, series.id, "no", april)
        done = await calendar_series.move_series(
            s, admin, series.id, occ_key(first), datetime(2029, 12, 31, 9, tzinfo=UTC)
        )
        assert done.dropped == 1
        assert series.starts_at == datetime(2029, 12, 31, 9, tzinfo=UTC)
        assert list(await s.scalars(select(Event).where(Event.parent_id == series.id))) == []
        (answer,) = await s.scalars(select(EventOccurrenceAnswer))
        assert key_to_time(answer.occ_key) == datetime(2030, 3, 31, 9, tzinfo=UTC)
        with pytest.raises(DomainError):  # a one-off event has no dates to move together
            single, _ = await calendar.create_event(
                s, admin, title="Once", starts_at=first, ends_at=first + timedelta(hours=1)
            )
            await calendar_series.move_series(s, admin, single.id, None, first)


async def test_reminders_follow_the_personal_setting(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    start = MONDAY + timedelta(hours=10)
    async with maker() as s, s.begin():
        await calendar_reminders.set_remind_minutes(s, world.employee, 30)
        event, _ = await calendar.create_event(
            s,
            world.admin,
            title="Demo",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            attendee_ids=[world.employee.user_id, world.guest.user_id],
        )
        await calendar.answer(s, world.guest, event.id, "no")
        due = await calendar_reminders.due_reminders(s, event, now=MONDAY)
        got = {(d.user.name, d.due_at) for d in due}
        assert got == {
            ("Admin", start - timedelta(minutes=15)),
            ("Emp", start - timedelta(minutes=30)),
        }
        assert {d.dedup_key for d in due} == {
            f"event:{event.id}:{occ_key(start)}:{world.admin.user_id}",
            f"event:{event.id}:{occ_key(start)}:{world.employee.user_id}",
        }
        with pytest.raises(DomainError):
            await calendar_reminders.set_remind_minutes(s, world.employee, -5)


async def test_free_slots_from_events_schedules_and_absences(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    day_end = MONDAY + timedelta(days=1)
    hour = timedelta(hours=1)
    async with maker() as s, s.begin():
        await calendar.create_event(
            s,
            world.employee,
            title="Busy",
            starts_at=MONDAY + 10 * hour,
            ends_at=MONDAY + 11 * hour,
        )
        declined, _ = await calendar.create_event(
            s,
            world.admin,
            title="Optional",
            starts_at=MONDAY + 15 * hour,
            ends_at=MONDAY + 16 * hour,
            attendee_ids=[world.employee.user_id],
        )
        await calendar.answer(s, world.employee, declined.id, "no")
        await calendar.create_event(
            s, world.admin, title="Lunch", starts_at=MONDAY + 13 * hour, ends_at=MONDAY + 14 * hour
        )
        slots = await calendar_slots.free_slots(
            s, world.admin, [world.employee.user_id], MONDAY, day_end, hour, now=MONDAY
        )
        # the admin's own 15:00 event counts; the employee declined it, so only for the admin
        assert [(a.hour, b.hour) for a, b in slots] == [(9, 10), (11, 13), (14, 15), (16, 18)]

        s.add(
            WorkSchedule(
                team_id=world.admin.team_id,
                user_id=world.employee.user_id,
                weekdays="12345",
                start_minute=12 * 60,
                end_minute=17 * 60,
            )
        )
        await s.flush()
        slots = await calendar_slots.free_slots(
            s, world.admin, [world.employee.user_id], MONDAY, day_end, hour, now=MONDAY
        )
        assert [(a.hour, b.hour) for a, b in slots] == [(12, 13), (14, 15), (16, 17)]

        s.add(
            Absence(
                team_id=world.admin.team_id,
                user_id=world.employee.user_id,
                first_day=date(2030, 1, 7),
                last_day=date(2030, 1, 7),
            )
        )
        await s.flush()
        assert (
            await calendar_slots.free_slots(
                s, world.admin, [world.employee.user_id], MONDAY, day_end, hour, now=MONDAY
            )
            == []
        )
        # the guest shares no group with the employee, so cannot look at their time
        with pytest.raises(DomainError):
            await calendar_slots.free_slots(
                s, world.guest, [world.employee.user_id], MONDAY, day_end, hour, now=MONDAY
            )


async def test_free_slots_follow_a_night_shift_into_the_next_morning(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """Working 22:00-06:00 on weekdays: on Tuesday the hours free for a meeting are
    00:00-06:00 (Monday night's shift) and 22:00-24:00; on Saturday 00:00-06:00 (Friday
    night's), on Sunday none; a meeting at 02:00 on Tuesday takes its hour."""
    hour = timedelta(hours=1)
    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s,
            world.employee,
            world.employee.user_id,
            timeman.Schedule("12345", 22 * 60, 6 * 60, 0),
        )
        tuesday = MONDAY + timedelta(days=1)

        async def free(first: datetime) -> list[tuple[int, int]]:
            slots = await calendar_slots.free_slots(
                s, world.employee, [], first, first + timedelta(days=1), hour, now=MONDAY
            )
            return [(a.hour, b.hour or 24) for a, b in slots]

        assert await free(tuesday) == [(0, 6), (22, 24)]
        assert await free(MONDAY + timedelta(days=5)) == [(0, 6)]  # Saturday
        assert await free(MONDAY + timedelta(days=6)) == []  # Sunday
        await calendar.create_event(
            s,
            world.employee,
            title="Night briefing",
            starts_at=tuesday + 2 * hour,
            ends_at=tuesday + 3 * hour,
        )
        assert await free(tuesday) == [(0, 2), (3, 6), (22, 24)]


async def test_reminder_top_up_tick_is_idempotent(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    from sqlalchemy import func, select

    from handlers.calendar_reminders import top_up_reminders
    from models.outbox import OutboxMessage

    first = MONDAY + timedelta(hours=10)
    async with maker() as s, s.begin():
        await calendar.create_event(
            s,
            world.admin,
            title="Daily",
            starts_at=first,
            ends_at=first + timedelta(minutes=15),
            repeat="daily",
        )
    async with maker() as s, s.begin():
        # a tick a month later queues the next fortnight's reminders, once
        later = MONDAY + timedelta(days=30)
        assert await top_up_reminders(s, later) == 14
        assert await top_up_reminders(s, later) == 0
        count = await s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder")
        )
        assert count == 14


async def test_poll_rules(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    from models.feed import Poll

    async with maker() as s, s.begin():
        with pytest.raises(DomainError):
            await feed_polls.create_poll(s, world.admin, "Q?", ["Only one"])
        with pytest.raises(DomainError):
            await feed_polls.create_poll(s, world.admin, "Q?", ["Same", "same"])
        with pytest.raises(DomainError):
            await feed_polls.create_poll(
                s, world.admin, "Q?", ["A", "B"], deadline=datetime.now(UTC) - timedelta(minutes=1)
            )
        poll, _post, _ = await feed_polls.create_poll(
            s,
            world.admin,
            "Q?",
            ["A", "B", "C"],
            multiple=True,
            deadline=datetime.now(UTC) + timedelta(hours=1),
        )
        found = await feed_polls.results(s, poll)
        a, b = found[0].option.id, found[1].option.id
        await feed_polls.vote(s, world.employee, poll.id, a)
        await feed_polls.vote(s, world.employee, poll.id, b)
        await feed_polls.vote(s, world.admin, poll.id, b)
        counts = [r.votes for r in await feed_polls.results(s, poll)]
        assert counts == [1, 2, 0]
        await feed_polls.vote(s, world.employee, poll.id, a)  # a second press takes it back
        assert [r.votes for r in await feed_polls.results(s, poll)] == [0, 2, 0]
        # the guest is outside the team-wide poll's audience
        with pytest.raises(DomainError):
            await feed_polls.vote(s, world.guest, poll.id, a)
        with pytest.raises(DomainError):
            await feed_polls.close(s, world.employee, poll.id)
        await s.execute(
            update(Poll)
            .where(Poll.id == poll.id)
            .values(deadline=datetime.now(UTC) - timedelta(seconds=1))
        )
        await s.refresh(poll)
        with pytest.raises(DomainError):
            await feed_polls.vote(s, world.employee, poll.id, b)
        winners = feed_polls.winners(await feed_polls.results(s, poll))
        assert [w.option.text for w in winners] == ["B"]


async def test_answers_for_single_occurrences(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """A daily series: the employee declines the whole series but accepts Wednesday,
    then declines Friday after accepting all again; free/busy, the calendar without
    declined events and the reminders follow the answer of each occurrence."""
    start, week_end = MONDAY + timedelta(hours=10), MONDAY + timedelta(days=7)
    emp = world.employee
    async with maker() as s, s.begin():
        series, _ = await calendar.create_event(
            s,
            world.admin,
            title="Standup",
            starts_at=start,
            ends_at=start + timedelta(minutes=15),
            attendee_ids=[emp.user_id],
            repeat="daily",
        )
        wednesday = occ_key(start + timedelta(days=2))
        friday = occ_key(start + timedelta(days=4))
        user = await s.get(User, emp.user_id)
        assert user is not None

        async def taken() -> list[int]:
            busy = await calendar_slots.busy_time(s, emp, user, MONDAY, week_end)
            return [occ_key(b) for b, _ in busy]

        async def attended() -> list[int]:
            found = await calendar.occurrences(s, emp, MONDAY, week_end, include_declined=False)
            return [o.key for o in found]

        assert len(await taken()) == 7
        await calendar.answer(s, emp, series.id, "no")
        await calendar.answer(s, emp, series.id, "yes", wednesday)
        assert await taken() == [wednesday] and await attended() == [wednesday]
        # their own .ics feed has the series as just that date (no rule)
        feed_text = calendar_ics.render(await calendar_feed.entries(s, emp), name="Emp")
        assert "DTSTART;TZID=UTC:20300109T100000" in feed_text
        assert "RRULE" not in feed_text and "RDATE" not in feed_text
        assert await calendar_answers.my_answer(s, emp, series) == "no"
        assert await calendar_answers.my_answer(s, emp, series, wednesday) == "yes"

        await calendar.answer(s, emp, series.id, "yes")  # all again: Wednesday's answer goes
        await calendar.answer(s, emp, series.id, "no", friday)
        assert len(await taken()) == 6 and friday not in await taken()
        assert friday not in await attended() and len(await attended()) == 6
        due = await calendar_reminders.due_reminders(s, series, now=MONDAY)
        keys = {d.occurrence.key for d in due if d.user.id == emp.user_id}
        assert friday not in keys and wednesday in keys
        boss_keys = {d.occurrence.key for d in due if d.user.id == world.admin.user_id}
        assert friday in boss_keys

        # the employee's own .ics feed leaves Friday out; the organiser's keeps it
        feed_text = calendar_ics.render(await calendar_feed.entries(s, emp), name="Emp")
        assert "EXDATE;TZID=UTC:20300111T100000" in feed_text
        boss_text = calendar_ics.render(await calendar_feed.entries(s, world.admin), name="A")
        assert "EXDATE" not in boss_text

        # changes to one occurrence are told by that occurrence's answers
        thursday = occ_key(start + timedelta(days=3))
        moved_friday, _ = await calendar_changes.move(
            s, world.admin, series.id, friday, start + timedelta(days=4, hours=2)
        )
        assert emp.user_id not in await calendar_answers.people_to_tell(s, moved_friday)
        await calendar.answer(s, emp, series.id, "no")
        await calendar.answer(s, emp, series.id, "maybe", thursday)
        moved_thursday, _ = await calendar_changes.move(
            s, world.admin, series.id, thursday, start + timedelta(days=3, hours=1)
        )
        assert emp.user_id in await calendar_answers.people_to_tell(s, moved_thursday)
        # a change to the whole series reaches them too: they come on Thursday
        assert emp.user_id in await calendar_answers.people_to_tell(s, series)
        # the organiser's card of Thursday shows the answer for Thursday
        people = {u.id: st for u, st in await calendar_answers.attendees(s, series, thursday)}
        assert people[emp.user_id] == "maybe"
        assert {u.id: st for u, st in await calendar_answers.attendees(s, series)}[
            emp.user_id
        ] == "no"
        # an occurrence moved three weeks on can still be answered
        sunday = occ_key(start + timedelta(days=6))
        await calendar_changes.move(s, world.admin, series.id, sunday, start + timedelta(days=27))
        await calendar.answer(s, emp, series.id, "yes", sunday)
        assert await calendar_answers.my_answer(s, emp, series, sunday) == "yes"

        with pytest.raises(DomainError):  # an occurrence that does not exist
            await calendar.answer(s, emp, series.id, "no", friday + 7)
        with pytest.raises(DomainError):  # someone not invited
            await calendar.answer(s, world.outsider, series.id, "no", friday)


async def test_feed_of_a_declined_series_keeps_only_the_occurrences_accepted(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    start = MONDAY + timedelta(hours=9)
    emp = world.employee
    async with maker() as s, s.begin():
        series, _ = await calendar.create_event(
            s,
            world.admin,
            title="Sync",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            attendee_ids=[emp.user_id],
            repeat="daily",
        )
        await calendar.answer(s, emp, series.id, "no")

        async def feed() -> str:
            return calendar_ics.render(await calendar_feed.entries(s, emp), name="Emp")

        assert "Sync" not in await feed()
        tuesday, thursday = (occ_key(start + timedelta(days=d)) for d in (1, 3))
        await calendar.answer(s, emp, series.id, "yes", tuesday)
        await calendar.answer(s, emp, series.id, "maybe", thursday)
        text = await feed()
        assert "DTSTART;TZID=UTC:20300108T090000" in text
        assert "DTEND;TZID=UTC:20300108T093000" in text
        assert "RDATE;TZID=UTC:20300110T090000" in text and "RRULE" not in text
        await calendar_changes.cancel(s, world.admin, series.id, thursday, False)
        text = await feed()
        assert "RDATE" not in text and "DTSTART;TZID=UTC:20300108T090000" in text
        await calendar_changes.cancel(s, world.admin, series.id, tuesday, False)
        assert "Sync" not in await feed()  # nothing of it left for them
