"""/tasks: the task list with filters (I do, I help, I created, I observe, overdue,
by group), sorted by deadline, paginated (/tasks time: handlers.tasks_time)."""

from __future__ import annotations

import re
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.i18n import N_
from handlers.markup import Markup, Span, bold
from handlers.tasks_create import start_new
from handlers.tasks_input import resolve_group
from handlers.tasks_search import search_view
from handlers.tasks_time import TIME_WORDS, time_view
from handlers.tasks_views import task_label
from handlers.views import Button, View
from models.groups import Group
from services import groups, tasks_lists
from services.access import get_readable_group
from services.groups import is_member
from services.users import names_of

router = Router(__name__)
ORDER = 51

FILTER_NAMES = {
    "do": N_("I do"),
    "help": N_("I help"),
    "created": N_("I created"),
    "observe": N_("I observe"),
    "overdue": N_("Overdue"),
    "done": N_("Completed"),
}
CODES = {
    "do": "d",
    "help": "h",
    "created": "c",
    "observe": "o",
    "overdue": "x",
    "done": "f",
    "group": "g",
    "mine": "m",  # with a due: every task I am on due then
}
BY_CODE = {v: k for k, v in CODES.items()}
WORDS = {
    "do": "do",
    "i": "do",
    "делаю": "do",
    "мои": "do",
    "help": "help",
    "помогаю": "help",
    "created": "created",
    "поручил": "created",
    "поручил(а)": "created",
    "поручила": "created",
    "создала": "created",
    "создал": "created",
    "observe": "observe",
    "наблюдаю": "observe",
    "overdue": "overdue",
    "просрочены": "overdue",
    "просроченные": "overdue",
    "done": "done",
    "completed": "done",
    "завершённые": "done",
    "завершенные": "done",
    "выполненные": "done",
    "закрытые": "done",
}
SEARCH_WORDS = {"search", "find", "найти", "поиск", "искать", "найди"}
# due today, this week, next week (services.tasks_due): alone, after a filter, or
# before or after a #group
DUE_NAMES = {
    "today": N_("Due today"),
    "week": N_("Due this week"),
    "nextweek": N_("Due next week"),
}
DUE_CODES = {"today": "t", "week": "w", "nextweek": "n"}
DUE_BY_CODE = {v: k for k, v in DUE_CODES.items()}
_DUE = (
    r"(?:(?:due|на|к|до)\s+)?(?:(?P<today>today|сегодня)"
    r"|(?P<nextweek>(?:next|следующ\w*)\s+(?:week|недел\w*)|next-?week)"
    r"|(?P<week>(?:(?:this|эт\w*|текущ\w*)\s+)?(?:week|недел\w*)))"
)
_DUE_HEAD = re.compile(rf"{_DUE}(?:\s+|$)", re.IGNORECASE)
_DUE_TAIL = re.compile(rf"\s+{_DUE}$", re.IGNORECASE)


def _due_of(match: re.Match[str]) -> str:
    return next(kind for kind in DUE_CODES if match[kind])


def read_filters(arg: str) -> tuple[str | None, str | None, str]:
    """`[filter] [due] [rest]` in either order, and a due said after a #group: the
    filter, the due and what is left ("#Sprint 12")."""
    flt: str | None = None
    due: str | None = None
    rest = arg.strip()
    for _ in range(2):
        word, _, tail = rest.partition(" ")
        if flt is None and word.casefold() in WORDS:
            flt, rest = WORDS[word.casefold()], tail.strip()
        elif due is None and (head := _DUE_HEAD.match(rest)):
            due, rest = _due_of(head), rest[head.end() :].strip()
    if due is None and rest.startswith("#") and (tail_due := _DUE_TAIL.search(rest)):
        if rest[: tail_due.start()].strip('#" '):  # not a group called "Week"
            due, rest = _due_of(tail_due), rest[: tail_due.start()].strip()
    return flt, due, rest


