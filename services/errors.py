"""DomainError: a user-facing failure carrying a translatable message key."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message key for extraction; translation happens when it is shown."""
    return message


CONTEXT_SEPARATOR = "\x04"  # gettext's: "context\x04msgid"


def pN_(context: str, message: str) -> str:
    """A message key that reads differently in another context ("new" of a lead and
    of a deal: «новый», «новая»); shown untranslated, it is the message alone."""
    return f"{context}{CONTEXT_SEPARATOR}{message}"


def bare(key: str) -> str:
    """The message of a key without its pN_ context: what English shows."""
    return key.rpartition(CONTEXT_SEPARATOR)[2]


class DomainError(Exception):
    """Raised by services; `key` is an English msgid, `params` its named arguments."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


def not_found() -> NotFound:
    return NotFound(N_("Not found, or you have no access to it."))


def forbidden() -> Forbidden:
    return Forbidden(N_("You have no right to do that."))
