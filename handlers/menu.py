"""/menu: the person's pinned sections, each opening its area; pin and unpin."""

from __future__ import annotations

from handlers.core import Ctx, Router
from handlers.i18n import N_
from handlers.markup import Span, bold
from handlers.views import Button, View
from services import inbox_center, menu

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


def offered(ctx: Ctx, section: str) -> bool:
    """Whether the person's role may use the section's command (an extranet member has
    no time tracking, for one): a section they cannot open is not shown."""
    spec = ctx.registry.commands.get(SECTION_COMMANDS.get(section, ""))
    return spec is not None and ctx.me.role in spec.roles


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
    view.row(Button(ctx.tr.s("Edit menu"), "menu:e"))
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
async def menu_action(ctx: Ctx) -> View | list[View] | None:
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
    if verb == "o" and len(ctx.action_args) > 1:
        section = ctx.action_args[1]
        command = SECTION_COMMANDS.get(section)
        spec = ctx.registry.commands.get(command) if command else None
        if spec is None or command is None:
            label = ctx.tr.s(SECTION_LABELS.get(section, section))
            return View(
                body=ctx.tr("The {section} section is not available yet.", section=bold(label)),
                private=True,
            )
        from dataclasses import replace

        ctx.event = replace(ctx.event, kind="command", command=command, args="")
        if ctx.me.role not in spec.roles:
            return View(
                body=ctx.tr("The command /{name} is not available to you.", name=command),
                private=True,
            )
        return await spec.handler(ctx)
    view = await menu_view(ctx)
    view.edit = True
    return view
