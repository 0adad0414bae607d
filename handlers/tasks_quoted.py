"""A new task of someone else's words: a Slack message ("Create task from message") or
a poll's winning option. It is never `/task ID verb ...` or a template, whatever the
text says; a message is kept word for word (handlers.quotes), with its author watching."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router
from handlers.events import Quote
from handlers.i18n import N_
from handlers.quotes import author_of, first_line, with_source
from handlers.tasks_create import create, create_from_text, start_new
from handlers.tasks_shared import own_only
from services import tasks

router = Router(__name__)

# the name other areas and adapters use to make a task of someone else's words
FROM_TEXT = "task_from_text"


@router.command(
    FROM_TEXT,
    help=N_("a new task from a message or a poll's option"),
    hidden=True,
    personal=True,
)
async def task_from_text_command(ctx: Ctx) -> Any:
    """Its answer goes to the person who asked, not to the channel it was asked in
    (without everyone's card, which would say the same twice)."""
    quote = ctx.event.quote
    if quote is not None and quote.text.strip():
        return own_only(await create_from_quote(ctx, quote))
    text = ctx.args.strip()
    if not text:
        return await start_new(ctx)
    return own_only(await create_from_text(ctx, text))


async def create_from_quote(ctx: Ctx, quote: Quote) -> Any:
    """The message's first line as the title and its whole text, author and link as the
    description; no deadline is read out of another person's words (the card offers
    Deadline and Delegate). The author, when of the team, observes the task."""
    values: dict[str, Any] = {
        "title": first_line(quote.text),
        "description": with_source(ctx.tr, quote, tasks.DESCRIPTION_MAX),
        "responsible": ctx.me.user_id,
        "deadline": None,
    }
    author = await author_of(ctx, quote)
    if author is not None and not author.is_extranet:  # an outsider is named, not added
        values["auditors"] = [author.user_id]
    bound = await ctx.chat_group()  # in a chat bound to a group, the group's task
    if bound is not None:
        values["group_id"] = bound.id
    elif ctx.me.is_extranet:  # their only group, or asked which (the rest is kept)
        return await start_new(ctx, values)
    return await create(ctx, values)
