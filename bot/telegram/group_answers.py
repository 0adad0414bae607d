"""What one person alone is told in a group chat: a button's alert, where their answer went."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.events import Incoming
from handlers.i18n import translator
from handlers.markup import Markup, to_plain
from handlers.views import View

ALERT_LIMIT = 200  # characters an answerCallbackQuery alert may show


@dataclass(frozen=True, slots=True)
class PrivateNote:
    """Where a person's private answer went, said to them in a group chat."""

    body: Markup
    urgent: bool = False  # it did not arrive: they must do something first


def alert_text(event: Incoming, views: list[View]) -> str | None:
    """In a group, a short private answer to a button press shows only to the presser,
    alone or beside the new state of the message pressed (an edit everyone sees). A
    card (a view of an item, or more than one line) is no such answer: it goes to
    the presser's private chat, where it can be read again."""
    if event.chat.private:
        return None
    personal = [v for v in views if v.private]
    edits = [v for v in views if not v.private]
    if len(personal) != 1 or len(edits) > 1 or (edits and not edits[0].edit):
        return None
    view = personal[0]
    if view.buttons or view.image or view.file or view.ref is not None:
        return None
    text = to_plain(view.body).strip()
    if "\n" in text:
        return None
    return text if 0 < len(text) <= ALERT_LIMIT else None


def where_it_went(username: str, locale: str, privately: bool, refused: bool) -> PrivateNote:
    """What the actor is told (in `locale`) of a private answer: that it is in their
    private chat, or (urgent) that it could not get there and what to do (open a chat
    with the bot, `username`)."""
    tr = translator(locale)
    if privately:
        return PrivateNote(tr("I answered you in a private chat."))
    if not refused:
        return PrivateNote(
            tr("I could not reach your private chat just now; please try again."), urgent=True
        )
    link = "https://t.me/" + username
    return PrivateNote(
        tr(
            "I cannot write to you privately yet. Open a chat with me, press Start, "
            "and ask again: {link}",
            link=link,
        ),
        urgent=True,
    )
