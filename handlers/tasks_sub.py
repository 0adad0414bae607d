"""/task ID sub-commands: comment, time, check, sub, after, deadline, delegate, title,
add (co-executor), watch (observer), delete, status verbs, repeat, template."""

from __future__ import annotations

import re
from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx
from handlers.i18n import Translator
from handlers.markup import Span, bold, join_lines
from handlers.people import pick_person
from handlers.tasks_changes import add_role, add_roles, apply_deadline, apply_delegate, apply_status
from handlers.tasks_create import create_from_text
from handlers.tasks_input import as_moment, parse_deadline
from handlers.tasks_panels import checklist_view, time_done
from handlers.tasks_shared import changed
from handlers.tasks_tell import post_comment, tell
from handlers.tasks_views import card_view
from handlers.views import Button, View
from services import (
    inbox_center,
    tasks,
    tasks_deadlines,
    tasks_flow,
    tasks_people,
    tasks_timer,
    tasks_work,
)
from services.errors import N_ as _N
from services.errors import DomainError

# "@Дарья @Егор", "@Дарья, @Егор", "Дарья и Егор": several people, one by one
_PEOPLE_APART = re.compile(r"\s*(?:[,;]|\s(?:и|and)\s)\s*|\s+(?=@)", re.IGNORECASE)


def several_people(text: str) -> list[str]:
    """The people a line names: parted by commas, "и"/"and", or each's own @; a name
    of several words ("Анна Петрова") is one."""
    return [part for part in _PEOPLE_APART.split(text.strip()) if part.strip()]


# the status verbs as people type them: /task 12 завершить, /task 12 done
STATUS_WORDS = {
    "done": "complete",
    "finish": "complete",
    "close": "complete",
    "resume": "start",
    "reopen": "renew",
    "postpone": "defer",
    "сделано": "complete",
    "выполнено": "complete",
    "закрыть": "complete",
    "продолжить": "start",
    "начать": "start",
    "пауза": "pause",
    "приостановить": "pause",
    "завершить": "complete",
    "готово": "complete",
    "принять": "approve",
    "вернуть": "return",
    "отложить": "defer",
    "возобновить": "renew",
}


async def confirm_delete(ctx: Ctx, task_id: int) -> View:
    """Deleting cannot be undone: the task is named, its open subtasks counted, and the
    person asked once."""
    task = await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
    if not tasks.can_manage(ctx.me, task):
        raise DomainError(_N("Only the task's creator may delete it."))
    subs = await tasks.subtasks(ctx.session, ctx.me, task.id, per_page=1, open_only=True)
    lines = [
        ctx.tr(
            "Delete #{id} {title}? This cannot be undone.",
            id=str(task.id),
            title=bold(task.title[:200]),
        )
    ]
    if subs.total:
        lines.append(
            ctx.tr.n(
                "Its {n} open subtask stays, without a parent.",
                "Its {n} open subtasks stay, without a parent.",
                subs.total,
            )
        )
    view = View(body=join_lines(lines), ref=f"task:{task.id}")
    return view.row(
        Button(ctx.tr.s("Yes, delete it"), f"t:dy:{task.id}"),
        Button(ctx.tr.s("Keep it"), f"t:o:{task.id}"),
    )


async def delete(ctx: Ctx, task_id: int) -> View:
    task, people = await tasks_flow.delete_task(ctx.session, ctx.me, task_id)
    title = task.title if len(task.title) <= 300 else task.title[:299] + "…"

    def build(tr: Translator) -> View:
        return View(
            body=tr("{person} deleted the task {title}.", person=ctx.me.name, title=bold(title))
        )

    for uid in sorted(people):
        await ctx.notify(uid, "status", build)
    return View(body=ctx.tr("Task #{id} deleted.", id=str(task_id)))


async def start_after(ctx: Ctx, task_id: int, pred_id: int) -> View:
    """/task 13 after 5: the deadline stays; when it comes before #5 is due, the person
    is told and offered to move it into their working day after that, or keep it."""
    pred, succ, clash = await tasks_deadlines.add_dependency(ctx.session, ctx.me, pred_id, task_id)
    view = await card_view(ctx, succ)
    ids = {"succ": str(succ.id), "pred": str(pred.id)}
    if clash is None:
        note = ctx.tr("#{succ} now starts after #{pred} is due.", **ids)
    elif clash.proposed is None:
        note = ctx.tr(
            "#{succ} now starts after #{pred} is due, but its deadline comes before "
            "that; only the task's creator may move it.",
            **ids,
        )
    else:
        note = ctx.tr(
            "#{succ} now starts after #{pred} is due ({after}), but its deadline, "
            "{deadline}, comes before that. Move it to {when}, keep it, or set another: "
            "/task {succ} deadline WHEN.",
            **ids,
            after=ctx.tr.when(clash.after),
            deadline=bold(ctx.tr.when(clash.deadline)),
            when=bold(ctx.tr.when(clash.proposed)),
        )
        choice = [
            Button(
                ctx.tr.s("Move to {when}", when=ctx.tr.when(clash.proposed)),
                f"t:dm:{succ.id}:{pred.id}",
            ),
            Button(ctx.tr.s("Keep the deadline"), f"t:o:{succ.id}"),
        ]
        view.buttons.insert(0, choice)
    view.body = [*note, Span("\n\n"), *view.body]
    return view


