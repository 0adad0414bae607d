"""/day: the working day (start, break, resume, finish, late entries, corrections)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from handlers.common import unknown_action
from handlers.core import STAFF, Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import join_lines
from handlers.timeman_day import (
    after_finish,
    close_left_open,
    day_view,
    pause,
    resume,
    tell_supervisor,
)
from handlers.timeman_report import report_reopened, report_view
from handlers.timeman_team import history_view, reports_view
from handlers.views import View
from models.base import utcnow
from models.timeman import WorkDay
from services import timeman, timeman_clock, timeman_corrections, timeman_reports
from services.errors import N_ as _N
from services.errors import DomainError
from services.notifications_settings import parse_clock
from services.parsing_days import past_day
from services.parsing_said import spoken_hour

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
        at = None
        if minute is not None:  # "23:50" said at 00:30 of a night shift: last night's
            at = await timeman.said_start(ctx.session, ctx.me, minute, now)
        try:
            day, correction, violations = await timeman.start_day(
                ctx.session, ctx.me, at=at, reason=reason, now=now
            )
        except timeman.PreviousDayOpen:
            return await day_view(ctx, now)
        await tell_supervisor(ctx, correction, violations, late_entry=True)
        return await day_view(ctx, now)
    if verb == "break":
        return await pause(ctx, now)
    if verb == "resume":
        return await resume(ctx, now)
    if verb == "finish":
        minute, reason = split_clock(rest)
        at = None
        current = await timeman.open_day(ctx.session, ctx.me.user_id)
        if current is not None and timeman.left_open(current, now, tz) and minute is None:
            # not "now", a day later: closed at its planned end, as the card's button does
            if not reason:
                return await ctx.start_form("day_close", {"day_id": current.id})
            return await close_left_open(ctx, current, reason, now)
        if minute is not None:
            if current is not None:
                at = _finish_at(current, minute, tz)
                if not reason and timeman.left_open(current, now, tz):
                    raise DomainError(
                        _N("Say why the day was left open: /day finish {time} REASON"),
                        time=f"{minute // 60:02d}:{minute % 60:02d}",
                    )
            else:
                at = timeman_clock.at_local(timeman_clock.local_date(now, tz), minute, tz)
        day, correction, violations = await timeman.finish_day(
            ctx.session, ctx.me, at=at, reason=reason, now=now
        )
        return await after_finish(ctx, day, correction, violations)
    if verb == "fix":
        # "/day fix [04.03] start|finish TIME REASON": a date names an earlier day
        on, rest = _said_day(rest, timeman_clock.local_date(now, tz))
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
        fixed = await timeman_corrections.my_day(ctx.session, ctx.me, on)
        if field == "finish":
            value = _finish_at(fixed, minute, tz)
        else:
            value = timeman_clock.at_local(fixed.day, minute, tz)
        day, correction, reopened = await timeman_corrections.correct(
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
        on, rest = _said_day(rest, timeman_clock.local_date(now, tz))
        if rest.strip():  # "/day report @Пётр": not a word of it is ignored silently
            raise DomainError(
                _N(
                    "/day report is your own report: /day report, or of an earlier day "
                    "/day report 03.03. Someone else's days: /timesheet @person"
                )
            )
        if on is not None:
            return await report_view(
                ctx, (await timeman_corrections.my_day(ctx.session, ctx.me, on)).id
            )
        last = await timeman_reports.latest_day(ctx.session, ctx.me)
        if last is None:
            raise DomainError(_N("Your day has not started. Send /day start."))
        return await report_view(ctx, last.id)
    raise unknown_action(word, "day")


def _finish_at(day: WorkDay, minute: int, tz: str) -> datetime:
    """A finish said as a clock time, on the day's date; one not after the start is the
    next morning's ("/day finish 00:20" after working past midnight)."""
    at = timeman_clock.at_local(day.day, minute, tz)
    if at <= day.started_at:
        at = timeman_clock.at_local(day.day + timedelta(days=1), minute, tz)
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
        view = await pause(ctx, now, ctx.int_arg(1))
        view.edit = True
        return view
    if verb == "r":
        view = await resume(ctx, now, ctx.int_arg(1))
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
        return await after_finish(ctx, day, correction, violations)
    if verb == "sc":  # a schedule change's notice: the person's schedule
        from handlers.timeman_schedule import person_schedule_view

        return await person_schedule_view(ctx, ctx.int_arg(1))
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
    return await close_left_open(ctx, stale, values["reason"], now)


router.form(
    Form(
        name="day_close",
        title=N_("Close the previous day"),
        fields=[Field("reason", N_("Why was the day left open?"), _parse_reason, max_length=500)],
        submit=_submit_close,
    )
)
