"""Task card buttons ("t:...") and the /task ID sub-commands, with their forms."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.core import Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold
from handlers.tasks import create_from_text, post_comment, tell, tell_assigned
from handlers.tasks_input import (
    as_moment,
    deadline_choices,
    parse_deadline,
    parse_person,
    person_choices,
    quick_deadline,
)
from handlers.tasks_panels import checklist_view, comments_view, more_view, subtasks_view, time_done
from handlers.tasks_views import card_view, notice, overrun_note, status_name
from handlers.views import Button, View
from models.base import utcnow
from models.tasks import Task
from models.teams import User
from services import inbox_center, tasks, tasks_flow, tasks_plan, tasks_work
from services.errors import forbidden

router = Router(__name__)
ORDER = 51

STATUS_DONE = {
    "start": N_("{person} started the task."),
    "pause": N_("{person} paused the task."),
    "complete": N_("{person} completed the task."),
    "approve": N_("{person} approved the task."),
    "defer": N_("{person} deferred the task."),
    "renew": N_("{person} renewed the task."),
    "return": N_("{person} returned the task."),
}


async def _card(ctx: Ctx, task: Task, edit: bool = True) -> View:
    view = await card_view(ctx, task)
    view.edit = edit
    return view


async def _open_subtasks_first(ctx: Ctx, task_id: int) -> View | None:
    """Completing a task whose subtasks are still open: asked once, with them named."""
    page = await tasks.subtasks(ctx.session, ctx.me, task_id, per_page=5, open_only=True)
    if not page.total:
        return None
    names = ", ".join(
        f"#{t.id} {t.title if len(t.title) <= 40 else t.title[:39] + '…'}" for t in page.items
    )
    more = page.total - len(page.items)
    body = ctx.tr.n(
        "#{id} has {n} open subtask: {names}. Complete it anyway?",
        "#{id} has {n} open subtasks: {names}. Complete it anyway?",
        page.total,
        id=str(task_id),
        names=names + (ctx.tr.s(" and {n} more", n=more) if more else ""),
    )
    view = View(body=body)
    view.row(
        Button(ctx.tr.s("Complete anyway"), f"t:s:{task_id}:force"),
        Button(ctx.tr.s("Subtasks"), f"t:sb:{task_id}"),
    )
    view.row(Button(ctx.tr.s("Back to the task"), f"t:o:{task_id}"))
    return view


async def apply_status(ctx: Ctx, task_id: int, verb: str) -> View:
    if verb == "complete":
        task = await tasks.get_task(ctx.session, ctx.me, task_id)
        closer = task.responsible_id == ctx.me.user_id or tasks.can_manage(ctx.me, task)
        ask = await _open_subtasks_first(ctx, task_id) if closer else None  # else: refused
        if ask is not None:
            return ask
    elif verb == "force":  # "Complete anyway"
        verb = "complete"
    task, old = await tasks_flow.change_status(ctx.session, ctx.me, task_id, verb)
    timers_note: list[Span] = []
    if task.status in (tasks.AWAITING, tasks.COMPLETED, tasks.DEFERRED):
        timers_note = await stop_timers(ctx, task)  # the work on it is over, or put aside
    if task.status == tasks.AWAITING:
        await tell(
            ctx,
            task,
            "status",
            N_("{person} completed the task and asks you to approve it."),
            to=[task.creator_id],
            person=ctx.me.name,
        )
        # the others with a part in it hear that it waits for approval
        others = sorted(await tasks.participants(ctx.session, task) - {task.creator_id})
        await tell(
            ctx,
            task,
            "status",
            N_("{person} completed the task; it waits for the creator's approval."),
            to=others,
            person=ctx.me.name,
        )
    else:
        await tell(
            ctx, task, "status", STATUS_DONE.get(verb, STATUS_DONE["start"]), person=ctx.me.name
        )
    if verb == "renew" and task.is_open:  # open again: not "done" on anyone's plan
        await tasks_plan.take_out_of_done(ctx.session, task)
    if task.status == tasks.COMPLETED:  # on the doers' plans, to their "Done" columns
        doers = {
            task.responsible_id,
            *(u.id for u in (await tasks.roles_of(ctx.session, task)).accomplices),
        }
        await tasks_plan.file_as_done(ctx.session, task, doers)
    view = await _card(ctx, task)
    if timers_note:
        view.body = [*timers_note, Span("\n\n"), *view.body]
    return view


async def stop_timers(
    ctx: Ctx, task: Task, user_ids: list[int] | None = None, now: datetime | None = None
) -> list[Span]:
    """Timers running on the task stop (everyone's, or of `user_ids`) with their time
    logged up to `now`: the actor reads it in the reply (returned), the others are told."""
    stopped = await tasks_work.stop_timers_on(ctx.session, task, user_ids, now)
    note: list[Span] = []
    for user_id, timer in stopped.items():

        def said(tr: Translator, timer: tasks_work.StoppedTimer = timer) -> list[Span]:
            if timer.entry is None:  # left running for over a day: nothing logged
                return tr(
                    "Your timer on this task stopped; it had run since {when}, so nothing "
                    "was logged: add the time with /task {id} time 1h.",
                    when=tr.when(timer.started_at),
                    id=str(task.id),
                )
            return tr(
                "Your timer on this task stopped: {time} logged.",
                time=tr.duration(timedelta(seconds=timer.entry.seconds)),
            )

        if user_id == ctx.me.user_id:
            note = said(ctx.tr)
            continue

        def build(tr: Translator, said: Any = said) -> View:
            return notice(tr, task, said(tr))

        await ctx.notify(user_id, "status", build, ref=f"task:{task.id}")
    return note


async def apply_deadline(ctx: Ctx, task_id: int, deadline: Any) -> View:
    task, shifted = await tasks_flow.set_deadline(ctx.session, ctx.me, task_id, deadline)
    when = (lambda tr: tr.when(deadline)) if deadline else (lambda tr: tr.s("no deadline"))
    await tell(
        ctx,
        task,
        "deadline",
        N_("{person} changed the deadline: {when}."),
        person=ctx.me.name,
        when=when,
    )
    for other in shifted:
        new = other.deadline

        def moved(tr: Any, new: Any = new) -> str:
            return tr.when(new) if new else tr.s("no deadline")

        await tell(
            ctx,
            other,
            "deadline",
            N_("The deadline moved with the task it depends on: {when}."),
            when=moved,
        )
    view = await _card(ctx, task, edit=False)
    notes = [await overrun_note(ctx, task)]
    if deadline is not None and deadline < utcnow():
        notes.insert(0, ctx.tr("This deadline has already passed."))
    for note in reversed(notes):  # said above the card, in this order
        if note:
            view.body = [*note, Span("\n\n"), *view.body]
    if shifted:
        note = ctx.tr.n(
            "{n} dependent task moved with it.", "{n} dependent tasks moved with it.", len(shifted)
        )
        view.body = [*view.body, Span("\n\n"), *note]
    return view


async def apply_delegate(ctx: Ctx, task_id: int, user_id: int) -> View:
    previous = (await tasks.get_task(ctx.session, ctx.me, task_id)).responsible_id
    task = await tasks_flow.delegate(ctx.session, ctx.me, task_id, user_id)
    # who handed the work over no longer runs the clock on it
    timers_note = await stop_timers(ctx, task, [previous])
    await tell_assigned(ctx, task, [task.responsible_id])
    person = await ctx.session.get(User, task.responsible_id)
    # the rest of the task's people (the creator first) hear who has it now
    others = [
        uid
        for uid in sorted(await tasks.participants(ctx.session, task))
        if uid not in (task.responsible_id, ctx.me.user_id)
    ]
    if others and person is not None:
        await tell(
            ctx,
            task,
            "assignment",
            N_("{person} handed the task over to {other}."),
            to=others,
            person=ctx.me.name,
            other=person.name,
        )
    view = await _card(ctx, task, edit=False)
    view.body = [
        *ctx.tr("{person} is now responsible.", person=bold(person.name if person else "?")),
        *([Span("\n"), *timers_note] if timers_note else []),
        Span("\n\n"),
        *view.body,
    ]
    return view


@router.action("t")
async def task_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "tx":
        task, stopped = await tasks_work.stop_timer(ctx.session, ctx.me)
        if stopped.entry is None:  # forgotten: asked how long instead of days logged
            return await _forgotten(ctx, task, stopped)
        return time_done(ctx, task, stopped.entry.seconds)
    if verb in ("cx", "cd"):
        item_id = ctx.int_arg(1)
        if verb == "cx":
            item = await tasks_work.toggle_item(ctx.session, ctx.me, item_id)
            return await checklist_view(ctx, item.task_id, item_id=item.id)
        return await checklist_view(ctx, await tasks_work.delete_item(ctx.session, ctx.me, item_id))
    task_id = ctx.int_arg(1)
    if verb == "o":
        task = await tasks.get_task(ctx.session, ctx.me, task_id)
        # opened from a notice (or anywhere): what the inbox holds about it is read
        await inbox_center.mark_ref_read(ctx.session, ctx.me, f"task:{task.id}")
        return await card_view(ctx, task, ctx.page_arg(2))
    if verb == "s":
        verb2 = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        return await apply_status(ctx, task_id, verb2)
    if verb == "rt":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_return", {"task_id": task_id})
    if verb == "dq":
        code = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        view = await apply_deadline(ctx, task_id, quick_deadline(code, ctx.me.timezone))
        view.edit = True  # a quick answer under a new card: the card shows the deadline now
        return view
    if verb == "dl":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_deadline", {"task_id": task_id})
    if verb == "dy":  # "Yes, delete it"
        from handlers.tasks_sub import delete

        return await delete(ctx, task_id)
    if verb == "dg":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_delegate", {"task_id": task_id})
    if verb == "dp":
        return await apply_delegate(ctx, task_id, ctx.int_arg(2))
    if verb == "ds":
        await _may_edit(ctx, task_id)  # refused before the text is typed, not after
        return await ctx.start_form("task_desc", {"task_id": task_id})
    if verb == "m":
        return await more_view(ctx, task_id)
    if verb in ("ap", "fl"):
        task = await tasks.get_task(ctx.session, ctx.me, task_id)
        if verb == "ap":
            await tasks_flow.set_approval(ctx.session, ctx.me, task.id, not task.needs_approval)
        else:
            await tasks_flow.set_deadline_flag(
                ctx.session, ctx.me, task.id, not task.responsible_may_change_deadline
            )
        return await more_view(ctx, task.id)
    if verb in ("ac", "au"):
        await _may_edit(ctx, task_id)
        role = tasks.ACCOMPLICE if verb == "ac" else tasks.AUDITOR
        return await ctx.start_form("task_member", {"task_id": task_id, "role": role})
    if verb == "mp":
        role = tasks.ACCOMPLICE if ctx.action_args[3:4] == ["a"] else tasks.AUDITOR
        return await add_role(ctx, task_id, ctx.int_arg(2), role)
    if verb == "w":
        return await add_role(ctx, task_id, ctx.me.user_id, tasks.AUDITOR)
    if verb == "c":
        return await comments_view(ctx, task_id, ctx.page_arg(2))
    if verb == "cm":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_comment", {"task_id": task_id})
    if verb == "cr":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form(
            "task_comment", {"task_id": task_id, "reply_to": ctx.int_arg(2)}
        )
    if verb == "ck":
        return await checklist_view(ctx, task_id, ctx.page_arg(2))
    if verb == "ca":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_check", {"task_id": task_id})
    if verb == "sb":
        return await subtasks_view(ctx, task_id, ctx.page_arg(2))
    if verb == "sn":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_sub", {"task_id": task_id})
    if verb == "ti":
        task, previous = await tasks_work.start_timer(ctx.session, ctx.me, task_id)
        view = await _card(ctx, task)
        note = ctx.tr("Timer started.")
        if previous is not None and previous.entry is not None:
            note = ctx.tr(
                "Timer started; {time} logged on the previous task.",
                time=ctx.tr.duration(timedelta(seconds=previous.entry.seconds)),
            )
        elif previous is not None:
            note = ctx.tr(
                "Timer started. The one on #{id} ran since {when}, more than a day: nothing "
                "was logged there; log its time with /task {id} time 2h.",
                id=str(previous.task_id),
                when=ctx.tr.when(previous.started_at),
            )
        view.body = [*note, Span("\n\n"), *view.body]
        return view
    if verb == "tm":
        await tasks.get_task(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_time", {"task_id": task_id})
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _forgotten(ctx: Ctx, task: Task, stopped: tasks_work.StoppedTimer) -> Any:
    """A timer left running for days: stopped, nothing logged, and the time asked."""
    note = ctx.tr(
        "The timer ran since {when}, more than a day, so nothing was logged.",
        when=ctx.tr.when(stopped.started_at),
    )
    form = await ctx.start_form("task_time", {"task_id": task.id})
    if isinstance(form, View):
        form.body = [*note, Span("\n"), *form.body]
        return form
    return View(body=note)


async def _may_edit(ctx: Ctx, task_id: int) -> None:
    task = await tasks.get_task(ctx.session, ctx.me, task_id)
    if not tasks.may_edit(ctx.me, task):
        raise forbidden()


async def add_role(ctx: Ctx, task_id: int, user_id: int, role: str) -> View:
    task, user = await tasks.add_member(ctx.session, ctx.me, task_id, user_id, role)
    if role == tasks.ACCOMPLICE:
        await tell(
            ctx,
            task,
            "assignment",
            N_("{person} added you as a co-executor."),
            to=[user.id],
            person=ctx.me.name,
        )
        msg = N_("{person} is now a co-executor.")
    else:
        await tell(
            ctx,
            task,
            "assignment",
            N_("{person} added you as an observer."),
            to=[user.id],
            person=ctx.me.name,
        )
        msg = N_("{person} now observes the task.")
    view = await _card(ctx, task, edit=False)
    view.body = [*ctx.tr(msg, person=bold(user.name)), Span("\n\n"), *view.body]
    return view


# -- forms ----------------------------------------------------------------------


async def _submit_deadline(ctx: Ctx, values: dict[str, Any]) -> View:
    return await apply_deadline(ctx, int(values["task_id"]), as_moment(values.get("deadline")))


async def _submit_delegate(ctx: Ctx, values: dict[str, Any]) -> View:
    return await apply_delegate(ctx, int(values["task_id"]), int(values["person"]))


async def _submit_member(ctx: Ctx, values: dict[str, Any]) -> View:
    return await add_role(ctx, int(values["task_id"]), int(values["person"]), values["role"])


async def _submit_desc(ctx: Ctx, values: dict[str, Any]) -> View:
    task = await tasks.edit_text(
        ctx.session, ctx.me, int(values["task_id"]), description=values["description"]
    )
    return await card_view(ctx, task)


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View:
    reply_to = values.get("reply_to")
    return await post_comment(
        ctx, int(values["task_id"]), values["text"], int(reply_to) if reply_to else None
    )


async def _submit_return(ctx: Ctx, values: dict[str, Any]) -> View:
    task_id = int(values["task_id"])
    task, _ = await tasks_flow.change_status(ctx.session, ctx.me, task_id, "return")
    await tasks_work.add_comment(ctx.session, ctx.me, task_id, values["text"])
    await tell(
        ctx,
        task,
        "status",
        N_("{person} returned the task: {text}"),
        person=ctx.me.name,
        text=values["text"][:500],
    )
    return await card_view(ctx, task)


async def _submit_check(ctx: Ctx, values: dict[str, Any]) -> View:
    await tasks_work.add_items(
        ctx.session, ctx.me, int(values["task_id"]), tasks_work.split_items(values["text"])
    )
    return await checklist_view(ctx, int(values["task_id"]))


async def _submit_time(ctx: Ctx, values: dict[str, Any]) -> View:
    seconds, comment = tasks_work.parse_duration(values["text"])
    task_id = int(values["task_id"])
    await tasks_work.add_time(ctx.session, ctx.me, task_id, seconds, comment)
    return time_done(ctx, await tasks.get_task(ctx.session, ctx.me, task_id), seconds)


async def _submit_sub(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create_from_text(ctx, values["title"], parent_id=int(values["task_id"]))


async def _parse_time(ctx: Ctx, raw: str) -> str:
    tasks_work.parse_duration(raw)
    return raw.strip()


async def _parse_desc(ctx: Ctx, raw: str) -> str:
    return tasks.clean_description(raw)


def _one(name: str, title: str, field: Field, submit: Any) -> Form:
    return Form(name=name, title=title, fields=[field], submit=submit)


for _form in (
    _one(
        "task_deadline",
        N_("Deadline"),
        Field(
            "deadline",
            N_("New deadline? For example: tomorrow 15:00, next fri, 31.12 18:00."),
            parse_deadline,
            choices=deadline_choices,
        ),
        _submit_deadline,
    ),
    _one(
        "task_delegate",
        N_("Delegate"),
        Field("person", N_("To whom? A name or @username."), parse_person, choices=person_choices),
        _submit_delegate,
    ),
    _one(
        "task_member",
        N_("Add a person"),
        Field("person", N_("Whom? A name or @username."), parse_person, choices=person_choices),
        _submit_member,
    ),
    _one(
        "task_desc",
        N_("Description"),
        Field(
            "description",
            N_("Type the description."),
            _parse_desc,
            multiline=True,
            max_length=tasks.DESCRIPTION_MAX,
        ),
        _submit_desc,
    ),
    _one(
        "task_comment",
        N_("Comment"),
        Field(
            "text",
            N_("Your comment? Mention people with @name."),
            multiline=True,
            max_length=tasks_work.COMMENT_MAX,
        ),
        _submit_comment,
    ),
    _one(
        "task_return",
        N_("Return the task"),
        Field("text", N_("What should be redone?"), multiline=True),
        _submit_return,
    ),
    _one(
        "task_check",
        N_("Checklist"),
        Field("text", N_("Checklist items, one per line or separated by ;"), max_length=4000),
        _submit_check,
    ),
    _one(
        "task_time",
        N_("Log time"),
        Field("text", N_("How long? For example: 2h 30m call with the client."), _parse_time),
        _submit_time,
    ),
    _one(
        "task_sub",
        N_("New subtask"),
        Field("title", N_("What needs to be done? Start with a verb."), max_length=tasks.TITLE_MAX),
        _submit_sub,
    ),
):
    router.form(_form)

__all__ = ["router", "status_name"]
