"""CRM core: who sees what, team setup (statuses, the default pipeline), phone and
e-mail normalisation, free-text recognition, comments and history.

Visibility. An admin sees every record of the team. An employee sees the records
they are responsible for and, per the team's CRM setting:
  - "own": nothing more;
  - "department": the records of their department — their supervisor, the people
    who share their supervisor, and the people who report to them;
  - "all": every record of the team.
An extranet member sees no CRM unless an admin granted it; then only the records
they are responsible for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.crm import (
    CrmActivity,
    CrmCompany,
    CrmContact,
    CrmDeal,
    CrmGrant,
    CrmLead,
    CrmNote,
    CrmPipeline,
    CrmSettings,
    CrmStage,
)
from models.teams import Team, User
from services.access import Actor, get_team_user, require_admin
from services.crm_parse import (
    SOURCE_NAMES,
    SOURCE_WORDS,
    SOURCES,
    Card,
    clean_email,
    company_key,
    currency_code,
    name_key,
    recognise,
    source_of,
    valid_email,
)
from services.crm_phones import matching_keys, national_number, phone_key, pretty_phone
from services.errors import N_, DomainError, NotFound, not_found, pN_
from services.pagination import Page, paginate_rows

__all__ = [
    "SOURCES",
    "SOURCE_NAMES",
    "SOURCE_WORDS",
    "Card",
    "clean_email",
    "company_key",
    "name_key",
    "national_number",
    "phone_key",
    "pretty_phone",
    "recognise",
    "source_of",
    "valid_email",
]

VISIBILITY = ("own", "department", "all")
LEAD_STATUSES = [
    ("new", "open"),
    ("in_progress", "open"),
    ("processed", "open"),
    ("junk", "junk"),
    ("converted", "converted"),
]
DEAL_STAGES = [
    ("new", "open"),
    ("preparation", "open"),
    ("offer", "open"),
    ("negotiation", "open"),
    ("won", "won"),
    ("lost", "lost"),
]
STAGE_NAMES = {
    "new": N_("new"),
    "in_progress": N_("in progress"),
    "processed": N_("processed"),
    "junk": N_("junk"),
    "converted": N_("converted"),
    "preparation": N_("preparation"),
    "offer": N_("offer"),
    "negotiation": N_("negotiation"),
    "won": N_("won"),
    "lost": N_("lost"),
}
ENTITIES = ("lead", "deal", "contact", "company")
MODELS: dict[str, Any] = {
    "lead": CrmLead,
    "deal": CrmDeal,
    "contact": CrmContact,
    "company": CrmCompany,
}
NAME_MAX = 200
NOTE_MAX = 4000  # a CRM comment, cut beyond this


def stage_name(stage: CrmStage) -> str:
    """The msgid (built-in) or the custom name of a stage."""
    if stage.name:
        return stage.name
    if stage.code == "new" and stage.pipeline_id is not None:
        return pN_("deal stage", "new")  # «новая» (сделка), not «новый» (лид)
    return STAGE_NAMES.get(stage.code, stage.code)


# -- setup and settings ----------------------------------------------------------------


_ZONE_CURRENCY = {
    "Europe/Minsk": "BYN",
    "Europe/Kiev": "UAH",
    "Europe/Kyiv": "UAH",
    "Europe/London": "GBP",
    "Asia/Shanghai": "CNY",
    "Pacific/Honolulu": "USD",
}
_RU_ZONES = (
    "Europe/Moscow Europe/Kaliningrad Europe/Samara Europe/Volgograd Europe/Saratov "
    "Europe/Ulyanovsk Europe/Astrakhan Europe/Kirov Asia/Yekaterinburg Asia/Omsk "
    "Asia/Novosibirsk Asia/Barnaul Asia/Tomsk Asia/Novokuznetsk Asia/Krasnoyarsk Asia/Irkutsk "
    "Asia/Chita Asia/Yakutsk Asia/Khandyga Asia/Vladivostok Asia/Ust-Nera Asia/Magadan "
    "Asia/Sakhalin Asia/Srednekolymsk Asia/Kamchatka Asia/Anadyr"
).split()
_KZ_ZONES = "Asia/Almaty Asia/Qostanay Asia/Aqtobe Asia/Aqtau Asia/Atyrau Asia/Oral".split()
_EURO_ZONES = (
    "Amsterdam Andorra Athens Berlin Bratislava Brussels Dublin Helsinki Lisbon Ljubljana "
    "Luxembourg Madrid Malta Monaco Paris Riga Rome Tallinn Vienna Vilnius Zagreb"
).split()
_US_ZONES = (
    "New_York Chicago Denver Los_Angeles Phoenix Anchorage Detroit Boise Juneau Sitka Nome "
    "Adak Menominee Metlakatla Yakutat"
).split()


def default_currency(timezone: str, locale: str) -> str:
    """A new team's currency, from where it works: its zone, else its language."""
    if timezone in _ZONE_CURRENCY:
        return _ZONE_CURRENCY[timezone]
    if timezone in _RU_ZONES:
        return "RUB"
    if timezone in _KZ_ZONES:
        return "KZT"
    area, _, city = timezone.partition("/")
    if area == "Europe" and city in _EURO_ZONES or timezone == "Asia/Nicosia":
        return "EUR"
    if area == "America" and (
        city in _US_ZONES or city.split("/")[0] in ("Indiana", "Kentucky", "North_Dakota")
    ):
        return "USD"
    return "RUB" if locale == "ru" else "USD"


