"""An event as read from /event's text (EventDraft), and the rules every event keeps
however it comes: a title's length, an end after the start, how long it may last; a
draft of whole days; a line that does not say when (NoTime)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.calendar_repeat import _series_end
from services.calendar_times import _CLOCK_WORD
from services.errors import N_, DomainError
from services.parsing_days import midnight
from services.parsing_fast import sensible_year

TITLE_MAX = 200


@dataclass
class EventDraft:
    title: str
    starts_at: datetime
    ends_at: datetime
    people: list[str] = field(default_factory=list)  # "@anna" tokens
    groups: list[str] = field(default_factory=list)  # "#sales" tokens
    place: str = ""
    description: str = ""
    repeat: str = "none"
    weekdays: list[int] = field(default_factory=list)
    all_day: bool = False
    repeat_until: datetime | None = None  # a series' end: the last moment of its last day
    zone: str = ""  # the zone named for the time ("в 10 по Екатеринбургу"), not the person's
    # the title opens with "Daily", "Еженедельная"...: the word stays in the title, names
    # a repeat (daily, weekly, monthly), and is the event's only when the time said is
    # that series' slot (title_repeats)
    title_word: str = ""
    title_repeat: str = ""
    title_repeats: bool = False


def _whole_days(
    raw: str,
    first: date,
    last: date,
    tz: str,
    people: list[str],
    groups: list[str],
    place: str,
    description: str,
    repeat: str,
    weekdays: list[int],
    until: date | None,
) -> EventDraft:
    """An all-day event over the days, midnight to midnight in the zone."""
    if _CLOCK_WORD.search(raw):
        raise DomainError(
            N_('An all-day event has no time of day. Leave out either the time or "all day".')
        )
    draft = EventDraft(
        title=_clean_title(raw),
        starts_at=midnight(first, tz),
        ends_at=midnight(last + timedelta(days=1), tz),
        people=people,
        groups=groups,
        place=place[:300],
        description=description,
        repeat=repeat,
        weekdays=weekdays,
        repeat_until=_series_end(until, repeat, tz),
        all_day=True,
    )
    check_times(draft.starts_at, draft.ends_at, all_day=True)
    return draft


_FILLERS = {"в", "at", "on", "на", "с", "from", "for", "and", "и", ",", "-", "—"}


def _clean_title(raw: str) -> str:
    words = raw.split()
    while words and words[-1].lower() in _FILLERS:
        words.pop()
    while words and words[0].lower() in _FILLERS:
        words.pop(0)
    return event_title(" ".join(words).strip(" ,;-—"))


def event_title(raw: str) -> str:
    """An event's title, spaces collapsed; none, or one too long to keep whole, is
    refused (never cut: the end of a long title may be what matters)."""
    title = " ".join(raw.split())
    if not title:
        raise DomainError(N_("What is the event called? Put its title first."))
    if len(title) > TITLE_MAX:
        raise DomainError(
            N_(
                "An event title may have at most {limit} characters; put the details "
                "after a | as its description: /event Title tomorrow 10:00 | details"
            ),
            limit=TITLE_MAX,
        )
    return title


ALL_DAY_MAX = timedelta(days=62)  # a vacation, a conference season: whole days


def check_times(start: datetime, end: datetime, *, all_day: bool = False) -> None:
    sensible_year(start.year, f"{start:%d.%m.%Y}", None)  # "1-5 декабря 2150"
    if end <= start:
        raise DomainError(
            N_(
                "The event would end before it starts. Send it again with the end after the start, for example 10:00-11:00, or with a length such as 30m."
            )
        )
    if all_day and end - start > ALL_DAY_MAX:
        raise DomainError(N_("An all-day event may last at most 62 days."))
    if not all_day and end - start > timedelta(days=14):
        raise DomainError(N_("An event may last at most 14 days."))


# what a line that does not say when is told; /event asks it and keeps the line
ASK_WHEN = N_(
    "When is it? Type the day and time, for example: tomorrow 15:00, fri 10am, "
    'Dec 31 18:00, or "tomorrow all day".'
)
ASK_TIME = N_('At what time? For example: 15:00, 10am, 15:00-16:30, or "all day".')


class NoTime(DomainError):
    """An event's line that does not say when it is: its `title`, and the words that
    said its `day` when only the time of day is missing (day_known)."""

    def __init__(self, title: str, day: str = "") -> None:
        super().__init__(ASK_TIME if day else ASK_WHEN)
        self.title = title
        self.day = day

    @property
    def day_known(self) -> bool:
        return bool(self.day)


def no_time(raw: str, day: str = "") -> NoTime:
    """What a line without its time (`raw`: the rest of it, the title) is told; a line
    without a title is told that first (an error raised here), before it is asked when."""
    return NoTime(_clean_title(raw), day)
