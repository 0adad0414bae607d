"""Task card buttons ("t:...") and the /task ID sub-commands, with their forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers import tasks_log
from handlers.core import Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span
from handlers.tasks_changes import (
    STATUS_DONE,
    add_role,
    apply_deadline,
    apply_delegate,
    apply_status,
    card,
)
from handlers.tasks_create import create_from_text
from handlers.tasks_input import (
    as_moment,
    deadline_choices,
    parse_deadline,
    parse_person,
    person_choices,
    pressed_deadline,
)
from handlers.tasks_news import ask_to_add
from handlers.tasks_panels import (
    checklist_view,
    comment_view,
    comments_view,
    more_view,
    subtasks_view,
    time_done,
)
from handlers.tasks_shared import changed, for_the_chat
from handlers.tasks_tell import post_comment, tell
from handlers.tasks_views import card_view, status_name
from handlers.views import View
from models.tasks import Task
from services import inbox_center, tasks, tasks_flow, tasks_timer, tasks_work
from services.errors import forbidden

router = Router(__name__)
ORDER = 51


@router.action("t")
async def task_action(ctx: Ctx) -> Any:
    """A task's button; in a channel or group chat the presser's answer is their own,
    and a card that changed shows as everyone's there (see tasks_shared.for_the_chat)."""
    verb = ctx.action_args[0] if ctx.action_args else ""
    return await for_the_chat(ctx, await _pressed(ctx, verb), "own" if verb == "o" else "change")


async def _pressed(ctx: Ctx, verb: str) -> Any:
    if verb == "tx":
        task, stopped = await tasks_timer.stop_timer(ctx.session, ctx.me)
        if stopped.entry is None:  # forgotten: asked how long instead of days logged
            return await _forgotten(ctx, task, stopped)
        return time_done(ctx, task, stopped.entry.seconds)
    if verb == "cw":  # a long comment, whole
        return await comment_view(ctx, ctx.int_arg(1))
    if verb == "cx":
        item = await tasks_work.toggle_item(ctx.session, ctx.me, ctx.int_arg(1))
        view = await checklist_view(ctx, item.task_id, item_id=item.id)
        return changed(view, item.task_id)
    if verb == "tf":  # a template picked after "/task from"
        from handlers.tasks_repeat import from_template_id

        return await from_template_id(ctx, ctx.int_arg(1))
    logged = await tasks_log.pressed(ctx, verb)  # history, time entries, asked deletes
    if logged is not None:
        return logged
    task_id = ctx.int_arg(1)
    if verb == "ma":  # "Ask to add": someone a comment mentioned, who cannot see the task
        return await ask_to_add(ctx, task_id, ctx.int_arg(2))
    if verb == "o":
        task = await tasks.get_task(ctx.session, ctx.me, task_id)
        # opened from a notice (or anywhere): what the inbox holds about it is read
        await inbox_center.mark_ref_read(ctx.session, ctx.me, f"task:{task.id}")
        return await card_view(ctx, task, ctx.page_arg(2))
    if verb == "s":
        verb2 = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        return await apply_status(ctx, task_id, verb2)
    if verb == "rt":
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_return", {"task_id": task_id})
    if verb == "dq":
        code = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        task = await tasks.get_task(ctx.session, ctx.me, task_id)  # whose days count
        view = await apply_deadline(
            ctx, task.id, await pressed_deadline(ctx, code, task.responsible_id)
        )
        view.edit = True  # a quick answer under a new card: the card shows the deadline now
        return view
    if verb == "dm":  # "Move to …": a deadline before a predecessor's, moved after it
        from handlers.tasks_sub import move_after

        return await move_after(ctx, task_id, ctx.int_arg(2))
    if verb == "dl":
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_deadline", {"task_id": task_id})
    if verb == "dy":  # "Yes, delete it"
        from handlers.tasks_sub import delete

        return await delete(ctx, task_id)
    if verb == "dg":
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
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
        return changed(await more_view(ctx, task.id), task.id)
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
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_comment", {"task_id": task_id})
    if verb == "cr":
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form(
            "task_comment", {"task_id": task_id, "reply_to": ctx.int_arg(2)}
        )
    if verb == "ck":
        return await checklist_view(ctx, task_id, ctx.page_arg(2))
    if verb == "ca":
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_check", {"task_id": task_id})
    if verb == "sb":
        return await subtasks_view(ctx, task_id, ctx.page_arg(2))
    if verb == "sn":
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_sub", {"task_id": task_id})
    if verb == "ti":
        was = (await tasks.get_task(ctx.session, ctx.me, task_id)).status
        task, previous = await tasks_timer.start_timer(ctx.session, ctx.me, task_id)
        if task.status != was:  # the timer started the task too: told as Start tells it
            await tell(ctx, task, "status", STATUS_DONE["start"], person=ctx.me.name)
        view = await card(ctx, task)
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
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await ctx.start_form("task_time", {"task_id": task_id})
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _forgotten(ctx: Ctx, task: Task, stopped: tasks_timer.StoppedTimer) -> Any:
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
    task = await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
    if not tasks.may_edit(ctx.me, task):
        raise forbidden()


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
    return changed(await checklist_view(ctx, int(values["task_id"])), int(values["task_id"]))


async def _submit_time(ctx: Ctx, values: dict[str, Any]) -> View:
    seconds, comment = tasks_timer.parse_duration(values["text"])
    task_id = int(values["task_id"])
    await tasks_timer.add_time(ctx.session, ctx.me, task_id, seconds, comment)
    return time_done(ctx, await tasks.get_task(ctx.session, ctx.me, task_id), seconds)


async def _submit_sub(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create_from_text(ctx, values["title"], parent_id=int(values["task_id"]))


async def _parse_time(ctx: Ctx, raw: str) -> str:
    tasks_timer.parse_duration(raw)
    return raw.strip()


async def _parse_desc(ctx: Ctx, raw: str) -> str:
    return tasks.clean_description(raw)


def _one(name: str, title: str, field: Field, submit: Any, *, own: bool = True) -> Form:
    """A one-question form. Its answer, given in a channel or group chat, is the
    asker's own (`own`), and a card it changed shows as everyone's there."""

    async def answer(ctx: Ctx, values: dict[str, Any]) -> Any:
        return await for_the_chat(ctx, await submit(ctx, values))

    return Form(name=name, title=title, fields=[field], submit=answer if own else submit)


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
        Field(
            "person",
            N_("To whom? A name or @username."),
            parse_person,
            choices=person_choices,
            person=True,
        ),
        _submit_delegate,
    ),
    _one(
        "task_member",
        N_("Add a person"),
        Field(
            "person",
            N_("Whom? A name or @username."),
            parse_person,
            choices=person_choices,
            person=True,
        ),
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
        own=False,  # "Comment added": said where the comment was written
    ),
    _one(
        "task_return",
        N_("Return for rework"),
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
