"""/plan: My Plan, a personal kanban; tasks move between one's own columns by button."""

from __future__ import annotations

from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx, Router, pager_row
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span, bold
from handlers.tasks_views import task_label
from handlers.views import Button, View
from services import tasks_plan
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 52


async def board_view(ctx: Ctx) -> View:
    view = View(body=[bold(ctx.tr.s("My Plan"))])
    for column, count in await tasks_plan.board(ctx.session, ctx.me):
        view.row(Button(f"{column.name} ({count})", f"pl:c:{column.id}:1"))
    view.row(
        Button(ctx.tr.s("Add column"), "pl:a"),
        Button(ctx.tr.s("Edit columns"), "pl:e"),
    )
    return view


async def column_view(ctx: Ctx, column_id: int, page_no: int) -> View:
    column, page = await tasks_plan.column_tasks(
        ctx.session, ctx.me, column_id, page=page_no, per_page=ctx.services.page_size
    )
    view = View(body=ctx.tr("{column} ({count})", column=bold(column.name), count=str(page.total)))
    if not page.items:
        view.body.extend(ctx.tr("\nNo tasks in this column."))
    for task in page.items:
        view.row(Button(task_label(ctx.tr, task), f"pl:t:{task.id}"))
    view.row(*pager_row(ctx, page, f"pl:c:{column.id}"))
    view.row(Button(ctx.tr.s("Back"), "pl:b"))
    return view


async def move_view(ctx: Ctx, task_id: int) -> View:
    current = await tasks_plan.column_of(ctx.session, ctx.me, task_id)
    from services.tasks import get_task

    task = await get_task(ctx.session, ctx.me, task_id)
    view = View(
        body=[
            bold(task.title[:300]),
            Span("\n"),
            *ctx.tr("Column: {column}. Move to:", column=current.name),
        ]
    )
    cols = await tasks_plan.columns(ctx.session, ctx.me)
    row: list[Button] = []
    for column in cols:
        if column.id == current.id:
            continue
        row.append(Button("→ " + column.name, f"pl:mv:{task.id}:{column.id}"))
        if len(row) == 2:
            view.row(*row)
            row = []
    view.row(*row)
    view.row(
        Button(ctx.tr.s("Open"), f"t:o:{task.id}"), Button(ctx.tr.s("Back"), f"pl:c:{current.id}:1")
    )
    return view


async def edit_view(ctx: Ctx) -> View:
    cols = await tasks_plan.columns(ctx.session, ctx.me)
    inbox = tasks_plan.inbox(cols)
    view = View(
        body=ctx.tr(
            "Your columns: move, rename or delete them. {column} takes the tasks not yet "
            "planned: it stays.",
            column=bold(inbox.name),
        )
    )
    for column in cols:
        buttons = [
            Button(column.name, f"pl:r:{column.id}"),
            Button("↑", f"pl:u:{column.id}"),
            Button("↓", f"pl:d:{column.id}"),
        ]
        if column.id != inbox.id:
            buttons.append(Button("✖", f"pl:x:{column.id}"))
        view.row(*buttons)
    view.row(Button(ctx.tr.s("Add column"), "pl:a"), Button(ctx.tr.s("Back"), "pl:b"))
    return view


async def delete_question(ctx: Ctx, column_id: int) -> View:
    """Deleting a column asks first, and says where its tasks go."""
    counts = {col.id: n for col, n in await tasks_plan.board(ctx.session, ctx.me)}
    column = await tasks_plan.column_by_id(ctx.session, ctx.me, column_id)
    inbox = tasks_plan.inbox(await tasks_plan.columns(ctx.session, ctx.me))
    if column.id == inbox.id:  # refused with the reason
        await tasks_plan.delete_column(ctx.session, ctx.me, column.id)
    view = View(
        body=ctx.tr.n(
            "Delete the column {column}? Its {n} task goes back to {inbox}.",
            "Delete the column {column}? Its {n} tasks go back to {inbox}.",
            counts.get(column.id, 0),
            column=bold(column.name),
            inbox=bold(inbox.name),
        )
    )
    view.row(Button(ctx.tr.s("Delete"), f"pl:xy:{column.id}"), Button(ctx.tr.s("Cancel"), "pl:e"))
    return view


