"""/team holidays: the team's days off (public holidays, the New Year break) and working
days moved onto a weekend, which every schedule reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.i18n import Translator
from handlers.markup import Markup, Span, bold, join_lines
from handlers.timeman_away import split_date
from handlers.views import Button, View
from models.base import utcnow
from models.timeman import TeamDayOff
from services import timeman_clock, timeman_days_off
from services.errors import N_, DomainError
from services.parsing import parse_when
from services.parsing_days import find_day_range
from services.timeman_schedules import DayOff

router = Router(__name__)

WORDS = ("holidays", "holiday", "daysoff", "праздники", "выходные")
_ADD = ("add", "добавить")
_WORKING = ("workday", "working", "рабочий", "рабочая")
_REMOVE = ("remove", "delete", "убрать", "удалить")
_EXAMPLE = N_(
    "For example: /team holidays add 2027-01-01..2027-01-08 New Year holidays, "
    "/team holidays add 8 March, /team holidays workday 2027-02-20, "
    "/team holidays remove 2027-01-01"
)


def day_off_text(tr: Translator, off: DayOff | None) -> Markup:
    """Why today is not worked: the schedule's weekday, the team's holiday, an absence."""
    if off is None or off.working:
        return tr("Today is a day off by your schedule.")
    if off.away:
        return tr("You are away today.")
    if off.name:
        return tr("Today is a team day off: {name}.", name=off.name)
    return tr("Today is a team day off.")


def days_text(tr: Translator, row: TeamDayOff) -> str:
    """ "1 Jan 2027 – 8 Jan 2027" or "8 Mar 2027"."""
    if row.first_day == row.last_day:
        return tr.day(row.first_day)
    return f"{tr.day(row.first_day)} – {tr.day(row.last_day)}"


def _line(tr: Translator, row: TeamDayOff) -> str:
    if row.working:
        return tr.s("{days}: a working day {name}", days=days_text(tr, row), name=row.name)
    return f"{days_text(tr, row)} {row.name}"


async def days_off_list(ctx: Ctx, page_no: int) -> View:
    today = timeman_clock.local_date(utcnow(), ctx.me.timezone)
    page = await timeman_days_off.days_off(
        ctx.session, ctx.me, page_no, ctx.services.page_size, today
    )
    lines: list[Any] = [bold(ctx.tr.s("Team days off ({count})", count=page.total))]
    if not page.items:
        lines.append(
            ctx.tr(
                "No team days off yet. An admin adds them: "
                "/team holidays add 2027-01-01..2027-01-08 New Year holidays"
            )
        )
    view = View()
    for row in page.items:
        mark = "✓" if row.last_day < today else "•"  # over already
        lines.append([Span(f"{mark} {_line(ctx.tr, row)}".rstrip())])
        if ctx.me.is_admin:
            label = ctx.tr.s("Remove {days}", days=days_text(ctx.tr, row))
            view.row(Button(label, f"hol:x:{row.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "hol:l"))
    return view


async def days_off_command(ctx: Ctx, text: str) -> View:
    """/team holidays [add DAYS [NAME] | workday DAY [NAME] | remove DAY]."""
    verb, _, rest = text.strip().partition(" ")
    word = verb.casefold()
    if not word:
        return await days_off_list(ctx, 1)
    if word in _REMOVE:
        first, _last, _name = _days(ctx, rest)
        row = await timeman_days_off.day_off_on(ctx.session, ctx.me, first)
        await timeman_days_off.remove_day_off(ctx.session, ctx.me, row.id)
        said = ctx.tr(
            "Removed from the team's days: {days} {name}",
            days=days_text(ctx.tr, row),
            name=row.name,
        )
        return View(body=said).row(Button(ctx.tr.s("Team days off"), "hol:l:1"))
    if word not in _ADD and word not in _WORKING:
        raise DomainError(_EXAMPLE)
    first, last, name = _days(ctx, rest)
    try:
        row = await timeman_days_off.add_day_off(
            ctx.session, ctx.me, first, last, name, working=word in _WORKING
        )
    except timeman_days_off.DaysOffOverlap as taken:
        old = taken.existing
        return View(
            body=ctx.tr(
                taken.key,
                first=ctx.tr.day(old.first_day),
                last=ctx.tr.day(old.last_day),
                name=old.name,
            )
        ).row(Button(ctx.tr.s("Remove {days}", days=days_text(ctx.tr, old)), f"hol:x:{old.id}"))
    if row.working:
        said = ctx.tr(
            "{days} is a working day for the whole team now, whatever the schedules say.",
            days=days_text(ctx.tr, row),
        )
    elif row.first_day == row.last_day:
        said = ctx.tr(
            "{days} is a day off for the whole team now: no morning messages or report "
            "prompts, no free slots, and deadlines said without a time move to the next "
            "working day.",
            days=days_text(ctx.tr, row),
        )
    else:
        said = ctx.tr(
            "{days} are days off for the whole team now: no morning messages or report "
            "prompts, no free slots, and deadlines said without a time move to the next "
            "working day.",
            days=days_text(ctx.tr, row),
        )
    return View(body=said).row(Button(ctx.tr.s("Team days off"), "hol:l:1"))


def _days(ctx: Ctx, text: str) -> tuple[date, date, str]:
    """The days a text names and the name after them: "2027-01-01..2027-01-08 New
    Year", "1-8 января Новогодние каникулы", "8 марта", "2027-02-20"."""
    text = text.strip()
    if not text:
        raise DomainError(_EXAMPLE)
    days = find_day_range(text, ctx.me.timezone)
    if days is not None:
        return days.first, days.last, days.without(text)
    first_word, _, rest = text.partition(" ")
    try:  # "2027-02-23 Defender of the Fatherland Day" ("Day" reads as a date word)
        day = date.fromisoformat(first_word)
        return day, day, rest
    except ValueError:
        pass
    date_text, name = split_date(text)
    day = timeman_clock.local_date(
        parse_when(date_text, ctx.me.locale, ctx.me.timezone), ctx.me.timezone
    )
    return day, day, name


@router.action("hol", personal=True)
async def days_off_action(ctx: Ctx) -> View:
    verb = ctx.action_args[0] if ctx.action_args else "l"
    if verb == "x":
        await timeman_days_off.remove_day_off(ctx.session, ctx.me, ctx.int_arg(1))
        view = await days_off_list(ctx, 1)
    else:
        view = await days_off_list(ctx, ctx.page_arg(1))
    view.edit = True
    return view
