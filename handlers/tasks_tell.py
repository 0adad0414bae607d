"""Telling a task's people, each in their own language: of a change, of a task given
to them, of a comment (with the @names in it)."""

from __future__ import annotations

from collections.abc import Callable

from handlers.core import Ctx
from handlers.drive import attachment_parts
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold
from handlers.tasks_news import unheard
from handlers.tasks_views import notice
from handlers.views import Button, View
from models.groups import Group
from models.tasks import Task
from services import outbox, tasks_people, tasks_work

Arg = str | Callable[[Translator], str]


async def tell(
    ctx: Ctx,
    task: Task,
    kind: str,
    message: str,
    *,
    to: list[int] | None = None,
    **args: Arg,
) -> None:
    """Notify the task's people (or those of `to` who may open it) in their own
    language; never the actor."""
    me = ctx.actor.user_id if ctx.actor is not None else None
    if to is None:
        recipients = sorted(await tasks_people.participants(ctx.session, task, without=me))
    else:
        wanted = [uid for uid in to if uid != me]  # asked first: often nobody is left
        allowed = await tasks_people.who_may_see(ctx.session, task, wanted)
        recipients = [uid for uid in wanted if uid in allowed]

    def build(tr: Translator) -> View:
        filled = {k: (v(tr) if callable(v) else v) for k, v in args.items()}
        return notice(tr, task, tr(message, **filled))

    for uid in dict.fromkeys(recipients):
        await ctx.notify(uid, kind, build, ref=f"task:{task.id}")
    # their day may have changed with the task: their home shows it again (the actor's
    # too, when the task is theirs), whether or not the notice itself waits or is muted
    if not ctx.services.homes:  # no platform with a home page runs
        return
    homes = [*recipients, *([me] if me in (task.responsible_id, task.creator_id) else [])]
    for uid in dict.fromkeys(homes):
        if uid is not None:
            await outbox.refresh_home(ctx.session, team_id=task.team_id, user_id=uid)


async def tell_assigned(ctx: Ctx, task: Task, user_ids: list[int]) -> None:
    """ "Boss gave you a task. #12 · due Fri 18:00 · group Sales": which one, by when."""
    group = await ctx.session.get(Group, task.group_id) if task.group_id else None

    def facts(tr: Translator) -> str:
        parts = [f"#{task.id}"]
        if task.deadline is not None:
            parts.append(tr.s("due {when}", when=tr.when(task.deadline)))
        if group is not None:
            parts.append(tr.s("group {name}", name=group.name))
        return " · ".join(parts)

    await tell(
        ctx,
        task,
        "assignment",
        N_("{person} gave you a task. {facts}"),
        to=list(user_ids),
        person=ctx.me.name,
        facts=facts,
    )


async def post_comment(
    ctx: Ctx,
    task_id: int,
    text: str,
    reply_to: int | None = None,
    attachment: str | None = None,
) -> View:
    task, comment, mentions = await tasks_work.add_comment(
        ctx.session, ctx.me, task_id, text, reply_to_id=reply_to, attachment=attachment
    )
    mentioned = {u.id for u in mentions.told}
    ref = f"task:{task.id}:{comment.id}"
    snippet = text if len(text) <= 500 else text[:499] + "…"
    file_name = attachment_parts(attachment)[1] if attachment else ""
    said = (
        N_("{person} attached {name}: {text}")
        if file_name and snippet
        else N_("{person} attached {name}")
        if file_name
        else N_("{person} commented: {text}")
    )

    def build(tr: Translator, key: str) -> View:
        view = notice(tr, task, tr(key, person=bold(ctx.me.name), text=snippet, name=file_name))
        view.ref = ref
        if snippet != text:  # cut: the whole one a press away
            view.row(Button(tr.s("Read whole"), f"t:cw:{comment.id}"))
        return view

    for uid in sorted(mentioned):
        await ctx.notify(
            uid, "mention", lambda tr: build(tr, N_("{person} mentioned you: {text}")), ref=ref
        )
    for uid in sorted(await tasks_people.participants(ctx.session, task) - mentioned):
        await ctx.notify(uid, "comment", lambda tr: build(tr, said), ref=ref)
    view = View(body=ctx.tr("Comment added to #{id}.", id=str(task.id)), ref=ref)
    missed = unheard(ctx, task, mentions)  # @names that notified nobody are said, not dropped
    if missed is not None:
        view.body = [*view.body, Span("\n"), *missed.body]
        view.buttons = missed.buttons
    return view