async def move_after(ctx: Ctx, task_id: int, pred_id: int) -> View:
    """ "Move to …" pressed: the deadline goes where it was offered, as a deadline set by
    hand (its people are told), unless it no longer comes before the predecessor's."""
    succ, clash = await tasks_deadlines.deadline_clash(ctx.session, ctx.me, pred_id, task_id)
    if clash is None:
        view = await card_view(ctx, succ)
        note = ctx.tr(
            "#{succ} is no longer due before #{pred}: its deadline stays.",
            succ=str(succ.id),
            pred=str(pred_id),
        )
        view.body = [*note, Span("\n\n"), *view.body]
        return view
    if clash.proposed is None:
        raise DomainError(_N("Only the task's creator may change its deadline."))
    return await apply_deadline(ctx, succ.id, clash.proposed)


async def subcommand(ctx: Ctx, task_id: int, rest: str) -> Any:
    """/task 12 · /task 12 comment TEXT · time 2h 30m TEXT · check A; B · sub TITLE ·
    after 11 · deadline WHEN · delegate @x · start|complete|..."""
    verb, arg = [*re.split(r"\s", rest.strip(), maxsplit=1), ""][:2]  # "check\nmilk\nbread"
    verb = verb.casefold()
    arg = arg.strip()
    if not verb:
        task = await tasks.get_task(ctx.session, ctx.me, task_id)
        await inbox_center.mark_ref_read(ctx.session, ctx.me, f"task:{task.id}")
        return await card_view(ctx, task)
    if verb in ("comment", "c", "коммент", "комментарий"):
        return await post_comment(ctx, task_id, arg)
    if verb in ("time", "время"):
        seconds, comment = tasks_timer.parse_duration(arg)
        await tasks_timer.add_time(ctx.session, ctx.me, task_id, seconds, comment)
        return time_done(ctx, await tasks.get_task(ctx.session, ctx.me, task_id), seconds)
    if verb in ("check", "чек", "пункт"):
        await tasks_work.add_items(ctx.session, ctx.me, task_id, tasks_work.split_items(arg))
        return changed(await checklist_view(ctx, task_id), task_id)
    if verb in ("sub", "подзадача"):
        await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
        return await create_from_text(ctx, arg, parent_id=task_id)
    if verb in ("after", "после"):
        pred_id, _, off = arg.lstrip("#").partition(" ")
        if not pred_id.isdigit():
            raise DomainError(_N("After which task? For example: /task 12 after 11"))
        if off.strip().casefold() in ("off", "no", "none", "нет", "убрать", "снять"):
            succ = await tasks_deadlines.remove_dependency(
                ctx.session, ctx.me, int(pred_id), task_id
            )
            view = await card_view(ctx, succ)
            note = ctx.tr("#{succ} no longer waits for #{pred}.", succ=str(succ.id), pred=pred_id)
            view.body = [*note, Span("\n\n"), *view.body]
            return view
        return await start_after(ctx, task_id, int(pred_id))
    if verb in ("deadline", "срок"):
        return await apply_deadline(ctx, task_id, as_moment(await parse_deadline(ctx, arg)))
    if verb in ("delegate", "делегировать", "передать"):
        if not arg:  # to whom: asked, with the people to choose from
            await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
            return await ctx.start_form("task_delegate", {"task_id": task_id})
        picked = await pick_person(ctx, arg, lambda uid: f"t:dp:{task_id}:{uid}")
        if isinstance(picked, View):
            return picked
        return await apply_delegate(ctx, task_id, picked.id)
    if verb in ("title", "название", "rename"):
        was = (await tasks.get_task(ctx.session, ctx.me, task_id)).title
        task = await tasks.edit_text(ctx.session, ctx.me, task_id, title=arg)
        if task.title != was:  # who works on it knows it by its new name
            doers = (await tasks_people.roles_of(ctx.session, task)).accomplices
            await tell(
                ctx,
                task,
                "status",
                _N("{person} renamed the task; it was “{old}”."),
                to=[task.responsible_id, *(u.id for u in doers)],
                person=ctx.me.name,
                old=was[:200],
            )
        return await card_view(ctx, task)
    if verb in ("add", "добавить", "watch", "наблюдать", "observer", "наблюдатель"):
        role = tasks.ACCOMPLICE if verb in ("add", "добавить") else tasks.AUDITOR
        if not arg and role == tasks.ACCOMPLICE:  # "/task 5 add": whom?
            await tasks.get_task_to_change(ctx.session, ctx.me, task_id)
            return await ctx.start_form("task_member", {"task_id": task_id, "role": role})
        if not arg:
            return await add_role(ctx, task_id, ctx.me.user_id, tasks.AUDITOR)
        code = "a" if role == tasks.ACCOMPLICE else "o"
        found: list[int] = []
        asked: list[View] = []  # a name several people share: whom, by buttons
        for token in several_people(arg):
            picked = await pick_person(ctx, token, lambda uid: f"t:mp:{task_id}:{uid}:{code}")
            if isinstance(picked, View):
                asked.append(picked)
            else:
                found.append(picked.id)
        if not found:
            return asked
        return [await add_roles(ctx, task_id, found, role), *asked]
    if verb in ("delete", "удалить"):
        return await confirm_delete(ctx, task_id)
    verb = STATUS_WORDS.get(verb, verb)
    if verb in tasks_flow.VERBS:
        return await apply_status(ctx, task_id, verb)
    if verb in ("repeat", "повтор", "template", "шаблон"):
        from handlers.tasks_repeat import repeat_or_template

        return await repeat_or_template(ctx, task_id, verb, arg)
    raise unknown_action(verb, "task")
