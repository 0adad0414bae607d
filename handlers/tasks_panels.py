"""Task panels: comments, checklist, subtasks, settings and time, each a page of its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.core import Ctx, pager_row
from handlers.drive import attachment_parts
from handlers.markup import Span, bold, cut, italic, join_lines
from handlers.tasks_views import read_only, task_label
from handlers.views import Button, View
from models.tasks import Task
from services import tasks, tasks_timer, tasks_work
from services.pagination import Page

COMMENT_SHOWN = 600  # five comments a page stay well under a message's limit


async def comments_view(ctx: Ctx, task_id: int, page_no: int) -> View:
    task, page = await tasks_work.comments(ctx.session, ctx.me, task_id, page=page_no)
    lines: list[Any] = [
        ctx.tr("Comments on #{id} ({count})", id=str(task.id), count=str(page.total))
    ]
    if not page.items:
        lines.append(ctx.tr("No comments yet."))
    for comment, author in page.items:
        head = [bold(author), Span(" · " + ctx.tr.when(comment.created_at))]
        if comment.reply_to_id:
            head.append(italic(" ↩"))
        lines.append(head)
        if comment.text:  # a long one is read whole by its button
            lines.append([Span(cut(comment.text, COMMENT_SHOWN))])
        if comment.attachment:
            lines.append([Span("📎 " + attachment_parts(comment.attachment)[1])])
    view = View(body=join_lines(lines), ref=f"task:{task.id}", edit=True)
    back = Button(ctx.tr.s("Back"), f"t:o:{task.id}")
    answered = not await read_only(ctx, task)  # an archived group's: read, not answered
    for comment, author in page.items:
        row = []
        if answered:
            reply = ctx.tr.s("Reply to {name}", name=author)[:40]
            row.append(Button(reply, f"t:cr:{task.id}:{comment.id}"))
        if len(comment.text) > COMMENT_SHOWN:
            whole = ctx.tr.s("Read whole: {name}", name=author)[:40]
            row.append(Button(whole, f"t:cw:{comment.id}"))
        file_id, name = attachment_parts(comment.attachment or "")
        if file_id is not None:  # kept in the drive, attached to the task
            row.append(Button(f"📎 {cut(name, 40)}", f"dr:i:{file_id}:task:{task.id}"))
        if row:
            view.row(*row)
    view.row(*pager_row(ctx, page, f"t:c:{task.id}"))
    if answered:
        return view.row(Button(ctx.tr.s("Add comment"), f"t:cm:{task.id}"), back)
    return view.row(back)


async def comment_view(ctx: Ctx, comment_id: int) -> View:
    """One comment whole, in a message of its own (split by the platform when long)."""
    task, comment, author = await tasks_work.get_comment(ctx.session, ctx.me, comment_id)
    head = ctx.tr(
        "{person} on #{id}, {when}:",
        person=bold(author),
        id=str(task.id),
        when=ctx.tr.when(comment.created_at),
    )
    view = View(body=[*head, Span("\n"), Span(comment.text)], ref=f"task:{task.id}:{comment.id}")
    comments = Button(ctx.tr.s("Comments"), f"t:c:{task.id}")
    if await read_only(ctx, task):  # an archived group's: read, not answered
        return view.row(comments)
    return view.row(Button(ctx.tr.s("Reply"), f"t:cr:{task.id}:{comment.id}"), comments)


CHECK_PAGE = 10


async def checklist_view(
    ctx: Ctx, task_id: int, page_no: int = 1, item_id: int | None = None
) -> View:
    task = await tasks.get_task(ctx.session, ctx.me, task_id)
    items = await tasks_work.checklist(ctx.session, ctx.me, task.id)
    done = sum(1 for i in items if i.done)
    if item_id is not None:  # stay on the page of the item just pressed
        ids = [i.id for i in items]
        page_no = ids.index(item_id) // CHECK_PAGE + 1 if item_id in ids else page_no
    page = Page.of(items, page_no, CHECK_PAGE)
    body = ctx.tr(
        "Checklist of #{id}: {done} of {total} done",
        id=str(task.id),
        done=str(done),
        total=str(len(items)),
    )
    view = View(body=body, ref=f"task:{task.id}", edit=True)
    works = await _works_on(ctx, task)
    lines: list[Any] = [body]
    for item in page.items:
        mark = "☑" if item.done else "☐"
        if works:
            text = item.text if len(item.text) <= 50 else item.text[:49] + "…"
            view.row(Button(f"{mark} {text}", f"t:cx:{item.id}"), Button("✖", f"t:cd:{item.id}"))
        else:  # an observer reads the list; ticking it is for who works on the task
            lines.append([Span(f"{mark} {item.text}")])
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"t:ck:{task.id}"))
    back = Button(ctx.tr.s("Back"), f"t:o:{task.id}")
    if works:
        view.row(Button(ctx.tr.s("Add item"), f"t:ca:{task.id}"), back)
    else:
        view.row(back)
    return view


async def subtasks_view(ctx: Ctx, task_id: int, page_no: int = 1) -> View:
    task = await tasks.get_task(ctx.session, ctx.me, task_id)
    page = await tasks.subtasks(
        ctx.session, ctx.me, task.id, page_no, per_page=ctx.services.page_size
    )
    body = ctx.tr("Subtasks of #{id} ({count})", id=str(task.id), count=str(page.total))
    view = View(body=body, ref=f"task:{task.id}", edit=True)
    for sub in page.items:
        view.row(Button(task_label(ctx.tr, sub), f"t:o:{sub.id}"))
    view.row(*pager_row(ctx, page, f"t:sb:{task.id}"))
    back = Button(ctx.tr.s("Back"), f"t:o:{task.id}")
    if await _works_on(ctx, task):
        view.row(Button(ctx.tr.s("New subtask"), f"t:sn:{task.id}"), back)
    else:
        view.row(back)
    return view


async def _works_on(ctx: Ctx, task: Task) -> bool:
    """Whether the reader ticks the checklist and adds subtasks: who manages the task or
    works on it, unless it is an archived group's (read only)."""
    if await read_only(ctx, task):
        return False
    return tasks.can_manage(ctx.me, task) or await tasks.is_doer(ctx.session, ctx.me, task)


