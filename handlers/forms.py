"""Neutral forms: declared once, asked field by field (Telegram, console, Slack DM)
or shown whole (Slack modal) by handlers.forms_engine. State lives in the database
(services.dialogs)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.core import Ctx, Reply
from handlers.i18n import LANGUAGES, translator
from services.errors import N_, DomainError

Parser = Callable[[Ctx, str], Awaitable[Any]]
Choices = Callable[[Ctx], Awaitable[list[tuple[str, str]]]]
Submit = Callable[[Ctx, dict[str, Any]], Awaitable[Reply]]
# an answer checked against the answers before it (a product against its deal)
Check = Callable[[Ctx, Any, dict[str, Any]], Awaitable[None]]


async def _keep_text(_ctx: Ctx, raw: str) -> Any:
    text = raw.strip()
    if not text:
        raise DomainError(N_("Please type a value, or press Cancel."))
    return text


@dataclass(frozen=True)
class Field:
    name: str
    prompt: str  # msgid
    parse: Parser = _keep_text
    optional: bool = False
    choices: Choices | None = None  # quick-pick buttons; their value is parsed too
    multiline: bool = False
    max_length: int = 4000
    # the answer is a file: parse gets the file id; ctx.event.file and ctx.read_file give the rest
    accepts_file: bool = False
    # raises DomainError when the parsed answer does not go with the answers before it:
    # the field is asked again at once, not refused at the end of the form
    check: Check | None = None
    # the answer taken when a form filled in at once (a Slack modal) leaves the field empty:
    # such a field is optional there; asked one by one, it is still asked
    default: str | None = None
    # the answer is a person of the team: a form shown at once may offer its platform's
    # own people picker (a Slack users_select); asked one by one, a name is typed
    person: bool = False


# a person field's answer that names a member of the team by id (a pick, not a typed name)
PERSON_ID = "#uid:"


def person_answer(user_id: int) -> str:
    return f"{PERSON_ID}{user_id}"


@dataclass(frozen=True)
class Form:
    name: str
    title: str  # msgid
    fields: list[Field]
    submit: Submit
    # fields already given (e.g. typed after the command) are skipped
    skip_filled: bool = True
    meta: dict[str, Any] = field(default_factory=dict)
    # the field whose answer `submit` checks (a value against a list, say): a refusal
    # asks it again; without one a refused form ends with the reason
    checked_on_submit: str | None = None


def _in_every_language(msgid: str, *words: str) -> frozenset[str]:
    """A button's label in every language, with the words people type for it: whatever
    the person's own language, typing it does what the button does."""
    labels = {translator(lang).s(msgid).casefold() for lang in LANGUAGES}
    return frozenset(labels | set(words))


SKIP_WORDS = _in_every_language(N_("Skip"), "skip", "пропустить", "пропуск")
# the Cancel button's word alone, in either language ("cancel", "отмена"): it cancels
# where the answer is picked from buttons; where it is typed, the word may be the answer
# ("Отмена" as a deal's lost reason), so the person is asked which (handlers.forms_engine,
# _cancel_or_keep). /cancel cancels everywhere; "stop", "стоп", "отменить" are answers
# like any other.
CANCEL_WORDS = _in_every_language(N_("Cancel"), "cancel", "отмена")


@dataclass(frozen=True)
class Filled:
    """A parser's answer that answers later fields too ("звонок завтра в 10 обсудить
    счёт": the kind, and the time and subject after it): those are not asked (with
    Form.skip_filled). `more` holds the later fields' parsed values."""

    value: Any
    more: dict[str, Any]
