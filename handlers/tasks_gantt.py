"""/gantt [group]: a PNG chart of a group's or the person's tasks, with finish-to-start
dependencies drawn as arrows."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx, Router
from handlers.i18n import N_, short_day
from handlers.markup import bold
from handlers.tasks_input import resolve_group
from handlers.views import Attachment, Button, View
from models.base import utcnow
from services import tasks, tasks_plan

router = Router(__name__)
ORDER = 54

COLORS = {
    tasks.IN_PROGRESS: "#2f80ed",
    tasks.AWAITING: "#9b51e0",
    tasks.PAUSED: "#f2994a",
    tasks.DEFERRED: "#bdbdbd",
}


def draw(
    rows: list[tuple[int, str, datetime, datetime, str, bool]],
    deps: list[tuple[int, int]],
    title: str,
    tz: str,
    now: datetime,
    lang: str = "en",
) -> bytes:
    """rows: (id, label, start, end, status, overdue) in UTC; returns PNG bytes. Days on
    the axis as the reader writes them ("27 Nov", «27 нояб.»), not a day.month of one
    country."""
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    zone = ZoneInfo(tz)
    height = max(2.5, 0.45 * len(rows) + 1.5)
    fig = Figure(figsize=(11, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    index = {}
    for y, (task_id, _label, start, end, status, overdue) in enumerate(rows):
        index[task_id] = y
        left = mdates.date2num(start.astimezone(zone).replace(tzinfo=None))
        right = mdates.date2num(end.astimezone(zone).replace(tzinfo=None))
        width = max(right - left, 1 / 24)
        color = "#eb5757" if overdue else COLORS.get(status, "#6fcf97")
        ax.barh(y, width, left=left, height=0.6, color=color)
    for pred, succ in deps:
        if pred in index and succ in index:
            p_row, s_row = rows[index[pred]], rows[index[succ]]
            x0 = mdates.date2num(p_row[3].astimezone(zone).replace(tzinfo=None))
            x1 = mdates.date2num(s_row[2].astimezone(zone).replace(tzinfo=None))
            ax.annotate(
                "",
                xy=(x1, index[succ]),
                xytext=(x0, index[pred]),
                arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 1.2},
            )
    ax.axvline(mdates.date2num(now.astimezone(zone).replace(tzinfo=None)), color="#eb5757", lw=1)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[1] for r in rows], fontsize=8)
    ax.invert_yaxis()
    # one tick a day at most (hourly ticks wrote "28 Nov" several times), ~10 in all
    low, high = ax.get_xlim()
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, round((high - low) / 10))))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: short_day(mdates.num2date(x), lang)))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


async def gantt_view(ctx: Ctx, group_id: int | None) -> View:
    found, deps = await tasks_plan.gantt_data(ctx.session, ctx.me, group_id)
    if group_id is not None:
        from services.access import get_visible_group

        group = await get_visible_group(ctx.session, ctx.me, group_id)
        title = ctx.tr.s("Gantt chart: {group}", group=group.name)
    else:
        title = ctx.tr.s("Gantt chart: my tasks")
    if not found:
        return View(body=ctx.tr("No open tasks with a deadline to chart."))
    now = utcnow()
    rows = []
    for task in found:
        assert task.deadline is not None
        start = task.start_at or task.created_at
        if start >= task.deadline:
            start = task.deadline - timedelta(hours=1)
        label = f"#{task.id} {task.title[:40]}"
        rows.append(
            (task.id, label, start, task.deadline, task.status, tasks.is_overdue(task, now))
        )
    png = await asyncio.to_thread(draw, rows, deps, title, ctx.me.timezone, now, ctx.tr.lang)
    view = View(
        body=[bold(title)],
        image=Attachment(name="gantt.png", content=png, mime="image/png"),
    )
    view.body.extend(
        ctx.tr("\nTasks: {count}; dependencies: {deps}.", count=str(len(rows)), deps=str(len(deps)))
    )
    view.row(Button(ctx.tr.s("Refresh"), f"gt:{group_id or 0}"))
    return view


@router.command(
    "gantt",
    help=N_("a Gantt chart of your or a group's tasks"),
    usage=N_("/gantt [#group]"),
    personal=True,
)
async def gantt_command(ctx: Ctx) -> Any:
    arg = ctx.args.strip()
    if arg:
        group_id: int | None = await resolve_group(ctx, arg.lstrip("#").strip('"'))
    else:
        bound = await ctx.chat_group()
        group_id = bound.id if bound is not None else None
    return await gantt_view(ctx, group_id)


@router.action("gt", personal=True)
async def gantt_action(ctx: Ctx) -> Any:
    group_id = ctx.int_arg(0)
    return await gantt_view(ctx, group_id or None)
