"""What a task's buttons, forms and /task ID sub-commands change alike: its status,
deadline, responsible person and people; the timers that stop with it; each told to
the people of the task, the card shown again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from handlers.core import Ctx
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold, cut, join_lines
from handlers.tasks_news import tell_group
from handlers.tasks_tell import tell, tell_assigned
from handlers.tasks_views import card_view, notice, overrun_note
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.tasks import Task
from models.teams import User
from services import (
    tasks,
    tasks_deadlines,
    tasks_flow,
    tasks_people,
    tasks_plan,
    tasks_timer,
    tasks_work,
)

STATUS_DONE = {
    "start": N_("{person} started the task."),
    "pause": N_("{person} paused the task."),
    "complete": N_("{person} completed the task."),
    "approve": N_("{person} accepted the task."),
    "defer": N_("{person} deferred the task."),
    "renew": N_("{person} renewed the task."),
    "return": N_("{person} returned the task."),
}


async def card(ctx: Ctx, task: Task, edit: bool = True) -> View:
    view = await card_view(ctx, task)
    view.edit = edit
    return view


def _named(ctx: Ctx, found: list[Task], total: int) -> str:
    """ "#3 Deploy, #4 Test and 2 more": the first few tasks of a list, by number."""
    names = ", ".join(f"#{t.id} {cut(t.title, 40)}" for t in found)
    more = total - len(found)
    return names + (ctx.tr.s(" and {n} more", n=more) if more else "")


async def _unfinished_first(ctx: Ctx, task: Task) -> View | None:
    """Completing a task with work still open in it (subtasks, checklist items) or
    before it (the tasks it starts after): asked once, with what is open named."""
    subs = await tasks.subtasks(ctx.session, ctx.me, task.id, per_page=5, open_only=True)
    facts = await tasks_work.card_facts(ctx.session, ctx.me, task)
    unchecked = facts.checklist_total - facts.checklist_done
    before = [t for t in await tasks_deadlines.predecessors(ctx.session, ctx.me, task) if t.is_open]
    if not (subs.total or unchecked or before):
        return None
    said: list[list[Span]] = []
    if subs.total:
        said.append(
            ctx.tr.n(
                "#{id} has {n} open subtask: {names}.",
                "#{id} has {n} open subtasks: {names}.",
                subs.total,
                id=str(task.id),
                names=_named(ctx, subs.items, subs.total),
            )
        )
    if unchecked:
        said.append(
            ctx.tr.n(
                "{n} checklist item of {total} is not checked.",
                "{n} checklist items of {total} are not checked.",
                unchecked,
                total=str(facts.checklist_total),
            )
        )
    if before:
        said.append(
            ctx.tr.n(
                "#{id} starts after {n} task that is still open: {names}.",
                "#{id} starts after {n} tasks that are still open: {names}.",
                len(before),
                id=str(task.id),
                names=_named(ctx, before[:5], len(before)),
            )
        )
    said.append(ctx.tr("Complete it anyway?"))
    view = View(body=join_lines(said), ref=f"task:{task.id}")
    view.row(
        Button(ctx.tr.s("Complete anyway"), f"t:s:{task.id}:force"),
        Button(ctx.tr.s("Cancel"), f"t:o:{task.id}"),
    )
    if subs.total:
        view.row(Button(ctx.tr.s("Subtasks"), f"t:sb:{task.id}"))
    if unchecked:
        view.row(Button(ctx.tr.s("Checklist"), f"t:ck:{task.id}"))
    return view


async def apply_status(ctx: Ctx, task_id: int, verb: str) -> View:
    if verb == "complete":
        task = await tasks.get_task(ctx.session, ctx.me, task_id)
        closer = task.responsible_id == ctx.me.user_id or tasks.can_manage(ctx.me, task)
        ask = await _unfinished_first(ctx, task) if closer else None  # else: refused
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
            N_("{person} completed the task and asks you to accept it."),
            to=[task.creator_id],
            person=ctx.me.name,
        )
        # the others with a part in it hear that it waits for approval
        others = sorted(await tasks_people.participants(ctx.session, task) - {task.creator_id})
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
        done = STATUS_DONE.get(verb, STATUS_DONE["complete"])
        await tell_group(ctx, task, lambda tr: tr(done, person=ctx.me.name))  # and its chats
        doers = {
            task.responsible_id,
            *(u.id for u in (await tasks_people.roles_of(ctx.session, task)).accomplices),
        }
        await tasks_plan.file_as_done(ctx.session, task, doers)
    view = await card(ctx, task)
    if timers_note:
        view.body = [*timers_note, Span("\n\n"), *view.body]
    return view


async def stop_timers(
    ctx: Ctx, task: Task, user_ids: list[int] | None = None, now: datetime | None = None
) -> list[Span]:
    """Timers running on the task stop (everyone's, or of `user_ids`) with their time
    logged up to `now`: the actor reads it in the reply (returned), the others are told."""
    stopped = await tasks_timer.stop_timers_on(ctx.session, task, user_ids, now)
    note: list[Span] = []
    for user_id, timer in stopped.items():

        def said(tr: Translator, timer: tasks_timer.StoppedTimer = timer) -> list[Span]:
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
    was = (await tasks.get_task(ctx.session, ctx.me, task_id)).deadline
    task, shifted = await tasks_deadlines.set_deadline(ctx.session, ctx.me, task_id, deadline)

    def shown(moment: Any) -> Callable[[Translator], str]:
        return (lambda tr: tr.when(moment)) if moment else (lambda tr: tr.s("no deadline"))

    await tell(
        ctx,
        task,
        "deadline",
        N_("{person} changed the deadline: {old} → {when}.")
        if was is not None
        else N_("{person} changed the deadline: {when}."),
        person=ctx.me.name,
        when=shown(deadline),
        old=shown(was),
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
    view = await card(ctx, task, edit=False)
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
    creator = await db.get(ctx.session, User, task.creator_id)
    if task.creator_id == ctx.me.user_id or creator is None:
        await tell_assigned(ctx, task, [task.responsible_id])
    else:  # handed on, not given: whose task it is stays said
        await tell(
            ctx,
            task,
            "assignment",
            N_("{person} handed you a task created by {creator}."),
            to=[task.responsible_id],
            person=ctx.me.name,
            creator=creator.name,
        )
    person = await db.get(ctx.session, User, task.responsible_id)
    # the rest of the task's people (the creator first) hear who has it now
    others = [
        uid
        for uid in sorted(await tasks_people.participants(ctx.session, task))
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
    view = await card(ctx, task, edit=False)
    view.body = [
        *ctx.tr("{person} is now responsible.", person=bold(person.name if person else "?")),
        *([Span("\n"), *timers_note] if timers_note else []),
        Span("\n\n"),
        *view.body,
    ]
    return view


async def add_role(ctx: Ctx, task_id: int, user_id: int, role: str) -> View:
    return await add_roles(ctx, task_id, [user_id], role)


async def add_roles(ctx: Ctx, task_id: int, user_ids: list[int], role: str) -> View:
    """Co-executors or observers added at once ("/task 5 add @Дарья @Егор"), each told."""
    if role == tasks.ACCOMPLICE:
        told, msg = N_("{person} added you as a co-executor."), N_("{person} is now a co-executor.")
    else:
        told, msg = N_("{person} added you as an observer."), N_("{person} now observes the task.")
    said: list[Any] = []
    task = None
    for user_id in dict.fromkeys(user_ids):
        task, user = await tasks.add_member(ctx.session, ctx.me, task_id, user_id, role)
        await tell(ctx, task, "assignment", told, to=[user.id], person=ctx.me.name)
        said.append(ctx.tr(msg, person=bold(user.name)))
    assert task is not None
    view = await card(ctx, task, edit=False)
    view.body = [*join_lines(said), Span("\n\n"), *view.body]
    return view
