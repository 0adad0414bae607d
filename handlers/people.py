"""Turning '@anna' or 'Anna' into one person, or a question with buttons."""

from __future__ import annotations

from collections.abc import Callable

from handlers.core import Ctx
from handlers.markup import bold
from handlers.views import Button, View
from models.teams import User
from services import users
from services.errors import N_, DomainError

# "nobody", typed where a person is asked for (an event's guests, a supervisor)
NOBODY_WORDS = frozenset({"-", "nobody", "no one", "none", "нет", "никто", "никого", "никому"})


def nobody_said(text: str) -> str | None:
    """What comes before a closing "nobody" word ("@Boris no one" -> "@Boris"), or None
    when the text does not end with one."""
    folded = text.casefold().rstrip()
    for word in NOBODY_WORDS:
        if folded == word:
            return ""
        if folded.endswith(" " + word):
            return text.rstrip()[: -len(word)].rstrip()
    return None


def person_label(user: User) -> str:
    """A person as a list or a button names them: with their @username when they have one."""
    return f"{user.name} (@{user.username})" if user.username else user.name


async def pick_person(ctx: Ctx, token: str, action: Callable[[int], str]) -> User | View:
    """One person for `token`; several → a question whose buttons run `action(user_id)`."""
    found = await users.find_people(ctx.session, ctx.me, token)
    if not found:
        raise DomainError(
            N_("I don't know anyone called {name} in your team."), name=token.strip().lstrip("@")
        )
    if len(found) == 1:
        return found[0]
    view = View(
        body=ctx.tr("Several people match {name}. Whom do you mean?", name=bold(token.strip()))
    )
    for user in found:
        view.row(Button(person_label(user)[:60], action(user.id)))
    return view


async def person_field(ctx: Ctx, raw: str) -> int:
    """A form field parser: exactly one person, else a clear question."""
    found = await users.find_people(ctx.session, ctx.me, raw)
    if not found:
        raise DomainError(
            N_("I don't know anyone called {name} in your team."), name=raw.strip().lstrip("@")
        )
    if len(found) > 1:
        names = ", ".join(u.name for u in found)
        raise DomainError(N_("Several people match: {names}. Type the full name."), names=names)
    return found[0].id
