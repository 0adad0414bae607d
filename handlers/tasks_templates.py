"""/templates (or /task templates): the team's task templates, a page at a time, each
with "Create from" and "Delete" buttons."""

from __future__ import annotations

from typing import Any

from handlers.core import STAFF, Ctx, Router, pager_row
from handlers.i18n import N_
from handlers.markup import Span, bold, cut, join_lines
from handlers.tasks_repeat import from_template
from handlers.views import Button, View
from services import tasks_templates

router = Router(__name__)
ORDER = 52
PER_PAGE = 8


async def templates_view(ctx: Ctx, page_no: int = 1, note: Any = None) -> View:
    page = await tasks_templates.templates_page(ctx.session, ctx.me, page_no, PER_PAGE)
    lines: list[Any] = [] if note is None else [note]
    lines.append(ctx.tr("Task templates ({count})", count=str(page.total)))
    if not page.items:
        lines.append(
            ctx.tr("No templates yet. Save a task as one: /task 12 template Monthly report")
        )
    view = View(body=[], edit=True)
    for template in page.items:
        lines.append([bold(template.name), Span(" — " + cut(template.title, 80))])
        row = [
            Button(
                ctx.tr.s("Create from {name}", name=cut(template.name, 30)), f"tp:n:{template.id}"
            )
        ]
        if template.created_by == ctx.me.user_id or ctx.me.is_admin:
            row.append(Button(ctx.tr.s("Delete"), f"tp:d:{template.id}"))
        view.row(*row)
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "tp:l"))
    return view


@router.command(
    "templates",
    help=N_("task templates: create a task from one, or delete one"),
    usage=N_("/templates · /task ID template NAME saves one · /task from NAME uses one"),
    roles=STAFF,
    lists=True,
)
async def templates_command(ctx: Ctx) -> Any:
    view = await templates_view(ctx)
    view.edit = False
    return ctx.for_me(view)


@router.action("tp")
async def template_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "l":
        return await templates_view(ctx, ctx.page_arg(1))
    template = await tasks_templates.get_template(ctx.session, ctx.me, ctx.int_arg(1))
    if verb == "n":
        return await from_template(ctx, template.name)
    if verb == "d":  # asked first
        view = View(body=ctx.tr("Delete the template {name}?", name=bold(template.name)), edit=True)
        view.row(
            Button(ctx.tr.s("Yes, delete"), f"tp:y:{template.id}"),
            Button(ctx.tr.s("No"), "tp:l:1"),
        )
        return view
    if verb == "y":
        gone = await tasks_templates.delete_template(ctx.session, ctx.me, template.id)
        note = ctx.tr("Template {name} deleted.", name=bold(gone.name))
        view = await templates_view(ctx, 1, note)
        view.edit = True
        return view
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
