"""/away: absences, the days reminders stay silent."""

from __future__ import annotations

from typing import Any

from handlers.core import STAFF, Ctx, Router, pager_row
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.views import Button, View
from models.base import utcnow
from services import timeman_clock, timeman_reports
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import is_date_word, parse_when, refuse_no_such_date
from services.parsing_days import find_day_range

router = Router(__name__)
ORDER = 63


async def away_list(ctx: Ctx, page_no: int) -> View:
    today = timeman_clock.local_date(utcnow(), ctx.me.timezone)
    page = await timeman_reports.absences(
        ctx.session, ctx.me, page_no, ctx.services.page_size, today
    )
    lines: list[Any] = [bold(ctx.tr.s("Absences ({count})", count=page.total))]
    if not page.items:
        lines.append(ctx.tr("No absences planned. Add one: /away until DATE [reason]"))
    view = View()
    for row in page.items:
        lines.append(
            [
                Span(
                    f"• {ctx.tr.day(row.first_day)} – {ctx.tr.day(row.last_day)} {row.reason}".rstrip()
                )
            ]
        )
        view.row(
            Button(
                ctx.tr.s(
                    "Cancel {first} – {last}",
                    first=ctx.tr.day(row.first_day),
                    last=ctx.tr.day(row.last_day),
                ),
                f"aw:x:{row.id}",
            )
        )
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "aw:l"))
    return view


@router.command(
    "away",
    help=N_("mark an absence: reminders stay silent"),
    usage=N_("/away until DATE [reason] or /away 28.12-8.01 [reason]"),
    roles=STAFF,
    personal=True,
)
async def away_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if not text:
        return await away_list(ctx, 1)
    today = timeman_clock.local_date(utcnow(), ctx.me.timezone)
    word = text.partition(" ")[0].lower()
    until = word in ("until", "till", "до", "по")  # "/away until 10.12 training Dec 7-8 prep"
    days = None if until else find_day_range(text, ctx.me.timezone)
    if days is not None:  # planned ahead: "/away 28.12-8.01 vacation", "/away 1-5 июня"
        first, last, reason = days.first, days.last, days.without(text)
    else:
        word, _, rest = text.partition(" ")
        if word.lower() not in ("until", "till", "до", "по"):
            refuse_no_such_date(text)  # "/away 31.02": that, not how to write a date
            raise DomainError(_N("For example: /away until 31.12 vacation, or /away 28.12-8.01"))
        date_text, reason = split_date(rest)
        refuse_no_such_date(date_text)
        when = parse_when(date_text, ctx.me.locale, ctx.me.timezone)
        first, last = today, timeman_clock.local_date(when, ctx.me.timezone)
    try:
        row = await timeman_reports.add_absence(ctx.session, ctx.me, first, last, reason)
    except timeman_reports.AbsenceOverlap as taken:
        old = taken.existing
        since, end = ctx.tr.day(old.first_day), ctx.tr.day(old.last_day)
        return View(body=ctx.tr(taken.key, first=since, last=end)).row(
            Button(ctx.tr.s("Cancel {first} – {last}", first=since, last=end), f"aw:x:{old.id}")
        )
    if row.first_day > today:
        said = ctx.tr(
            "You are away from {first} to {last} inclusive. Reminders stay silent on those days.",
            first=ctx.tr.day(row.first_day),
            last=ctx.tr.day(row.last_day),
        )
    else:
        said = ctx.tr(
            "You are away until {date} inclusive. Reminders stay silent until then.",
            date=ctx.tr.day(row.last_day),
        )
    return View(body=said).row(Button(ctx.tr.s("Absences"), "aw:l:1"))


def split_date(text: str) -> tuple[str, str]:
    """'31.12 vacation at sea' -> ('31.12', 'vacation at sea'); a two-word date too."""
    words = text.split()
    if not words:
        raise DomainError(_N("For example: /away until 31.12 vacation, or /away 28.12-8.01"))
    for count in (3, 2):
        if len(words) >= count:
            candidate = " ".join(words[:count])
            last = words[count - 1]
            # "5 December", "31.12 18:00" are dates; "31.12 vacation" is a date and a reason
            if any(ch.isdigit() for ch in candidate) and (not last.isalpha() or is_date_word(last)):
                return candidate, " ".join(words[count:])
    return words[0], " ".join(words[1:])


@router.action("aw", personal=True)
async def away_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "l"
    if verb == "x":
        await timeman_reports.cancel_absence(ctx.session, ctx.me, ctx.int_arg(1))
        view = await away_list(ctx, 1)
        view.edit = True
        return view
    view = await away_list(ctx, ctx.page_arg(1))
    view.edit = True
    return view
