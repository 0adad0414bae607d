"""Task cards, list lines and coaching hints (shared by the task handlers)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Protocol

from handlers.core import Ctx, text_page
from handlers.i18n import N_, Translator
from handlers.markup import Markup, Span, bold, cut, italic, join_lines, link
from handlers.tasks_input import quick_picks
from handlers.tasks_repeat_words import repeat_line
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.groups import Group
from models.tasks import Task
from models.teams import User
from services import tasks, tasks_deadlines, tasks_people, tasks_work, users
from services.access import Actor, archived_group

STATUS_NAMES = {
    tasks.PENDING: N_("pending"),
    tasks.IN_PROGRESS: N_("in progress"),
    tasks.AWAITING: N_("awaiting control"),
    tasks.COMPLETED: N_("completed"),
    tasks.DEFERRED: N_("deferred"),
    tasks.PAUSED: N_("paused"),
}
STATUS_ICONS = {
    tasks.PENDING: "⚪",
    tasks.IN_PROGRESS: "▶️",
    tasks.AWAITING: "🔎",
    tasks.COMPLETED: "✅",
    tasks.DEFERRED: "💤",
    tasks.PAUSED: "⏸",
}
# a task is completed or deferred from these
CLOSABLE = (tasks.PENDING, tasks.IN_PROGRESS, tasks.PAUSED)
DESCRIPTION_PAGE = 3300
# View.meta keys: the task's card as one reader sees it (its id), and everyone's card in
# a channel or group chat (see handlers.tasks_shared)
CARD = "task_card"
EVERYONE = "everyone"

_URL = re.compile(r"https?://[^\s<>\"]+")

# first words that read as an action (ru verbs are caught by their endings)
EN_VERBS = frozenset(
    """add agree analyse analyze answer approve arrange ask assign book buy calculate call
    cancel change check choose clean collect compare complete confirm contact create decide
    define deliver deploy design discuss do draft email estimate find finish fix follow get
    give help hire implement improve install invite list make meet migrate move order organise
    organize pay plan post prepare present print publish read receive refactor remind remove
    renew reply report research review rewrite run schedule send set settle share ship sign
    start study submit support talk test think translate update upload verify visit write
    prep align archive audit back bill build chase clarify close configure convert copy cover
    debug document download draw edit email enable enroll escalate evaluate export fill file
    finalize finalise forward gather go grab hand handle identify import inform interview
    investigate launch lead learn load log look map measure merge monitor negotiate notify
    onboard open outline pack pick pitch polish prioritize prioritise process proofread provide
    purchase push qualify rebook recruit reconcile record reduce refund register renegotiate
    repair replace request reschedule resolve restart return revise save scan secure sell sort
    source spec summarize summarise sync tidy track train transfer try turn unblock verify wrap""".split()
)
_RU_VERB_ENDINGS = ("ть", "ти", "чь", "ться", "ай", "яй", "ей", "уй", "ьте", "ите", "йте")
_RU_IMPERATIVE = re.compile(r"^[а-яё]+(и|ь|й)$")


def starts_with_verb(title: str) -> bool:
    word = re.sub(r"[^\w-]", "", title.split(" ", 1)[0]).casefold()
    if not word:
        return False
    if word in EN_VERBS:
        return True
    if re.match(r"[а-яё]", word):
        return word.endswith(_RU_VERB_ENDINGS) or bool(_RU_IMPERATIVE.match(word))
    return False


def linked(text: str) -> Markup:
    """Plain text with its URLs kept clickable."""
    out: Markup = []
    pos = 0
    for match in _URL.finditer(text):
        if match.start() > pos:
            out.append(Span(text[pos : match.start()]))
        url = match.group(0).rstrip(".,;)")
        out.append(link(url, url))
        pos = match.start() + len(url)
    if pos < len(text):
        out.append(Span(text[pos:]))
    return out


def status_name(tr: Translator, status: str) -> str:
    return tr.s(STATUS_NAMES.get(status, status))


def deadline_text(tr: Translator, task: Task, now: datetime | None = None) -> Markup:
    if task.deadline is None:
        return tr("no deadline")
    now = now or utcnow()
    when = tr.when(task.deadline)
    if tasks.is_overdue(task, now):
        return tr("{when} — overdue", when=bold(when))
    if tasks.is_almost_overdue(task, now):
        return tr("{when} — due within a day", when=bold(when))
    return [Span(when)]


async def overrun_note(ctx: Ctx, task: Task) -> Markup:
    """A sentence when the task is due after its parent task's or its project's deadline
    (the deadline is kept: the person moves one or the other), else nothing."""
    over = await tasks_deadlines.deadline_overrun(ctx.session, task)
    if over is None:
        return []
    when = ctx.tr.when(over.deadline)
    if over.kind == "parent":
        return ctx.tr(
            "Note: this is after the deadline of its parent task #{id} ({when}).",
            id=over.label,
            when=when,
        )
    return ctx.tr(
        "Note: this is after the deadline of the project {project} ({when}).",
        project=bold(over.label),
        when=when,
    )


class Listed(tasks.Deadlined, Protocol):
    """What a line of a list shows: a Task, or services.tasks_lists.TaskLine."""

    @property
    def title(self) -> str: ...


def task_label(
    tr: Translator, task: Listed, now: datetime | None = None, who: str | None = None
) -> str:
    """One line of a list, for a button; `who`: the responsible's name, in a list of
    everyone's tasks (a group's)."""
    now = now or utcnow()
    mark = "🔥 " if tasks.is_overdue(task, now) else ""
    due = f" · {tr.when(task.deadline)}" if task.deadline else ""
    person = f" · {cut(who, 20)}" if who else ""
    return f"{STATUS_ICONS.get(task.status, '')} {mark}{cut(task.title, 40)}{due}{person}"


async def _names(ctx: Ctx, people: list[User]) -> Markup:
    """Names of a task's co-executors or observers. An extranet member reads only those
    they may see elsewhere (people of their groups); the others are counted."""
    if not ctx.me.is_extranet:
        return [Span(", ".join(u.name for u in people))]
    seen = await users.names_of(ctx.session, ctx.me, {u.id for u in people})
    out: Markup = [Span(", ".join(u.name for u in people if u.id in seen))]
    hidden = len(people) - len(seen)
    if hidden:
        out = [*out, Span(", " if seen else ""), *ctx.tr.n("{n} more", "{n} more", hidden)]
    return out


async def read_only(ctx: Ctx, task: Task) -> bool:
    """Whether the task is an archived group's: its card and panels offer only reading."""
    return await archived_group(ctx.session, task.group_id) is not None


