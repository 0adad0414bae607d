"""/timesheet: worked time, days and violations (text, CSV, bar chart)."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import STAFF, Ctx, Router, pager_row, text_page
from handlers.i18n import N_, Translator, short_day
from handlers.markup import Span, bold, join_lines
from handlers.views import Attachment, Button, View
from models.base import utcnow
from services import groups_report, timeman_clock, timeman_sheet
from services.errors import pN_
from services.parsing_days import midnight
from services.spreadsheet import csv_text, list_separator

router = Router(__name__)
ORDER = 62

WEEK = ("week", "w", "неделя", "неделю")
MONTH = ("month", "m", "месяц")
TEAM = ("team", "команда", "команды", "команду")  # the people one supervises
EVERYONE = ("all", "everyone", "все", "всех")  # the whole staff, for an admin
LAST = re.compile(
    r"\b(?:last|previous|прошл(?:ая|ую|ый|ом|ой)|предыдущ(?:ая|ую|ий))\b", re.IGNORECASE
)


def period(kind: str, today: date) -> tuple[date, date]:
    """w: this week, m: this month; lw, lm: the week or month before."""
    if kind == "lw":
        return period("w", today - timedelta(days=7))
    if kind == "lm":
        return period("m", today.replace(day=1) - timedelta(days=1))
    if kind == "m":
        first = today.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first, nxt - timedelta(days=1)
    first = today - timedelta(days=today.weekday())
    return first, first + timedelta(days=6)


def hours(seconds: int, lang: str = "en") -> str:
    """Decimal hours as the reader writes them: 7.8 in English, 7,8 in Russian."""
    from babel.numbers import format_decimal

    return str(format_decimal(round(seconds / 3600, 1), format="0.0", locale=lang))


async def _sheet(ctx: Ctx, kind: str, target: str, target_id: int) -> tuple[list[Any], date, date]:
    today = timeman_clock.local_date(utcnow(), ctx.me.timezone)
    first, last = period(kind, today)
    if target == "g":
        people = await timeman_sheet.sheet_people(ctx.session, ctx.me, group_id=target_id)
    elif target == "t":  # the people the reader supervises
        people = await timeman_sheet.sheet_people(ctx.session, ctx.me, team=True)
    elif target == "a":  # everyone on the staff (admins)
        people = await timeman_sheet.sheet_people(ctx.session, ctx.me, everyone=True)
    else:
        people = await timeman_sheet.sheet_people(
            ctx.session, ctx.me, user_id=target_id or ctx.me.user_id
        )
    rows = await timeman_sheet.timesheet(ctx.session, people, first, last)
    return rows, first, last


def _violations(tr: Translator, counts: dict[str, int]) -> str:
    names = {
        "late_start": tr.s("late starts"),
        "early_finish": tr.s("early finishes"),
        "short_day": tr.s("short days"),
        "left_open": tr.s("days left open"),
    }
    return ", ".join(f"{names.get(k, k)}: {v}" for k, v in sorted(counts.items()))


def sheet_text(
    tr: Translator, rows: list[Any], first: date, last: date, on_tasks: dict[int, int] | None = None
) -> list[Any]:
    """`on_tasks`: a group's timesheet, with the seconds each member logged on the
    group's tasks beside their working time (a working day is the person's, not the
    group's: it is said, so that 0 h there does not read as no work on the group)."""
    from babel.dates import format_date

    span = f"{format_date(first, 'd MMM', locale=tr.lang)} – {format_date(last, 'd MMM yyyy', locale=tr.lang)}"
    lines: list[Any] = [bold(tr.s("Timesheet, {period}", period=span))]
    if on_tasks is not None:
        lines.append(
            tr(
                "Working time is what each member clocked in, for all their work, not for "
                "this group alone; beside it, the time they logged on the group's tasks."
            )
        )
    for row in rows:
        line = [
            bold(row.user.name),
            Span(" — "),
            *tr.n(
                "{total} h in {n} day",
                "{total} h in {n} days",
                len(row.days),
                total=hours(row.total, tr.lang),
            ),
        ]
        if on_tasks is not None:
            spent = tr.duration(timedelta(seconds=on_tasks.get(row.user.id, 0)))
            line += [Span(" · "), *tr("{time} on the group's tasks", time=spent)]
        lines.append(line)
        if row.violations:
            lines.append(tr("Violations: {list}", list=_violations(tr, row.violations)))
        if len(rows) == 1:
            for day in sorted(row.days):
                label = format_date(day, "EEE d MMM", locale=tr.lang)
                worked = hours(row.days[day], tr.lang)
                said = (
                    tr.s(
                        "{day}: {total} h, not closed (counted to the planned end)",
                        day=label,
                        total=worked,
                    )
                    if day in row.left_open
                    else tr.s("{day}: {total} h", day=label, total=worked)
                )
                lines.append([Span("  " + said)])
    if not rows:
        lines.append(tr("Nobody to show."))
    return lines


