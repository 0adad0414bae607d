"""What a supervisor sees of their people's time: someone's corrections
(/day history @person) and the daily reports waiting for their confirmation
(/day reports). The timesheet of their people is /timesheet team."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.markup import Span, bold, join_lines
from handlers.timeman_report import review_card
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.teams import User
from models.timeman import WorkDay
from services import timeman_corrections, timeman_reports
from services.errors import not_found

router = Router(__name__)
ORDER = 63


async def history_view(ctx: Ctx, page_no: int, user_id: int | None = None) -> View:
    """A person's corrections: the reader's own, or (as supervisor or admin) someone's,
    their times as that person's clock read them."""
    person = await db.get(ctx.session, User, user_id or ctx.me.user_id)
    if person is None:
        raise not_found()
    page = await timeman_corrections.corrections(
        ctx.session, ctx.me, person.id, page_no, ctx.services.page_size
    )
    own = person.id == ctx.me.user_id
    title = (
        ctx.tr.s("Corrections ({count})", count=page.total)
        if own
        else ctx.tr.s("Corrections of {person} ({count})", person=person.name, count=page.total)
    )
    lines: list[Any] = [bold(title)]
    if not page.items:
        lines.append(ctx.tr("No corrections yet."))
    states = {
        "pending": ctx.tr.s("waiting for approval"),
        "approved": ctx.tr.s("approved"),
        "rejected": ctx.tr.s("rejected"),
    }
    for row in page.items:
        field = ctx.tr.s("start") if row.field == "start" else ctx.tr.s("finish")
        lines.append(
            [
                Span("• "),
                *ctx.tr(
                    "{field}: {new} (was {old}) — {state}. {reason}",
                    field=field,
                    new=ctx.tr.when_there(row.new_value, person.timezone),
                    old=ctx.tr.when_there(row.old_value, person.timezone) if row.old_value else "—",
                    state=states.get(row.status, row.status),
                    reason=row.reason,
                ),
            ]
        )
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, "day:h" if own else f"tr:h:{person.id}"))
    if own:
        view.row(Button(ctx.tr.s("Back"), "day:v"))
    return view


async def reports_view(ctx: Ctx, page_no: int) -> View:
    """The daily reports sent to the reader and not confirmed yet, each opened by its
    button."""
    page = await timeman_reports.waiting_reports(
        ctx.session, ctx.me, page_no, ctx.services.page_size
    )
    lines: list[Any] = [
        bold(ctx.tr.s("Reports waiting for your confirmation ({count})", count=page.total))
    ]
    if not page.items:
        lines.append(ctx.tr("No reports are waiting for you."))
    view = View()
    for report, name, day in page.items:
        said = ctx.tr.s("{person}, {date}", person=name, date=ctx.tr.day(day))
        lines.append([Span("• " + said)])
        view.row(Button(said[:60], f"tr:o:{report.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "tr:l"))
    return view


async def open_report(ctx: Ctx, report_id: int) -> View:
    """A report sent to the reader, with Confirm and Comment."""
    report = await timeman_reports.get_report(ctx.session, ctx.me, report_id)
    author = await db.get(ctx.session, User, report.user_id)
    day = await ctx.session.get(WorkDay, report.day_id)
    if author is None or day is None or author.id == ctx.me.user_id or report.sent_at is None:
        raise not_found()
    facts = await timeman_reports.day_facts(ctx.session, author, day, utcnow())
    view = review_card(ctx.tr, report, facts, author.name)
    if report.status != "sent":  # confirmed since, or taken back: no buttons to press
        view.buttons = []
    view.row(Button(ctx.tr.s("Reports waiting"), "tr:l:1"))
    return view


@router.action("tr", personal=True)
async def team_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "h":  # someone's corrections, a page of them
        view = await history_view(ctx, ctx.page_arg(2), ctx.int_arg(1))
    elif verb == "l":
        view = await reports_view(ctx, ctx.page_arg(1))
    elif verb == "o":
        return await open_report(ctx, ctx.int_arg(1))
    else:
        return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
    view.edit = True
    return view
