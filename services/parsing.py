"""Natural-language input: dates and times people type, in their language and zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

from services.errors import N_, DomainError

DATE_EXAMPLES = {
    "ru": "завтра в 15:00, в пятницу, через 2 часа, 31.12 18:00",
    "en": "tomorrow 3pm, next fri 10am, in 2 hours, Dec 31 18:00",
}


def _settings(tz: str, now: datetime | None) -> dict[str, Any]:
    zone = ZoneInfo(tz)
    base = (now or datetime.now(UTC)).astimezone(zone).replace(tzinfo=None)
    return {
        "TIMEZONE": tz,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": base,
        "DATE_ORDER": "DMY",
    }


def _languages(locale: str) -> list[str]:
    # people mix languages; their own goes first
    return ["ru", "en"] if locale == "ru" else ["en", "ru"]


def parse_when(text: str, locale: str, tz: str, now: datetime | None = None) -> datetime:
    """A moment from free text, as an aware UTC datetime; DomainError with examples if not."""
    raw = " ".join(text.split())
    if not raw:
        raise DomainError(
            N_("Give a date and time, for example: {examples}"),
            examples=DATE_EXAMPLES[locale if locale in DATE_EXAMPLES else "en"],
        )
    result = dateparser.parse(raw, languages=_languages(locale), settings=_settings(tz, now))
    if result is None:
        raise DomainError(
            N_("I could not read {text} as a date. Try, for example: {examples}"),
            text=raw,
            examples=DATE_EXAMPLES[locale if locale in DATE_EXAMPLES else "en"],
        )
    return result.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Found:
    when: datetime
    fragment: str


_NOISE = re.compile(r"^(?:\d{1,2}|[a-zа-яё]{1,2})$", re.IGNORECASE)


def find_when(text: str, locale: str, tz: str, now: datetime | None = None) -> Found | None:
    """The last date phrase inside a sentence ('Call Ivan tomorrow at 3pm'), if any."""
    hits = search_dates(text, languages=_languages(locale), settings=_settings(tz, now))
    if not hits:
        return None
    # ignore lone numbers and short words dateparser likes to read as dates
    useful = [(frag, when) for frag, when in hits if not _NOISE.match(frag.strip())]
    if not useful:
        return None
    fragment, when = useful[-1]
    return Found(when=when.astimezone(UTC), fragment=fragment)
