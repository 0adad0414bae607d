"""A while from now, said short or long: "через 3ч", "in 45m", "через 1ч30м", "in 1.5h",
"через 90 мин". dateparser misses some ("через 45м") and reads the others as a date
alone (then a deadline falls to the end of the working day)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from services.parsing_fast import Found

_NUMBER = r"\d{1,4}(?:[.,]\d{1,2})?"
_HOURS = r"(?:hours?|hrs?|h|часов|часа|час|ч)"
# a bare "м"/"m" may be metres ("полка через 2м от стены"): see in_a_while
_MINUTES = r"(?:minutes?|mins?|минут[уы]?|мин|m|м)"
_MINUTES_ALONE = r"(?:minutes?|mins?|минут[уы]?|мин|(?P<bare>m|м))"
_NOT_A_LETTER = r"(?![^\W\d_])"
_IN_A_WHILE = re.compile(
    rf"(?<!\S)(?P<fragment>(?:через|in)\s+"
    rf"(?:(?P<h>{_NUMBER})\s*{_HOURS}{_NOT_A_LETTER}"
    rf"(?:\s*(?:and\s+|и\s+)?(?P<hm>\d{{1,2}})\s*{_MINUTES}{_NOT_A_LETTER})?"
    rf"|(?P<m>{_NUMBER})\s*{_MINUTES_ALONE}{_NOT_A_LETTER}))"
    r"(?=[\s,;:!?.)]|\Z)",
    re.IGNORECASE,
)
_END = re.compile(r"[\s,;:!?.)]*\Z")


def _while(match: re.Match[str]) -> timedelta:
    def number(text: str | None) -> float:
        return float(text.replace(",", ".")) if text else 0.0

    hours = number(match["h"])
    minutes = number(match["hm"]) + number(match["m"])
    return timedelta(minutes=round(hours * 60 + minutes))


def in_a_while(text: str, now: datetime | None = None, *, inside: bool = False) -> Found | None:
    """The last "через 3ч" / "in 45m" of the text, read from `now`: at its end, or with
    `inside` anywhere ("Позвонить через 2ч клиенту"), though a bare "м"/"m" with a word
    after it is a size ("через 2м от стены"). None for none, or for a while of nothing ("in 0m")."""
    for match in reversed(list(_IN_A_WHILE.finditer(text))):
        at_end = _END.fullmatch(text, match.end()) is not None
        # "через 45м, срочно" is a while; "через 2м от стены" a size
        word_after = match["bare"] is not None and text[match.end() : match.end() + 1].isspace()
        if not at_end and (not inside or word_after):
            continue
        length = _while(match)
        if length <= timedelta(0):
            return None
        return Found(when=(now or datetime.now(UTC)) + length, fragment=match["fragment"])
    return None


def says_a_while(fragment: str) -> bool:
    """Whether a date phrase is a while from now ("через 45м"): it says the time too."""
    return _IN_A_WHILE.search(fragment) is not None


def while_spans(text: str) -> list[tuple[int, int]]:
    """Where the text says a while from now: a length there says when, not how long."""
    return [match.span("fragment") for match in _IN_A_WHILE.finditer(text)]