async def settings_of(session: AsyncSession, team_id: int) -> CrmSettings:
    """The team's CRM settings; the first call sets the team up (statuses, a pipeline).

    Two first calls at once (several bot processes on PostgreSQL): the loser's
    savepoint rolls back and it reads the winner's row.
    """
    row = await session.get(CrmSettings, team_id)
    if row is not None:
        return row
    team = await session.get(Team, team_id)
    currency = default_currency(team.timezone, team.locale) if team is not None else "RUB"
    try:
        async with session.begin_nested():
            row = CrmSettings(team_id=team_id, visibility="own", currency=currency)
            session.add(row)
            await session.flush()
            for sort, (code, kind) in enumerate(LEAD_STATUSES):
                session.add(
                    CrmStage(team_id=team_id, pipeline_id=None, code=code, sort=sort, kind=kind)
                )
            await session.flush()
            await create_pipeline_rows(session, team_id, "", 0)
    except IntegrityError:
        row = await session.get(CrmSettings, team_id, populate_existing=True)
        if row is None:
            raise
    return row


async def create_pipeline_rows(
    session: AsyncSession, team_id: int, name: str, sort: int
) -> CrmPipeline:
    pipeline = CrmPipeline(team_id=team_id, name=name, sort=sort)
    session.add(pipeline)
    await session.flush()
    for index, (code, kind) in enumerate(DEAL_STAGES):
        session.add(
            CrmStage(team_id=team_id, pipeline_id=pipeline.id, code=code, sort=index, kind=kind)
        )
    await session.flush()
    return pipeline


async def set_currency(session: AsyncSession, actor: Actor, code: str) -> CrmSettings:
    """The team's currency: new deals and products use it; plans count in it."""
    require_admin(actor)
    code = currency_code(code)
    row = await settings_of(session, actor.team_id)
    row.currency = code
    await session.flush()
    return row


async def set_visibility(session: AsyncSession, actor: Actor, mode: str) -> CrmSettings:
    require_admin(actor)
    if mode not in VISIBILITY:
        raise DomainError(N_("Visibility is own, department or all."))
    row = await settings_of(session, actor.team_id)
    row.visibility = mode
    await session.flush()
    return row