@router.command(
    "plan",
    help=N_("My Plan: your tasks in your own columns"),
    usage=N_("/plan [add NAME | rename N NAME | delete N]"),
    personal=True,
)
async def plan_command(ctx: Ctx) -> Any:
    verb, _, rest = ctx.args.strip().partition(" ")
    verb = verb.casefold()
    rest = rest.strip()
    if not verb:
        return await board_view(ctx)
    if verb in ("add", "добавить"):
        await tasks_plan.add_column(ctx.session, ctx.me, rest)
        return await board_view(ctx)
    if verb in ("rename", "переименовать"):
        number, _, name = rest.partition(" ")
        if not number:
            raise DomainError(_N("Which column? For example: /plan rename 2 Next week"))
        column = await tasks_plan.column_by_number(ctx.session, ctx.me, number)
        await tasks_plan.rename_column(ctx.session, ctx.me, column.id, name)
        return await board_view(ctx)
    if verb in ("delete", "удалить"):
        if not rest:
            raise DomainError(_N("Which column? For example: /plan delete 2"))
        column = await tasks_plan.column_by_number(ctx.session, ctx.me, rest)
        return await delete_question(ctx, column.id)
    raise unknown_action(verb, "plan")


@router.action("pl", personal=True)
async def plan_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "b"
    view: View
    if verb == "b":
        view = await board_view(ctx)
    elif verb == "a":
        return await ctx.start_form("plan_column")
    elif verb == "e":
        view = await edit_view(ctx)
    elif verb == "c":
        view = await column_view(ctx, ctx.int_arg(1), ctx.page_arg(2))
    elif verb == "t":
        view = await move_view(ctx, ctx.int_arg(1))
    elif verb == "mv":
        task, column = await tasks_plan.move(ctx.session, ctx.me, ctx.int_arg(1), ctx.int_arg(2))
        view = await column_view(ctx, column.id, 1)
        view.body = [
            *ctx.tr("Moved to {column}.", column=bold(column.name)),
            Span("\n"),
            *view.body,
        ]
    elif verb in ("u", "d"):
        await tasks_plan.shift_column(ctx.session, ctx.me, ctx.int_arg(1), -1 if verb == "u" else 1)
        view = await edit_view(ctx)
    elif verb == "x":
        view = await delete_question(ctx, ctx.int_arg(1))
    elif verb == "xy":
        column = await tasks_plan.delete_column(ctx.session, ctx.me, ctx.int_arg(1))
        view = await edit_view(ctx)
        view.body = [
            *ctx.tr("Column {column} deleted.", column=bold(column.name)),
            Span("\n"),
            *view.body,
        ]
    elif verb == "r":
        column_id = ctx.int_arg(1)
        await tasks_plan.column_by_id(ctx.session, ctx.me, column_id)
        return await ctx.start_form("plan_rename", {"column_id": column_id})
    else:
        return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
    view.edit = True
    return view


async def _parse_name(ctx: Ctx, raw: str) -> str:
    return tasks_plan.clean_column_name(raw)


async def _submit_column(ctx: Ctx, values: dict[str, Any]) -> View:
    await tasks_plan.add_column(ctx.session, ctx.me, values["name"])
    return await board_view(ctx)


async def _submit_rename(ctx: Ctx, values: dict[str, Any]) -> View:
    await tasks_plan.rename_column(ctx.session, ctx.me, int(values["column_id"]), values["name"])
    return await edit_view(ctx)


router.form(
    Form(
        name="plan_column",
        title=N_("New column"),
        fields=[Field("name", N_("Name of the new column?"), _parse_name, max_length=60)],
        submit=_submit_column,
    )
)
router.form(
    Form(
        name="plan_rename",
        title=N_("Rename column"),
        fields=[Field("name", N_("New name of the column?"), _parse_name, max_length=60)],
        submit=_submit_rename,
    )
)
