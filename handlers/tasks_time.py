"""/tasks time: the time logged on tasks today or this week, by a person or on a
group's tasks, a page at a time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx, Router, pager_row
from handlers.markup import Span, bold, cut, join_lines
from handlers.tasks_input import parse_person, resolve_group
from handlers.views import View
from models import db
from models.groups import Group
from models.teams import User
from services import tasks_time
from services.access import get_readable_group
from services.pagination import Page

router = Router(__name__)

TIME_WORDS = {"time", "время"}
WEEK_WORDS = {"week", "неделя", "неделю"}


async def time_view(ctx: Ctx, rest: str) -> View:
    """Time logged on tasks today or this week, by me or (supervisor, admin) @someone."""
    words = rest.split()
    week = any(w.casefold() in WEEK_WORDS for w in words)
    if "#" in rest:  # a group's: the time its people logged on its tasks
        name = rest.split("#", 1)[1].strip().strip('"')
        name = " ".join(w for w in name.split() if w.casefold() not in WEEK_WORDS)
        return await group_time_page(ctx, await resolve_group(ctx, name), week, 1)
    who = next((w for w in words if w.startswith("@")), None)
    user_id = ctx.me.user_id
    if who is not None:
        user_id = await parse_person(ctx, who)
    return await time_page(ctx, user_id, week, 1)


async def time_page(ctx: Ctx, user_id: int, week: bool, page_no: int) -> View:
    name, timezone = ctx.me.name, ctx.me.timezone
    if user_id != ctx.me.user_id:
        person = await db.get(ctx.session, User, user_id)
        name = person.name if person else "?"
        timezone = person.timezone if person else timezone
    # the person's own day and week, as their timesheet counts them
    start, end, period = _period(ctx, timezone, week)
    rows = await tasks_time.time_logged(ctx.session, ctx.me, user_id, start, end)
    total = sum(seconds for _t, seconds in rows)
    lines: list[Any] = [
        ctx.tr(
            "Time on tasks, {person}, {period}: {total}",
            person=bold(name),
            period=period,
            total=ctx.tr.duration(timedelta(seconds=total)),
        )
    ]
    page = Page.of(rows, page_no, TIME_PAGE)
    for task, seconds in page.items:
        title = task.title if len(task.title) <= 60 else task.title[:59] + "…"
        lines.append(
            [Span(f"• #{task.id} {title} — {ctx.tr.duration(timedelta(seconds=seconds))}")]
        )
    if not rows:
        lines.append(
            ctx.tr("Nothing logged yet. Start a timer on a task or type /task ID time 1h.")
        )
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, f"tt:{'w' if week else 'd'}:{user_id}"))
    return view


TIME_PAGE = 20  # tasks a page of /tasks time lists


def _period(ctx: Ctx, timezone: str, week: bool) -> tuple[datetime, datetime, str]:
    """Today or this week in a person's zone, as their timesheet counts them."""
    zone = ZoneInfo(timezone)
    today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=today.weekday()) if week else today
    end = (today.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
    return start, end, ctx.tr.s("this week") if week else ctx.tr.s("today")


async def group_time_page(ctx: Ctx, group_id: int, week: bool, page_no: int) -> View:
    """/tasks time #group: what each person logged on each of the group's tasks."""
    group: Group = await get_readable_group(ctx.session, ctx.me, group_id)
    start, end, period = _period(ctx, ctx.me.timezone, week)
    rows = await tasks_time.time_logged_in_group(ctx.session, ctx.me, group_id, start, end)
    total = sum(seconds for _t, _n, seconds in rows)
    lines: list[Any] = [
        ctx.tr(
            "Time on the tasks of {group}, {period}: {total}",
            group=bold(group.name),
            period=period,
            total=ctx.tr.duration(timedelta(seconds=total)),
        )
    ]
    page = Page.of(rows, page_no, TIME_PAGE)
    for task, name, seconds in page.items:
        spent = ctx.tr.duration(timedelta(seconds=seconds))
        lines.append(
            [Span(f"• #{task.id} {cut(task.title, 60)} — "), bold(name), Span(f" — {spent}")]
        )
    if not rows:
        lines.append(ctx.tr("Nothing logged on its tasks yet."))
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, f"tg:{'w' if week else 'd'}:{group_id}"))
    return view


@router.action("tg", personal=True)
async def group_time_action(ctx: Ctx) -> Any:
    """A page of /tasks time #group (checked again: tasks_time.time_logged_in_group)."""
    week = bool(ctx.action_args) and ctx.action_args[0] == "w"
    view = await group_time_page(ctx, ctx.int_arg(1), week, ctx.page_arg(2))
    view.edit = True
    return view


@router.action("tt", personal=True)
async def time_action(ctx: Ctx) -> Any:
    """A page of /tasks time (the access check is the same: tasks_time.time_logged)."""
    view = await time_page(
        ctx, ctx.int_arg(1), bool(ctx.action_args) and ctx.action_args[0] == "w", ctx.page_arg(2)
    )
    view.edit = True
    return view