def _title(ctx: Ctx, flt: str, due: str | None, count: int) -> Markup:
    if due is None:
        return ctx.tr(
            "Tasks — {filter} ({count})", filter=bold(ctx.tr.s(FILTER_NAMES[flt])), count=str(count)
        )
    if flt == "mine":
        return ctx.tr(
            "Tasks — {filter} ({count})", filter=bold(ctx.tr.s(DUE_NAMES[due])), count=str(count)
        )
    return ctx.tr(
        "Tasks — {filter} · {due} ({count})",
        filter=bold(ctx.tr.s(FILTER_NAMES[flt])),
        due=bold(ctx.tr.s(DUE_NAMES[due])),
        count=str(count),
    )


async def list_view(
    ctx: Ctx, flt: str, page_no: int, group_id: int | None = None, due: str | None = None
) -> View:
    page = await tasks_lists.list_tasks(
        ctx.session,
        ctx.me,
        flt,
        group_id=group_id,
        page=page_no,
        per_page=ctx.services.page_size,
        due=due,
    )
    due_code = DUE_CODES[due] if due else ""
    if flt == "group" and group_id is not None:
        group: Group = await get_readable_group(ctx.session, ctx.me, group_id)
        title = (
            ctx.tr("Tasks of {group} ({count})", group=bold(group.name), count=str(page.total))
            if due is None
            else ctx.tr(
                "Tasks of {group} · {due} ({count})",
                group=bold(group.name),
                due=bold(ctx.tr.s(DUE_NAMES[due])),
                count=str(page.total),
            )
        )
        if group.is_project:
            when = ctx.tr.when(group.deadline) if group.deadline else ctx.tr.s("no deadline")
            title = [*title, *ctx.tr("\nProject deadline: {when}", when=when)]
        action = f"tl:g{due_code}:{group_id}"
    else:
        title = _title(ctx, flt, due, page.total)
        action = f"tl:{CODES[flt]}{due_code}"
    view = View(body=list(title))
    joinable = None
    if flt == "group" and group_id is not None and not ctx.me.is_admin:
        if not await is_member(ctx.session, group_id, ctx.me.user_id):
            joinable = group_id  # an open group's tasks are its members': join to see them
    if joinable is not None:
        view.body.extend(
            ctx.tr("\nYou see only your own tasks here: join the group to see all of them.")
        )
        view.row(Button(ctx.tr.s("Join the group"), f"grp:j:{joinable}"))
    elif not page.items:
        if not ctx.me.is_extranet:
            hint = ctx.tr("\nNothing here. Create a task: /task Call Ivanov tomorrow 15:00")
        elif (await groups.list_groups(ctx.session, ctx.me, per_page=1, mine=True)).items:
            # an outside member's tasks live in their groups
            hint = ctx.tr(
                "\nNothing here. Create a task in your group: /task #group Call Ivanov tomorrow"
            )
        else:  # in no group (any more): no task has anywhere to go
            hint = [
                Span("\n"),
                *ctx.tr(
                    "You are in no group yet, so a task has nowhere to go. Ask whoever invited you."
                ),
            ]
        view.body.extend(hint)
    # a group's list is everyone's: each line says who does it
    names = (
        await names_of(ctx.session, ctx.me, {t.responsible_id for t in page.items})
        if flt == "group"
        else {}
    )
    for task in page.items:
        who = names.get(task.responsible_id)
        view.row(Button(task_label(ctx.tr, task, who=who), f"t:o:{task.id}"))
    view.row(*pager_row(ctx, page, action))
    filters = [
        Button(("• " if f == flt and due is None else "") + ctx.tr.s(name), f"tl:{CODES[f]}:1")
        for f, name in FILTER_NAMES.items()
    ]
    view.row(*filters[:3])
    view.row(*filters[3:], Button(ctx.tr.s("New task"), "tc"))
    # due today / this week / next week: of the group on its list, else of mine; the
    # chosen one pressed again takes the due away
    whose = f"g{{}}:{group_id}" if flt == "group" else "m{}"
    view.row(
        *(
            Button(
                ("• " if kind == due else "") + ctx.tr.s(name),
                f"tl:{whose.format('' if kind == due else DUE_CODES[kind])}:1",
            )
            for kind, name in DUE_NAMES.items()
        )
    )
    return view


