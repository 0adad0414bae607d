"""/gantt [group]: a PNG chart of a group's or the person's tasks, with finish-to-start
dependencies drawn as arrows."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx, Router
from handlers.i18n import N_, short_day
from handlers.markup import Markup, Span, bold, cut
from handlers.tasks_input import resolve_group
from handlers.views import Attachment, Button, View
from models.base import utcnow
from models.tasks import Task
from services import tasks, tasks_plan
from services.users import names_of

router = Router(__name__)
ORDER = 54

TALL = 15  # rows past which the dates are shown above the chart as well
DONE_COLOR, DONE_EDGE = "#e0e0e0", "#9e9e9e"
COLORS = {
    tasks.IN_PROGRESS: "#2f80ed",
    tasks.AWAITING: "#9b51e0",
    tasks.PAUSED: "#f2994a",
    tasks.DEFERRED: "#bdbdbd",
}


@dataclass
class Bar:
    """One row of the chart, its moments in UTC."""

    task_id: int
    label: str
    start: datetime
    end: datetime  # the deadline
    status: str
    overdue: bool
    done: bool = False  # completed: drawn grey and hatched, its arrows kept


@dataclass
class Marks:
    """The vertical lines and their words: now, and the project's deadline if it has one."""

    now: datetime
    today: str
    project_deadline: datetime | None = None
    project: str = ""


def draw(
    bars: list[Bar],
    deps: list[tuple[int, int]],
    title: str,
    tz: str,
    marks: Marks,
    lang: str = "en",
) -> bytes:
    """Returns PNG bytes. An overdue bar runs on to now, in red; now and the project's
    deadline are lines inside the frame. Days on the axis as the reader writes them
    ("27 Nov", «27 нояб.»), with the year when the chart crosses a new year."""
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    zone = ZoneInfo(tz)

    def num(moment: datetime) -> float:
        return float(mdates.date2num(moment.astimezone(zone).replace(tzinfo=None)))

    height = max(2.5, 0.45 * len(bars) + 1.5)
    fig = Figure(figsize=(11, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    index = {}
    now = num(marks.now)
    edges = [now]
    for y, bar in enumerate(bars):
        index[bar.task_id] = y
        left = num(bar.start)
        right = max(num(bar.end), now) if bar.overdue else num(bar.end)
        width = max(right - left, 1 / 24)
        if bar.done:
            ax.barh(
                y, width, left=left, height=0.6, color=DONE_COLOR, hatch="////", edgecolor=DONE_EDGE
            )
        else:
            color = "#eb5757" if bar.overdue else COLORS.get(bar.status, "#6fcf97")
            ax.barh(y, width, left=left, height=0.6, color=color)
        edges += [left, left + width]
    # arrows leaving at one moment (two tasks due together) would run down one line, as
    # if one task waited for the other: each bends its own way, from a dot at its start
    leaving: dict[float, int] = {}
    for pred, succ in sorted(d for d in deps if d[0] in index and d[1] in index):
        x = num(bars[index[pred]].end)
        bend = leaving[x] = leaving.get(x, -1) + 1
        ax.plot([x], [index[pred]], "o", color="#333333", markersize=3, zorder=4)
        ax.annotate(
            "",
            xy=(num(bars[index[succ]].start), index[succ]),
            xytext=(x, index[pred]),
            arrowprops={
                "arrowstyle": "->",
                "color": "#333333",
                "lw": 1.2,
                "connectionstyle": f"arc3,rad={0.15 + 0.15 * bend}",
            },
        )
    lines = [(now, "#eb5757", "-", marks.today)]
    if marks.project_deadline is not None:
        lines.append((num(marks.project_deadline), "#333333", "--", marks.project))
        edges.append(lines[-1][0])
    low, high = min(edges), max(edges)
    pad = max((high - low) * 0.03, 0.25)  # a line at the edge stays inside the frame
    ax.set_xlim(low - pad, high + pad)
    for x, color, style, word in lines:
        ax.axvline(x, color=color, lw=1.5, ls=style, zorder=3)
        # the word on the side of the line with more room, inside the frame
        side = "left" if x - low < high - x else "right"
        word = f" {word} " if side == "left" else f"{word} "
        ax.text(x, -0.7, word, color=color, fontsize=8, ha=side, va="center")
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([b.label for b in bars], fontsize=8)
    for bar, tick in zip(bars, ax.get_yticklabels(), strict=True):
        if bar.done:
            tick.set_color(DONE_EDGE)
    ax.set_ylim(len(bars) - 0.5, -0.8)  # top to bottom, with room for the lines' words
    # one tick a day at most (hourly ticks wrote "28 Nov" several times), ~10 in all
    years = {mdates.num2date(x).year for x in (low - pad, high + pad)} | {marks.now.year}
    ticks = 6 if len(years) > 1 else 10  # a day with its year is longer
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, round((high - low) / ticks))))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: short_day(mdates.num2date(x), lang, year=len(years) > 1))
    )
    ax.grid(axis="x", alpha=0.3)
    if len(bars) > TALL:  # a tall chart's top rows are dated too
        ax.tick_params(axis="x", top=True, labeltop=True)
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def in_tree_order(found: list[Task]) -> list[tuple[Task, int]]:
    """The tasks in their order (by deadline), each subtask on the chart right under its
    parent, with its depth."""
    ids = {task.id for task in found}
    children: dict[int, list[Task]] = {}
    for task in found:
        if task.parent_id in ids:
            children.setdefault(task.parent_id, []).append(task)
    out: list[tuple[Task, int]] = []

    def place(task: Task, depth: int) -> None:
        out.append((task, depth))
        for child in children.get(task.id, ()):
            place(child, depth + 1)

    for task in found:
        if task.parent_id not in ids:
            place(task, 0)
    return out


