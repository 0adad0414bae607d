"""Neutral views -> Telegram messages: HTML with every user string escaped, inline
keyboards, texts over 4,096 characters split at line boundaries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.markup import BOLD, CODE, ITALIC, LINK, MENTION, Markup, Span, chunk, length
from handlers.views import View

TEXT_LIMIT = 4096  # characters of a message's text, after entity parsing
CAPTION_LIMIT = 1024  # characters of a photo's or document's caption
BUTTON_LIMIT = 100  # inline buttons a message may carry
ROW_LIMIT = 8  # buttons in one row


def _text(value: str) -> str:
    return escape(value, quote=False)


def span_html(span: Span) -> str:
    text = _text(span.text)
    if not text:
        return ""
    if span.style == BOLD:
        return f"<b>{text}</b>"
    if span.style == ITALIC:
        return f"<i>{text}</i>"
    if span.style == CODE:
        return f"<code>{text}</code>"
    if span.style == LINK and span.url:
        return f'<a href="{escape(span.url, quote=True)}">{text}</a>'
    if span.style == MENTION:
        platform, _, user_id = span.url.partition(":")
        shown = text if text.startswith("@") else "@" + text
        if platform == "telegram" and user_id.isdigit():
            return f'<a href="tg://user?id={user_id}">{_text(span.text)}</a>'
        return shown
    return text


def to_html(markup: Markup) -> str:
    return "".join(span_html(span) for span in markup)


BUTTON_CACHE = 4096  # distinct buttons kept
_buttons: dict[tuple[str, str], InlineKeyboardButton] = {}


def _button(text: str, data: str) -> InlineKeyboardButton:
    """Buttons repeat (filters, pagers, the same tasks in a list): each is validated
    once and then shared (pydantic validation is most of what a keyboard costs to
    build). Shared: never change a button in place, build another."""
    key = (text, data)
    button = _buttons.get(key)
    if button is None:
        if len(_buttons) >= BUTTON_CACHE:
            _buttons.clear()
        button = _buttons[key] = InlineKeyboardButton(text=text, callback_data=data)
    return button


Rows = list[list[tuple[str, str]]]  # (label, callback data) in Telegram's rows


def keyboard_rows(view: View) -> Rows:
    """The view's buttons as Telegram lays them out: at most 8 a row, 100 in all."""
    rows: Rows = []
    count = 0
    for row in view.buttons:
        cells: list[tuple[str, str]] = []
        for button in row:
            if count >= BUTTON_LIMIT:
                break
            if len(cells) == ROW_LIMIT:
                rows.append(cells)
                cells = []
            cells.append((button.label or "·", button.action))
            count += 1
        if cells:
            rows.append(cells)
    return rows


def markup_of(rows: Rows) -> InlineKeyboardMarkup | None:
    """The keyboard as aiogram's models (photos, documents, edits)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t, d) for t, d in row] for row in rows])


def markup_json(rows: Rows) -> str | None:
    """The keyboard as the JSON the Bot API takes (bot.telegram.methods.SendText)."""
    if not rows:
        return None
    keyboard = [[{"text": text, "callback_data": data} for text, data in row] for row in rows]
    return json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False, separators=(",", ":"))


def keyboard(view: View) -> InlineKeyboardMarkup | None:
    return markup_of(keyboard_rows(view))


@dataclass(slots=True)
class Piece:
    """One Telegram message of a view: a text, a photo or a document."""

    html: str
    rows: Rows = field(default_factory=list)
    kind: str = "text"  # text | photo | document

    @property
    def markup(self) -> InlineKeyboardMarkup | None:
        return markup_of(self.rows)


def pieces(view: View) -> list[Piece]:
    """The messages a view becomes, in order; the keyboard rides on the last one."""
    out: list[Piece] = []
    body = view.body
    attachment_kind = "photo" if view.image is not None else "document" if view.file else ""
    caption: Markup = []
    if attachment_kind and length(body) <= CAPTION_LIMIT:
        caption, body = body, []
    if body and length(body) > 0:
        for part in chunk(body, TEXT_LIMIT):
            html = to_html(part)
            if html.strip():
                out.append(Piece(html))
    if view.image is not None:
        out.append(Piece(to_html(caption), kind="photo"))
        caption = []
    if view.file is not None:
        out.append(Piece(to_html(caption), kind="document"))
    rows = keyboard_rows(view)
    if rows:
        if not out:
            out.append(Piece("·"))
        out[-1].rows = rows
    return out