async def set_grant(session: AsyncSession, actor: Actor, user_id: int, granted: bool) -> User:
    require_admin(actor)
    user = await get_team_user(session, actor, user_id)
    if user.role != "extranet":
        raise DomainError(
            N_("{person} is not an extranet member: staff use the CRM already."), person=user.name
        )
    existing = await session.get(CrmGrant, user.id)
    if granted and existing is None:
        session.add(CrmGrant(user_id=user.id, team_id=actor.team_id))
    elif not granted and existing is not None:
        await session.delete(existing)
    await session.flush()
    return user


# -- visibility --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose records the actor sees: None means everyone's in the team."""

    owners: frozenset[int] | None


async def department_ids(session: AsyncSession, actor: Actor) -> set[int]:
    me = await db.get(session, User, actor.user_id)
    ids = {actor.user_id}
    conditions = [User.supervisor_id == actor.user_id]
    if me is not None and me.supervisor_id is not None:
        ids.add(me.supervisor_id)
        conditions.append(User.supervisor_id == me.supervisor_id)
    rows = await session.scalars(
        select(User.id).where(User.team_id == actor.team_id, or_(*conditions))
    )
    ids.update(rows)
    return ids


async def team_calling_code(session: AsyncSession, actor: Actor) -> str:
    """The calling code the team's local phone numbers take ('' when unknown)."""
    from models.teams import Team
    from services.crm_phones import team_country

    team = await session.get(Team, actor.team_id)
    return team_country(team.locale, team.timezone) if team is not None else ""


async def scope_of(session: AsyncSession, actor: Actor) -> Scope:
    """The actor's CRM scope; DomainError when they have no CRM at all."""
    settings = await settings_of(session, actor.team_id)
    if actor.is_admin:
        return Scope(None)
    if actor.is_extranet:
        if await session.get(CrmGrant, actor.user_id) is None:
            raise DomainError(N_("The CRM is not open to you. Ask an admin for access."))
        return Scope(frozenset({actor.user_id}))
    if settings.visibility == "all":
        return Scope(None)
    if settings.visibility == "department":
        return Scope(frozenset(await department_ids(session, actor)))
    return Scope(frozenset({actor.user_id}))


def same_phone(model: Any, phone: str, key: str) -> ColumnElement[bool] | None:
    """Records (leads, contacts, companies) with the same number, however each was typed
    or stored: by the national number (indexed) and a key of the same country or of
    none; None when there is no number to match."""
    nsn, keys = matching_keys(phone, key)
    if not nsn:
        return None
    if not keys:
        return model.phone_nsn == nsn  # type: ignore[no-any-return]
    return (model.phone_nsn == nsn) & model.phone_key.in_(keys)  # type: ignore[no-any-return]


def visible(model: Any, actor: Actor, scope: Scope) -> Select[Any]:
    query = select(model).where(model.team_id == actor.team_id)
    if scope.owners is not None:
        query = query.where(model.owner_id.in_(sorted(scope.owners)))
    return query


async def get_visible(session: AsyncSession, actor: Actor, entity: str, entity_id: int) -> Any:
    """One record of `entity` the actor may see and change (ids are untrusted)."""
    model = MODELS.get(entity)
    if model is None:
        raise not_found()
    scope = await scope_of(session, actor)
    row = (
        await session.execute(visible(model, actor, scope).where(model.id == entity_id))
    ).scalar_one_or_none()
    if row is None:
        raise not_found()
    return row


@dataclass(frozen=True, slots=True)
class Handover:
    """A record given to someone: who had it, and the open activities that moved with
    it (their reminders called off, to be queued anew for the new owner)."""

    row: Any
    user: User
    previous_id: int | None
    activities: list[CrmActivity]
    along: list[tuple[str, Any]]  # a deal's contact and company that went with it


