"""What /event asks when its line is not enough: the line itself (a bare /event), its
day and time (a line without them) and the people a @name did not find; the line waits
in the form's values meanwhile."""

from __future__ import annotations

import re

from handlers.core import Ctx
from handlers.forms import Field, Form, Submit
from handlers.people import NOBODY_WORDS, person_field
from services.calendar_draft import ASK_TIME, ASK_WHEN, NoTime
from services.calendar_parse import parse_event
from services.calendar_when import answered
from services.errors import N_

_MENTION = re.compile(r"@[\w.\-]+")


def without_tokens(text: str, tokens: list[str]) -> str:
    """The line without these @name / #name tokens (each once), the rest as typed."""
    for token in tokens:
        text = re.sub(rf"(?<!\S){re.escape(token)}(?![\w.\-])", " ", text, count=1)
    return text.strip()


async def _parse_line(ctx: Ctx, raw: str) -> str:
    """The line, its mistakes said at once; a line that does not say when is taken (its
    day and time are asked next, the line kept)."""
    try:
        parse_event(raw, ctx.me.locale, ctx.me.timezone)
    except NoTime:
        pass
    return raw.strip()


async def _parse_when(ctx: Ctx, raw: str) -> str:
    """An answer to "When is it?" or "At what time?": the kept line it completes."""
    values = ctx.form_answers
    asked = (str(values.get("title", "")), str(values.get("day", "")))
    return answered(str(values["text"]), raw.strip(), asked, ctx.me.locale, ctx.me.timezone)


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


def event_forms(line: Submit, people: Submit, when: Submit) -> list[Form]:
    """The line of a bare /event, its day and time or its time of day when it does not
    say them, and the people its unknown @names were meant to be."""
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
        Form(
            name="event_when",
            title=N_("New event"),
            fields=[Field("when", ASK_WHEN, _parse_when, max_length=500)],
            submit=when,
        ),
        Form(
            name="event_time",
            title=N_("New event"),
            fields=[Field("when", ASK_TIME, _parse_when, max_length=500)],
            submit=when,
        ),
    ]
