"""A record's number as a command's first word: "/post 12 comment …", "/lead 5", "/deal -5"
are about a record that is there or is not (then: not found), never a new record whose
title is that line. A number followed by any other word is a title ("/post 3 new
clients signed")."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from handlers.core import Ctx
from handlers.markup import Span
from handlers.views import View

NUMBER = re.compile(r"#?-?\d+")

COMMENT = ("comment", "коммент", "комментарий", "комментировать")
EDIT = ("edit", "изменить", "редактировать")
DELETE = ("delete", "удалить")
STAGE = ("stage", "стадия", "стадию")
# the action words said after a record's number, in the commands that take no typed action
# of that name (their card's buttons do it): still about the record
ACTIONS = frozenset(
    (
        *COMMENT,
        *EDIT,
        *DELETE,
        *STAGE,
        *("move", "перенести", "cancel", "отменить", "close", "закрыть"),
        *("owner", "responsible", "ответственный", "convert", "конвертировать"),
        *("share", "поделиться"),
    )
)
# and in the CRM's commands, a card's fields and states: what its buttons set ("/deal 1
# amount 5000" is about deal 1; a post may well start "5 status updates")
CRM_ACTIONS = ACTIONS | frozenset(
    (
        *("amount", "сумма", "сумму", "won", "выиграна", "выиграно", "lost", "проиграна"),
        *("product", "products", "товар", "товары", "status", "статус", "source", "источник"),
        *("name", "имя", "название", "phone", "телефон", "тел", "email", "e-mail", "почта"),
        *("company", "компания", "field", "поле", "поля"),
    )
)


@dataclass(frozen=True)
class Numbered:
    number: int
    verb: str  # casefolded; "" for a number alone
    arg: str


def numbered(text: str, actions: Collection[str] | None = ACTIONS) -> Numbered | None:
    """The record a command's line is about: a number alone (a negative one too: there is
    no such record), or a number and one of `actions` (None: whatever follows it)."""
    head, _, rest = text.strip().partition(" ")
    if NUMBER.fullmatch(head) is None:
        return None
    verb, _, arg = rest.strip().partition(" ")
    verb = verb.casefold()
    if verb and actions is not None and verb not in actions:
        return None
    return Numbered(int(head.lstrip("#")), verb, arg.strip())


def by_buttons(ctx: Ctx, card: View) -> View:
    """A record's card, asked with an action typed after its number that its buttons do."""
    card.body = [*ctx.tr("Use the card's buttons for that:"), Span("\n\n"), *card.body]
    return card
