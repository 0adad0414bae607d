"""A task's history and its time entries, panels of their own under More; deleting a
checklist item or a time entry is asked first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span, bold, italic, join_lines
from handlers.tasks_panels import checklist_view
from handlers.tasks_shared import changed
from handlers.tasks_views import read_only
from handlers.views import Button, View
from services import tasks, tasks_history, tasks_timer, tasks_work
from services.tasks_history import ITEM_DELETED, ITEM_DONE, ITEM_UNDONE, TIME_CHANGED, TIME_DELETED

router = Router(__name__)

HISTORY_TEXT = {
    ITEM_DONE: N_("{person} ticked the item “{text}”."),
    ITEM_UNDONE: N_("{person} unticked the item “{text}”."),
    ITEM_DELETED: N_("{person} deleted the item “{text}”."),
    TIME_CHANGED: N_("{person} changed a time entry: {old} → {new}."),
    TIME_DELETED: N_("{person} deleted a time entry of {time}."),
}


def _length(ctx: Ctx, seconds: str) -> str:
    return ctx.tr.duration(timedelta(seconds=int(seconds))) if seconds.isdigit() else seconds


async def history_view(ctx: Ctx, task_id: int, page_no: int = 1) -> View:
    page = await tasks_history.history(ctx.session, ctx.me, task_id, page=page_no)
    lines: list[Any] = [ctx.tr("History of #{id}", id=str(task_id))]
    if not page.items:
        lines.append(ctx.tr("Nothing has happened here yet."))
    for row, name in page.items:
        old, _, new = row.detail.partition(":")
        said = ctx.tr(
            HISTORY_TEXT.get(row.kind, "{person}: {text}"),
            person=bold(name or "—"),
            text=row.detail,
            old=_length(ctx, old),
            new=_length(ctx, new),
            time=_length(ctx, row.detail),
        )
        lines.append([Span(ctx.tr.when(row.created_at) + " · "), *said])
    view = View(body=join_lines(lines), ref=f"task:{task_id}", edit=True)
    view.row(*pager_row(ctx, page, f"t:hi:{task_id}"))
    view.row(Button(ctx.tr.s("Back"), f"t:m:{task_id}"))
    return view


async def time_view(ctx: Ctx, task_id: int, page_no: int = 1) -> View:
    """Every entry: who, when, how long, the comment; who may, corrects or deletes it."""
    total, _ = await tasks_timer.task_time(ctx.session, ctx.me, task_id)
    page = await tasks_history.time_entries(ctx.session, ctx.me, task_id, page=page_no)
    lines: list[Any] = [
        ctx.tr(
            "Time on #{id}: {time}",
            id=str(task_id),
            time=ctx.tr.duration(timedelta(seconds=total)),
        )
    ]
    if not page.items:
        lines.append(ctx.tr("No time logged yet."))
    view = View(body=[], ref=f"task:{task_id}", edit=True)
    # an archived group's entries are read, not corrected
    locked = await read_only(ctx, await tasks.get_task(ctx.session, ctx.me, task_id))
    first = (page.page - 1) * 5 + 1
    for number, (entry, name) in enumerate(page.items, start=first):
        lines.append(
            [
                Span(f"{number}. "),
                bold(name),
                Span(
                    " · "
                    + ctx.tr.when(entry.started_at)
                    + " · "
                    + ctx.tr.duration(timedelta(seconds=entry.seconds))
                ),
            ]
        )
        if entry.comment:
            lines.append([italic(entry.comment)])
        if not locked and await tasks_history.may_correct(ctx.session, ctx.me, entry):
            view.row(
                Button(ctx.tr.s("Change {n}", n=str(number)), f"t:te:{entry.id}"),
                Button(ctx.tr.s("Delete {n}", n=str(number)), f"t:tr:{entry.id}"),
            )
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"t:tl:{task_id}"))
    view.row(Button(ctx.tr.s("Back"), f"t:m:{task_id}"))
    return view


def _ask(view: View, question: list[Any], yes: str, no: str, ctx: Ctx) -> View:
    """The panel with a question over it and only Yes / No to press."""
    view.body = [*question, Span("\n\n"), *view.body]
    view.buttons = [[Button(ctx.tr.s("Yes, delete"), yes), Button(ctx.tr.s("No"), no)]]
    return view


async def pressed(ctx: Ctx, verb: str) -> Any:
    """The buttons of these panels; None for any other verb."""
    if verb == "cd":  # ✖ beside a checklist item: asked first
        item = await tasks_work.get_item(ctx.session, ctx.me, ctx.int_arg(1))
        view = await checklist_view(ctx, item.task_id, item_id=item.id)
        question = ctx.tr("Delete the item “{text}”?", text=item.text)
        return _ask(view, question, f"t:cy:{item.id}", f"t:ck:{item.task_id}", ctx)
    if verb == "cy":  # the task changed, as after a tick: everyone's card shows it
        task_id = await tasks_work.delete_item(ctx.session, ctx.me, ctx.int_arg(1))
        return changed(await checklist_view(ctx, task_id), task_id)
    if verb == "hi":
        return await history_view(ctx, ctx.int_arg(1), ctx.page_arg(2))
    if verb == "tl":
        return await time_view(ctx, ctx.int_arg(1), ctx.page_arg(2))
    if verb == "te":
        entry = await tasks_history.get_entry(ctx.session, ctx.me, ctx.int_arg(1))
        return await ctx.start_form("task_time_fix", {"entry_id": entry.id})
    if verb == "tr":
        entry = await tasks_history.get_entry(ctx.session, ctx.me, ctx.int_arg(1))
        view = await time_view(ctx, entry.task_id)
        question = ctx.tr(
            "Delete the entry of {time}?", time=ctx.tr.duration(timedelta(seconds=entry.seconds))
        )
        return _ask(view, question, f"t:ty:{entry.id}", f"t:tl:{entry.task_id}", ctx)
    if verb == "ty":  # the card's time spent changed: everyone's card shows it
        task_id = await tasks_history.delete_entry(ctx.session, ctx.me, ctx.int_arg(1))
        return changed(await time_view(ctx, task_id), task_id)
    return None


async def _parse_length(ctx: Ctx, raw: str) -> int:
    return tasks_timer.parse_duration(raw)[0]


async def _submit_fix(ctx: Ctx, values: dict[str, Any]) -> View:
    entry = await tasks_history.change_entry(
        ctx.session, ctx.me, int(values["entry_id"]), int(values["seconds"])
    )
    view = await time_view(ctx, entry.task_id)
    view.edit = False
    return changed(view, entry.task_id)


router.form(
    Form(
        name="task_time_fix",
        title=N_("Change time entry"),
        fields=[
            Field("seconds", N_("How long was it? For example: 1h 30m."), _parse_length),
        ],
        submit=_submit_fix,
    )
)
