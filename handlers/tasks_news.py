"""A group's task news in the chats bound to it (/bind): a new task of the group, one
completed, one overdue. Everyone there reads the same notice, in the team's language,
with one Open button (whoever presses it gets their own card, as handlers.tasks_shared
says); the outbox sends it within each chat's limits. People are told separately."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import Ctx
from handlers.i18n import N_, Translator, translator
from handlers.markup import Markup, Span, bold, cut
from handlers.tasks_views import notice
from handlers.views import Button, View
from models import db
from models.groups import Group
from models.tasks import Task
from models.teams import Team, User
from services import chats_news, reminders, tasks, tasks_people
from services.errors import DomainError, not_found
from services.tasks_work import Mentions

KIND = "task"
CREATED = N_("{person} created a task of the group; {other} is responsible.")
BUTTONS_A_ROW = 5
OVERDUE = N_("⚠ A task of the group is overdue: it was due {when}.")

Said = Callable[[Translator], Markup]


async def _group_of(session: AsyncSession, task: Task) -> Group | None:
    """The task's group, while it speaks to its chats (not archived)."""
    if task.group_id is None:
        return None
    group = await session.get(Group, task.group_id)
    return None if group is None or group.archived else group


async def tell_group(ctx: Ctx, task: Task, said: Said) -> None:
    """The news of a task of a group to the chats bound to it, but the one it happened in
    (its answer shows it there already)."""
    group = await _group_of(ctx.session, task)
    if group is not None:
        await ctx.notify_group(group, KIND, lambda tr: notice(tr, task, said(tr)))


async def tell_group_created(ctx: Ctx, task: Task) -> None:
    """A new task of a group, told to its chats with its number and deadline. The
    actor's new tasks of the group while the message waits to go out (a sprint being
    set up) are gathered into it, in the order they were made (services.chats_news)."""
    group = await _group_of(ctx.session, task)
    if group is None:
        return
    gather = chats_news.Gather(f"made:{group.id}:{ctx.me.user_id}", task.id, ctx.me.user_id)
    earlier = await ctx.gathered_news(group, gather)
    found = await ctx.session.scalars(select(Task).where(Task.id.in_(earlier)))
    made = [*sorted(found, key=lambda t: earlier.index(t.id)), task]  # a deleted one goes
    people = await ctx.session.scalars(
        select(User).where(User.id.in_({t.responsible_id for t in made}))
    )
    names = {user.id: user.name for user in people}

    def build(tr: Translator) -> View:
        return made_notice(tr, ctx.me.name, made, names)

    await ctx.notify_group(group, KIND, build, gather=gather)


def made_notice(tr: Translator, person: str, made: list[Task], names: dict[int, str]) -> View:
    """ "Anna created a task of the group; Boris is responsible." with the task's number,
    title and deadline (in the team's zone); for several, a line each and a button each."""
    if len(made) == 1:
        task = made[0]
        said = tr(CREATED, person=person, other=names.get(task.responsible_id, ""))
        view = notice(tr, task, said)
        title = bold(f"#{task.id} {cut(task.title, 300)}")
        view.body = [
            *said,
            Span("\n"),
            title,
            Span("\n"),
            *tr("Deadline: {when}", when=_due(tr, task)),
        ]
        return view
    body: Markup = tr.n(
        "{person} created {n} task of the group:",
        "{person} created {n} tasks of the group:",
        len(made),
        person=person,
    )
    for task in made:
        who = names.get(task.responsible_id, "")
        line = f" {cut(task.title, 80)} · {who} · {_due(tr, task)}"
        body = [*body, Span("\n• "), bold(f"#{task.id}"), Span(line)]
    view = View(body=body)
    buttons = [Button(f"#{task.id}", f"t:o:{task.id}") for task in made]
    for at in range(0, len(buttons), BUTTONS_A_ROW):
        view.row(*buttons[at : at + BUTTONS_A_ROW])
    return view


def _due(tr: Translator, task: Task) -> str:
    """The task's deadline in the reader's (the team's) zone, the zone named."""
    return tr.when(task.deadline) if task.deadline is not None else tr.s("no deadline")


async def tell_groups_overdue(
    session: AsyncSession, overdue: Sequence[tuple[Task, Group]], now: datetime
) -> int:
    """The scheduler's overdue notices of groups' tasks (services.tasks_overdue), once
    for each deadline, whoever is responsible and whatever their reminders say: a fixed
    number of queries for the whole page. Returns how many groups were told."""
    keys = {f"rm:god:{task.id}:{int(task.deadline.timestamp())}": (task, group)
            for task, group in overdue if task.deadline is not None}  # fmt: skip
    fresh = await reminders.claim_keys(session, list(keys), now)
    claimed = [keys[key] for key in keys if key in fresh]
    if not claimed:
        return 0
    teams = await session.scalars(
        select(Team).where(Team.id.in_({group.team_id for _task, group in claimed}))
    )
    readers = {team.id: translator(team.locale, team.timezone, shared=True) for team in teams}
    news: list[chats_news.GroupNews] = []
    for task, group in claimed:
        tr = readers.get(group.team_id)
        if tr is None or task.deadline is None:
            continue
        view: View = notice(tr, task, tr(OVERDUE, when=tr.when(task.deadline)))
        key = f"task:{task.id}:overdue:{int(task.deadline.timestamp())}"
        news.append(chats_news.GroupNews(group, KIND, view.to_dict(), key))
    return len(await chats_news.notify_groups(session, news))


