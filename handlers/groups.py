"""/groups: the list, a group's card, creating one, joining and leaving, open/closed and
the project deadline; the members, archiving and #group input live in groups_members,
groups_archive and groups_input."""

from __future__ import annotations

import re
from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx, Router, pager_row
from handlers.forms import Field, Form
from handlers.groups_archive import archive_group, restore_group
from handlers.groups_input import resolve_group
from handlers.groups_members import change_members, member_change, members_view
from handlers.groups_report import REPORT_WORDS, default_period, report_command
from handlers.i18n import N_
from handlers.markup import Markup, Span, bold, join_lines
from handlers.tasks_input import as_moment, parse_deadline
from handlers.views import Button, View
from models.groups import Group
from services import groups, groups_members
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
# the actions /groups takes before a group's name
_VERBS = {
    "show",
    "open-card",
    "показать",
    "join",
    "вступить",
    "leave",
    "выйти",
    "members",
    "участники",
    "open",
    "открыть",
    "close",
    "закрыть",
    "project",
    "проект",
    "add",
    "remove",
    "owner",
    "добавить",
    "удалить",
    "владелец",
    "archive",
    "архив",
    "архивировать",
    *REPORT_WORDS,
}
RESTORE_WORDS = {"restore", "unarchive", "восстановить", "вернуть"}
ORDER = 40

CLOSED_WORDS = {"closed", "private", "закрытая", "закрытый", "закрытая группа"}
PROJECT_WORDS = {"project", "проект"}


async def list_view(ctx: Ctx, page_no: int, mine: bool = False) -> View:
    page = await groups.list_groups(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size, mine=mine
    )
    title = ctx.tr.s("My groups") if mine else ctx.tr.s("Groups")
    view = View(body=[bold(f"{title} ({page.total})")])
    if not page.items:
        view.body.append(Span("\n"))
        view.body.extend(
            await _no_group(ctx)
            if ctx.me.is_extranet  # an outside member creates none
            else ctx.tr("No groups yet. Create one: /groups new NAME")
        )
    for group in page.items:
        label = ("📁 " if group.is_project else "👥 ") + group.name
        view.row(Button(label[:60], f"grp:o:{group.id}"))
    view.row(*pager_row(ctx, page, "grp:m" if mine else "grp:l"))
    controls = [
        Button(
            ctx.tr.s("All groups") if mine else ctx.tr.s("My groups"),
            "grp:l:1" if mine else "grp:m:1",
        )
    ]
    if not ctx.me.is_extranet:
        controls.append(Button(ctx.tr.s("New group"), "grp:n"))
    view.row(*controls)
    return view


async def _no_group(ctx: Ctx) -> Markup:
    """An extranet member in no group of the lists: theirs may be archived (read only,
    as its notice said), else they wait for an invite."""
    archived = await groups.list_groups(
        ctx.session, ctx.me, per_page=ctx.services.page_size, mine=True, archived=True
    )
    if not archived.items:
        return ctx.tr("You are in no group now; the team asks you to one with an invite.")
    return ctx.tr.n(
        "Your group {groups} is archived: its tasks, events and files stay in /tasks, "
        "/events and /drive, to read only.",
        "Your groups {groups} are archived: their tasks, events and files stay in /tasks, "
        "/events and /drive, to read only.",
        archived.total,
        groups=bold(", ".join(group.name for group in archived.items)),
    )


async def card_view(ctx: Ctx, group: Group) -> View:
    member = await groups.membership(ctx.session, group.id, ctx.me.user_id)
    count = await groups_members.member_count(ctx.session, group.id)
    kind = ctx.tr.s("project") if group.is_project else ctx.tr.s("group")
    access = ctx.tr.s("open") if group.is_open else ctx.tr.s("closed")
    lines: list[Any] = [[bold(group.name), Span(f" — {kind}, {access}")]]
    if group.description:
        lines.append([Span(group.description)])
    if group.is_project:
        deadline = ctx.tr.when(group.deadline) if group.deadline else ctx.tr.s("no deadline")
        lines.append(ctx.tr("Deadline: {when}", when=deadline))
    lines.append(ctx.tr("Members: {count}", count=str(count)))
    view = View(body=join_lines(lines))
    row = []
    if member is None:
        if group.is_open and not ctx.me.is_extranet:
            row.append(Button(ctx.tr.s("Join"), f"grp:j:{group.id}"))
    elif group.owner_id != ctx.me.user_id:
        row.append(Button(ctx.tr.s("Leave"), f"grp:x:{group.id}"))
    row.append(Button(ctx.tr.s("Members"), f"grp:u:{group.id}:1"))
    if member is not None or ctx.me.is_admin:  # its work is its members' to read
        row.append(Button(ctx.tr.s("Report"), f"grr:{group.id}:{default_period(ctx, group).key}:1"))
    view.row(*row)
    manager = (
        ctx.me.is_admin
        or group.owner_id == ctx.me.user_id
        or (member is not None and member.role in ("owner", "moderator") and not ctx.me.is_extranet)
    )
    if manager:
        view.row(
            Button(
                ctx.tr.s("Make closed") if group.is_open else ctx.tr.s("Make open"),
                f"grp:a:{group.id}:{'c' if group.is_open else 'o'}",
            ),
            Button(ctx.tr.s("Project deadline"), f"grp:d:{group.id}"),
            Button(ctx.tr.s("Invite extranet"), f"inv:g:{group.id}"),
        )
    return view


