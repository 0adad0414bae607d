"""/groups archive and restore: the group put away or brought back, its members and
the chats that speak for it told, and its coming events reminded of again."""

from __future__ import annotations

from collections.abc import Callable

from handlers.core import Ctx
from handlers.i18n import Translator
from handlers.markup import Markup, bold
from handlers.views import View
from models.groups import Group
from services import groups


async def restore_group(ctx: Ctx, name: str) -> Group:
    """The archived group called `name` back: reminded of again, everyone told."""
    group, people = await groups.restore(ctx.session, ctx.me, name)
    await _remind_again(ctx, group)
    await _tell_everyone(ctx, group, people, _restored)
    return group


async def archive_group(ctx: Ctx, group_id: int) -> View:
    group, people = await groups.archive(ctx.session, ctx.me, group_id)
    await _tell_everyone(ctx, group, people, _archived)
    return View(
        body=ctx.tr(
            "{group} is archived: it left the lists, its invites stopped working, its "
            "members were told, and nothing can be added to it or changed in it until "
            "/groups restore {name} brings it back.",
            group=bold(group.name),
            name=group.name,
        )
    )


def _archived(tr: Translator, person: str, group: str) -> Markup:
    return tr(
        "{person} archived the group {group}: the project is over. Its tasks, "
        "events and files stay in /tasks, /events and /drive, to read: nothing "
        "can be added to them or changed.",
        person=bold(person),
        group=bold(group),
    )


def _restored(tr: Translator, person: str, group: str) -> Markup:
    return tr(
        "{person} brought the group {group} back from the archive: its tasks, events, "
        "posts and files can be added to and changed again.",
        person=bold(person),
        group=bold(group),
    )


async def _tell_everyone(
    ctx: Ctx,
    group: Group,
    people: list[int],
    said: Callable[[Translator, str, str], Markup],
) -> None:
    """A group archived or back from the archive: its members are told, and so are the
    chats that speak for it (/bind), as everyone's notice there."""
    who = ctx.me.name

    def notice(tr: Translator) -> View:
        return View(body=said(tr, who, group.name))

    for user_id in people:
        await ctx.notify(user_id, "group_added", notice)
    await ctx.notify_group(group, "group", notice)


async def _remind_again(ctx: Ctx, group: Group) -> None:
    """A group back from the archive: its coming events are reminded of again (archiving
    dropped their queued reminders; deadlines remind by themselves)."""
    try:
        from handlers.calendar_reminders import queue_series_reminders
        from services.calendar_reminders import group_series
    except ImportError:  # pragma: no cover - a build without the calendar
        return
    await queue_series_reminders(ctx.session, await group_series(ctx.session, group.id))
