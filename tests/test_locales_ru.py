"""The Russian texts read naturally for anyone: the app does not know people's gender,
so no text guesses it with "принял(а)", "Он(а)" or "ним(ней)"."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from bot.app import App
from scripts.messages import _catalogues
from tests.test_calendar_e2e import team

# a Cyrillic word with a parenthesised or slashed ending: "принял(а)", "исключён(а)",
# "один(одна)", "Он(а)", "отказался(ась)", "ним(ней)", "ответственный(ая)", "сделал/а",
# "сделал(-а)"
GENDERED = re.compile(r"[а-яё]\(-?[а-яё]{1,5}\)|[а-яё]/-?(?:а|ла|ась|ая|яя|на|ней)\b", re.I)


def russian_texts() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every Russian translation, each plural form on its own."""
    texts = []
    for po in _catalogues("ru"):
        with po.open("rb") as fh:
            for message in read_po(fh, locale="ru"):
                if not message.id:
                    continue
                msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
                strings = (
                    message.string
                    if isinstance(message.string, tuple | list)
                    else (message.string,)
                )
                texts.extend((msgid, s) for s in strings if s)
    return texts


def test_the_pattern_catches_the_gender_guesses() -> None:
    for text in (
        "{person} принял(а) задачу.",
        "{person} исключён(а) из команды.",
        "Он(а) больше не сможет",
        "Вы в ней один(одна)",
        "{person} отказался(ась) от события",
        "За ним(ней) осталась",
        "{person} сделал/а",
        "{person} сделал(-а)",
    ):
        assert GENDERED.search(text), text
    for text in ("Прочитали: {n}", "Готово (2)", "пн–пт (09:00–18:00)", "ч/мин"):
        assert not GENDERED.search(text), text


def test_no_russian_text_guesses_a_gender() -> None:
    texts = russian_texts()
    assert len(texts) > 500
    guessed = [f"{msgid!r}: {text!r}" for msgid, text in texts if GENDERED.search(text)]
    assert guessed == [], "\n".join(guessed)


async def test_answers_to_an_invitation_are_told_without_a_gender(sqlite_app: App) -> None:
    """The organiser hears who accepted and who declined in one neutral shape."""
    boss, anna, petr = await team(sqlite_app, lang="ru")
    out = await boss.say("/event Планерка завтра 10:00 @Anna @Petr")
    assert "Событие создано; приглашено 2 человека." in out, out
    await anna.say("/events")
    assert "Вы приняли приглашение." in await anna.press("Принять")
    await petr.say("/events")
    assert "Вы отказались." in await petr.press("Отказаться")

    out = await boss.say("/events неделя")
    assert "Anna: приглашение на событие «Планерка» принято." in out, out
    assert "Petr: приглашение на событие «Планерка» отклонено." in out, out
    assert not GENDERED.search(out), out
