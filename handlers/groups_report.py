"""/groups report GROUP [period]: a group's report for a sprint or a project's review
(services.groups_report): tasks due in the period against those done, still open and
overdue, and per person the tasks done, open and overdue and the time logged on the
group's tasks. A project's covers all its time unless a period is named; a group's,
this week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx, Router, pager_row, text_page
from handlers.markup import Span, bold, join_lines
from handlers.periods import period_label
from handlers.views import Button, View
from models.groups import Group
from services import groups_report
from services.pagination import Page
from services.parsing_periods import ALL_TIME, Period, from_key, parse_period

router = Router(__name__)
REPORT_WORDS = {"report", "отчёт", "отчет"}


def _today(ctx: Ctx) -> Any:
    return datetime.now(UTC).astimezone(ZoneInfo(ctx.me.timezone)).date()


def default_period(ctx: Ctx, group: Group) -> Period:
    """A project's whole time; a group's week, in the reader's days."""
    if group.is_project:
        return ALL_TIME
    today = _today(ctx)
    return Period("w", today - timedelta(days=today.weekday()))


async def report_command(ctx: Ctx, group: Group, tail: str) -> View:
    """/groups report Sprint 12 [last week | November | all]."""
    period = parse_period(tail, _today(ctx)) if tail.strip() else default_period(ctx, group)
    view = await report_view(ctx, group.id, period, 1)
    ctx.for_me(view)
    return view


async def report_view(ctx: Ctx, group_id: int, period: Period, page_no: int) -> View:
    start, end = period.bounds(ctx.me.timezone)
    report = await groups_report.group_report(ctx.session, ctx.me, group_id, start, end)
    heading = ctx.tr(
        "Report of {group}, {period}",
        group=bold(report.group.name),
        period=period_label(ctx.tr, period),
    )
    lines: list[Any] = [
        ctx.tr(
            "Due in the period: {due}; done: {done}, on time: {on_time}",
            due=str(report.due),
            done=str(report.due_done),
            on_time=str(report.on_time),
        ),
        ctx.tr("Completed in the period: {count}", count=str(report.done)),
        ctx.tr(
            "Open now: {open}, overdue: {overdue}",
            open=str(report.open),
            overdue=str(report.overdue),
        ),
        ctx.tr(
            "Time logged on its tasks: {time}",
            time=ctx.tr.duration(timedelta(seconds=report.seconds)),
        ),
    ]
    for person in report.people:
        lines.append(
            [
                bold(person.name),
                Span(" — "),
                *ctx.tr(
                    "done: {done} · open: {open} · overdue: {overdue} · time: {time}",
                    done=str(person.done),
                    open=str(person.open),
                    overdue=str(person.overdue),
                    time=ctx.tr.duration(timedelta(seconds=person.seconds)),
                ),
            ]
        )
    piece, page, pages = text_page(join_lines(lines), page_no, limit=2900)
    view = View(body=join_lines([heading, piece]))
    base = f"grr:{group_id}"
    paging: Page[Any] = Page(items=[], page=page, pages=pages, total=pages)
    view.row(*pager_row(ctx, paging, f"{base}:{period.key}"))
    today = _today(ctx)
    monday = today - timedelta(days=today.weekday())
    choices = (
        (ctx.tr.s("This week"), Period("w", monday)),
        (ctx.tr.s("Last week"), Period("w", monday - timedelta(days=7))),
        (ctx.tr.s("This month"), Period("m", today.replace(day=1))),
        (ctx.tr.s("All time"), ALL_TIME),
    )
    view.row(
        *(
            Button(("• " if choice == period else "") + label, f"{base}:{choice.key}:1")
            for label, choice in choices
        )
    )
    view.row(Button(ctx.tr.s("Tasks of the group"), f"tl:g:{group_id}:1"))
    return view


@router.action("grr", personal=True)
async def report_action(ctx: Ctx) -> Any:
    """A period or a page of a group's report (checked again: group_to_report)."""
    key = ctx.action_args[1] if len(ctx.action_args) > 1 else "all"
    view = await report_view(ctx, ctx.int_arg(0), from_key(key), ctx.page_arg(2))
    view.edit = True
    return view
