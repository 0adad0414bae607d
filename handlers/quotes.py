"""Someone else's message a command was run on (events.Quote), kept as it was written:
its first line names the new thing, its whole text, its author and the link back to it
are kept with it, and no date, person or group is read out of it."""

from __future__ import annotations

from handlers.core import Ctx
from handlers.events import Quote
from handlers.i18n import Translator
from services import teams_identity
from services.access import Actor

TITLE_CUT = 120  # a title longer than this is cut at a word, the rest is in the text


def first_line(text: str, limit: int = TITLE_CUT) -> str:
    """The message's first line that says something, cut at a word when long."""
    line = next((" ".join(part.split()) for part in text.splitlines() if part.strip()), "")
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-—") + "…"


def with_source(tr: Translator, quote: Quote, limit: int) -> str:
    """The message's whole text, then who wrote it and where it is, within `limit`."""
    said = [tr.s("Written by {person}", person=quote.author_name)] if quote.author_name else []
    if quote.link:
        said.append(quote.link)
    tail = "\n\n— " + " · ".join(said) if said else ""
    text = quote.text.strip()
    if len(text) + len(tail) > limit:
        text = text[: max(0, limit - len(tail) - 1)] + "…"
    return text + tail


async def author_of(ctx: Ctx, quote: Quote) -> Actor | None:
    """The message's author as a person of the asker's team other than the asker."""
    if not quote.author_id:
        return None
    author = await teams_identity.resolve_actor(ctx.session, ctx.event.platform, quote.author_id)
    if author is None or author.team_id != ctx.me.team_id or author.user_id == ctx.me.user_id:
        return None
    return author
