"""An event's line that did not say when, and the answer to the question it got ("When
is it?", "At what time?"): the line that answer completes."""

from __future__ import annotations

import re
from datetime import datetime

from services.calendar_draft import NoTime
from services.calendar_parse import _PLACE, parse_event
from services.errors import N_, DomainError


def with_when(line: str, when: str) -> str:
    """An event's line with the day and time asked for put in: after its title and the
    rest, before its place and description (what follows "place:" or a | is theirs)."""
    bar = line.find("|")
    head = line if bar < 0 else line[:bar]
    place = _PLACE.search(head)
    cut = place.start() if place is not None else len(head)
    return " ".join(part for part in (line[:cut].strip(), when.strip(), line[cut:].strip()) if part)


def _without(text: str, words: str) -> str | None:
    """`text` without `words` (once, as whole words), or None when they are not in it."""
    found = re.search(rf"(?<!\w){re.escape(words.strip())}(?!\w)", text, re.IGNORECASE)
    if not words.strip() or found is None:
        return None
    return " ".join(f"{text[: found.start()]} {text[found.end() :]}".split())


def answered(
    line: str,
    answer: str,
    asked: tuple[str, str],
    locale: str,
    tz: str,
    now: datetime | None = None,
) -> str:
    """A line that did not say when, completed by the answer to its question; `asked`:
    the line's title and the words that said its day (NoTime's, "" without a day). An
    answer that says the day again ("tomorrow 15:00" to "At what time?" of "Lunch
    tomorrow") or the title again ("Lunch tomorrow 15:00") takes their place rather than
    joining the title. An answer giving the day alone, where the day and time were
    asked, is taken (the time is asked next); one giving neither is refused."""
    title, day = asked
    lines = [line, *filter(None, [_without(line, day)] if day else [])]
    answers = [answer]
    if re.match(rf"{re.escape(title)}(?!\w)", answer, re.IGNORECASE):
        answers.append(answer[len(title) :].strip())
    for text in lines:
        for said in answers:
            try:
                if parse_event(with_when(text, said), locale, tz, now).title == title:
                    return with_when(text, said)
            except DomainError:
                continue
    whole = with_when(line, answers[-1])  # the title said again is not taken twice
    try:
        parse_event(whole, locale, tz, now)
    except NoTime as err:
        if err.day_known and not day:
            return whole  # the day alone: its time is asked next
        if day:
            raise DomainError(N_("I could not find a time in “{text}”."), text=answer) from None
        raise DomainError(N_("I could not find a day or time in “{text}”."), text=answer) from None
    return whole
