"""People: profile settings and finding colleagues by @mention or name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.groups import Group, GroupMember
from models.teams import Identity, User
from services.access import Actor, get_team_user, visible_groups, visible_people
from services.errors import N_, DomainError
from services.pagination import Page, paginate
from services.teams import SUPPORTED_LOCALES

NAME_MAX = 200


async def me(session: AsyncSession, actor: Actor) -> tuple[User, User | None]:
    user = await db.get(session, User, actor.user_id)
    assert user is not None
    supervisor = await db.get(session, User, user.supervisor_id) if user.supervisor_id else None
    return user, supervisor


async def set_locale(session: AsyncSession, actor: Actor, locale: str) -> User:
    locale = locale.strip().lower()
    if locale not in SUPPORTED_LOCALES:
        raise DomainError(N_("Choose a language: ru or en."))
    user = await get_team_user(session, actor, actor.user_id)
    user.locale = locale
    await session.flush()
    return user


_ZONE_ALIASES = {
    "msk": "Europe/Moscow",
    "мск": "Europe/Moscow",
    "москва": "Europe/Moscow",
    "moscow": "Europe/Moscow",
    "london": "Europe/London",
    "berlin": "Europe/Berlin",
    "utc": "UTC",
    "gmt": "UTC",
    # cities as people there name them; the zone's own city is found in English anyway
    "санкт-петербург": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "спб": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "st petersburg": "Europe/Moscow",
    "нижний новгород": "Europe/Moscow",
    "казань": "Europe/Moscow",
    "ростов-на-дону": "Europe/Moscow",
    "краснодар": "Europe/Moscow",
    "воронеж": "Europe/Moscow",
    "калининград": "Europe/Kaliningrad",
    "самара": "Europe/Samara",
    "ижевск": "Europe/Samara",
    "волгоград": "Europe/Volgograd",
    "саратов": "Europe/Saratov",
    "уфа": "Asia/Yekaterinburg",
    "пермь": "Asia/Yekaterinburg",
    "екатеринбург": "Asia/Yekaterinburg",
    "екб": "Asia/Yekaterinburg",
    "челябинск": "Asia/Yekaterinburg",
    "тюмень": "Asia/Yekaterinburg",
    "омск": "Asia/Omsk",
    "новосибирск": "Asia/Novosibirsk",
    "томск": "Asia/Tomsk",
    "барнаул": "Asia/Barnaul",
    "кемерово": "Asia/Novokuznetsk",
    "новокузнецк": "Asia/Novokuznetsk",
    "красноярск": "Asia/Krasnoyarsk",
    "иркутск": "Asia/Irkutsk",
    "чита": "Asia/Chita",
    "якутск": "Asia/Yakutsk",
    "владивосток": "Asia/Vladivostok",
    "хабаровск": "Asia/Vladivostok",
    "магадан": "Asia/Magadan",
    "южно-сахалинск": "Asia/Sakhalin",
    "петропавловск-камчатский": "Asia/Kamchatka",
    "минск": "Europe/Minsk",
    "киев": "Europe/Kyiv",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "алматы": "Asia/Almaty",
    "астана": "Asia/Almaty",
    "ташкент": "Asia/Tashkent",
    "бишкек": "Asia/Bishkek",
    "тбилиси": "Asia/Tbilisi",
    "ереван": "Asia/Yerevan",
    "баку": "Asia/Baku",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "austin": "America/Chicago",
    "pst": "America/Los_Angeles",
    "est": "America/New_York",
    "cst": "America/Chicago",
    "mst": "America/Denver",
}


_OFFSET = re.compile(r"([+-])(\d{1,2}):?(\d\d)")
_HALF_HOURS = {
    "+3:30": "Asia/Tehran",
    "+4:30": "Asia/Kabul",
    "+5:30": "Asia/Kolkata",
    "+5:45": "Asia/Kathmandu",
    "+6:30": "Asia/Yangon",
    "+9:30": "Australia/Darwin",
    "-3:30": "America/St_Johns",
}


def zone_label(zone: str) -> str:
    """A zone as people read it: "Etc/GMT-3" (POSIX signs, inverted) is "UTC+3"."""
    if zone.startswith("Etc/GMT") and zone[7:8] in "+-" and zone[8:].isdigit():
        return f"UTC{'+' if zone[7] == '-' else '-'}{zone[8:]}"
    return zone


def parse_timezone(text: str) -> str:
    """An IANA zone ('Europe/Berlin'), a city of a zone ('berlin'), or a UTC offset ('+3')."""
    raw = text.strip()
    if not raw:
        raise DomainError(N_("Name a time zone, for example Europe/Moscow or +3."))
    alias = _ZONE_ALIASES.get(" ".join(raw.casefold().replace("ё", "е").split()))
    if alias:
        return alias
    offset = raw.upper().removeprefix("UTC").removeprefix("GMT").strip()
    written = _OFFSET.fullmatch(offset)
    if written:  # "+03:00", "+0300", "+05:30" as "+3", "+5:30"
        sign, hours_text, minutes = written.groups()
        offset = f"{sign}{int(hours_text)}" + (f":{minutes}" if minutes.strip("0") else "")
    if offset[:1] in "+-" and offset[1:].isdigit():
        hours = int(offset)
        if -12 <= hours <= 14:
            # Etc/GMT zones have inverted signs by POSIX convention
            return "UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    if offset in _HALF_HOURS:  # no Etc zone has them: the zone most people there use
        return _HALF_HOURS[offset]
    try:
        ZoneInfo(raw)
        return raw
    except (ZoneInfoNotFoundError, ValueError):
        pass
    city = raw.casefold().replace(" ", "_")
    for zone in sorted(available_timezones()):
        if zone.casefold() == city or zone.rsplit("/", 1)[-1].casefold() == city:
            return zone  # "europe/berlin" as typed on a phone
    raise DomainError(
        N_("Unknown time zone {zone}. Try Europe/Moscow, Asia/Almaty or an offset like +3."),
        zone=raw,
    )


async def set_timezone(session: AsyncSession, actor: Actor, text: str) -> User:
    zone = parse_timezone(text)
    user = await get_team_user(session, actor, actor.user_id)
    user.timezone = zone
    await session.flush()
    return user


async def set_name(session: AsyncSession, actor: Actor, name: str) -> User:
    name = await check_name(session, actor, name)
    user = await get_team_user(session, actor, actor.user_id)
    user.name = name
    await session.flush()
    return user


async def check_name(session: AsyncSession, actor: Actor, name: str) -> str:
    """The name the person may take, its spaces tidied: not empty, not too long, and not
    another active member's (any case, ё as е), which lists, cards and "who?" buttons
    could not tell apart."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(N_("A name cannot be empty."))
    if len(name) > NAME_MAX:
        raise DomainError(N_("A name may have at most {limit} characters."), limit=NAME_MAX)
    if await _name_taken(session, actor, name):
        raise DomainError(
            N_(
                "Someone in your team is already called {name}. Choose a name people can "
                "tell apart, for example with your surname or its initial."
            ),
            name=name,
        )
    return name


