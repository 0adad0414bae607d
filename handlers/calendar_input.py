"""What /event asks when its line is not enough: the line itself (a bare /event) and
the people a @name did not find; the line waits in the form's values meanwhile."""

from __future__ import annotations

import re

from handlers.core import Ctx
from handlers.forms import Field, Form, Submit
from handlers.people import NOBODY_WORDS, person_field
from services.calendar_parse import parse_event
from services.errors import N_

_MENTION = re.compile(r"@[\w.\-]+")


def without_tokens(text: str, tokens: list[str]) -> str:
    """The line without these @name / #name tokens (each once), the rest as typed."""
    for token in tokens:
        text = re.sub(rf"(?<!\S){re.escape(token)}(?![\w.\-])", " ", text, count=1)
    return text.strip()


async def _parse_line(ctx: Ctx, raw: str) -> str:
    parse_event(raw, ctx.me.locale, ctx.me.timezone)  # its mistakes are said at once
    return raw.strip()


async def _parse_people(ctx: Ctx, raw: str) -> list[int]:
    """'@anna @petr', 'Anna Ivanova, Petr' or 'nobody': the people to invite."""
    text = raw.strip()
    if text.casefold() in NOBODY_WORDS or text.casefold() == ctx.tr.s("Nobody").casefold():
        return []
    ids: list[int] = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        for token in _MENTION.findall(part) or [part]:
            user_id = await person_field(ctx, token)
            if user_id not in ids:
                ids.append(user_id)
    return ids


async def _nobody_choice(ctx: Ctx) -> list[tuple[str, str]]:
    return [(ctx.tr.s("Nobody"), "-")]


def event_forms(line: Submit, people: Submit) -> list[Form]:
    """The line of a bare /event, and the people its unknown @names were meant to be."""
    return [
        Form(
            name="event_new",
            title=N_("New event"),
            fields=[
                Field(
                    "text",
                    N_(
                        "Describe the event: title, day and time, length, @people, #group. "
                        "For example: Standup tomorrow 10:00 30m @anna. Add 'every mon, wed' "
                        "to repeat it, a link or 'place: Room 1' for where, and '| text' for "
                        "a description."
                    ),
                    _parse_line,
                    max_length=4000,
                )
            ],
            submit=line,
        ),
        Form(
            name="event_people",
            title=N_("New event"),
            fields=[
                Field(
                    "attendees",
                    N_("Who should come? Names or @usernames, or “nobody”."),
                    _parse_people,
                    choices=_nobody_choice,
                )
            ],
            submit=people,
        ),
    ]