async def more_view(ctx: Ctx, task_id: int) -> View:
    task = await tasks.get_task(ctx.session, ctx.me, task_id)
    total, per_person = await tasks_timer.task_time(ctx.session, ctx.me, task.id)
    lines: list[Any] = [[Span(f"#{task.id} "), bold(task.title[:200])]]
    flag = ctx.tr.s("yes") if task.responsible_may_change_deadline else ctx.tr.s("no")
    lines.append(ctx.tr("The responsible may change the deadline: {flag}", flag=flag))
    approval = ctx.tr.s("yes") if task.needs_approval else ctx.tr.s("no")
    lines.append(ctx.tr("Completion needs approval: {flag}", flag=approval))
    if total:
        lines.append(ctx.tr("Time spent: {time}", time=ctx.tr.duration(timedelta(seconds=total))))
        for name, seconds in per_person:
            lines.append([Span(f"• {name}: {ctx.tr.duration(timedelta(seconds=seconds))}")])
    view = View(body=join_lines(lines), ref=f"task:{task.id}", edit=True)
    log_row = [Button(ctx.tr.s("History"), f"t:hi:{task.id}")]
    if total:
        log_row.insert(0, Button(ctx.tr.s("Time entries"), f"t:tl:{task.id}"))
    if await read_only(ctx, task):  # its settings, history and time are read, not changed
        return view.row(*log_row, Button(ctx.tr.s("Back"), f"t:o:{task.id}"))
    if tasks.can_manage(ctx.me, task):
        view.row(
            Button(ctx.tr.s("Approval on/off"), f"t:ap:{task.id}"),
            Button(ctx.tr.s("Deadline rights on/off"), f"t:fl:{task.id}"),
        )
    view.row(*log_row)
    if tasks.may_edit(ctx.me, task):  # others are not offered what they may not do
        view.row(
            Button(ctx.tr.s("Add co-executor"), f"t:ac:{task.id}"),
            Button(ctx.tr.s("Add observer"), f"t:au:{task.id}"),
            Button(ctx.tr.s("Watch"), f"t:w:{task.id}"),
        )
        view.row(
            Button(ctx.tr.s("Edit description"), f"t:ds:{task.id}"),
            Button(ctx.tr.s("Back"), f"t:o:{task.id}"),
        )
    else:
        view.row(
            Button(ctx.tr.s("Watch"), f"t:w:{task.id}"), Button(ctx.tr.s("Back"), f"t:o:{task.id}")
        )
    return view


def time_done(ctx: Ctx, task: Task, seconds: int) -> View:
    view = View(
        body=ctx.tr(
            "Logged {time} on #{id}.",
            time=ctx.tr.duration(timedelta(seconds=seconds)),
            id=str(task.id),
        ),
        ref=f"task:{task.id}",
    )
    view.row(Button(ctx.tr.s("Open"), f"t:o:{task.id}"))
    return view
