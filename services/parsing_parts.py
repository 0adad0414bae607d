"""An hour said with a part of the day, written as the clock it names: "вечером в 8"
is 20:00, "tomorrow morning at 8" 08:00, "днём в 2" 14:00, "ночью в 2" 02:00, "в 8
вечером", "at 8 tonight" too. dateparser answers these with the current time, and the
other readers take "в 8" alone (08:00) and leave "вечером" in the title."""

from __future__ import annotations

import re

from services.parsing_fast import _MONTHS

# "today"/"this" before the part of the day: "this evening" is today's; the small hours
# of "tonight" are those of the coming night, whatever day they fall on
_TODAY = r"(?:(?P<today>today|this|сегодня)\s+)?"
_PART = (
    r"(?:утром|дн[её]м|вечером|ночью|(?:in\s+the\s+)?(?:morning|afternoon|evening)"
    r"|at\s+night|tonight|night)"
)
_AFTER_PART = (
    r"(?:утром|дн[её]м|вечером|ночью|in\s+the\s+(?:morning|afternoon|evening)|at\s+night|tonight)"
)
_PREP = r"(?:в|во|at|к|by|до|until|till|около|around|about)"
_HOURS_WORD = r"(?:\s*(?:часов|часа|час|o'clock))?"
# not "в 8 минут", "at 8 hours", "в 8.5 часа"
_NOT_A_LENGTH = r"(?![\d:.]\d|\s*(?:минут|мин\b|min\b|mins\b|hours?\b|hrs?\b|%))"
_PART_THEN_CLOCK = re.compile(
    rf"(?<!\S){_TODAY}(?P<part>{_PART}),?\s+(?:(?P<prep>{_PREP})\s+)?"
    rf"(?P<h>\d{{1,2}})(?:(?P<sep>[:.])(?P<m>\d{{2}}))?"
    # "вечером в 8 вечера", "evening at 8pm": the hour says its part itself
    r"(?P<said>\s*(?:утра|дня|вечера|ночи|[ap]m)(?!\w))?"
    rf"{_HOURS_WORD}{_NOT_A_LENGTH}(?![\w:])",
    re.IGNORECASE,
)
# what may follow such an hour: the end, a mark, a place or a day ("вечером в 8 в
# переговорной"); else a word of the title ("вечером в 5 классе"), unless a day is
# named before the part of the day ("завтра утром в 9 клиенту") or the phrase opens the
# line ("Утром в 9 позвонить Ивану")
_FREE_AFTER = re.compile(
    r"\s*(?:\Z|[,.;:!?()\-—–@#]|(?:в|во|на|по|с|со|у|для|и|at|in|on|with|about|for|to|and"
    r"|today|tomorrow|сегодня|завтра|послезавтра)(?!\w))",
    re.IGNORECASE,
)
_CLOCK_THEN_PART = re.compile(
    rf"(?<!\S){_TODAY}(?P<prep>{_PREP})\s+(?P<h>\d{{1,2}})(?:(?P<sep>[:.])(?P<m>\d{{2}}))?"
    rf"{_HOURS_WORD}\s+(?P<part>{_AFTER_PART})(?!\w)",
    re.IGNORECASE,
)
_DAY_BEFORE = re.compile(
    r"(?<!\S)(?:today|tomorrow|сегодня|завтра|послезавтра|понедельник|вторник|среду|четверг"
    r"|пятницу|субботу|воскресенье|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    rf"|mon|tue|wed|thu|fri|sat|sun|пн|вт|ср|чт|пт|сб|вс|{_MONTHS}|\S*\d\S*)\.?,?\s*\Z",
    re.IGNORECASE,
)
_KINDS = {
    "утром": "morning",
    "morning": "morning",
    "днём": "afternoon",
    "днем": "afternoon",
    "afternoon": "afternoon",
    "вечером": "evening",
    "evening": "evening",
    "tonight": "evening",
    "ночью": "night",
    "night": "night",
}
# English names a part of the day with a noun, which a title may end with ("Movie night
# at 8", "Team evening at 7"): it is the time's only after a day ("friday night at 8")
_NOUNS = ("morning", "afternoon", "evening", "night")
SMALL_HOURS = 6  # before 06:00 the night is the coming one, not the evening's day


def _hour(kind: str, hour: int) -> int | None:
    """The hour of the day an hour said in a part of the day names: "вечером в 8" 20,
    "днём в 2" 14, "ночью в 2" 2, "ночью в 11" 23; one written past noon (20:30) as it is."""
    if hour > 23:
        return None
    if hour >= 13 or hour == 0:
        return hour
    if kind == "morning":
        return hour
    if kind == "afternoon":
        return hour + 12 if hour <= 7 else hour  # "днём в 12", "днём в 11" stay
    if kind == "evening":
        return 0 if hour == 12 else hour + 12
    return 0 if hour == 12 else hour if hour < SMALL_HOURS else hour + 12  # the night's


def _as_clock(match: re.Match[str]) -> str:
    part = " ".join(match["part"].lower().split())
    kind = _KINDS[part.split()[-1]]
    if match["prep"] is None and match["sep"] != ":":
        return match.group(0)  # "вечером 8 человек": a number, not an hour
    before = match.string[: match.start()]
    named = match["today"] or _DAY_BEFORE.search(before)
    if part in _NOUNS and not named:
        return match.group(0)  # "Movie night at 8": the title's
    if not _FREE_AFTER.match(match.string, match.end()) and before.strip() and not named:
        return match.group(0)
    minute = int(match["m"] or 0)
    hour = _hour(kind, int(match["h"]))
    if hour is None or minute > 59:
        return match.group(0)
    today = match["today"]
    night = kind in ("evening", "night") and hour < SMALL_HOURS
    if today is None or night:
        day = ""  # "сегодня ночью в 2": the coming 02:00
    else:
        day = "today " if today.lower() == "this" else f"{today} "
    prep = f"{match['prep']} " if match["prep"] else ""
    if match.groupdict().get("said"):  # "tomorrow evening at 8pm": "tomorrow at 8pm"
        day = "" if today is None else "today " if today.lower() == "this" else f"{today} "
        clock = match.group(0)[match.start("h") - match.start() :].strip()
        said = f"{day}{prep}{clock}"
    else:
        said = f"{day}{prep}{hour}:{minute:02d}"
    if match.group(0)[:1].isupper():  # "Вечером в 8 позвонить": a sentence starts there
        said = said[:1].upper() + said[1:]
    return said


def parts_of_day_as_clocks(text: str) -> str:
    """ "завтра вечером в 8" -> "завтра в 20:00", "this evening at 8" -> "today at
    20:00", "в 8 вечером" -> "в 20:00": a clock every reader reads, with the day said."""
    text = _PART_THEN_CLOCK.sub(_as_clock, text)
    return _CLOCK_THEN_PART.sub(_as_clock, text)
