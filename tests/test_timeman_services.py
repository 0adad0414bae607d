"""The working day, corrections, reports, schedules and access, on both engines,
with a frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from models.timeman import DayCorrection, Violation, WorkDay
from services import (
    teams,
    teams_invites,
    timeman,
    timeman_clock,
    timeman_corrections,
    timeman_reports,
    timeman_sheet,
    users,
)
from services.access import Actor
from services.errors import DomainError
from services.teams import Newcomer

# Friday 27 Nov 2026; Berlin is UTC+1 in winter
FRI = datetime(2026, 11, 27, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: datetime = FRI) -> datetime:
    """A Berlin wall-clock time on `day`, as UTC."""
    return day + timedelta(hours=hour - 1, minutes=minute)


@dataclass
class Team:
    boss: Actor
    anna: Actor
    guest: Actor


def who(name: str, tz: str = "Europe/Berlin") -> Newcomer:
    return Newcomer(platform="console", external_id=name.casefold(), name=name, timezone=tz)


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def make_team(s: AsyncSession) -> Team:
    boss = await teams.create_team(s, who("Boss"))
    from services import groups

    group = await groups.create_group(s, boss, "Partners")
    code = (await teams_invites.create_invite(s, boss, role="employee")).code
    anna, _ = await teams_invites.join_with_invite(s, code, who("Anna"))
    await users.set_supervisor(s, boss, anna.user_id, boss.user_id)
    guest_code = (
        await teams_invites.create_invite(s, boss, role="extranet", group_id=group.id)
    ).code
    guest, _ = await teams_invites.join_with_invite(s, guest_code, who("Guest"))
    return Team(boss, anna, guest)


@pytest.fixture
async def team(maker: async_sessionmaker[AsyncSession]) -> Team:
    async with maker() as s, s.begin():
        return await make_team(s)


async def test_day_cycle_counts_breaks(maker: async_sessionmaker[AsyncSession], team: Team) -> None:
    async with maker() as s, s.begin():
        day, correction, violations = await timeman.start_day(s, team.anna, now=at(9, 0))
        assert correction is None and violations == []
        assert day.day == date(2026, 11, 27)
    async with maker() as s, s.begin():
        await timeman.pause_day(s, team.anna, at(13, 0))
        with pytest.raises(DomainError, match="already on a break"):
            await timeman.pause_day(s, team.anna, at(13, 10))
    async with maker() as s, s.begin():
        day, _report = await timeman.resume_day(s, team.anna, at(14, 0))
        assert day.break_seconds == 3600
    async with maker() as s, s.begin():
        day, correction, violations = await timeman.finish_day(s, team.anna, now=at(18, 0))
        assert timeman_clock.worked(day, at(23)) == timedelta(hours=8)
        assert correction is None and violations == []
    async with maker() as s, s.begin():
        # a finished day is said to be finished, with its finish in the person's clock
        for move in (
            timeman.start_day(s, team.anna, now=at(19, 0)),
            timeman.finish_day(s, team.anna, now=at(19, 0)),
            timeman.pause_day(s, team.anna, at(19, 0)),
        ):
            with pytest.raises(DomainError, match="already finished") as said:
                await move
            assert said.value.params == {"time": "18:00"}
        # finished days can go on; the gap counts as a break
        day, _report = await timeman.resume_day(s, team.anna, at(19, 0))
        assert day.status == "open" and day.break_seconds == 2 * 3600


async def test_late_entry_needs_reason_and_goes_for_review(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="Say why"):
            await timeman.start_day(s, team.anna, at=at(9, 10), now=at(11, 0))
    async with maker() as s, s.begin():
        day, correction, violations = await timeman.start_day(
            s, team.anna, at=at(9, 30), reason="forgot to clock in", now=at(11, 0)
        )
        assert correction is not None and correction.status == "pending"
        assert correction.old_value == at(11, 0) and correction.new_value == at(9, 30)
        assert [v.kind for v in violations] == ["late_start"] and violations[0].minutes == 30
        correction_id, day_id = correction.id, day.id
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="no right"):
            await timeman_corrections.review_correction(s, team.anna, correction_id, approve=True)
        with pytest.raises(DomainError):
            await timeman_corrections.review_correction(s, team.guest, correction_id, approve=True)
    async with maker() as s, s.begin():
        row, person = await timeman_corrections.review_correction(
            s, team.boss, correction_id, approve=False
        )
        assert row.status == "rejected" and person.id == team.anna.user_id
    async with maker() as s, s.begin():
        day = await s.get(WorkDay, day_id)
        assert day is not None and day.started_at == at(11, 0)  # restored
        with pytest.raises(DomainError, match="already been reviewed"):
            await timeman_corrections.review_correction(s, team.boss, correction_id, approve=True)


async def test_previous_day_left_open_is_closed_with_reason(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=at(9, 0))
    saturday = FRI + timedelta(days=1)
    async with maker() as s, s.begin():
        with pytest.raises(timeman.PreviousDayOpen):
            await timeman.start_day(s, team.anna, now=at(9, 0, saturday))
        current, stale = await timeman.today(s, team.anna, at(9, 0, saturday))
        assert current is None and stale is not None and stale.day == date(2026, 11, 27)
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="Say why"):
            await timeman.finish_day(s, team.anna, at=at(18, 0), now=at(9, 0, saturday))
    async with maker() as s, s.begin():
        day, correction, violations = await timeman.finish_day(
            s, team.anna, at=at(18, 0), reason="forgot", now=at(9, 0, saturday)
        )
        assert day.finished_at == at(18, 0)
        assert correction is not None and correction.field == "finish"
        assert [v.kind for v in violations] == ["left_open"]
    async with maker() as s, s.begin():
        day, _, _ = await timeman.start_day(s, team.anna, now=at(9, 0, saturday))
        assert day.day == date(2026, 11, 28)


async def test_short_day_and_early_finish_on_own_schedule(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("12345", 600, 1080, 60)
        )
        with pytest.raises(DomainError, match="no right"):
            await timeman.set_schedule(s, team.anna, None, timeman.Schedule())
    async with maker() as s, s.begin():
        _, _, late = await timeman.start_day(s, team.anna, now=at(10, 5))
        assert late == []  # within the grace minutes
        _, _, found = await timeman.finish_day(s, team.anna, now=at(16, 0))
        kinds = {v.kind: v.minutes for v in found}
        assert kinds == {"early_finish": 120, "short_day": 65}  # 7 h planned, 5 h 55 worked
    async with maker() as s, s.begin():
        count = await s.scalar(select(func.count()).select_from(Violation))
        assert count == 2


async def test_corrections_history_and_access(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=at(9, 0))
        await timeman.finish_day(s, team.anna, now=at(17, 0))
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="Say why"):
            await timeman_corrections.correct(s, team.anna, "finish", at(18, 0), "  ", now=at(19))
        _, row, _report = await timeman_corrections.correct(
            s, team.anna, "finish", at(18, 0), "meeting ran late", now=at(19)
        )
        assert row.old_value == at(17, 0)
    async with maker() as s, s.begin():
        page = await timeman_corrections.corrections(s, team.boss, team.anna.user_id, 1, 10)
        assert [c.reason for c in page.items] == ["meeting ran late"]
        with pytest.raises(DomainError):
            await timeman_corrections.corrections(s, team.guest, team.anna.user_id, 1, 10)
        await timeman_corrections.review_correction(s, team.boss, row.id, approve=True)
    async with maker() as s, s.begin():
        fixed = await s.get(DayCorrection, row.id)
        assert fixed is not None and fixed.status == "approved"


async def test_report_goes_to_supervisor(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        day, _, _ = await timeman.start_day(s, team.anna, now=at(9, 0))
        await timeman.finish_day(s, team.anna, now=at(18, 0))
        report = await timeman_reports.report_for_day(s, team.anna, day.id, "Worked 8 h")
        report_id = report.id
    async with maker() as s, s.begin():
        with pytest.raises(DomainError):
            await timeman_reports.report_for_day(s, team.boss, day.id, "x")
        await timeman_reports.set_report_text(s, team.anna, report_id, "Finished the import")
        report, boss = await timeman_reports.send_report(s, team.anna, report_id, now=at(18, 5))
        assert boss.id == team.boss.user_id and report.status == "sent"
    async with maker() as s, s.begin():
        with pytest.raises(DomainError):
            await timeman_reports.review_report(s, team.anna, report_id, confirm=True)
        with pytest.raises(DomainError):
            await timeman_reports.get_report(s, team.guest, report_id)
        report, author = await timeman_reports.review_report(
            s, team.boss, report_id, comment="Thanks", confirm=True
        )
        assert report.status == "confirmed" and author.id == team.anna.user_id
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="already confirmed"):
            await timeman_reports.set_report_text(s, team.anna, report_id, "more")


async def test_report_needs_a_supervisor_and_extranet_has_no_day(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        day, _, _ = await timeman.start_day(s, team.boss, now=at(9, 0))
        report = await timeman_reports.report_for_day(s, team.boss, day.id, "draft")
        with pytest.raises(DomainError, match="no supervisor"):
            await timeman_reports.send_report(s, team.boss, report.id)
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="no right"):
            await timeman.start_day(s, team.guest, now=at(9, 0))


async def test_timesheet_access_and_totals(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=at(9, 0))
        await timeman.finish_day(s, team.anna, now=at(17, 0))
    async with maker() as s, s.begin():
        people = await timeman_sheet.sheet_people(s, team.boss, user_id=team.anna.user_id)
        rows = await timeman_sheet.timesheet(s, people, date(2026, 11, 23), date(2026, 11, 29))
        assert rows[0].total == 8 * 3600 and rows[0].violations == {"early_finish": 1}
        with pytest.raises(DomainError):
            await timeman_sheet.sheet_people(s, team.anna, user_id=team.boss.user_id)


async def test_absences(maker: async_sessionmaker[AsyncSession], team: Team) -> None:
    async with maker() as s, s.begin():
        row = await timeman_reports.add_absence(
            s, team.anna, date(2026, 11, 30), date(2026, 12, 4), "vacation"
        )
        with pytest.raises(DomainError):
            await timeman_reports.add_absence(
                s, team.anna, date(2026, 12, 4), date(2026, 12, 1), ""
            )
    async with maker() as s, s.begin():
        assert await timeman_reports.is_away(s, team.anna.user_id, date(2026, 12, 2))
        assert not await timeman_reports.is_away(s, team.anna.user_id, date(2026, 12, 5))
        with pytest.raises(DomainError):
            await timeman_reports.cancel_absence(s, team.boss, row.id)
        await timeman_reports.cancel_absence(s, team.anna, row.id)
    async with maker() as s, s.begin():
        assert not await timeman_reports.is_away(s, team.anna.user_id, date(2026, 12, 2))


async def test_report_draft_lists_tasks_and_logged_time(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    from handlers.i18n import Translator
    from handlers.timeman_report import draft_text
    from models.teams import User

    async with maker() as s, s.begin():
        conn = await s.connection()
        if not await conn.run_sync(
            lambda c: __import__("sqlalchemy").inspect(c).has_table("tasks")
        ):
            pytest.skip("the tasks area (migration 0002) is not installed")
        from models.tasks import Task, TaskTimeEntry

        day, _, _ = await timeman.start_day(s, team.anna, now=at(9, 0))
        done = Task(
            team_id=team.anna.team_id,
            title="Import the price list",
            creator_id=team.boss.user_id,
            responsible_id=team.anna.user_id,
            status="completed",
            is_open=False,
            due_sort=at(18, 0),
            completed_at=at(15, 0),
        )
        other = Task(
            team_id=team.anna.team_id,
            title="Call the supplier",
            creator_id=team.boss.user_id,
            responsible_id=team.anna.user_id,
            due_sort=at(18, 0),
        )
        s.add_all([done, other])
        await s.flush()
        s.add_all(
            [
                TaskTimeEntry(
                    task_id=done.id, user_id=team.anna.user_id, started_at=at(9, 30), seconds=7200
                ),
                TaskTimeEntry(
                    task_id=other.id, user_id=team.anna.user_id, started_at=at(12, 0), seconds=1800
                ),
                # yesterday's time is not today's
                TaskTimeEntry(
                    task_id=other.id,
                    user_id=team.anna.user_id,
                    started_at=at(12, 0) - timedelta(days=1),
                    seconds=900,
                ),
            ]
        )
        await timeman.finish_day(s, team.anna, now=at(18, 0))
        user = await s.get(User, team.anna.user_id)
        assert user is not None
        facts = await timeman_reports.day_facts(s, user, day, at(18, 0))
    text = draft_text(Translator("en"), facts)
    assert text.splitlines() == [
        "Worked 9 h of 8 h planned.",
        "✅ Import the price list — 2 h",
        "• Call the supplier — 30 min",
    ]
    ru = draft_text(Translator("ru"), facts)
    assert "Отработано 9 ч из 8 ч по плану." in ru


async def test_a_short_day_counts_whole_minutes_as_the_card_does(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("1234567", 540, 1080, 60)
        )
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=at(10, 0))
        _, _, found = await timeman.finish_day(s, team.anna, now=at(10, 0) + timedelta(seconds=30))
        kinds = {v.kind: v.minutes for v in found}
        assert kinds["short_day"] == 8 * 60  # "0 min of 8 h" worked: 8 h under plan


async def test_a_night_shift_runs_to_the_next_morning(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    """22:00-06:00: started at 21:55 is in time, finished at 06:05 the next morning is a
    normal finish of that day, counted on its date; 00:30 is late for last night's."""
    saturday, monday = FRI + timedelta(days=1), FRI + timedelta(days=3)
    async with maker() as s, s.begin():
        saved = await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("12345", 22 * 60, 6 * 60, 60)
        )
        assert (saved.start_minute, saved.end_minute, saved.planned) == (
            1320,
            1800,
            timedelta(hours=7),
        )
    async with maker() as s, s.begin():
        day, _, late = await timeman.start_day(s, team.anna, now=at(21, 55))
        assert late == [] and day.day == date(2026, 11, 27)
        current, stale = await timeman.today(s, team.anna, now=at(5, 0, saturday))
        assert current is not None and current.id == day.id and stale is None
        _, _, found = await timeman.finish_day(s, team.anna, now=at(6, 5, saturday))
        assert found == []
        people = await timeman_sheet.sheet_people(s, team.anna)
        (row,) = await timeman_sheet.timesheet(s, people, date(2026, 11, 23), date(2026, 11, 29))
        assert row.days == {date(2026, 11, 27): 8 * 3600 + 10 * 60} and not row.left_open
    async with maker() as s, s.begin():
        # Monday's shift started at 00:30 on Tuesday: late by 2 h 30 min, and an early
        # finish at 05:00 that Tuesday morning
        day, _, late = await timeman.start_day(s, team.anna, now=at(0, 30, monday + timedelta(1)))
        assert day.day == date(2026, 11, 30)
        assert [(v.kind, v.minutes) for v in late] == [("late_start", 150)]
        _, _, found = await timeman.finish_day(s, team.anna, now=at(5, 0, monday + timedelta(1)))
        assert {v.kind: v.minutes for v in found}["early_finish"] == 60