async def card_view(
    ctx: Ctx, task: Task, page: int = 1, *, fresh: bool = False, everyone: bool = False
) -> View:
    """A task's card. `fresh`: the task was created in this unit of work with no
    co-executors, observers or checklist, so there is nothing to count or list.
    `everyone`: the card all in a channel or group chat read, whoever asked or pressed
    (see handlers.tasks_shared): no one's own buttons, only Open, which gives whoever
    presses it their own card."""
    tr = ctx.tr
    session = ctx.session
    creator = await db.get(session, User, task.creator_id)
    responsible = await db.get(session, User, task.responsible_id)
    roles = tasks_people.Roles([], []) if fresh else await tasks_people.roles_of(session, task)
    group = await db.get(session, Group, task.group_id) if task.group_id else None
    lines: list[Any] = [
        [Span(f"#{task.id} "), bold(task.title)],
        tr(
            "Status: {status}",
            status=STATUS_ICONS.get(task.status, "") + " " + status_name(tr, task.status),
        ),
        tr("Deadline: {when}", when=deadline_text(tr, task)),
        tr(
            "Created by {creator}, responsible {person}",
            creator=creator.name if creator else "?",
            person=bold(responsible.name if responsible else "?"),
        ),
    ]
    if roles.accomplices:
        lines.append(tr("Co-executors: {names}", names=await _names(ctx, roles.accomplices)))
    if roles.auditors:
        lines.append(tr("Observers: {names}", names=await _names(ctx, roles.auditors)))
    read_only = group is not None and group.archived
    if group is not None:
        lines.append(tr("Group: {group}", group=group.name))
    if read_only:  # its buttons only read (access.ensure_group_writable refuses the rest)
        lines.append(tr("Archived group — read only"))
    if task.parent_id:
        lines.append(tr("Subtask of #{id}", id=str(task.parent_id)))
    if task.needs_approval:
        lines.append(tr("Completion needs the creator's approval."))
    repeats = None if fresh else await repeat_line(ctx, task)
    if repeats is not None:
        lines.append(repeats)
    facts = tasks_work.NOTHING_YET if fresh else await tasks_work.card_facts(session, ctx.me, task)
    if facts.waits_for:  # what it waits for; "/task N after M off" undoes it
        before = await tasks_deadlines.predecessors(session, ctx.me, task)
        if before:
            names = ", ".join(f"#{t.id} {t.title[:40]}" for t in before[:3])
            lines.append(tr("Starts after: {tasks}", tasks=names))
    if facts.checklist_total:
        lines.append(
            tr(
                "Checklist: {done} of {total} done",
                done=str(facts.checklist_done),
                total=str(facts.checklist_total),
            )
        )
    if facts.subtasks_total:
        lines.append(
            tr(
                "Subtasks: {done} of {total} done",
                done=str(facts.subtasks_total - facts.subtasks_open),
                total=str(facts.subtasks_total),
            )
        )
    if facts.seconds:
        lines.append(tr("Time spent: {time}", time=tr.duration(timedelta(seconds=facts.seconds))))
    count = facts.comments
    body = join_lines(lines)
    pages = 1
    if task.description:
        # the title and the description page together stay under a message's limit
        limit = max(1000, DESCRIPTION_PAGE - len(task.title))
        piece, page, pages = text_page(linked(task.description), page, limit)
        body.append(Span("\n\n"))
        body.extend(piece)
        if pages > 1:
            body.append(Span("\n"))
            body.append(italic(tr.s("Description, page {page} of {pages}", page=page, pages=pages)))
    view = View(body=body, ref=f"task:{task.id}")
    if everyone:
        view.meta[EVERYONE] = "1"
        return view.row(Button(tr.s("Open"), f"t:o:{task.id}"))
    view.meta[CARD] = str(task.id)
    doer = await tasks.is_doer(ctx.session, ctx.me, task)  # asked once for the card
    if not read_only:
        view.row(*await status_buttons(ctx, task, doer))
    if pages > 1:
        nav = []
        if page > 1:
            nav.append(Button(tr.s("« Prev"), f"t:o:{task.id}:{page - 1}"))
        if page < pages:
            nav.append(Button(tr.s("Next »"), f"t:o:{task.id}:{page + 1}"))
        view.row(*nav)
    comments_label = tr.s("Comments ({n})", n=count) if count else tr.s("Comments")
    view.row(
        Button(comments_label, f"t:c:{task.id}:1"),
        Button(tr.s("Checklist"), f"t:ck:{task.id}"),
        Button(tr.s("Subtasks"), f"t:sb:{task.id}"),
    )
    more = Button(tr.s("More"), f"t:m:{task.id}")
    if read_only:  # nothing is changed; one's running timer still stops; More is read
        stop = [Button(tr.s("⏹ Stop timer"), f"t:tx:{task.id}")] if facts.timer_here else []
        return view.row(*stop, more)
    timer_button = (
        Button(tr.s("⏹ Stop timer"), f"t:tx:{task.id}")
        if facts.timer_here
        else Button(tr.s("⏱ Start timer"), f"t:ti:{task.id}")
    )
    works = doer or tasks.can_manage(ctx.me, task)
    if facts.timer_here or (works and task.is_open):  # not on a finished task
        view.row(timer_button, Button(tr.s("Log time"), f"t:tm:{task.id}"))
    elif works:  # an observer watches; the time is logged by who works on it
        view.row(Button(tr.s("Log time"), f"t:tm:{task.id}"))
    # only what this reader may do: a co-executor, an observer or a contractor who
    # may not move the deadline or hand the task over is not offered a dead end
    manager = tasks.can_manage(ctx.me, task)
    responsible_here = task.responsible_id == ctx.me.user_id
    last = []
    if may_move_deadline(ctx.me, task):
        last.append(Button(tr.s("Deadline"), f"t:dl:{task.id}"))
    if task.is_open and (manager or responsible_here):
        last.append(Button(tr.s("Delegate"), f"t:dg:{task.id}"))
    return view.row(*last, more)