async def group_list(ctx: Ctx, group_id: int, page_no: int, due: str | None = None) -> View:
    """A group's task list. In the group's own chat it is everyone's message there,
    whoever asked or turned its page: the whole list, in the team's language; someone
    who would see only their own part of it (not in the group) gets that privately."""
    bound = await ctx.chat_group()
    if bound is None or bound.id != group_id:
        return await list_view(ctx, "group", page_no, group_id, due)
    if ctx.me.is_admin or await is_member(ctx.session, group_id, ctx.me.user_id):
        return await ctx.for_everyone(lambda: list_view(ctx, "group", page_no, group_id, due))
    view = await list_view(ctx, "group", page_no, group_id, due)
    ctx.for_me(view)
    return view


@router.command(
    "tasks",
    help=N_(
        "your tasks: I do, I help, I created, I observe, overdue, done, due today, this "
        "week or next week, #group; search"
    ),
    usage=N_(
        "/tasks [do|help|created|observe|overdue|done] [today|week|next week] [#group] · "
        "/tasks search WORDS · /tasks time [week] [@person|#group]"
    ),
    lists=True,
)
async def tasks_command(ctx: Ctx) -> Any:
    arg = ctx.args.strip()
    head = arg.split(" ", 1)[0].casefold()
    if head in TIME_WORDS:
        return ctx.for_me(await time_view(ctx, arg[len(head) :]))
    if not arg:
        bound = await ctx.chat_group()
        if bound is not None:
            return await group_list(ctx, bound.id, 1)
        return await list_view(ctx, "do", 1)
    if head in SEARCH_WORDS:
        return ctx.for_me(await search_view(ctx, arg[len(head) :]))
    named = arg.strip('"').casefold()
    found = await groups.find_groups(ctx.session, ctx.me, arg.strip('"'), to_read=True)
    exact = [group for group in found if group.name.casefold() == named]
    if len(exact) == 1:  # "/tasks Week planning": the group, before any filter word in it
        return await list_view(ctx, "group", 1, exact[0].id)
    flt, due, rest = read_filters(arg)
    if flt is None and rest.startswith("#"):
        group_id = await resolve_group(ctx, rest.lstrip("#").strip('"'))
        return await list_view(ctx, "group", 1, group_id, due)
    if flt is None and due is not None:
        if rest and await groups.find_groups(ctx.session, ctx.me, rest.strip('"'), to_read=True):
            return await list_view(ctx, "group", 1, await resolve_group(ctx, rest.strip('"')), due)
        bound = await ctx.chat_group() if not rest else None
        if bound is not None:  # in a group's chat, as /tasks there: the group's
            return await group_list(ctx, bound.id, 1, due)
    if rest:  # a group's name, or else the words of a search
        if await groups.find_groups(ctx.session, ctx.me, arg.strip('"'), to_read=True):
            group_id = await resolve_group(ctx, arg.strip('"'))
            return await list_view(ctx, "group", 1, group_id)
        note = ctx.tr("“{text}” is neither a filter nor a group; tasks with these words:", text=arg)
        return ctx.for_me(await search_view(ctx, arg, note))
    return ctx.for_me(await list_view(ctx, flt or "mine", 1, due=due))


@router.action("tl", lists=True)
async def list_action(ctx: Ctx) -> Any:
    code = ctx.action_args[0] if ctx.action_args else "d"
    flt = BY_CODE.get(code[:1], "do")
    due = DUE_BY_CODE.get(code[1:2])
    if flt == "group":
        view = await group_list(ctx, ctx.int_arg(1), ctx.page_arg(2), due)
        view.edit = True
        return view
    if flt == "mine" and due is None:  # "every task I am on" is a list only with a due
        flt = "do"
    view = await list_view(ctx, flt, ctx.page_arg(1), due=due)
    view.edit = True
    return ctx.for_me(view)


@router.action("tc")
async def new_task_action(ctx: Ctx) -> Any:
    return await start_new(ctx)
