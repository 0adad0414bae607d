"""/task: create a task from one line or a form, show it, work on it by sub-command;
a reply to a task's message in chat becomes a comment (creating a task:
handlers.tasks_create; telling its people: handlers.tasks_tell)."""

from __future__ import annotations

from typing import Any

from handlers.common import HELP_WORDS, help_for
from handlers.core import Ctx, Router
from handlers.drive import comment_attachment, store
from handlers.forms import Field, Form
from handlers.groups_input import group_choices, group_question, parse_group_answer
from handlers.i18n import N_
from handlers.numbered import numbered
from handlers.tasks_create import create, create_from_text, start_new
from handlers.tasks_input import deadline_choices, parse_deadline, parse_person, person_choices
from handlers.tasks_shared import for_the_chat
from handlers.tasks_tell import post_comment
from handlers.views import View
from services import drive, tasks

router = Router(__name__)
ORDER = 50


# -- comments by reply ----------------------------------------------------------


@router.text
async def reply_to_task(ctx: Ctx) -> View | None:
    """A reply to a task's (or a task comment's) message adds a comment."""
    ref = ctx.reply_ref or ""
    if not ref.startswith("task:"):
        return None
    parts = ref.split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    reply_to = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    return await post_comment(ctx, int(parts[1]), ctx.args, reply_to)


@router.file
async def file_to_task(ctx: Ctx) -> View | None:
    """A file sent in reply to a task's message is kept in the drive, attached to the
    task (/drive task ID), and posted as a comment anyone on the task can open."""
    ref = ctx.reply_ref or ""
    file = ctx.event.file
    if not ref.startswith("task:") or file is None:
        return None
    parts = ref.split(":")
    if not parts[1].isdigit():
        return None
    reply_to = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    row = await store(ctx, file)
    await drive.attach(ctx.session, ctx.me, row.id, f"task:{parts[1]}")
    return await post_comment(ctx, int(parts[1]), ctx.args or "", reply_to, comment_attachment(row))


# -- the command ----------------------------------------------------------------


@router.command(
    "task",
    help=N_("create a task: /task Call Ivanov tomorrow 15:00 @petr #sales"),
    usage=N_(
        "/task TEXT [DEADLINE] [@person] [#group] · /task ID [comment|time|check|sub|after|deadline] ..."
    ),
    details=N_(
        "/task alone opens a form. After a task's number:\n"
        "comment TEXT · time 1h 30m · check ITEM · sub TEXT · after ID · deadline DATE · "
        "delegate @person · add @person · watch · title TEXT\n"
        "start · pause · complete · approve · return · defer · renew · delete\n"
        "repeat RULE|off · template NAME; /task from NAME [DEADLINE] makes a task of a template.\n"
        "For example: /task 12 comment Sent the invoice · /task 12 deadline fri 18:00 · "
        "/task 12 delegate @petr"
    ),
)
async def task_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if not text:
        return await start_new(ctx)
    if text.casefold() in HELP_WORDS:
        return await help_for(ctx, "task")
    head, _, rest = text.partition(" ")
    if (found := numbered(text, None)) is not None:  # /task 12 …; /task -5: no such task
        from handlers.tasks_sub import subcommand

        # in a channel or group chat: the asker's answer is theirs, and the card of a
        # task of the chat's group is everyone's there (asked, or changed)
        reply = await subcommand(ctx, found.number, rest.strip())
        return await for_the_chat(ctx, reply, "change" if rest.strip() else "show")
    if text.casefold() in ("templates", "шаблоны"):
        from handlers.tasks_templates import templates_command

        return await templates_command(ctx)
    if head.casefold() in ("from", "из", "шаблон"):
        from handlers.tasks_from import task_from

        return await task_from(ctx, text, rest.strip())
    return await create_from_text(ctx, text)


async def _parse_title(ctx: Ctx, raw: str) -> str:
    return tasks.clean_title(raw)


async def _parse_description(ctx: Ctx, raw: str) -> str:
    value = raw.strip()
    return "" if value in ("-",) else tasks.clean_description(value)


async def _submit_new(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create(ctx, values)


async def _submit_group(ctx: Ctx, values: dict[str, Any]) -> Any:
    defaults = {**values["defaults"], "group_id": values["group_id"]}
    return await create_from_text(ctx, values["text"], values["parent_id"], defaults)


router.form(group_question("task_group", N_("New task"), _submit_group))


router.form(
    Form(
        name="task_new",
        title=N_("New task"),
        fields=[
            Field(
                "group_id",
                N_("Which group is the task for? Choose one, or type its name."),
                parse_group_answer,
                choices=group_choices,
            ),
            Field(
                "title",
                N_("What needs to be done? Start with a verb."),
                _parse_title,
                max_length=tasks.TITLE_MAX,
            ),
            Field(
                "responsible",
                N_("Who is responsible? A name or @username; “me” for yourself."),
                parse_person,
                choices=person_choices,
                default="me",
                person=True,
            ),
            Field(
                "deadline",
                N_("Deadline? For example: tomorrow 15:00, next fri, 31.12 18:00."),
                parse_deadline,
                choices=deadline_choices,
                default="-",  # no deadline
            ),
            Field(
                "description",
                N_("A description: what “done” means, links, details."),
                _parse_description,
                optional=True,
                multiline=True,
                max_length=tasks.DESCRIPTION_MAX,
            ),
        ],
        submit=_submit_new,
    )
)
