"""Task notices reach only the people who may still open the task: an extranet member
taken out of the task's group hears nothing more of it, whatever their role in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from models.outbox import OutboxMessage
from models.teams import User
from scheduler import periodic, planner
from services import reminders_agenda
from tests.console_driver import ConsoleDriver
from tests.test_reminders_stale import ConsoleSender, dispatcher_at, on_date, reminders_of
from tests.test_team_admin import invite_code

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock moment, in UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


async def contractors(app: App) -> tuple[ConsoleDriver, ConsoleDriver, ConsoleDriver]:
    """Alice (admin) with Carl and Dan, extranet members of her group Ext."""
    alice = ConsoleDriver(app, user="Alice", lang="en", timezone="Europe/Moscow")
    await alice.say("/start")
    await alice.say("/groups new Ext")
    people = []
    for name in ("Carl", "Dan"):
        person = ConsoleDriver(app, user=name, lang="en", timezone="Europe/Moscow")
        await person.say(f"/start {invite_code(await alice.say('/invite extranet Ext'))}")
        people.append(person)
    return alice, people[0], people[1]


async def test_task_notices_stop_for_someone_taken_out_of_its_group(sqlite_app: App) -> None:
    alice, carl, dan = await contractors(sqlite_app)
    out = await alice.say("/task Build thing @Carl #Ext")
    assert "Task #1 created." in out, out
    out = await dan.say("/task Fix the pump @Alice #Ext")  # Dan made it, Alice does it
    assert "Task #2 created." in out, out
    await dan.say("/task 2")
    await dan.press("More")
    out = await dan.press("Approval on/off")  # Alice's "done" waits for Dan's approval
    assert "Completion needs approval: yes" in out, out
    out = await carl.say("/task 1")
    assert "Build thing" in out
    await alice.say("/groups remove Ext @Carl")
    await alice.say("/groups remove Ext @Dan")
    for person in (carl, dan):
        await person.say("/inbox read")  # what they were told while in the group
    out = await carl.say("/task 1")
    assert "Not found, or you have no access to it." in out, out

    out = await alice.say("/task 1 comment contractor is being replaced, budget 9M")
    assert "Comment added to #1." in out, out
    out = await alice.say("/task 1 deadline tomorrow")
    assert "Deadline: tomorrow 18:00" in out, out
    out = await alice.say("/task 1 complete")
    assert "Status: ✅ completed" in out, out
    out = await alice.say("/task 2 comment the pump is fixed, invoice 5M")
    assert "Comment added to #2." in out, out
    out = await alice.say("/task 2 complete")
    assert "Status: 🔎 awaiting control" in out, out

    for person in (carl, dan):
        out = await person.say("/inbox")
        for secret in ("9M", "5M", "Build thing", "Fix the pump", "deadline", "complete"):
            assert secret not in out, out


async def test_deadline_reminders_stop_for_a_responsible_who_lost_the_task(
    sqlite_app: App,
) -> None:
    alice, carl, _dan = await contractors(sqlite_app)
    await carl.say("/inbox quiet 23:00-07:00")
    tomorrow = datetime.now(MOSCOW).date() + timedelta(days=1)
    out = await alice.say(f"/task Build thing @Carl #Ext {tomorrow:%d.%m.%Y} 07:30")
    assert "Task #1 created." in out, out
    maker = sqlite_app.workspace.sessionmaker
    # "due in an hour", queued at 06:30 and held by Carl's quiet hours until 07:00
    await planner.tick(maker, now=at(tomorrow, 6, 30))
    assert [r.due_at for r in await reminders_of(sqlite_app, "Carl")] == [at(tomorrow, 7)]
    await alice.say("/groups remove Ext @Carl")

    sender = ConsoleSender()
    await dispatcher_at(sqlite_app, at(tomorrow, 7), sender).drain()
    assert not [text for _chat, text in sender.sent if "Build thing is" in text], sender.sent
    (held,) = await reminders_of(sqlite_app, "Carl")
    assert (held.status, held.error) == ("dropped", "no access")
    # the overdue notice is not queued for him at all, nor is the task on his day
    await planner.tick(maker, now=at(tomorrow, 7, 31))
    assert len(await reminders_of(sqlite_app, "Carl")) == 1
    async with maker() as session:
        person = await session.scalar(select(User).where(User.name == "Carl"))
        assert person is not None
        day = await reminders_agenda.agenda(session, person, at(tomorrow, 7, 0))
    assert day.due_today == [] and day.overdue == []


async def test_a_recurring_copy_is_not_announced_to_a_responsible_who_lost_the_group(
    sqlite_app: App,
) -> None:
    alice, carl, _dan = await contractors(sqlite_app)
    out = await alice.say("/task Weekly report monday 10:00 @Carl #Ext")
    assert "Task #1 created." in out, out
    out = await alice.say("/task 1 repeat weekly mon at 10:00")
    assert "#1 repeats every week on Mon;" in out, out
    await alice.say("/groups remove Ext @Carl")
    await carl.say("/inbox read")
    later = datetime.now(UTC) + timedelta(days=14)  # the next Monday's copy is made by then
    assert await periodic.recurring_tasks(sqlite_app.workspace.sessionmaker, now=later) == 1
    out = await carl.say("/inbox")
    assert "recurring" not in out and "Weekly report" not in out, out


async def test_no_home_page_is_queued_where_no_platform_shows_one(sqlite_app: App) -> None:
    """Without Slack's App Home running, a task's changes queue no home refresh: no row
    and no statement spent on it for each task."""
    from models.outbox import OutboxMessage

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    out = await boss.say("/task Call the bank tomorrow 15:00 @Anna")
    assert "Task #1 created." in out, out
    await boss.say("/task 1 deadline friday 12:00")
    async with sqlite_app.workspace.sessionmaker() as session:
        kinds = set(await session.scalars(select(OutboxMessage.kind)))
    assert kinds and "home" not in kinds, kinds


async def notices_to(app: App, name: str, kind: str) -> list[OutboxMessage]:
    async with app.workspace.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .join(User, User.id == OutboxMessage.user_id)
            .where(User.name == name, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


def text_of(row: OutboxMessage) -> str:
    return "".join(str(span[0]) for span in row.payload["body"])


async def quiet_now(person: ConsoleDriver) -> datetime:
    """Quiet hours for the person from an hour ago (Moscow) to three hours on: their
    notices are held until then, which is returned."""
    now = datetime.now(MOSCOW).replace(second=0, microsecond=0)
    start, end = now - timedelta(hours=1), now + timedelta(hours=3)
    await person.say(f"/inbox quiet {start:%H:%M}-{end:%H:%M}")
    return end.astimezone(UTC)


async def test_a_notice_held_by_quiet_hours_names_its_day_by_date(sqlite_app: App) -> None:
    """Read when the quiet hours end, maybe the next morning: "due tomorrow 10:00"
    would name the wrong day, so the day is named by its date."""
    alice, carl, _dan = await contractors(sqlite_app)
    ends = await quiet_now(carl)
    out = await alice.say("/task Build thing @Carl #Ext tomorrow 10:00")
    assert "Task #1 created." in out, out
    (held,) = await notices_to(sqlite_app, "Carl", "assignment")
    assert held.due_at == ends
    when = on_date(datetime.now(MOSCOW).date() + timedelta(days=1), "10:00")
    assert "tomorrow" not in text_of(held) and when in text_of(held), text_of(held)
    out = await carl.say("/inbox")
    assert f"due {when}" in out and "tomorrow" not in out, out


async def test_the_inbox_keeps_a_notice_by_its_date_while_the_message_says_tomorrow(
    sqlite_app: App,
) -> None:
    """Sent at once, the message says "due tomorrow 10:00"; the notification centre,
    read maybe days later, keeps it as "due <date> 10:00", never a "tomorrow" gone
    false."""
    alice, carl, _dan = await contractors(sqlite_app)
    await alice.say("/task Build thing @Carl #Ext tomorrow 10:00")
    (sent,) = await notices_to(sqlite_app, "Carl", "assignment")
    assert "tomorrow 10:00" in text_of(sent), text_of(sent)
    when = on_date(datetime.now(MOSCOW).date() + timedelta(days=1), "10:00")
    out = await carl.say("/inbox")
    (line,) = [line for line in out.splitlines() if line.startswith("1. ")]
    assert f"due {when}" in line and "tomorrow" not in line, out


async def test_held_notices_follow_new_quiet_hours_and_zone(sqlite_app: App) -> None:
    """Quiet hours off: what they held goes at once; another zone, where it is not
    quiet now: likewise, not at the old zone's morning."""
    alice, carl, _dan = await contractors(sqlite_app)
    ends = await quiet_now(carl)
    await alice.say("/task Build thing @Carl #Ext")
    (held,) = await notices_to(sqlite_app, "Carl", "assignment")
    assert held.due_at == ends
    before = datetime.now(UTC)
    await carl.say("/inbox quiet off")
    (moved,) = await notices_to(sqlite_app, "Carl", "assignment")
    assert before - timedelta(seconds=5) <= moved.due_at <= datetime.now(UTC), moved.due_at

    await quiet_now(carl)
    await alice.say("/task Paint the fence @Carl #Ext")
    second = (await notices_to(sqlite_app, "Carl", "assignment"))[-1]
    assert second.due_at == ends
    await carl.say("/me tz Asia/Vladivostok")  # seven hours on: outside those hours
    second = (await notices_to(sqlite_app, "Carl", "assignment"))[-1]
    assert second.due_at <= datetime.now(UTC), second.due_at
