"""/menu: the person's pinned sections, each opening its area; pin and unpin; More
opens what has no section (today, profile, team, help...). Whatever the menu opens has
a way back to it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.core import Ctx, Reply, Router, pager_row
from handlers.i18n import N_
from handlers.markup import Span, bold
from handlers.views import Button, View
from services import inbox_center, menu
from services.pagination import Page

router = Router(__name__)
ORDER = 20

SECTION_LABELS = {
    "feed": N_("Feed"),
    "tasks": N_("Tasks"),
    "plan": N_("My Plan"),
    "time": N_("Time"),
    "calendar": N_("Calendar"),
    "crm": N_("CRM"),
    "groups": N_("Groups"),
    "drive": N_("Drive"),
    "inbox": N_("Inbox"),
}
# the command each section opens
SECTION_COMMANDS = {
    "feed": "feed",
    "tasks": "tasks",
    "plan": "plan",
    "time": "day",
    "calendar": "events",
    "crm": "crm",
    "groups": "groups",
    "drive": "drive",
    "inbox": "inbox",
}
# the More page: the commands no section opens, in this order
MORE = {
    "today": N_("Today"),
    "me": N_("Language and time zone"),
    "reminders": N_("Reminders"),
    "timesheet": N_("Timesheet"),
    "team": N_("Team"),
    "people": N_("People"),
    "invite": N_("Invite"),
    "help": N_("Help"),
}


def _usable(ctx: Ctx, command: str) -> bool:
    spec = ctx.registry.commands.get(command)
    return spec is not None and ctx.me.role in spec.roles


def offered(ctx: Ctx, section: str) -> bool:
    """Whether the person's role may use the section's command (an extranet member has
    no time tracking, for one): a section they cannot open is not shown."""
    return _usable(ctx, SECTION_COMMANDS.get(section, ""))


def back_to_menu(ctx: Ctx, reply: Reply) -> Reply:
    """What the menu opened, with « Menu under it (on its last message)."""
    views = [reply] if isinstance(reply, View) else reply or []
    if views:
        views[-1].row(Button(ctx.tr.s("« Menu"), "menu:m"))
    return reply


async def more_view(ctx: Ctx, page_no: int) -> View:
    """The More page: one button a command the person may use, a page at a time."""
    usable = [command for command in MORE if _usable(ctx, command)]
    page = Page.of(usable, page_no, ctx.services.page_size)
    view = View(body=[bold(ctx.tr.s("More"))], edit=True)
    view.grid([Button(ctx.tr.s(MORE[c]), f"menu:c:{c}") for c in page.items], per_row=2)
    view.row(*pager_row(ctx, page, "menu:x"))
    return view.row(Button(ctx.tr.s("« Menu"), "menu:m"))


async def _open(ctx: Ctx, command: str, label: str) -> Reply:
    """Run a command as if typed, its answer with the way back to the menu."""
    spec = ctx.registry.commands.get(command)
    if spec is None:
        return View(
            body=ctx.tr("The {section} section is not available yet.", section=bold(label)),
            private=True,
        )
    if ctx.me.role not in spec.roles:
        return View(
            body=ctx.tr("The command /{name} is not available to you.", name=command),
            private=True,
        )
    ctx.event = replace(ctx.event, kind="command", command=command, args="")
    return back_to_menu(ctx, await spec.handler(ctx))


async def menu_view(ctx: Ctx) -> View:
    pins = [section for section in await menu.pinned(ctx.session, ctx.me) if offered(ctx, section)]
    view = View(body=[bold(ctx.tr.s("Menu"))])
    if not pins:
        view.body.append(Span("\n"))
        view.body.extend(ctx.tr("Nothing is pinned. Press Edit menu to choose sections."))
    unread = await inbox_center.unread_count(ctx.session, ctx.me) if "inbox" in pins else 0
    labels = {section: ctx.tr.s(SECTION_LABELS[section]) for section in pins}
    if unread:  # the Inbox button says how much waits there
        labels["inbox"] = ctx.tr.s("Inbox ({n})", n=unread)
    view.grid([Button(labels[section], f"menu:o:{section}") for section in pins])
    view.row(Button(ctx.tr.s("More"), "menu:x:1"), Button(ctx.tr.s("Edit menu"), "menu:e"))
    return view


async def edit_view(ctx: Ctx) -> View:
    pins = set(await menu.pinned(ctx.session, ctx.me))
    view = View(body=ctx.tr("Press a section to pin or unpin it."), edit=True)
    view.grid(
        [
            Button(
                ("📌 " if section in pins else "○ ") + ctx.tr.s(SECTION_LABELS[section]),
                f"menu:t:{section}:{'u' if section in pins else 'p'}",
            )
            for section in menu.SECTIONS
            if offered(ctx, section)
        ]
    )
    view.row(Button(ctx.tr.s("Done"), "menu:m"))
    return view


@router.command("menu", help=N_("your sections, pinned as you like"), personal=True)
async def menu_command(ctx: Ctx) -> View:
    arg = ctx.args.strip().lower()
    if arg in ("edit", "изменить", "настроить"):
        return await edit_view(ctx)
    return await menu_view(ctx)


@router.action("menu", personal=True)
async def menu_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "m"
    if verb == "e":
        return await edit_view(ctx)
    if verb == "t" and len(ctx.action_args) > 1:
        wanted = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        # what the button was drawn for: an old one must not flip it back
        await menu.toggle(
            ctx.session, ctx.me, ctx.action_args[1], {"p": True, "u": False}.get(wanted)
        )
        return await edit_view(ctx)
    if verb == "x":
        return await more_view(ctx, ctx.page_arg(1))
    if verb == "o" and len(ctx.action_args) > 1:
        section = ctx.action_args[1]
        label = ctx.tr.s(SECTION_LABELS.get(section, section))
        return await _open(ctx, SECTION_COMMANDS.get(section, ""), label)
    if verb == "c" and len(ctx.action_args) > 1 and ctx.action_args[1] in MORE:
        command = ctx.action_args[1]
        return await _open(ctx, command, ctx.tr.s(MORE[command]))
    view = await menu_view(ctx)
    view.edit = True
    return view
