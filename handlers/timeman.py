"""/day: the working day (start, break, resume, finish, late entries, corrections)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from handlers.common import unknown_action
from handlers.core import STAFF, Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Markup, bold, join_lines
from handlers.timeman_report import report_reopened, report_view, violation_text
from handlers.timeman_team import history_view, reports_view
from handlers.views import Button, View
from models.base import utcnow
from models.teams import User
from models.timeman import DayCorrection, Violation, WorkDay
from services import timeman, timeman_reports
from services.errors import N_ as _N
from services.errors import DomainError
from services.notifications import parse_clock
from services.parsing import spoken_hour
from services.parsing_days import past_day

router = Router(__name__)
ORDER = 60

CLOCK = re.compile(r"^\s*(\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?(?![\w]))?)\s*(.*)$", re.S | re.I)
# an hour with its part of the day: "9 утра", "6 вечера", "6 pm" (a bare "9" is no time)
SPOKEN_CLOCK = re.compile(r"^\s*(\d{1,2})\s*(утра|дня|вечера|ночи|am|pm)\b\s*(.*)$", re.S | re.I)
WORDS = {
    "start": ("start", "begin", "начать", "старт", "начало"),
    "break": ("break", "pause", "перерыв", "пауза"),
    "resume": ("resume", "continue", "продолжить", "вернуться"),
    "finish": ("finish", "end", "stop", "закончить", "завершить", "конец"),
    "fix": ("fix", "correct", "исправить", "корректировка"),
    "history": ("history", "история"),
    "report": ("report", "отчёт", "отчет"),
    "reports": ("reports", "отчёты", "отчеты"),
    "schedule": ("schedule", "график", "расписание"),
}


def _verb(word: str) -> str | None:
    word = word.lower()
    for verb, names in WORDS.items():
        if word in names:
            return verb
    return None


def split_clock(text: str) -> tuple[int | None, str]:
    """'09:10 forgot' -> (550, 'forgot'); '9 утра пробки', '6 pm' -> the hour said;
    no time at the start -> (None, text)."""
    match = CLOCK.match(text)
    if match:
        return parse_clock(match.group(1)), match.group(2).strip()
    spoken = SPOKEN_CLOCK.match(text)
    if spoken:
        hour = spoken_hour(int(spoken.group(1)), spoken.group(2))
        if hour is not None:
            return hour * 60, spoken.group(3).strip()
    return None, text.strip()


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
    today_ = timeman.local_date(now, user.timezone)
    # a day worked past midnight (a night shift) is still the day it started on
    shown = current.day if current is not None else today_
    lines: list[Any] = [bold(ctx.tr.s("Working day, {date}", date=_date(ctx.tr, shown)))]
    view = View()
    if stale is not None:
        end = timeman.at_local(stale.day, schedule.end_minute, user.timezone)
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
                    planned=ctx.tr.duration(schedule.planned),
                )
            )
        else:
            lines.append(ctx.tr("Not started yet. Today is a day off by your schedule."))
        if stale is None:
            view.row(Button(ctx.tr.s("▶ Start the day"), "day:s"))
    else:
        lines.append(_status_line(ctx.tr, current))
        lines.append(
            ctx.tr(
                "Worked: {worked} of {planned}",
                worked=ctx.tr.duration(timeman.worked(current, now)),
                planned=ctx.tr.duration(schedule.planned),
            )
        )
        if current.break_seconds:
            from datetime import timedelta

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
    supervisor = await timeman.supervisor_of(ctx.session, ctx.me.user_id)
    if supervisor is not None:
        await _tell(ctx, supervisor, correction, violations, late_entry)
        return True
    if correction is None:
        return False  # violations go to a supervisor only
    reviewers = await timeman.reviewers_of(ctx.session, ctx.me.user_id)
    if not reviewers:
        await timeman.accept_unreviewed(ctx.session, correction)
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
    from handlers.tasks_more import stop_timers
    from services import tasks_work

    task = await tasks_work.timer_running(ctx.session, ctx.me, until)
    if task is None:
        return []
    note = await stop_timers(ctx, task, [ctx.me.user_id], until)
    return [note, bold(task.title if len(task.title) <= 300 else task.title[:299] + "…")]


async def _pause(ctx: Ctx, now: datetime, day_id: int | None = None) -> View:
    """A break: the day and its task timer pause (the timer's time so far is logged)."""
    await timeman.pause_day(ctx.session, ctx.me, now, day_id=day_id)
    stopped = await _stop_timer(ctx, now)
    view = await day_view(ctx, now)
    if stopped:
        view.body = join_lines([view.body, *stopped])
    return view


async def _resume(ctx: Ctx, now: datetime, day_id: int | None = None) -> View:
    """Back from a break, or a finished day continues (its report, if sent, is a draft
    again)."""
    day, reopened = await timeman.resume_day(ctx.session, ctx.me, now, day_id=day_id)
    view = await day_view(ctx, now)
    said = await report_reopened(ctx, reopened, day)
    if said:
        view.body = join_lines([view.body, *said])
    return view


async def _after_finish(
    ctx: Ctx, day: WorkDay, correction: DayCorrection | None, violations: list[Violation]
) -> list[View]:
    await tell_supervisor(ctx, correction, violations)
    end = day.finished_at or utcnow()
    stopped = await _stop_timer(ctx, end)  # before the report, which counts its time
    done = View(
        body=join_lines(
            [
                ctx.tr(
                    "Day finished: {start}–{end}, worked {worked}.",
                    start=hhmm(ctx.tr, day.started_at),
                    end=hhmm(ctx.tr, end),
                    worked=ctx.tr.duration(timeman.worked(day, end)),
                ),
                *stopped,
            ]
        )
    )
    return [done, await report_view(ctx, day.id)]


@router.command(
    "day",
    help=N_("your working day: start, break, finish, report"),
    usage=N_(
        "/day [start [09:10 REASON]|break|resume|finish [18:00 REASON]|fix [DATE] start|finish TIME REASON|history [@person]|report [DATE]|reports|schedule]"
    ),
    roles=STAFF,
    personal=True,
)
async def day_command(ctx: Ctx) -> Any:
    word, _, rest = ctx.args.strip().partition(" ")
    if not word:
        return await day_view(ctx)
    verb = _verb(word)
    now = utcnow()
    tz = ctx.me.timezone
    if verb == "start":
        minute, reason = split_clock(rest)
        at = (
            timeman.at_local(timeman.local_date(now, tz), minute, tz)
            if minute is not None
            else None
        )
        try:
            day, correction, violations = await timeman.start_day(
                ctx.session, ctx.me, at=at, reason=reason, now=now
            )
        except timeman.PreviousDayOpen:
            return await day_view(ctx, now)
        await tell_supervisor(ctx, correction, violations, late_entry=True)
        return await day_view(ctx, now)
    if verb == "break":
        return await _pause(ctx, now)
    if verb == "resume":
        return await _resume(ctx, now)
    if verb == "finish":
        minute, reason = split_clock(rest)
        at = None
        current = await timeman.open_day(ctx.session, ctx.me.user_id)
        if current is not None and timeman.left_open(current, now, tz) and minute is None:
            # not "now", a day later: closed at its planned end, as the card's button does
            if not reason:
                return await ctx.start_form("day_close", {"day_id": current.id})
            return await _close_left_open(ctx, current, reason, now)
        if minute is not None:
            if current is not None:
                at = _finish_at(current, minute, tz)
                if not reason and timeman.left_open(current, now, tz):
                    raise DomainError(
                        _N("Say why the day was left open: /day finish {time} REASON"),
                        time=f"{minute // 60:02d}:{minute % 60:02d}",
                    )
            else:
                at = timeman.at_local(timeman.local_date(now, tz), minute, tz)
        day, correction, violations = await timeman.finish_day(
            ctx.session, ctx.me, at=at, reason=reason, now=now
        )
        return await _after_finish(ctx, day, correction, violations)
    if verb == "fix":
        # "/day fix [04.03] start|finish TIME REASON": a date names an earlier day
        on, rest = _said_day(rest, timeman.local_date(now, tz))
        which, _, tail = rest.strip().partition(" ")
        field = {"start": "start", "начало": "start", "finish": "finish", "конец": "finish"}.get(
            which.lower()
        )
        minute, reason = split_clock(tail)
        if field is None or minute is None:
            raise DomainError(
                _N(
                    "For example: /day fix start 09:00 traffic, /day fix finish 18:30 "
                    "forgot to clock out, or for an earlier day /day fix 03.03 finish 17:30 "
                    "left for the doctor"
                )
            )
        fixed = await timeman.my_day(ctx.session, ctx.me, on)
        if field == "finish":
            value = _finish_at(fixed, minute, tz)
        else:
            value = timeman.at_local(fixed.day, minute, tz)
        day, correction, reopened = await timeman.correct(
            ctx.session, ctx.me, field, value, reason, now, on=fixed.day
        )
        if await tell_supervisor(ctx, correction, []):
            saved = ctx.tr("Correction saved and sent to your supervisor for approval.")
        else:
            saved = ctx.tr("Correction saved. Nobody reviews your time, so it stands.")
        return View(body=join_lines([saved, *await report_reopened(ctx, reopened, day)]))
    if verb == "history":  # "/day history @Anna": hers, for her supervisor or an admin
        if not rest.strip():
            return await history_view(ctx, 1)
        from handlers.people import pick_person

        picked = await pick_person(ctx, rest, lambda uid: f"tr:h:{uid}:1")
        return picked if isinstance(picked, View) else await history_view(ctx, 1, picked.id)
    if verb == "reports":  # the reports waiting for my confirmation
        return await reports_view(ctx, 1)
    if verb == "schedule":
        from handlers.timeman_schedule import schedule_command

        return await schedule_command(ctx, rest)
    if verb == "report":
        # "/day report 03.03", "/day report yesterday": the report of an earlier day
        on, rest = _said_day(rest, timeman.local_date(now, tz))
        if rest.strip():  # "/day report @Пётр": not a word of it is ignored silently
            raise DomainError(
                _N(
                    "/day report is your own report: /day report, or of an earlier day "
                    "/day report 03.03. Someone else's days: /timesheet @person"
                )
            )
        if on is not None:
            return await report_view(ctx, (await timeman.my_day(ctx.session, ctx.me, on)).id)
        last = await timeman_reports.latest_day(ctx.session, ctx.me)
        if last is None:
            raise DomainError(_N("Your day has not started. Send /day start."))
        return await report_view(ctx, last.id)
    raise unknown_action(word, "day")


def _finish_at(day: WorkDay, minute: int, tz: str) -> datetime:
    """A finish said as a clock time, on the day's date; one not after the start is the
    next morning's ("/day finish 00:20" after working past midnight)."""
    at = timeman.at_local(day.day, minute, tz)
    if at <= day.started_at:
        at = timeman.at_local(day.day + timedelta(days=1), minute, tz)
    return at


def _said_day(text: str, today: date) -> tuple[date | None, str]:
    """'03.03 finish 17:30 …' -> (3 Mar, 'finish 17:30 …'); no day first -> (None, text)."""
    word, _, rest = text.strip().partition(" ")
    on = past_day(word, today) if word else None
    return (on, rest) if on is not None else (None, text)


@router.action("day", personal=True)
async def day_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "v"
    now = utcnow()
    if verb == "v":
        view = await day_view(ctx, now)
        view.edit = True
        return view
    if verb == "s":
        try:
            _day, correction, violations = await timeman.start_day(ctx.session, ctx.me, now=now)
        except timeman.PreviousDayOpen:
            return await day_view(ctx, now)
        await tell_supervisor(ctx, correction, violations)
        view = await day_view(ctx, now)
        view.edit = True
        return view
    # Break, Resume, Continue and Finish act on the day they were shown for
    if verb == "b":
        view = await _pause(ctx, now, ctx.int_arg(1))
        view.edit = True
        return view
    if verb == "r":
        view = await _resume(ctx, now, ctx.int_arg(1))
        view.edit = True
        return view
    if verb in ("f", "cp"):
        day_id = ctx.int_arg(1)
        current = await timeman.open_day(ctx.session, ctx.me.user_id)
        if verb == "cp" or (
            current is not None and timeman.left_open(current, now, ctx.me.timezone)
        ):  # a day left open (the report prompt's Finish too) is closed through the form
            if current is None or current.id != day_id:
                raise DomainError(_N("This button is out of date. Open the list again."))
            return await ctx.start_form("day_close", {"day_id": day_id})
        day, correction, violations = await timeman.finish_day(
            ctx.session, ctx.me, day_id=day_id, now=now
        )
        return await _after_finish(ctx, day, correction, violations)
    if verb == "h":
        view = await history_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _parse_reason(_ctx: Ctx, raw: str) -> str:
    return timeman.clean_reason(raw)


async def _submit_close(ctx: Ctx, values: dict[str, Any]) -> list[View]:
    now = utcnow()
    stale = await timeman.open_day(ctx.session, ctx.me.user_id)
    if stale is None or stale.id != int(values["day_id"]):
        raise DomainError(_N("This button is out of date. Open the list again."))
    return await _close_left_open(ctx, stale, values["reason"], now)


async def _close_left_open(ctx: Ctx, stale: WorkDay, reason: str, now: datetime) -> list[View]:
    """A day left open is closed at its planned end (not now, a day later), with the
    reason; then today's card."""
    user = await timeman._me(ctx.session, ctx.me)
    end = await timeman.planned_finish(ctx.session, user, stale)
    day, correction, violations = await timeman.finish_day(
        ctx.session, ctx.me, at=min(end, now), reason=reason, day_id=stale.id, now=now
    )
    views = await _after_finish(ctx, day, correction, violations)
    views.append(await day_view(ctx, now))
    return views


router.form(
    Form(
        name="day_close",
        title=N_("Close the previous day"),
        fields=[Field("reason", N_("Why was the day left open?"), _parse_reason, max_length=500)],
        submit=_submit_close,
    )
)