async def test_a_night_shift_before_a_day_off_is_checked_and_left_open_as_fridays(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    """Mon-Fri 22:00-06:00, Saturday off: Friday's shift started at 22:05 is in time;
    on Saturday at 13:00 it is still the day being worked, at 14:30 one left open,
    counted on the timesheet to 06:00 and closed there with only "left open" noted;
    a shift finished at 05:00 on a Saturday is an early finish of Friday's."""
    saturday = FRI + timedelta(days=1)
    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("12345", 22 * 60, 6 * 60, 0)
        )
        day, _, late = await timeman.start_day(s, team.anna, now=at(22, 5))
        assert late == [] and day.day == date(2026, 11, 27)
        current, stale = await timeman.today(s, team.anna, now=at(13, 0, saturday))
        assert current is not None and current.id == day.id and stale is None
        current, stale = await timeman.today(s, team.anna, now=at(14, 30, saturday))
        assert current is None and stale is not None and stale.id == day.id
        people = await timeman_sheet.sheet_people(s, team.anna)
        (row,) = await timeman_sheet.timesheet(
            s, people, date(2026, 11, 23), date(2026, 11, 29), now=at(14, 30, saturday)
        )
        assert row.left_open == {date(2026, 11, 27)}
        assert row.days == {date(2026, 11, 27): 7 * 3600 + 55 * 60}
        user = await timeman._me(s, team.anna)
        end = await timeman.planned_finish(s, user, day)
        assert end == at(6, 0, saturday)
        _, _, found = await timeman.finish_day(
            s, team.anna, at=end, reason="forgot", now=at(14, 30, saturday)
        )
        assert [v.kind for v in found] == ["left_open"]
    async with maker() as s, s.begin():
        day, _, _ = await timeman.start_day(s, team.anna, now=at(22, 0, FRI + timedelta(7)))
        _, _, found = await timeman.finish_day(s, team.anna, now=at(5, 0, saturday + timedelta(7)))
        assert {v.kind: v.minutes for v in found} == {"early_finish": 60, "short_day": 60}


