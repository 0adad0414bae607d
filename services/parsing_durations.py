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


# months said short: "через 2мес", "in 2mo", "in 3 mos" (dateparser reads "2мес" only at
# the end of a line and "2mos" nowhere; a minute is "м"/"m", never "мес"/"mo")
_MONTHS_SHORT = re.compile(
    r"(?<!\S)(?:(?P<ru>через)\s+(?P<n>\d{1,3})\s*мес|(?P<en>in)\s+(?P<n2>\d{1,3})\s*mos?)"
    + _NOT_A_LETTER,
    re.IGNORECASE,
)


def _months_in_full(match: re.Match[str]) -> str:
    if match["en"] is not None:
        number = int(match["n2"])
        return f"{match['en']} {number} month" + ("" if number == 1 else "s")
    number = int(match["n"])
    if number % 10 == 1 and number % 100 != 11:
        word = "месяц"
    elif 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        word = "месяца"
    else:
        word = "месяцев"
    return f"{match['ru']} {number} {word}"


def months_in_full(text: str) -> str:
    """ "через 2мес" -> "через 2 месяца", "in 2mo" -> "in 2 months": months from now,
    as dateparser reads them anywhere in a line."""
    return _MONTHS_SHORT.sub(_months_in_full, text)


def says_a_while(fragment: str) -> bool:
    """Whether a date phrase is a while from now ("через 45м"): it says the time too."""
    return _IN_A_WHILE.search(fragment) is not None


def while_spans(text: str) -> list[tuple[int, int]]:
    """Where the text says a while from now: a length there says when, not how long."""
    return [match.span("fragment") for match in _IN_A_WHILE.finditer(text)]