def _clock(moment: datetime | None, day: date, tz: str) -> str:
    """A start or finish as the person's clock read it: "18:00", with its date when it
    is not the day's own ("2025-03-04 00:20" after working past midnight)."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(tz))
    return local.strftime("%H:%M") if local.date() == day else local.strftime("%Y-%m-%d %H:%M")


def _zone(moment: datetime, tz: str) -> str:
    """The zone a day's clock times are in, as its offset that day and its name:
    "UTC+3 (Europe/Moscow)", "UTC-4 (America/New_York)" in summer, "UTC+5" for a bare
    offset zone (whose POSIX name, Etc/GMT-5, would read backwards)."""
    offset = moment.astimezone(ZoneInfo(tz)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    hours_, rest = divmod(abs(minutes), 60)
    said = f"UTC{'-' if minutes < 0 else '+'}{hours_}" + (f":{rest:02d}" if rest else "")
    if tz == "UTC" or tz.startswith("Etc/"):
        return "UTC" if minutes == 0 else said
    return f"{said} ({tz})"


def sheet_csv(rows: list[Any], first: date, last: date, tr: Translator) -> bytes:
    """A line a day (start, finish, breaks, hours, in the person's clock, that clock's zone
    in a column of its own) and a total line per person; columns named in the reader's
    language. The zone is a column rather than an offset inside each time so that a
    spreadsheet still reads "09:00" as a time it can sort and subtract, while a
    supervisor in another zone sees whose clock it is."""
    locale = tr.lang
    lines: list[list[Any]] = []
    for row in rows:
        tz = row.user.timezone
        for day in sorted(d for d in row.days if first <= d <= last):
            span = row.spans[day]
            finished = span.finished_at if span.status == "closed" else None
            lines.append(
                [
                    row.user.name,
                    day.isoformat(),
                    _clock(span.started_at, day, tz),
                    _clock(finished, day, tz),
                    _zone(span.started_at, tz),
                    hours(span.break_seconds, locale),
                    hours(row.days[day], locale),
                    "",
                ]
            )
        total = tr.s("Total: {person}", person=row.user.name)
        lines.append(
            [total, "", "", "", "", "", hours(row.total, locale), _violations(tr, row.violations)]
        )
    header = [
        tr.s("Person"),
        tr.s("Date"),
        tr.s(pN_("a timesheet column", "Start")),
        tr.s(pN_("a timesheet column", "Finish")),
        tr.s(pN_("a timesheet column", "Time zone")),
        tr.s("Break hours"),
        tr.s("Hours worked"),
        tr.s("Violations"),
    ]
    return ("\ufeff" + csv_text(header, lines, list_separator(locale))).encode("utf-8")


def sheet_png(
    rows: list[Any], first: date, last: date, title: str, lang: str = "en", unit: str = "h"
) -> bytes:
    """Hours a day (one person) or in all (several) as bars; `unit`: the hours' axis
    label in the reader's language."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    axes = figure.add_subplot()
    if len(rows) == 1:
        days = []
        day = first
        while day <= last:
            days.append(day)
            day += timedelta(days=1)
        labels = [short_day(d, lang) for d in days]
        values = [rows[0].days.get(d, 0) / 3600 for d in days]
    else:
        labels = [row.user.name[:12] for row in rows]
        values = [row.total / 3600 for row in rows]
    positions = list(range(len(labels)))
    axes.bar(positions, values, color="#4a90d9")
    axes.set_xticks(positions, labels)
    axes.set_ylabel(unit)
    # hours count from 0; with none at all the axis is 0 to 1, not -0.04 to 0.04
    axes.set_ylim(bottom=0, top=None if any(values) else 1)
    axes.set_title(title)
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def sheet_view(
    ctx: Ctx, kind: str, target: str, target_id: int, fmt: str, page_no: int = 1
) -> View:
    rows, first, last = await _sheet(ctx, kind, target, target_id)
    base = f"ts:{kind}:{target}:{target_id}"
    if fmt == "c":
        view = View(body=ctx.tr("Timesheet as CSV."))
        view.file = Attachment(
            f"timesheet-{first.isoformat()}.csv",
            sheet_csv(rows, first, last, ctx.tr),
            "text/csv",
        )
        return view
    if fmt == "p":
        title = f"{ctx.tr.day(first)} – {ctx.tr.day(last)}"
        unit = ctx.tr.s(pN_("hours, on a chart's axis", "h"))
        png = await asyncio.to_thread(sheet_png, rows, first, last, title, ctx.tr.lang, unit)
        view = View(body=ctx.tr("Timesheet as a chart."))
        view.image = Attachment(f"timesheet-{first.isoformat()}.png", png, "image/png")
        return view
    on_tasks = None
    if target == "g":  # the time on the group's tasks, in the reader's days
        tz = ctx.me.timezone
        start, end = midnight(first, tz), midnight(last + timedelta(days=1), tz)
        on_tasks = await groups_report.group_time(ctx.session, ctx.me, target_id, start, end)
    # every page under the heading: "Timesheet, 3 Mar – 9 Mar 2025"
    heading, *lines = sheet_text(ctx.tr, rows, first, last, on_tasks)
    if target == "t" and not any(row.user.supervisor_id == ctx.me.user_id for row in rows):
        # an admin who supervises nobody asked for the team: the whole team is shown
        lines.insert(0, ctx.tr("Nobody reports to you directly, so this is the whole team."))
    piece, page, pages = text_page(join_lines(lines), page_no, limit=2900)
    view = View(body=join_lines([heading, piece]))
    if pages > 1:
        from services.pagination import Page

        view.row(*pager_row(ctx, Page(items=[], page=page, pages=pages, total=pages), f"{base}:t"))
    other = "m" if kind in ("w", "lw") else "w"
    view.row(
        Button(
            ctx.tr.s("Month") if other == "m" else ctx.tr.s("Week"),
            f"ts:{other}:{target}:{target_id}:t",
        ),
        Button("CSV", f"{base}:c"),
        Button(ctx.tr.s("Chart"), f"{base}:p"),
    )
    return view