async def _name_taken(session: AsyncSession, actor: Actor, name: str) -> bool:
    """Whether another active member of the team is called so."""
    key = _fold(name)
    names = await session.scalars(
        select(User.name).where(
            User.team_id == actor.team_id, User.active.is_(True), User.id != actor.user_id
        )
    )
    return any(_fold(" ".join(other.split())) == key for other in names)


def may_set_supervisors(actor: Actor) -> None:
    """Supervisors are the team's structure, set by its admins (as in Bitrix24): they
    decide who approves a person's time, reads their reports and shares their CRM
    department. Anyone else is told whom to ask, and how."""
    if not actor.is_admin:
        raise DomainError(
            N_(
                "Only a team admin sets supervisors. Ask an admin: "
                "/team supervisor @person @supervisor"
            )
        )


async def set_supervisor(
    session: AsyncSession, actor: Actor, user_id: int, supervisor_id: int | None
) -> User:
    """An admin sets anyone's supervisor (their own too), or takes it away."""
    may_set_supervisors(actor)
    user = await get_team_user(session, actor, user_id)
    if user.role == "extranet":
        raise DomainError(N_("Extranet members have no supervisor in the team."))
    if supervisor_id is None:
        user.supervisor_id = None
    else:
        supervisor = await get_team_user(session, actor, supervisor_id)
        if supervisor.id == user.id:
            raise DomainError(N_("Nobody can be their own supervisor."))
        if supervisor.role == "extranet":
            raise DomainError(N_("An extranet member cannot be a supervisor."))
        # no cycles: walk up from the new supervisor
        seen = {user.id}
        cursor: User | None = supervisor
        while cursor is not None and cursor.supervisor_id is not None:
            if cursor.supervisor_id in seen:
                raise DomainError(N_("That would make a circle of supervisors."))
            seen.add(cursor.id)
            cursor = await db.get(session, User, cursor.supervisor_id)
        user.supervisor_id = supervisor.id
    await session.flush()
    return user


