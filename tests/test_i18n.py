"""Every text shown to people exists in Russian; plurals and dates follow the language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.i18n import Translator
from handlers.markup import to_plain
from scripts.messages import extract, missing, unused


def test_every_message_has_a_russian_translation() -> None:
    assert len(extract()) > 100
    assert missing("ru") == []


def test_no_russian_translation_is_left_unused() -> None:
    """A text the code no longer says leaves the catalogue (python -m scripts.messages
    --prune), so the catalogue is what people can be shown."""
    assert unused("ru") == []


def test_translation_and_placeholders() -> None:
    ru = Translator("ru")
    assert to_plain(ru("You joined {group}.", group="Продажи")) == "Вы вступили в группу Продажи."
    en = Translator("en")
    assert to_plain(en("You joined {group}.", group="Sales")) == "You joined Sales."
    assert Translator("de").lang == "en"


def test_dates_in_reader_zone() -> None:
    moment = datetime.now(UTC) + timedelta(days=1)
    moment = moment.replace(hour=12, minute=0, second=0, microsecond=0)
    tokyo = Translator("en", "Asia/Tokyo").when(moment)
    moscow = Translator("ru", "Europe/Moscow").when(moment)
    assert "21:00" in tokyo
    assert "15:00" in moscow
    assert Translator("ru").duration(timedelta(hours=2, minutes=30)) == "2 ч 30 мин"


def test_chart_days_are_written_as_the_reader_writes_them() -> None:
    from datetime import date

    from handlers.i18n import short_day

    assert short_day(date(2026, 11, 27), "en") == "27 Nov"
    assert short_day(date(2026, 11, 27), "ru") == "27 нояб."
    assert short_day(date(2026, 11, 27), "de") == "27 Nov"  # unknown languages: English
