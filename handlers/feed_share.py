"""Sharing a post or an event with a person or a group."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.calendar_views import invitation_view
from handlers.core import Ctx
from handlers.feed_cards import author_name, delivered_view, title_of
from handlers.i18n import Translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from models import db
from models.feed import Post
from models.groups import GroupMember
from models.teams import User
from services import calendar, feed
from services.access import Actor, get_visible_group
from services.errors import N_, DomainError


async def _people(ctx: Ctx, whom: dict[str, Any]) -> list[int]:
    if "group" in whom:
        group = await get_visible_group(ctx.session, ctx.me, int(whom["group"]))
        rows = await ctx.session.execute(
            select(GroupMember.user_id).where(GroupMember.group_id == group.id)
        )
        return [uid for uid in rows.scalars() if uid != ctx.me.user_id]
    return [int(uid) for uid in whom.get("people", []) if int(uid) != ctx.me.user_id]


async def share(ctx: Ctx, ref: str, whom: dict[str, Any]) -> View:
    kind, _, raw_id = ref.partition(":")
    if not raw_id.isdigit():
        raise DomainError(N_("This button is out of date. Open the list again."))
    item_id = int(raw_id)
    people = await _people(ctx, whom)
    if not people:
        raise DomainError(N_("There is nobody to share it with there."))
    if kind == "event":
        event, added = await calendar.invite(ctx.session, ctx.me, item_id, people)
        if added:
            from handlers.calendar_reminders import queue_reminders

            await queue_reminders(ctx, event)
        for user in added:
            await ctx.notify(
                user.id,
                "invitation",
                lambda tr: _shared_event(tr, event, ctx.me.name),
                ref=f"event:{event.id}",
            )
        count = len(added)
    elif kind == "post":
        post, people = await feed.share_post(ctx.session, ctx.me, item_id, people)
        if not people:
            raise DomainError(N_("Everyone you named can read this post already."))
        author = await author_name(ctx, post)

        def build(tr: Translator) -> View:
            view = delivered_view(tr, post, author)
            view.body = [
                *tr("{person} shared a post with you.", person=bold(ctx.me.name)),
                Span("\n"),
                *view.body,
            ]
            return view

        for user_id in people:
            await ctx.notify(user_id, "post", build, ref=f"post:{post.id}")
        await _tell_author(ctx, post, whom, people)
        count = len(people)
    elif kind == "task":
        count = await _share_task(ctx, item_id, people)
    else:
        raise DomainError(N_("This button is out of date. Open the list again."))
    return View(body=ctx.tr.n("Shared with {n} person.", "Shared with {n} people.", count))


async def _tell_author(ctx: Ctx, post: Post, whom: dict[str, Any], people: list[int]) -> None:
    """A closed group's post shared outside the group: its author hears, once, who shared
    it and with whom (the group named, or the people it was new to)."""
    group = await feed.closed_group_of(ctx.session, post)
    if group is None or post.author_id is None:
        return
    title = title_of(post)
    if "group" in whom:
        target = await get_visible_group(ctx.session, ctx.me, int(whom["group"]))
        message = N_(
            "{person} shared your post «{post}» from the closed group {group} "
            "with the group {target}."
        )
        shown = target.name
    else:
        names = await ctx.session.execute(
            select(User.name).where(User.id.in_(people)).order_by(User.name)
        )
        message = N_(
            "{person} shared your post «{post}» from the closed group {group} with {target}."
        )
        shown = ", ".join(names.scalars())
    await ctx.notify(
        post.author_id,
        "post",
        lambda tr: View(
            body=tr(message, person=bold(ctx.me.name), post=title, group=group.name, target=shown),
            ref=f"post:{post.id}",
        ).row(Button(tr.s("Open"), f"fd:o:{post.id}")),
        ref=f"post:{post.id}",
    )


async def _share_task(ctx: Ctx, task_id: int, people: list[int]) -> int:
    """Point people at a task; only those the tasks area lets see it are told."""
    try:
        from services import tasks
    except ImportError:
        raise DomainError(N_("This button is out of date. Open the list again.")) from None
    task = await tasks.get_task(ctx.session, ctx.me, task_id)
    reached = 0
    for user_id in people:
        user = await db.get(ctx.session, User, user_id)
        if user is None or user.team_id != ctx.me.team_id:
            continue
        try:
            await tasks.get_task(ctx.session, Actor.of(user), task.id)
        except DomainError:
            continue  # sharing does not open a task to someone who may not see it
        await ctx.notify(
            user.id,
            "post",
            lambda tr: View(
                body=tr(
                    "{person} shared a task with you: {title}",
                    person=bold(ctx.me.name),
                    title=bold(task.title),
                ),
                ref=f"task:{task.id}",
            ).row(Button(tr.s("Open"), f"cmd:task:{task.id}")),
            ref=f"task:{task.id}",
        )
        reached += 1
    if not reached:
        raise DomainError(N_("None of them may see this task."))
    return reached


def _shared_event(tr: Translator, event: Any, person: str) -> View:
    view = invitation_view(tr, event, person)
    return view