async def names_of(session: AsyncSession, actor: Actor, ids: set[int]) -> dict[int, str]:
    """Names of the people of `ids` the actor may see, by id."""
    if not ids:
        return {}
    rows = await session.execute(
        visible_people(actor).with_only_columns(User.id, User.name).where(User.id.in_(sorted(ids)))
    )
    return {int(i): str(n) for i, n in rows.all()}


async def list_people(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 10
) -> Page[User]:
    return await paginate(session, visible_people(actor).order_by(User.name), page, per_page)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def find_people(
    session: AsyncSession, actor: Actor, text: str, limit: int = 8, *, handle: bool | None = None
) -> list[User]:
    """People the actor can see, by @username, exact name, or part of a name.

    Exact matches win; otherwise every partial match is returned so the caller can ask.
    An @name (`text` starts with "@", or `handle` says the caller took the "@" off) that
    is exactly one person's @username, in any case, is theirs, as the platform itself
    reads a mention. A bare name is no surer than a username: "anna" is Anna (@anna) and
    also another person called exactly Anna, and the caller asks which.
    """
    said = text.strip()
    if handle is None:
        handle = said.startswith("@")
    token = said.lstrip("@").strip()
    if not token:
        return []
    key = token.casefold()
    base = visible_people(actor)
    by_username: Sequence[User] = (
        (await session.execute(base.where(func.lower(User.username) == key).limit(limit)))
        .scalars()
        .all()
    )
    if handle and len(by_username) == 1:
        return list(by_username)
    # SQLite's lower() folds ASCII only, so names are compared on the Python side
    rows: Sequence[User] = (
        (await session.execute(base.order_by(User.name).limit(2000))).scalars().all()
    )
    if by_username:
        named = [u for u in rows if _fold(u.name) == _fold(key) and u not in by_username]
        return [*by_username, *named][:limit]
    return match_names(rows, key, limit)


def match_names(rows: Sequence[User], token: str, limit: int = 8) -> list[User]:
    """The people among `rows` a typed name means: the exact name (any case, ё as е),
    else the one whose first name it is, else every partial match (name or username)."""
    key = _fold(" ".join(token.split()))  # "Петр" finds "Пётр"
    exact = [u for u in rows if _fold(u.name) == key]
    if exact:
        return exact[:limit]
    first = [u for u in rows if (_fold(u.name).split() or [""])[0] == key]
    if len(first) == 1:
        return first
    return [u for u in rows if key in _fold(u.name) or key in (u.username or "").casefold()][:limit]


def _fold(name: str) -> str:
    """A name as compared: any case, ё as е (people type either)."""
    return name.casefold().replace("ё", "е")


async def what_tells_apart(
    session: AsyncSession, actor: Actor, people: Sequence[User], *, open_only: bool = False
) -> dict[int, tuple[list[str], list[str]]]:
    """For people who share a name: the platforms they use and the groups (of those the
    actor sees; with `open_only`, of the open ones, for a question a whole chat reads)
    they are in, by id."""
    ids = sorted({u.id for u in people})
    out: dict[int, tuple[list[str], list[str]]] = {uid: ([], []) for uid in ids}
    platforms = await session.execute(
        select(Identity.user_id, Identity.platform)
        .where(Identity.user_id.in_(ids), Identity.active.is_(True))
        .order_by(Identity.platform)
    )
    for user_id, platform in platforms.all():
        out[int(user_id)][0].append(str(platform))
    seen = visible_groups(actor).with_only_columns(Group.id)
    groups = await session.execute(
        select(GroupMember.user_id, Group.name)
        .join(Group, Group.id == GroupMember.group_id)
        .where(
            GroupMember.user_id.in_(ids),
            Group.id.in_(seen),
            *([Group.is_open.is_(True)] if open_only else []),
        )
        .order_by(Group.name)
    )
    for user_id, name in groups.all():
        out[int(user_id)][1].append(str(name))
    return out