async def test_a_night_shift_across_a_dst_change_plans_the_hours_the_clock_runs(
    maker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    """22:00-06:00 every day in Berlin: the night the clocks go forward (28 March 2027)
    is 7 h, worked in full with no short day, and its report plans 7 h;
    the night they go back (25 October 2026) is 9 h: leaving at 05:00 is an hour early
    and an hour short, staying to 06:00 is neither."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")

    def local(month: int, day: int, hour: int, year: int = 2027) -> datetime:
        return datetime(year, month, day, hour, tzinfo=berlin).astimezone(UTC)

    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("1234567", 22 * 60, 6 * 60, 0)
        )
        day, _, late = await timeman.start_day(s, team.anna, now=local(3, 27, 22))
        assert late == []
        user = await timeman._me(s, team.anna)
        facts = await timeman_reports.day_facts(s, user, day, local(3, 28, 5))
        assert facts.planned == timedelta(hours=7)
        _, _, found = await timeman.finish_day(s, team.anna, now=local(3, 28, 6))
        assert found == [] and timeman_clock.worked(day, local(3, 28, 6)) == timedelta(hours=7)
    async with maker() as s, s.begin():
        day, _, _ = await timeman.start_day(s, team.anna, now=local(10, 24, 22, 2026))
        end = datetime(2026, 10, 25, 5, tzinfo=berlin)  # after the clocks went back
        _, _, found = await timeman.finish_day(s, team.anna, now=end.astimezone(UTC))
        assert {v.kind: v.minutes for v in found} == {"early_finish": 60, "short_day": 60}
        await timeman.resume_day(s, team.anna, end.astimezone(UTC) + timedelta(minutes=1))
        _, _, found = await timeman.finish_day(s, team.anna, now=local(10, 25, 6, 2026))
        assert found == []