@router.command(
    "groups",
    help=N_("workgroups and projects"),
    usage=N_(
        "/groups [new|join|leave|members|add|remove|owner|open|close|project|archive|restore|"
        "report] ..."
    ),
)
async def groups_command(ctx: Ctx) -> Any:
    verb, _, rest = ctx.args.strip().partition(" ")
    verb = verb.lower()
    rest = rest.strip()
    if not verb:
        return await list_view(ctx, 1)
    if verb in ("mine", "my", "мои"):
        return await list_view(ctx, 1, mine=True)
    if verb in ("new", "create", "новая", "создать"):
        return await _create_from_text(ctx, rest)
    if verb in RESTORE_WORDS and rest:  # an archived group is in no list: found by name
        group = await restore_group(ctx, rest)
        done = View(body=ctx.tr("{group} is back from the archive.", group=bold(group.name)))
        card = await card_view(ctx, group)
        done.body = [*done.body, Span("\n\n"), *card.body]
        done.buttons = card.buttons
        return done
    if verb not in _VERBS:
        # "/groups Website": no action named, just a group's name: its card
        try:
            group, _tail = await resolve_group(ctx, ctx.args)
        except DomainError:
            if rest:  # "/groups joi Sales": a mistyped action
                raise unknown_action(verb, "groups") from None
            raise
        return await card_view(ctx, group)
    if not rest:
        raise DomainError(_N("Which group? For example: /groups {verb} Sales"), verb=verb)
    if verb in REPORT_WORDS:  # an archived group's too: its work is read as before
        group, tail = await resolve_group(ctx, rest, to_read=True)
        return await report_command(ctx, group, tail)
    group, tail = await resolve_group(ctx, rest)
    if verb in ("show", "open-card", "показать"):
        return await card_view(ctx, group)
    if verb in ("join", "вступить"):
        await groups_members.join(ctx.session, ctx.me, group.id)
        return View(body=ctx.tr("You joined {group}.", group=bold(group.name)))
    if verb in ("leave", "выйти"):
        await groups_members.leave(ctx.session, ctx.me, group.id)
        return View(body=ctx.tr("You left {group}.", group=bold(group.name)))
    if verb in ("members", "участники"):
        return await members_view(ctx, group.id, 1)
    if verb in ("archive", "архив", "архивировать"):
        return await archive_group(ctx, group.id)
    if verb in ("open", "открыть"):
        await groups.set_open(ctx.session, ctx.me, group.id, True)
        return await card_view(ctx, group)
    if verb in ("close", "закрыть"):
        await groups.set_open(ctx.session, ctx.me, group.id, False)
        return await card_view(ctx, group)
    if verb in ("project", "проект"):
        # no date keeps the deadline it has ("/groups project Site" on a project);
        # "none" takes it away; a date alone means the end of that working day
        deadline = as_moment(await parse_deadline(ctx, tail)) if tail else group.deadline
        return await _set_project(ctx, group.id, deadline)
    if verb in ("add", "remove", "owner", "добавить", "удалить", "владелец"):
        return await change_members(ctx, verb, group, tail)
    raise unknown_action(verb, "groups")


_QUOTED = re.compile(r'\s*["«“](?P<name>[^"»”]+)["»”](?P<rest>.*)', re.DOTALL)


async def _create_from_text(ctx: Ctx, rest: str) -> Any:
    """`/groups new NAME [closed] [project]`; a name in quotes is kept whole ("Website
    project"), and flags read off the end of an unquoted name are said back."""
    quoted = _QUOTED.fullmatch(rest)
    words = (quoted["rest"] if quoted else rest).split()
    is_open = True
    is_project = False
    flags: list[str] = []
    # the kind is read off the end, each kind once, and never the name's last word:
    # "Private closed" is the closed group Private, "/groups new Project" one so named
    while len(words) > (0 if quoted else 1):
        word = words[-1].lower()
        if word in CLOSED_WORDS and is_open:
            is_open = False
        elif word in PROJECT_WORDS and not is_project:
            is_project = True
        else:
            break
        flags.insert(0, words.pop())
    if quoted:
        if words:  # something after the quotes that is no flag
            raise DomainError(
                _N("After the name only closed or project may follow: {words}"),
                words=" ".join(words),
            )
        name = " ".join(quoted["name"].split())
    else:
        name = " ".join(words)
    if not name:
        return await ctx.start_form("group_new")
    view = await _create(ctx, name, is_open, is_project)
    if flags and not quoted:
        example = " ".join([name, *flags])
        view.body[:0] = [
            *ctx.tr(
                "I read {words} as the kind of group, not as part of its name. For a name "
                'that ends with it, put the name in quotes: /groups new "{example}"',
                words=bold(" ".join(flags)),
                example=example,
            ),
            Span("\n"),
        ]
    return view