@router.command(
    "timesheet",
    help=N_("worked time, days and violations"),
    usage=N_("/timesheet [week|month|last week|last month] [@person|#group|team|all]"),
    roles=STAFF,
    personal=True,
)
async def timesheet_command(ctx: Ctx) -> Any:
    kind, target, target_id = "w", "u", 0
    args, last = LAST.subn(" ", ctx.args)  # "last week", "прошлый месяц"
    words = args.split()
    rest: list[str] = []
    for word in words:
        if word.lower() in WEEK:
            kind = "lw" if last else "w"
        elif word.lower() in MONTH:
            kind = "lm" if last else "m"
        elif word.lower() in TEAM:
            target = "t"
        elif word.lower() in EVERYONE:
            target = "a"
        else:
            rest.append(word)
    if rest:
        text = " ".join(rest)
        if text.startswith("#"):
            from handlers.groups_input import resolve_group

            group, _tail = await resolve_group(ctx, text, to_read=True)
            target, target_id = "g", group.id
        else:
            from handlers.people import pick_person

            picked = await pick_person(ctx, text, lambda uid: f"ts:{kind}:u:{uid}:t")
            if isinstance(picked, View):
                return picked
            target_id = picked.id
    return await sheet_view(ctx, kind, target, target_id, "t")


@router.action("ts", personal=True)
async def timesheet_action(ctx: Ctx) -> Any:
    args = ctx.action_args
    if (
        len(args) < 4
        or args[0] not in ("w", "m", "lw", "lm")
        or args[1] not in ("u", "g", "t", "a")
        or args[3] not in "tcp"
    ):
        return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
    view = await sheet_view(ctx, args[0], args[1], ctx.int_arg(2), args[3], ctx.page_arg(4))
    view.edit = args[3] == "t"
    return view
