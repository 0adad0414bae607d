"""CRM core: who sees what, and team setup (statuses, the default pipeline, the currency);
phone and e-mail normalisation and free-text recognition are re-exported from
services.crm_parse, services.crm_phones and services.crm_recognise. Comments and history
are services.crm_notes, a record changing hands services.crm_handover.

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

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.crm import (
    CrmCompany,
    CrmContact,
    CrmDeal,
    CrmGrant,
    CrmLead,
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
    source_of,
    valid_email,
)
from services.crm_phones import matching_keys, national_number, phone_key, pretty_phone
from services.crm_recognise import recognise
from services.errors import N_, DomainError, not_found, pN_

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


async def user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids))))
    return {uid: name for uid, name in rows.all()}