async def _create(ctx: Ctx, name: str, is_open: bool, is_project: bool) -> View:
    group = await groups.create_group(
        ctx.session, ctx.me, name, is_open=is_open, is_project=is_project
    )
    done = View(body=ctx.tr("Group {group} created. You are its owner.", group=bold(group.name)))
    card = await card_view(ctx, group)
    done.body.append(Span("\n\n"))
    done.body.extend(card.body)
    done.buttons = card.buttons
    return done


@router.action("grp")
async def groups_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "l"
    if verb in ("l", "m"):
        view = await list_view(ctx, ctx.page_arg(1), mine=verb == "m")
        view.edit = True
        return view
    if verb == "n":
        return await ctx.start_form("group_new")
    group_id = ctx.int_arg(1)
    if verb == "o":
        group = await groups.get_group(ctx.session, ctx.me, group_id)
        if group.archived:  # in no list: said so, with how to bring it back
            raise groups.ArchivedGroup(ctx.me, group)
        return await card_view(ctx, group)
    if verb == "j":
        group = await groups_members.join(ctx.session, ctx.me, group_id)
        return await card_view(ctx, group)
    if verb == "x":
        group = await groups_members.leave(ctx.session, ctx.me, group_id)
        return View(body=ctx.tr("You left {group}.", group=bold(group.name)))
    if verb == "u":
        view = await members_view(ctx, group_id, ctx.page_arg(2))
        view.edit = True
        return view
    if verb == "a":
        group = await groups.get_manageable_group(ctx.session, ctx.me, group_id)
        # the button says what it was drawn for: an old one must not flip it back
        wanted = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        make_open = wanted == "o" if wanted in ("o", "c") else not group.is_open
        group = await groups.set_open(ctx.session, ctx.me, group.id, make_open)
        view = await card_view(ctx, group)
        view.edit = True
        return view
    if verb == "d":
        await groups.get_manageable_group(ctx.session, ctx.me, group_id)
        return await ctx.start_form("group_deadline", {"group_id": group_id})
    if verb in ("ad", "rm", "ow"):
        return await member_change(ctx, verb, group_id, ctx.int_arg(2))
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _access_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(ctx.tr.s("Open to the team"), "open"), (ctx.tr.s("Closed"), "closed")]


async def _parse_access(ctx: Ctx, raw: str) -> str:
    value = raw.strip().lower()
    if value in ("open", "открытая", ctx.tr.s("Open to the team").lower()):
        return "open"
    if value in CLOSED_WORDS or value == ctx.tr.s("Closed").lower():
        return "closed"
    raise DomainError(_N("Answer open or closed."))


async def _submit_new(ctx: Ctx, values: dict[str, Any]) -> View:
    return await _create(ctx, values["name"], values.get("access") != "closed", False)


async def _deadline_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(ctx.tr.s("No deadline"), "-")]


async def _submit_deadline(ctx: Ctx, values: dict[str, Any]) -> View:
    return await _set_project(ctx, int(values["group_id"]), as_moment(values.get("deadline")))


async def _set_project(ctx: Ctx, group_id: int, deadline: Any) -> View:
    """Make the group a project with this deadline; its card, and how many of its open
    tasks are due after that deadline (kept: the owner moves them or the deadline)."""
    group = await groups.set_project(ctx.session, ctx.me, group_id, deadline)
    view = await card_view(ctx, group)
    late = await groups.open_tasks_due_after(ctx.session, group)
    if late:
        note = ctx.tr.n(
            "{n} open task of the project is due after this deadline ({when}).",
            "{n} open tasks of the project are due after this deadline ({when}).",
            late,
            when=ctx.tr.when(deadline),
        )
        view.body = [*note, Span("\n\n"), *view.body]
    return view


async def _parse_name(ctx: Ctx, raw: str) -> str:
    return groups.clean_name(raw)


router.form(
    Form(
        name="group_new",
        title=N_("New group"),
        fields=[
            Field("name", N_("Name of the new group?"), _parse_name, max_length=100),
            Field(
                "access",
                N_("Open to everyone in the team, or closed?"),
                _parse_access,
                choices=_access_choices,
            ),
        ],
        submit=_submit_new,
    )
)
router.form(
    Form(
        name="group_deadline",
        title=N_("Project deadline"),
        fields=[
            Field(
                "deadline",
                N_("Project deadline? For example: 31.12 18:00, next fri."),
                parse_deadline,
                choices=_deadline_choices,
            )
        ],
        submit=_submit_deadline,
    )
)
