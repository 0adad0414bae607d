"""The working-day card and its moves (a break, back, the finish, a day left open
closed), and what they tell whoever reviews the person's time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from handlers.core import Ctx
from handlers.i18n import Translator
from handlers.markup import Markup, bold, join_lines
from handlers.timeman_days_off import day_off_text
from handlers.timeman_report import report_reopened, report_view, violation_text
from handlers.views import Button, View
from models.base import utcnow
from models.teams import User
from models.timeman import DayCorrection, Violation, WorkDay
from services import tasks_timer, timeman, timeman_clock, timeman_corrections, timeman_reports


def hhmm(tr: Translator, moment: datetime) -> str:
    return moment.astimezone(tr.zone()).strftime("%H:%M")


def _status_line(tr: Translator, day: WorkDay) -> Markup:
    if day.status == "paused" and day.paused_at is not None:
        return tr("On a break since {time}", time=hhmm(tr, day.paused_at))
    if day.status == "closed" and day.finished_at is not None:
        return tr(
            "Finished: {start}–{end}", start=hhmm(tr, day.started_at), end=hhmm(tr, day.finished_at)
        )
    return tr("Working since {time}", time=hhmm(tr, day.started_at))


async def day_view(ctx: Ctx, now: datetime | None = None) -> View:
    now = now or utcnow()
    current, stale = await timeman.today(ctx.session, ctx.me, now)
    user = await timeman._me(ctx.session, ctx.me)
    schedule = await timeman.schedule_of(ctx.session, user)
    # the small hours of a night shift not started yet are last night's
    today_ = await timeman.starting_date(ctx.session, user, schedule, now)
    # a day worked past midnight (a night shift) is still the day it started on
    shown = current.day if current is not None else today_
    planned_time = timeman_clock.planned_on(schedule, shown, user.timezone)
    planned = ctx.tr.duration(planned_time)
    lines: list[Any] = [bold(ctx.tr.s("Working day, {date}", date=_date(ctx.tr, shown)))]
    view = View()
    if stale is not None:
        end = timeman_clock.at_local(stale.day, schedule.end_minute, user.timezone)
        lines.append(
            ctx.tr(
                "Your day of {date} is still open (since {time}). Close it at {end} with a reason.",
                date=_date(ctx.tr, stale.day),
                time=hhmm(ctx.tr, stale.started_at),
                end=hhmm(ctx.tr, end),
            )
        )
        view.row(Button(ctx.tr.s("Close at {end}", end=hhmm(ctx.tr, end)), f"day:cp:{stale.id}"))
    if current is None:
        if schedule.works_on(today_):
            lines.append(
                ctx.tr(
                    "Not started yet. Planned: {planned}.",
                    planned=planned,
                )
            )
        elif schedule.day_off(today_) is None:
            lines.append(ctx.tr("Not started yet. Today is a day off by your schedule."))
        else:  # a team's holiday, an absence
            lines.append(ctx.tr("Not started yet."))
            lines.append(day_off_text(ctx.tr, schedule.day_off(today_)))
        if stale is None:
            view.row(Button(ctx.tr.s("▶ Start the day"), "day:s"))
    else:
        lines.append(_status_line(ctx.tr, current))
        lines.extend(_worked_lines(ctx.tr, schedule, current, now, planned_time, today_))
        if current.break_seconds:
            lines.append(
                ctx.tr(
                    "Breaks: {time}", time=ctx.tr.duration(timedelta(seconds=current.break_seconds))
                )
            )
        if current.status == "open":
            view.row(
                Button(ctx.tr.s("⏸ Break"), f"day:b:{current.id}"),
                Button(ctx.tr.s("⏹ Finish"), f"day:f:{current.id}"),
            )
        elif current.status == "paused":
            view.row(
                Button(ctx.tr.s("▶ Resume"), f"day:r:{current.id}"),
                Button(ctx.tr.s("⏹ Finish"), f"day:f:{current.id}"),
            )
        else:
            view.row(
                Button(ctx.tr.s("▶ Continue the day"), f"day:r:{current.id}"),
                Button(ctx.tr.s("Daily report"), f"tm:rp:{current.id}"),
            )
    view.row(
        Button(ctx.tr.s("Corrections"), "day:h:1"), Button(ctx.tr.s("Timesheet"), "ts:w:u:0:t")
    )
    waiting = await timeman_reports.waiting_reports(ctx.session, ctx.me, 1, 1)
    if waiting.total:  # a supervisor's reports to confirm
        view.row(Button(ctx.tr.s("Reports to confirm: {count}", count=waiting.total), "tr:l:1"))
    view.body = join_lines(lines)
    return view


def _worked_lines(
    tr: Translator,
    schedule: timeman.Schedule,
    day: WorkDay,
    now: datetime,
    planned: timedelta,
    today_: date,
) -> list[Markup]:
    """What the day has worked, of what it plans; a day that plans nothing (a day off)
    says what it is instead of "of 0 min"."""
    worked = tr.duration(timeman_clock.worked(day, now))
    if planned:
        return [tr("Worked: {worked} of {planned}", worked=worked, planned=tr.duration(planned))]
    lines = [tr("Worked: {worked}", worked=worked)]
    if day.day == today_ and not schedule.works_on(day.day):
        lines.append(day_off_text(tr, schedule.day_off(day.day)))
    return lines


def _date(tr: Translator, day: date) -> str:
    from babel.dates import format_date

    return format_date(day, "EEE d MMM", locale=tr.lang)


async def tell_supervisor(
    ctx: Ctx,
    correction: DayCorrection | None,
    violations: list[Violation],
    *,
    late_entry: bool = False,
) -> bool:
    """Tell whoever reviews the person's time; False when nobody does (a correction
    then stands as it is). `late_entry`: the correction is a start typed afterwards."""
    supervisor = await timeman_corrections.supervisor_of(ctx.session, ctx.me.user_id)
    if supervisor is not None:
        await _tell(ctx, supervisor, correction, violations, late_entry)
        return True
    if correction is None:
        return False  # violations go to a supervisor only
    reviewers = await timeman_corrections.reviewers_of(ctx.session, ctx.me.user_id)
    if not reviewers:
        await timeman_corrections.accept_unreviewed(ctx.session, correction)
        return False
    for admin in reviewers:
        await _tell(ctx, admin, correction, [], late_entry)
    return True


async def _tell(
    ctx: Ctx,
    boss: User,
    correction: DayCorrection | None,
    violations: list[Violation],
    late_entry: bool = False,
) -> None:
    name, zone = ctx.me.name, ctx.me.timezone
    if correction is not None:
        row = correction

        def build(tr: Translator) -> View:
            # the times as the person's clock read them, their zone named if not the reader's
            new = tr.when_there(row.new_value, zone)
            old = tr.when_there(row.old_value, zone) if row.old_value else "—"
            if late_entry:  # the old value is the moment it was typed, no earlier start
                body = tr(
                    "{person} entered the start of their day late: {new} (entered at {old}). "
                    "Reason: {reason}",
                    person=bold(name),
                    new=new,
                    old=old,
                    reason=row.reason,
                )
            else:
                field = tr.s("start") if row.field == "start" else tr.s("finish")
                body = tr(
                    "{person} corrected the {field} of their day to {new} (was {old}). Reason: {reason}",
                    person=bold(name),
                    field=field,
                    new=new,
                    old=old,
                    reason=row.reason,
                )
            view = View(body=body)
            view.row(
                Button(tr.s("Approve"), f"tm:a:{row.id}"), Button(tr.s("Reject"), f"tm:x:{row.id}")
            )
            return view

        await ctx.notify(boss.id, "approval", build, ref=f"daycor:{row.id}")
    for violation in violations:

        def build_v(tr: Translator, found: Violation = violation) -> View:
            return View(
                body=tr("{person}: {what}", person=bold(name), what=violation_text(tr, found))
            )

        await ctx.notify(boss.id, "status", build_v, ref=f"workday:{violation.day_id}")


async def _stop_timer(ctx: Ctx, until: datetime) -> list[Any]:
    """The person's task timer stops with their working day (finished, or a break), its
    time logged up to `until`: the lines that say so (none when no timer ran)."""
    from handlers.tasks_changes import stop_timers

    task = await tasks_timer.timer_running(ctx.session, ctx.me, until)
    if task is None:
        return []
    note = await stop_timers(ctx, task, [ctx.me.user_id], until)
    return [note, bold(task.title if len(task.title) <= 300 else task.title[:299] + "…")]


async def pause(ctx: Ctx, now: datetime, day_id: int | None = None) -> View:
    """A break: the day and its task timer pause (the timer's time so far is logged)."""
    await timeman.pause_day(ctx.session, ctx.me, now, day_id=day_id)
    stopped = await _stop_timer(ctx, now)
    view = await day_view(ctx, now)
    if stopped:
        view.body = join_lines([view.body, *stopped])
    return view


async def resume(ctx: Ctx, now: datetime, day_id: int | None = None) -> View:
    """Back from a break, or a finished day continues (its report, if sent, is a draft
    again)."""
    day, reopened = await timeman.resume_day(ctx.session, ctx.me, now, day_id=day_id)
    view = await day_view(ctx, now)
    said = await report_reopened(ctx, reopened, day)
    if said:
        view.body = join_lines([view.body, *said])
    return view


async def after_finish(
    ctx: Ctx, day: WorkDay, correction: DayCorrection | None, violations: list[Violation]
) -> list[View]:
    await tell_supervisor(ctx, correction, violations)
    end = day.finished_at or utcnow()
    stopped = await _stop_timer(ctx, end)  # before the report, which counts its time
    # a report sent while the day was open tells mid-day figures: a draft again
    reopened = await timeman.reopen_report(ctx.session, day)
    said = await report_reopened(ctx, reopened, day, finished=True)
    done = View(
        body=join_lines(
            [
                ctx.tr(
                    "Day finished: {start}–{end}, worked {worked}.",
                    start=hhmm(ctx.tr, day.started_at),
                    end=hhmm(ctx.tr, end),
                    worked=ctx.tr.duration(timeman_clock.worked(day, end)),
                ),
                *stopped,
                *said,
            ]
        )
    )
    return [done, await report_view(ctx, day.id)]


async def close_left_open(ctx: Ctx, stale: WorkDay, reason: str, now: datetime) -> list[View]:
    """A day left open is closed at its planned end (not now, a day later), with the
    reason; then today's card."""
    user = await timeman._me(ctx.session, ctx.me)
    end = await timeman.planned_finish(ctx.session, user, stale)
    day, correction, violations = await timeman.finish_day(
        ctx.session, ctx.me, at=min(end, now), reason=reason, day_id=stale.id, now=now
    )
    views = await after_finish(ctx, day, correction, violations)
    views.append(await day_view(ctx, now))
    return views
