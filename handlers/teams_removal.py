"""/team remove: what the person still holds, the colleague who takes it over (the
admin by default, or one picked), and the hand-over with the usual notices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.calendar_reminders import queue_event_reminders
from handlers.core import Ctx, pager_row
from handlers.crm_changes import assign_owner
from handlers.groups_members import take_out
from handlers.i18n import Translator
from handlers.markup import Markup, Span, bold, join_lines
from handlers.people import person_label
from handlers.tasks_changes import apply_delegate
from handlers.tasks_tell import tell
from handlers.views import Button, View
from models.calendar import Event
from models.teams import User
from services import chats, tasks, teams_handover, teams_removal, users
from services.errors import N_, DomainError
from services.teams_handover import Holdings, StoppedWork


def _held(tr: Translator, held: Holdings) -> Markup:
    """ "2 open tasks, 1 repeating task, 1 task to approve, 1 open deal, 1 coming event,
    3 files":
    what changes hands."""
    tasks, repeats, approvals, deals, leads, events, files = (
        len(held.tasks),
        len(held.repeats),
        len(held.approvals),
        len(held.deals),
        len(held.leads),
        len(held.events),
        len(held.files),
    )
    parts = [
        part
        for count, part in (
            (tasks, tr.n("{n} open task", "{n} open tasks", tasks)),
            (repeats, tr.n("{n} repeating task", "{n} repeating tasks", repeats)),
            (approvals, tr.n("{n} task to approve", "{n} tasks to approve", approvals)),
            (deals, tr.n("{n} open deal", "{n} open deals", deals)),
            (leads, tr.n("{n} open lead", "{n} open leads", leads)),
            (events, tr.n("{n} coming event", "{n} coming events", events)),
            (files, tr.n("{n} file", "{n} files", files)),
        )
        if count
    ]
    out: Markup = []
    for part in parts:
        out.extend([Span(", "), *part] if out else part)
    return out


def _names(people: list[User]) -> str:
    return ", ".join(u.name for u in people)


async def confirm_removal(ctx: Ctx, user_id: int, to_id: int | None = None) -> View:
    """Remove? With what they still hold and to whom it goes, or who else may take it."""
    tr = ctx.tr
    user = await teams_removal.removable(ctx.session, ctx.me, user_id)
    held = await teams_handover.holdings(ctx.session, ctx.me, user.id, to_id or ctx.me.user_id)
    if not held:
        view = View(
            body=tr(
                "Remove {person} from the team? They will no longer use it or hear from it; "
                "their tasks, comments and deals stay.",
                person=bold(user.name),
            )
        )
        view.row(Button(tr.s("Remove {person}", person=user.name)[:60], f"tmr:rx:{user.id}"))
        view.row(Button(tr.s("Cancel"), "tmr:c"))
        return view
    to = await teams_handover.successor(ctx.session, ctx.me, to_id or ctx.me.user_id, user.id)
    moving = _held(tr, held)
    lines: list[Any] = [
        tr(
            "Remove {person} from the team? They will no longer use it or hear from it.",
            person=bold(user.name),
        )
    ]
    if moving:
        lines.append(tr("Still with them: {items}.", items=moving))
        lines.append(
            tr(
                "All of it goes to {other}: the tasks, deals and leads with the usual notices, "
                "the events with {other} as organiser.",
                other=bold(to.name),
            )
        )
    if held.reports:
        lines.append(
            tr(
                "Reporting to them: {people}. They will have no supervisor until you set one "
                "(/team supervisor).",
                people=_names(held.reports),
            )
        )
    view = View(body=join_lines(lines))
    if moving:
        label = tr.s("Remove, hand over to {person}", person=to.name)
        view.row(Button(label[:60], f"tmr:rx:{user.id}:{to.id}"))
        view.row(Button(tr.s("Hand over to someone else"), f"tmr:p:{user.id}:1"))
    else:
        view.row(Button(tr.s("Remove {person}", person=user.name)[:60], f"tmr:rx:{user.id}"))
    view.row(Button(tr.s("Cancel"), "tmr:c"))
    return view


async def pick_successor(ctx: Ctx, user_id: int, page_no: int) -> View:
    """The colleagues who may take over, a page of buttons."""
    user = await teams_removal.removable(ctx.session, ctx.me, user_id)
    page = await teams_handover.successors(
        ctx.session, ctx.me, user.id, page_no, ctx.services.page_size
    )
    view = View(body=ctx.tr("Who takes over from {person}?", person=bold(user.name)), edit=True)
    for other in page.items:
        view.row(Button(other.name[:60], f"tmr:x:{user.id}:{other.id}"))
    view.row(*pager_row(ctx, page, f"tmr:p:{user.id}"))
    view.row(Button(ctx.tr.s("Cancel"), "tmr:c"))
    return view


async def remove(ctx: Ctx, user_id: int, to_id: int | None) -> View:
    """Out of the team; what they held goes to the successor, who hears of it as of any
    hand-over."""
    held = await teams_handover.holdings(ctx.session, ctx.me, user_id, to_id or ctx.me.user_id)
    bound = await chats.member_chats(ctx.session, user_id)  # before they leave their groups
    user, events = await teams_removal.remove_member(ctx.session, ctx.me, user_id, to_id)
    # before the hand-over: a timer on a task handed over is theirs to report here too
    stopped = await teams_handover.stop_work(ctx.session, ctx.me, user.id)
    to = await teams_handover.successor(ctx.session, ctx.me, to_id or ctx.me.user_id, user.id)
    for task_id in held.tasks:
        await apply_delegate(ctx, task_id, to.id)
    for entity, ids in (("deal", held.deals), ("lead", held.leads)):
        for entity_id in ids:
            await assign_owner(ctx, {"entity": entity, "entity_id": entity_id, "owner": to.id})
    for key, ids in (
        (
            N_("{person} removed {other} from the team; this repeating task is yours now."),
            held.repeats,
        ),
        (
            N_("{person} removed {other} from the team; you now approve this task."),
            held.approvals,
        ),
    ):
        for task_id in ids:
            task = await tasks.get_task(ctx.session, ctx.me, task_id)
            await tell(
                ctx, task, "assignment", key, to=[to.id], person=ctx.me.name, other=user.name
            )
    for event in events:
        await _tell_organiser(ctx, event, user, to)
        await queue_event_reminders(ctx.session, event)
    lines: list[Any] = [ctx.tr("{person} was removed from the team.", person=bold(user.name))]
    moved = _held(ctx.tr, held)
    if moved:
        lines.append(ctx.tr("Handed over to {other}: {items}.", other=bold(to.name), items=moved))
    lines.extend(_stopped(ctx.tr, stopped))
    if held.reports:
        lines.append(
            ctx.tr(
                "No supervisor now: {people}. Set one: /team supervisor @person @supervisor",
                people=_names(held.reports),
            )
        )
    told = await take_out(ctx, user.name, user.id, bound)
    if told:
        lines.append(told)
    return View(body=join_lines(lines), edit=True)


def _stopped(tr: Translator, stopped: StoppedWork) -> list[Markup]:
    """The removal summary's lines on the work that stopped with the person."""
    lines: list[Markup] = []
    if stopped.timer is not None:
        task, timer = stopped.timer
        if timer.entry is None:  # left running for over a day: nothing logged
            lines.append(
                tr(
                    "Their timer on #{id} {title} stopped; it had run since {when}, so "
                    "nothing was logged.",
                    id=str(task.id),
                    title=task.title,
                    when=tr.when(timer.started_at),
                )
            )
        else:
            lines.append(
                tr(
                    "Their timer on #{id} {title} stopped: {time} logged.",
                    id=str(task.id),
                    title=task.title,
                    time=tr.duration(timedelta(seconds=timer.entry.seconds)),
                )
            )
    if stopped.day is not None and stopped.day.finished_at is not None:
        lines.append(
            tr(
                "Their working day is closed: finished {when}.",
                when=tr.when(stopped.day.finished_at),
            )
        )
    if stopped.helping:
        lines.append(
            tr.n(
                "No longer a co-executor or observer of {n} open task.",
                "No longer a co-executor or observer of {n} open tasks.",
                stopped.helping,
            )
        )
    return lines


