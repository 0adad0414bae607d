"""Reading a #group from what people type: the group named at the start of a line, the
groups offered as quick picks, and the one-step form that asks for a group when the
named one does not exist (or an extranet member named none)."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx
from handlers.forms import Field, Form, Submit
from handlers.i18n import N_
from handlers.views import View
from models.groups import Group
from services import groups
from services.errors import N_ as _N
from services.errors import DomainError


async def resolve_group(ctx: Ctx, text: str, *, to_read: bool = False) -> tuple[Group, str]:
    """The group named at the start of `text` (longest visible name wins) and the rest;
    `to_read`: an archived one too (its things are read as before)."""
    return await groups.named_at_start(ctx.session, ctx.me, text, to_read=to_read)


# "without a group", typed
NO_GROUP_WORDS = {"-", "no", "none", "without", "нет", "без группы"}


# the groups offered as buttons (by name); any other is picked by typing its name
GROUP_CHOICES = 20


async def group_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """The person's groups as quick picks, the first GROUP_CHOICES by name: a longer
    list is answered by typing the name (parse_group_answer takes any of them; in a
    Slack modal a text input stands under the select)."""
    page = await groups.list_groups(ctx.session, ctx.me, per_page=GROUP_CHOICES, mine=True)
    options = [(group.name, group.name) for group in page.items]
    if not ctx.me.is_extranet:  # an outside member's work is always a group's
        options.append((ctx.tr.s("Without a group"), "-"))
    return options


async def parse_group_answer(ctx: Ctx, raw: str) -> int | None:
    text = raw.strip().lstrip("#").strip()
    if (
        text.casefold() in NO_GROUP_WORDS
        or text.casefold() == ctx.tr.s("Without a group").casefold()
    ):
        if ctx.me.is_extranet:  # an outside member's work is always a group's
            raise DomainError(_N("Pick one of your groups: press it, or type its name."))
        return None
    group, _rest = await resolve_group(ctx, text)
    return group.id


def group_question(name: str, title: str, submit: Submit) -> Form:
    """A one-step form for a command whose #group does not exist (or an extranet
    member's command without one): which group, or none (staff only: the button says
    so); the command's other input waits in the form's values."""
    return Form(
        name=name,
        title=title,
        fields=[
            Field(
                "group_id",
                N_("Which group is it for? Choose one, or type its name."),
                parse_group_answer,
                choices=group_choices,
            )
        ],
        submit=submit,
    )


async def ask_for_group(
    ctx: Ctx, form: str, unknown: groups.NoSuchGroup, values: dict[str, Any]
) -> list[View]:
    """An unknown #group (or an archived one): say so, and ask (group_question) instead
    of losing the input."""
    # one person's mistake: theirs alone in a channel, as every error is
    note = View(body=ctx.tr(unknown.key, **unknown.params), private=True)
    question = await ctx.start_form(form, values)
    return [note, *([question] if isinstance(question, View) else question or [])]