async def gantt_view(ctx: Ctx, group_id: int | None, done: bool = True) -> View:
    """A group's chart is the group's: in its own chat (/bind) everyone's there, posted
    to the chat (see Ctx.for_the_group); the person's own chart is theirs alone."""
    if group_id is None:
        view = await _chart(ctx, None, done)
        ctx.for_me(view)
        return view
    return await ctx.for_the_group(group_id, lambda _everyone: _chart(ctx, group_id, done))


async def _chart(ctx: Ctx, group_id: int | None, done: bool) -> View:
    """The chart with the tasks completed lately (grey, hatched), or without them; a
    button turns them off or on again."""
    found, deps, total = await tasks_plan.gantt_data(ctx.session, ctx.me, group_id, done=done)
    now = utcnow()
    marks = Marks(now=now, today=ctx.tr.s("today"))
    if group_id is not None:
        from services.access import get_readable_group

        group = await get_readable_group(ctx.session, ctx.me, group_id)
        title = ctx.tr.s("Gantt chart: {group}", group=group.name)
        if group.is_project and group.deadline is not None:
            marks.project_deadline = group.deadline
            marks.project = ctx.tr.s("project deadline")
    else:
        title = ctx.tr.s("Gantt chart: my tasks")
    toggle = (
        Button(ctx.tr.s("Hide completed"), f"gt:{group_id or 0}:o")
        if done
        else Button(ctx.tr.s("Show completed"), f"gt:{group_id or 0}")
    )
    if not found:
        if done:
            return View(body=ctx.tr("No tasks with a deadline to chart."))
        view = View(body=ctx.tr("No open tasks with a deadline to chart."))
        view.row(toggle)
        return view
    # a deadline years away would squeeze the others into a line (and past year 9999
    # no calendar can draw it): named below the chart, not drawn
    far = [t for t in found if t.deadline is not None and t.deadline > now + FARTHEST]
    found = [t for t in found if t not in far]
    total -= len(far)
    deps = [(a, b) for a, b in deps if all(t.id not in (a, b) for t in far)]
    if not found:
        return View(body=_far_off(ctx, far))
    names = await names_of(ctx.session, ctx.me, {t.responsible_id for t in found})
    bars = []
    for task, depth in in_tree_order(found):
        assert task.deadline is not None
        start = task.start_at or task.created_at
        if start >= task.deadline:
            start = task.deadline - timedelta(hours=1)
        who = names.get(task.responsible_id)
        label = f"#{task.id} {cut(task.title, 40)}" + (f" · {cut(who, 16)}" if who else "")
        label = "   " * depth + ("↳ " if depth else "") + label
        closed = not task.is_open
        late = not closed and tasks.is_overdue(task, now)
        bars.append(Bar(task.id, label, start, task.deadline, task.status, late, closed))
    png = await asyncio.to_thread(draw, bars, deps, title, ctx.tr.timezone, marks, ctx.tr.lang)
    view = View(
        body=[bold(title)],
        image=Attachment(name="gantt.png", content=png, mime="image/png"),
    )
    if total > len(bars):  # the rest is said, not dropped in silence
        view.body.extend(
            ctx.tr(
                "\nTasks: {count} of {total}, those due first; dependencies: {deps}.",
                count=str(len(bars)),
                total=str(total),
                deps=str(len(deps)),
            )
        )
    else:
        view.body.extend(
            ctx.tr(
                "\nTasks: {count}; dependencies: {deps}.",
                count=str(len(bars)),
                deps=str(len(deps)),
            )
        )
    if far:
        view.body.extend([Span("\n"), *_far_off(ctx, far)])
    undated = await tasks_plan.undated_open(ctx.session, ctx.me, group_id)
    if undated:
        view.body.extend(
            ctx.tr.n(
                "\nNot drawn, with no deadline: {n} open task.",
                "\nNot drawn, with no deadline: {n} open tasks.",
                undated,
            )
        )
    completed = sum(bar.done for bar in bars)
    if completed:
        view.body.extend(ctx.tr("\nCompleted: {count}, drawn in grey.", count=str(completed)))
    view.row(Button(ctx.tr.s("Refresh"), f"gt:{group_id or 0}{'' if done else ':o'}"), toggle)
    return view


FARTHEST = timedelta(days=5 * 366)


def _far_off(ctx: Ctx, far: list[Task]) -> Markup:
    return ctx.tr.n(
        "Not drawn, due more than five years ahead: {tasks}.",
        "Not drawn, due more than five years ahead: {tasks}.",
        len(far),
        tasks=", ".join(f"#{t.id} {cut(t.title, 40)}" for t in far[:10]),
    )


@router.command(
    "gantt",
    help=N_("a Gantt chart of your or a group's tasks"),
    usage=N_("/gantt [#group]"),
    lists=True,
)
async def gantt_command(ctx: Ctx) -> Any:
    arg = ctx.args.strip()
    if arg:
        group_id: int | None = await resolve_group(ctx, arg.lstrip("#").strip('"'))
    else:
        bound = await ctx.chat_group()
        group_id = bound.id if bound is not None else None
    return await gantt_view(ctx, group_id)


@router.action("gt", lists=True)
async def gantt_action(ctx: Ctx) -> Any:
    group_id = ctx.int_arg(0)
    only_open = ctx.action_args[1:2] == ["o"]
    return await gantt_view(ctx, group_id or None, done=not only_open)