async def status_buttons(ctx: Ctx, task: Task, doer: bool | None = None) -> list[Button]:
    tr = ctx.tr
    if doer is None:
        doer = await tasks.is_doer(ctx.session, ctx.me, task)
    manager = tasks.can_manage(ctx.me, task)
    out: list[Button] = []
    s = task.status
    tid = task.id
    if doer and s in tasks.STARTABLE:
        out.append(Button(tr.s("Start"), f"t:s:{tid}:start"))
    if doer and s == tasks.IN_PROGRESS:
        out.append(Button(tr.s("Pause"), f"t:s:{tid}:pause"))
    closer = manager or task.responsible_id == ctx.me.user_id  # not a co-executor
    if may_complete(ctx.me, task):
        out.append(Button(tr.s("Complete"), f"t:s:{tid}:complete"))
    if manager and s == tasks.AWAITING:
        out.append(Button(tr.s("Accept"), f"t:s:{tid}:approve"))
        out.append(Button(tr.s("Return for rework"), f"t:rt:{tid}"))
    if closer and s in CLOSABLE:
        out.append(Button(tr.s("Defer"), f"t:s:{tid}:defer"))
    if (doer or manager) and s in (tasks.COMPLETED, tasks.DEFERRED):
        out.append(Button(tr.s("Renew"), f"t:s:{tid}:renew"))
    if doer and not manager and s == tasks.AWAITING:
        # taken back before the approval (a manager has Return for that)
        out.append(Button(tr.s("Renew"), f"t:s:{tid}:renew"))
    return out


