"""A task's card in a channel or group chat: everyone there reads the same card, the
task's state in the team's language with one Open button; whoever asked or pressed gets
their own card, buttons and results privately (see Ctx.everyone_tr, feed.everyones)."""

from __future__ import annotations

from handlers.core import Ctx, Reply
from handlers.tasks_views import CARD, EVERYONE, card_view
from handlers.views import View
from models.tasks import Task


async def everyones_here(ctx: Ctx, task: Task) -> bool:
    """Whether the task's card here is everyone's: a channel or group chat that speaks
    for the task's group (/bind); elsewhere a card is the asker's alone."""
    return await ctx.speaks_for(task.group_id)


async def everyones_card(ctx: Ctx, task: Task) -> View:
    """The card everyone in the chat reads, whoever asked or pressed."""
    return await ctx.for_everyone(lambda: card_view(ctx, task, everyone=True))


async def for_the_chat(ctx: Ctx, reply: Reply, how: str = "change") -> Reply:
    """A task answer as a channel or group chat gets it (see as_the_chat_gets)."""
    views = await as_the_chat_gets(
        ctx, [reply] if isinstance(reply, View) else list(reply or []), how
    )
    return views[0] if isinstance(reply, View) and len(views) == 1 else views


def changed(view: View, task_id: int) -> View:
    """A panel (settings, checklist) shown after its task changed: it carries the task,
    so a channel or group chat that speaks for its group shows everyone's card anew, as
    after any other change (see as_the_chat_gets), and the panel goes to the presser."""
    view.meta[CARD] = str(task_id)
    return view


def own_only(reply: Reply) -> Reply:
    """A task answer that is its asker's alone (a personal command): without the card
    as_the_chat_gets adds for everyone in the chat."""
    if isinstance(reply, list):
        return [view for view in reply if EVERYONE not in view.meta]
    return reply


async def as_the_chat_gets(ctx: Ctx, views: list[View], how: str = "change") -> list[View]:
    """Task answers as a channel or group chat gets them (nothing changes in a private
    chat). The asker's or presser's own views (their card, its panels, what they are
    told) go to them alone; a question stays where it was asked (answered there). Where
    the chat speaks for the task's group, a card also shows as everyone's: with `how`
    "change" (the task changed) everyone's card as well, replacing the pressed message;
    "show" (/task 12 asked there) everyone's card instead of the asker's; "own" (Open)
    the asker's card alone. "new" (a task made there): everyone's card as well in any
    channel or group chat, as everyone there saw it asked for."""
    out: list[View] = []
    for view in views:
        card_of = view.meta.pop(CARD, None)
        if not ctx.shared_chat or EVERYONE in view.meta or "asks" in view.meta or view.form:
            out.append(view)
            continue
        task = await ctx.session.get(Task, int(card_of)) if card_of and how != "own" else None
        if task is not None and (how == "new" or await everyones_here(ctx, task)):
            shared = await everyones_card(ctx, task)
            shared.edit = ctx.event.kind == "action"  # the pressed card shows the change
            out.append(shared)
            if how == "show":
                continue  # the asker presses Open for their own
        view.private = True
        out.append(view)
    return out
