"""/task from NAME [deadline] [@person] [#group]: a task of the template NAME names; a
name close to a template's (a typo: "Montly") asks which was meant; any other line
("From the client: resend the invoice") is a title, as it always is for an outside
member, who has no templates."""

from __future__ import annotations

import difflib
from typing import Any

from handlers.core import Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import bold
from handlers.tasks_create import create_from_text
from handlers.tasks_repeat import choose_template, from_template, from_template_id
from handlers.views import View
from models.tasks import TaskTemplate
from services import tasks_repeat
from services.errors import DomainError

router = Router(__name__)
CLOSE = 0.8  # difflib's ratio: "montly" is 0.92 of "monthly"


async def task_from(ctx: Ctx, line: str, name: str) -> Any:
    """The /task line `line`, which starts with one of FROM_WORDS and then `name`."""
    if ctx.me.is_extranet:
        if not name:  # a bare "/task from" is no title
            raise DomainError(
                N_("Task templates are not available to you; /task TITLE makes a task.")
            )
        return await create_from_text(ctx, line)
    if not name:  # "/task from": which template?
        return await choose_template(ctx)
    made = await from_template(ctx, name)
    if made is not None:
        return made
    close = await _close_template(ctx, name)
    if close is None:  # "Из презентации убрать слайды": a title
        return await create_from_text(ctx, line)
    template, said = close
    note = View(
        body=ctx.tr(
            "There is no template {said}. Did you mean {name}?",
            said=bold(said),
            name=bold(template.name),
        ),
        private=True,
    )
    rest = " ".join(name.split())[len(said) :].strip()
    kept = {"line": line, "template_id": template.id, "rest": rest}
    question = await ctx.start_form("task_from", kept)
    return [note, *([question] if isinstance(question, View) else question or [])]


async def _close_template(ctx: Ctx, name: str) -> tuple[TaskTemplate, str] | None:
    """The template whose name the words `name` starts with are closest to (as many
    words as its name has), and those words; None when none is close."""
    words = name.split()
    best: tuple[float, TaskTemplate, str] | None = None
    for template in await tasks_repeat.list_templates(ctx.session, ctx.me):
        said = " ".join(words[: len(template.name_key.split())])
        ratio = difflib.SequenceMatcher(None, said.casefold(), template.name_key).ratio()
        if ratio >= CLOSE and (best is None or ratio > best[0]):
            best = (ratio, template, said)
    return None if best is None else (best[1], best[2])


async def _use_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [
        (ctx.tr.s("Use the template"), "template"),
        (ctx.tr.s("A task with this title"), "title"),
    ]


async def _parse_use(ctx: Ctx, raw: str) -> str:
    value = raw.strip().casefold()
    if value in ("template", "шаблон", ctx.tr.s("Use the template").casefold()):
        return "template"
    if value in ("title", "task", "задача", ctx.tr.s("A task with this title").casefold()):
        return "title"
    raise DomainError(N_("Press one of the buttons: the template, or a task with this title."))


async def _submit(ctx: Ctx, values: dict[str, Any]) -> Any:
    if values["use"] == "title":
        return await create_from_text(ctx, values["line"])
    return await from_template_id(ctx, int(values["template_id"]), values["rest"])


router.form(
    Form(
        name="task_from",
        title=N_("New task"),
        fields=[
            Field(
                "use",
                N_("Make the task of the template, or a task with the title as typed?"),
                _parse_use,
                choices=_use_choices,
            )
        ],
        submit=_submit,
    )
)
