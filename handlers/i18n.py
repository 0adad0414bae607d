"""Translations: gettext catalogues (.po, Babel) per language, loaded at start.

Every .po file under locales/<lang>/LC_MESSAGES/ is merged into that language's
catalogue, so each area keeps its own file. Message ids are the English text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po

from handlers.markup import Markup, fill
from services.errors import CONTEXT_SEPARATOR, bare

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("en", "ru")


def N_(message: str) -> str:
    return message


@cache
def _catalogue(lang: str) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    if not folder.is_dir():
        return messages
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                strings = (
                    message.string
                    if isinstance(message.string, tuple | list)
                    else (message.string,)
                )
                if all(strings):
                    messages[message.id[0]] = tuple(strings)
            elif message.string and message.context:
                messages[f"{message.context}{CONTEXT_SEPARATOR}{message.id}"] = message.string
            elif message.string:
                messages[message.id] = message.string
    return messages


def short_day(day: date | datetime, lang: str, *, year: bool = False) -> str:
    """A day on a chart's axis, as the reader writes it: "27 Nov", «27 нояб.»; with
    `year` (an axis across a new year): "27 Nov 2026"."""
    pattern = "d MMM y" if year else "d MMM"
    return str(format_date(day, pattern, locale=lang if lang in LANGUAGES else "en"))


@cache
def catalogue_text() -> str:
    """Every message the bot has, in every language, as one string to search: a piece
    of text found in it is the bot's own words, not a person's."""
    pieces: list[str] = []
    for lang in LANGUAGES:
        for key, value in _catalogue(lang).items():
            pieces.append(key.rpartition(CONTEXT_SEPARATOR)[2])
            pieces.extend(value if isinstance(value, tuple) else (value,))
    return "\x00".join(pieces)


NEAR_DAYS = (N_("yesterday"), N_("today"), N_("tomorrow"))


class Translator:
    """Texts in one language; dates in one zone, worded ("today", "tomorrow") for the
    moment the text is read: now, or `read_at` for a message queued to arrive later."""

    def __init__(
        self,
        lang: str,
        timezone: str = "UTC",
        read_at: datetime | None = None,
        *,
        shared: bool = False,
        relative: bool = True,
    ) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.timezone = timezone
        self.read_at = read_at
        # read by many, maybe in other zones (a group chat): times name their zone
        self.shared = shared
        # False: read at an unknown later moment (a digest): no "today", "tomorrow"
        self.relative = relative
        self._messages = _catalogue(self.lang)
        self._locale = _locale(self.lang)
        self._zone: ZoneInfo | None = None

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        if isinstance(found, str):
            return found
        return bare(message)  # a pN_ key with no translation

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._messages.get(singular)
        if isinstance(found, tuple):
            tag = self._locale.plural_form(abs(n))
            order = _plural_order(self.lang)
            index = order.index(tag) if tag in order else len(found) - 1
            return found[min(index, len(found) - 1)]
        return singular if n == 1 else plural

    def __call__(self, message: str, **args: Any) -> Markup:
        """Translate and fill: the result is markup, arguments keep their styles."""
        return fill(self.gettext(message), **args)

    def s(self, message: str, **args: Any) -> str:
        """Translate and fill into a plain string (button labels, short texts)."""
        text = self.gettext(message)
        return text.format(**args) if args else text

    def n(self, singular: str, plural: str, count: int, **args: Any) -> Markup:
        return fill(self.ngettext(singular, plural, count), n=count, **args)

    # -- dates and times, always in the reader's zone and language --------------
    def zone(self) -> ZoneInfo:
        zone = self._zone
        if zone is None:  # asked for every time a list line shows
            zone = self._zone = ZoneInfo(self.timezone)
        return zone

    def zone_note(self, moment: datetime) -> str:
        """ " (CET)", " (UTC+5)" after a time in a shared text; nothing in a private one."""
        if not self.shared:
            return ""
        local = moment.astimezone(self.zone())
        name = local.tzname() or ""
        if not name or name[0] in "+-":  # zones without an abbreviation: "+05"
            offset = local.utcoffset() or timedelta(0)
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "−"
            hours, rest = divmod(abs(minutes), 60)
            name = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
        return f" ({name})"

    def when(self, moment: datetime, *, zoned: bool = True) -> str:
        """ "tomorrow 15:00" in the reader's zone; in a shared text with the zone named."""
        said = self._when(moment)
        return said + self.zone_note(moment) if zoned else said

    def when_there(self, moment: datetime, timezone: str) -> str:
        """A moment as a clock in `timezone` read it (a person's working day), that zone
        named when it is not the reader's: "09:00 (UTC+5)" for a supervisor in Moscow."""
        if timezone == self.timezone:
            return self.when(moment)
        there = Translator(self.lang, timezone, self.read_at, shared=True, relative=self.relative)
        return there.when(moment)

    def _when(self, moment: datetime) -> str:
        zone = self.zone()
        local = moment.astimezone(zone)
        now = self.read_at.astimezone(zone) if self.read_at else datetime.now(zone)
        time = f"{local.hour:02d}:{local.minute:02d}"  # CLDR "HH:mm", the same in ru and en
        days = (local.date() - now.date()).days if self.relative else None
        if days == 0:
            return self.s("today {time}", time=time)
        if days == 1:
            return self.s("tomorrow {time}", time=time)
        if days == -1:
            return self.s("yesterday {time}", time=time)
        pattern = "EEE d MMM HH:mm" if local.year == now.year else "d MMM yyyy HH:mm"
        return format_datetime(local, pattern, tzinfo=self.zone(), locale=self._locale)

    def on_day(self, day: date) -> str:
        """A day near now as in a calendar: "today", "tomorrow", "Thu 3 Dec"."""
        today = (self.read_at or datetime.now(UTC)).astimezone(self.zone()).date()
        days = (day - today).days
        if days in (-1, 0, 1) and self.relative:
            return self.s(NEAR_DAYS[days + 1])
        pattern = "EEE d MMM" if day.year == today.year else "d MMM yyyy"
        return format_date(day, pattern, locale=self._locale)

    def day(self, day: date) -> str:
        """A calendar day as the reader writes it: "2 Dec 2026", «2 дек. 2026 г.»."""
        return format_date(day, "d MMM yyyy", locale=self._locale)

    def month(self, key: str) -> str:
        """A month kept as "2026-11", as the reader names it: "November 2026", «ноябрь 2026»."""
        try:
            year, number = (int(part) for part in key.split("-"))
            return format_date(date(year, number, 1), "LLLL yyyy", locale=self._locale)
        except ValueError:
            return key

    def date(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone())
        return format_date(local.date(), "d MMM yyyy", locale=self._locale)

    def duration(self, delta: timedelta) -> str:
        minutes = int(delta.total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        if hours and minutes:
            return self.s("{h} h {m} min", h=hours, m=minutes)
        if hours:
            return self.s("{h} h", h=hours)
        return self.s("{m} min", m=minutes)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)  # parsed anew each time otherwise: twice an update


@cache
def _plural_order(lang: str) -> tuple[str, ...]:
    # the order gettext's Plural-Forms uses for our languages
    return ("one", "few", "many") if lang == "ru" else ("one", "other")


def translator(
    lang: str, timezone: str = "UTC", *, shared: bool = False, relative: bool = True
) -> Translator:
    return Translator(lang, timezone, shared=shared, relative=relative)
