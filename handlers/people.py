"""Turning '@anna' or 'Anna' into one person, or a question with buttons."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import Ctx
from handlers.forms import PERSON_ID
from handlers.markup import bold
from handlers.views import Button, View
from models.teams import User
from services import users
from services.access import get_team_user
from services.errors import N_, DomainError

# an @name in a comment: "@ivan", "@anna.k" (not "ann@mail.ru")
AT_NAME = re.compile(r"(?<!\S)@([\w.\-]+)")

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


# the platforms a person may be told apart by
PLATFORM_NAMES = {"telegram": "Telegram", "slack": "Slack", "console": N_("console")}
ROLE_LABELS = {"admin": N_("admin"), "employee": N_("employee"), "extranet": N_("extranet")}


class Several(DomainError):
    """Several people match a typed name. What was being done is not kept; the person is
    asked which one (handlers.people_pick), and it is done again with the answer."""

    def __init__(self, token: str, people: Sequence[User]) -> None:
        name = token.strip()
        super().__init__(N_("Several people match {name}. Whom do you mean?"), name=name)
        self.token = name
        self.people = list(people)
        self.ids = [user.id for user in people]  # read while their unit of work lives

    async def reload(self, session: AsyncSession) -> None:
        """The people again, in a new unit of work (the one that raised this is gone)."""
        found = await session.execute(select(User).where(User.id.in_(self.ids)))
        by_id = {user.id: user for user in found.scalars()}
        self.people = [by_id[uid] for uid in self.ids if uid in by_id]


def pick_key(token: str) -> str:
    """A typed name as the answers to "whom do you mean?" remember it."""
    return " ".join(token.strip().lstrip("@").split()).casefold().replace("ё", "е")


def person_label(user: User) -> str:
    """A person as a list or a button names them: with their @username when they have one."""
    return f"{user.name} (@{user.username})" if user.username else user.name


async def person_labels(ctx: Ctx, people: Sequence[User]) -> dict[int, str]:
    """How a question names each of several people: by name and @username; people who
    share a name, also by the platforms they use, their groups and their role."""
    labels = {user.id: person_label(user) for user in people}
    names = [user.name.casefold() for user in people]
    shared = [user for user in people if names.count(user.name.casefold()) > 1]
    if not shared:
        return labels
    # asked where others read along: no closed group of theirs is named
    apart = await users.what_tells_apart(ctx.session, ctx.me, shared, open_only=ctx.shared_chat)
    for user in shared:
        platforms, groups = apart[user.id]
        said = [ctx.tr.s(PLATFORM_NAMES.get(p, p)) for p in dict.fromkeys(platforms)]
        said.extend(f"#{name}" for name in groups[:2])
        said.append(ctx.tr.s(ROLE_LABELS.get(user.role, user.role)))
        labels[user.id] = f"{labels[user.id]} · {' · '.join(said)}"
    texts = list(labels.values())
    for user in shared:  # still alike: when they joined tells them apart
        if texts.count(labels[user.id]) > 1:
            day = ctx.tr.day(user.created_at.astimezone(ctx.tr.zone()).date())
            joined = ctx.tr.s("joined {day}", day=day)
            labels[user.id] = f"{labels[user.id]} · {joined}"
    return labels


async def find(ctx: Ctx, token: str, *, handle: bool | None = None) -> list[User]:
    """The people `token` names; one only where the person already said whom they mean.
    `handle`: the token is an @name whose "@" was taken off (an exact @username wins)."""
    found = await users.find_people(ctx.session, ctx.me, token, handle=handle)
    picked = ctx.picked.get(pick_key(token))
    return [user for user in found if user.id == picked] or found


async def one_person(ctx: Ctx, token: str, *, handle: bool | None = None) -> User | None:
    """The one person `token` names, None when nobody; several: Several (asked which)."""
    found = await find(ctx, token, handle=handle)
    if len(found) > 1:
        raise Several(token, found)
    return found[0] if found else None


async def pick_person(ctx: Ctx, token: str, action: Callable[[int], str]) -> User | View:
    """One person for `token`; several → a question whose buttons run `action(user_id)`."""
    found = await find(ctx, token)
    if not found:
        raise DomainError(
            N_("I don't know anyone called {name} in your team."), name=token.strip().lstrip("@")
        )
    if len(found) == 1:
        return found[0]
    view = View(
        body=ctx.tr("Several people match {name}. Whom do you mean?", name=bold(token.strip()))
    )
    labels = await person_labels(ctx, found)
    for user in found:
        view.row(Button(labels[user.id][:60], action(user.id)))
    return view


async def person_field(ctx: Ctx, raw: str, *, handle: bool | None = None) -> int:
    """A form field parser: exactly one person (a pick from a list, by id, too); several
    are asked about (Several)."""
    value = raw.strip()
    picked = value.removeprefix(PERSON_ID)
    if picked != value and picked.isdigit():
        return (await get_team_user(ctx.session, ctx.me, int(picked))).id
    found = await one_person(ctx, value, handle=handle) or await as_listed(ctx, value)
    if found is None:
        raise DomainError(
            N_("I don't know anyone called {name} in your team."), name=value.lstrip("@")
        )
    return found.id


async def as_listed(ctx: Ctx, typed: str) -> User | None:
    """The one person `typed` names as person_labels lists them ("Petr (@petr.k)",
    "Petr · Telegram · employee"): copied from a list of namesakes, it tells them apart."""
    name = typed.split(" (@", 1)[0].split(" · ", 1)[0].strip()
    if not name or name == typed.strip():
        return None
    found = await find(ctx, name)
    if not found:
        return None
    said = " ".join(typed.split()).casefold()
    labels = await person_labels(ctx, found)
    listed = [
        user
        for user in found
        if (label := labels[user.id].casefold()) == said or label.startswith(said + " · ")
    ]
    return listed[0] if len(listed) == 1 else None