async def set_owner(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, user_id: int
) -> Handover:
    """A record changes hands with its open activities; a deal takes along its contact
    and company when they were the previous responsible's, so whoever works the deal
    can reach the client."""
    from services.crm_rights import get_editable  # it builds on this module

    row = await get_editable(session, actor, entity, entity_id)
    user = await get_team_user(session, actor, user_id)
    if user.role == "extranet" and await session.get(CrmGrant, user.id) is None:
        raise DomainError(N_("{person} has no access to the CRM."), person=user.name)
    previous_id = row.owner_id
    moved = await _pass_on(session, actor, entity, row, user)
    along: list[tuple[str, Any]] = []
    if entity == "deal" and previous_id is not None and previous_id != user.id:
        for kind, linked_id in (("contact", row.contact_id), ("company", row.company_id)):
            try:
                linked = await get_visible(session, actor, kind, linked_id) if linked_id else None
            except NotFound:
                continue
            if linked is not None and linked.owner_id == previous_id:
                moved += await _pass_on(session, actor, kind, linked, user)
                along.append((kind, linked))
    await session.flush()
    return Handover(row, user, previous_id, moved, along)


async def _pass_on(
    session: AsyncSession, actor: Actor, entity: str, row: Any, user: User
) -> list[CrmActivity]:
    """One record to `user`, with its open activities (returned) and a history line."""
    from services import crm_activities  # it builds on this module

    row.owner_id = user.id
    moved = await crm_activities.hand_over(session, actor.team_id, entity, row.id, user.id)
    await add_history(session, actor, entity, row.id, N_("Responsible: {person}"), person=user.name)
    return moved


# -- comments and history ----------------------------------------------------------------


# the author shown for a note nobody in the team wrote: a lead page's visitor
NO_AUTHOR = N_("lead page")


async def add_history(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, key: str, **params: Any
) -> None:
    session.add(
        CrmNote(
            team_id=actor.team_id,
            entity=entity,
            entity_id=entity_id,
            kind="history",
            author_id=actor.user_id,
            text=key,
            params={k: str(v) for k, v in params.items()},
        )
    )
    await session.flush()


async def add_comment(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, text: str
) -> CrmNote:
    await get_visible(session, actor, entity, entity_id)
    text = text.strip()
    if not text:
        raise DomainError(N_("A comment needs some text."))
    note = CrmNote(
        team_id=actor.team_id,
        entity=entity,
        entity_id=entity_id,
        kind="comment",
        author_id=actor.user_id,
        text=text[:NOTE_MAX],
        params={},
    )
    session.add(note)
    await session.flush()
    return note


async def notes(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, kind: str, limit: int = 5
) -> list[tuple[CrmNote, str]]:
    """The latest comments or history entries, newest first, with their authors' names."""
    await get_visible(session, actor, entity, entity_id)
    rows = await session.execute(
        select(CrmNote, User.name)
        .outerjoin(User, User.id == CrmNote.author_id)
        .where(
            CrmNote.team_id == actor.team_id,
            CrmNote.entity == entity,
            CrmNote.entity_id == entity_id,
            CrmNote.kind == kind,
        )
        .order_by(CrmNote.id.desc())
        .limit(limit)
    )
    return [(note, name or NO_AUTHOR) for note, name in rows.all()]


async def notes_page(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, *, page: int, per_page: int
) -> Page[tuple[CrmNote, str]]:
    """Comments and history of a record together, newest first, a page at a time."""
    await get_visible(session, actor, entity, entity_id)
    query = (
        select(CrmNote, User.name)
        .outerjoin(User, User.id == CrmNote.author_id)
        .where(
            CrmNote.team_id == actor.team_id,
            CrmNote.entity == entity,
            CrmNote.entity_id == entity_id,
        )
        .order_by(CrmNote.id.desc())
    )
    found = await paginate_rows(session, query, page, per_page)
    return replace(found, items=[(note, name or NO_AUTHOR) for note, name in found.items])


async def user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids))))
    return {uid: name for uid, name in rows.all()}