def may_complete(actor: Actor, task: Task) -> bool:
    """Whether the reader completes the task now: its responsible or a manager (not a
    co-executor), while it is pending, in progress or paused."""
    closer = tasks.can_manage(actor, task) or task.responsible_id == actor.user_id
    return closer and task.status in CLOSABLE


def may_move_deadline(actor: Actor, task: Task) -> bool:
    """Whether the reader moves the task's deadline: a manager, or its responsible while
    the task lets them."""
    return tasks.can_manage(actor, task) or (
        task.responsible_id == actor.user_id and task.responsible_may_change_deadline
    )


def reminder_buttons(tr: Translator, task: Task, reader: Actor) -> list[Button]:
    """A reminder of the task's deadline: Open, and Complete and Deadline as its card
    offers them to the reader (their presses are checked as the card's are)."""
    row = [Button(tr.s("Open"), f"t:o:{task.id}")]
    if may_complete(reader, task):
        row.append(Button(tr.s("Complete"), f"t:s:{task.id}:complete"))
    if may_move_deadline(reader, task):
        row.append(Button(tr.s("Deadline"), f"t:dl:{task.id}"))
    return row


async def coaching(ctx: Ctx, task: Task) -> View | None:
    """The rules for good tasks, as advice: a deadline, a verb first, a description."""
    tr = ctx.tr
    lines: list[Markup] = []
    view = View()
    if task.deadline is None:  # the quick picks read the schedule: only here
        lines.append(tr("No deadline yet. When is it due?"))
        picks = [
            Button(label, f"t:dq:{task.id}:{code}")
            for label, code in await quick_picks(ctx, task.responsible_id)
        ]
        view.row(*picks[:-1])
        view.row(
            picks[-1],
            Button(tr.s("Other date"), f"t:dl:{task.id}"),
            Button(tr.s("No deadline"), f"t:dq:{task.id}:no"),
        )
    if not starts_with_verb(task.title):
        lines.append(
            tr(
                "Tip: start the title with a verb — “Call Ivanov”, not “Ivanov”. Clear tasks get done faster."
            )
        )
    if not task.description:
        lines.append(tr("Add a description so the responsible knows what “done” means?"))
        view.row(Button(tr.s("Add description"), f"t:ds:{task.id}"))
    if not lines:
        return None
    view.body = join_lines(lines)
    view.private = True
    return view


def notice(tr: Translator, task: Task, message: Markup) -> View:
    """A notification about a task: the message, the title and an Open button."""
    body = list(message)
    body.append(Span("\n"))
    body.append(bold(task.title if len(task.title) <= 300 else task.title[:299] + "…"))
    view = View(body=body, ref=f"task:{task.id}")
    view.row(Button(tr.s("Open"), f"t:o:{task.id}"))
    return view