# -- @mentions that reached nobody ------------------------------------------------


def unheard(ctx: Ctx, task: Task, said: Mentions) -> View | None:
    """What the author of a comment is told of its @names that notified nobody: who is
    unknown, who is several people, who may not see the task (with a button asking the
    task's creator and responsible to add them as observers)."""
    lines: list[Markup] = []
    if said.unknown:
        names = ", ".join("@" + name for name in said.unknown)
        if ctx.me.is_extranet:  # sees only their groups' people: the name may be someone's
            line = ctx.tr.n(
                "{names}: there is no one by this name among the people you work with.",
                "{names}: there is no one by these names among the people you work with.",
                len(said.unknown),
                names=bold(names),
            )
        else:
            line = ctx.tr.n(
                "{names}: nobody in your team has this name, so nobody was notified.",
                "{names}: nobody in your team has these names, so nobody was notified.",
                len(said.unknown),
                names=bold(names),
            )
        lines.append(line)
    if said.several:
        names = ", ".join("@" + name for name in said.several)
        lines.append(
            ctx.tr(
                "{names}: several people match, so nobody was notified. Write the full name.",
                names=bold(names),
            )
        )
    if said.unseen:
        names = ", ".join(user.name for user in said.unseen)
        lines.append(
            ctx.tr.n(
                "{names} cannot see this task and was not notified.",
                "{names} cannot see this task and were not notified.",
                len(said.unseen),
                names=bold(names),
            )
        )
    if said.barred:
        names = ", ".join(user.name for user in said.barred)
        lines.append(
            ctx.tr.n(
                "{names} is an extranet member outside this task's group: nobody can add "
                "them to it, and they were not notified.",
                "{names} are extranet members outside this task's group: nobody can add "
                "them to it, and they were not notified.",
                len(said.barred),
                names=bold(names),
            )
        )
    if not lines:
        return None
    view = View(body=[], private=True)
    for line in lines:
        view.body.extend([*line, Span("\n")] if line is not lines[-1] else line)
    for user in said.unseen:  # the author may not add people: those who may are asked
        view.row(
            Button(ctx.tr.s("Ask to add {name}", name=user.name)[:60], f"t:ma:{task.id}:{user.id}")
        )
    return view


async def ask_to_add(ctx: Ctx, task_id: int, user_id: int) -> View:
    """The task's creator and responsible are asked to add someone its comment mentioned
    as an observer; their notice has the button that does it."""
    task = await tasks.get_task(ctx.session, ctx.me, task_id)
    user = await db.get(ctx.session, User, user_id)
    if user is None or user.team_id != ctx.me.team_id:
        raise not_found()
    group = await ctx.session.get(Group, task.group_id) if task.group_id else None
    if group is not None and await tasks.outside_its_group(ctx.session, user, group.id):
        raise DomainError(tasks.OUTSIDE_THE_GROUP, person=user.name, group=group.name)
    deciders = [
        uid
        for uid in dict.fromkeys([task.creator_id, task.responsible_id])
        if uid != ctx.me.user_id
    ]
    allowed = await tasks_people.who_may_see(ctx.session, task, deciders)

    def build(tr: Translator) -> View:
        view = notice(
            tr,
            task,
            tr(
                "{person} asks you to add {other} to the task as an observer: they were "
                "mentioned in a comment but cannot see the task.",
                person=bold(ctx.me.name),
                other=bold(user.name),
            ),
        )
        view.row(
            Button(
                tr.s("Add {name} as an observer", name=user.name)[:60],
                f"t:mp:{task.id}:{user.id}:o",
            )
        )
        return view

    asked = [uid for uid in deciders if uid in allowed]
    for uid in asked:
        await ctx.notify(uid, "assignment", build, ref=f"task:{task.id}")
    names = [u.name for uid in asked if (u := await db.get(ctx.session, User, uid)) is not None]
    if not names:
        return View(
            body=ctx.tr(
                "There is nobody to ask: only the task's creator or responsible may add people."
            ),
            private=True,
        )
    return View(
        body=ctx.tr(
            "Asked {people} to add {name} as an observer.",
            people=bold(", ".join(names)),
            name=bold(user.name),
        ),
        private=True,
    )