async def _tell_organiser(ctx: Ctx, event: Event, user: User, to: User) -> None:
    actor_name, left, title = ctx.me.name, user.name, event.title

    def build(tr: Translator) -> View:
        return View(
            body=tr(
                "{person} removed {other} from the team; you now organise {title}.",
                person=bold(actor_name),
                other=bold(left),
                title=bold(title),
            ),
            buttons=[[Button(tr.s("Open"), f"ev:o:{event.id}")]],
        )

    await ctx.notify(to.id, "event", build, ref=f"event:{event.id}")


# -- bringing people back -----------------------------------------------------------------


async def removed_page(ctx: Ctx, page_no: int) -> View:
    """/team removed: who left the team, each with a Restore button."""
    page = await teams_removal.removed_people(ctx.session, ctx.me, page_no, ctx.services.page_size)
    lines: list[Any] = [ctx.tr("Removed from the team ({count})", count=str(page.total))]
    if not page.items:
        lines.append(ctx.tr("Nobody. People removed with /team remove are listed here."))
    view = View()
    for user in page.items:
        lines.append([Span("• "), bold(person_label(user))])
        view.row(Button(ctx.tr.s("Restore {person}", person=user.name)[:60], f"tmr:rs:{user.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "tmr:rl"))
    return view


async def restore_by_name(ctx: Ctx, name: str) -> View:
    """/team restore NAME: a part of the name will do; several match → buttons."""
    found = await teams_removal.find_removed(ctx.session, ctx.me, name)
    if len(found) == 1:
        return await restore(ctx, found[0].id)
    if found:
        view = View(
            body=ctx.tr(
                "Several people who left match {name}. Whom do you bring back?", name=bold(name)
            )
        )
        for user in found:
            view.row(Button(person_label(user)[:60], f"tmr:rs:{user.id}"))
        return view
    present = await users.find_people(ctx.session, ctx.me, name)
    if len(present) == 1:  # brought back already, or never removed
        raise DomainError(N_("{person} is in the team."), person=present[0].name)
    raise DomainError(
        N_("Nobody called {name} has left the team. Who has: /team removed"),
        name=name.strip().lstrip("@"),
    )


async def restore(ctx: Ctx, user_id: int) -> View:
    user = await teams_removal.restore_member(ctx.session, ctx.me, user_id)
    return View(body=ctx.tr("{person} is back in the team.", person=bold(user.name)))
