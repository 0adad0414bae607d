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

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import (
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
from models.teams import User
from services.access import Actor, get_team_user, require_admin
from services.errors import N_, DomainError, not_found

VISIBILITY = ("own", "department", "all")
SOURCES = ("call", "email", "messenger", "web", "import", "other")
SOURCE_NAMES = {
    "call": N_("call"),
    "email": N_("e-mail"),
    "messenger": N_("messenger"),
    "web": N_("web form"),
    "import": N_("import"),
    "other": N_("other"),
}
SOURCE_WORDS = {
    "call": "call",
    "phone": "call",
    "звонок": "call",
    "телефон": "call",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "почта": "email",
    "письмо": "email",
    "messenger": "messenger",
    "telegram": "messenger",
    "whatsapp": "messenger",
    "мессенджер": "messenger",
    "телеграм": "messenger",
    "web": "web",
    "site": "web",
    "form": "web",
    "web form": "web",
    "сайт": "web",
    "форма": "web",
    "веб-форма": "web",
    "import": "import",
    "импорт": "import",
    "other": "other",
    "другое": "other",
}
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
    return stage.name or STAGE_NAMES.get(stage.code, stage.code)


# -- setup and settings ----------------------------------------------------------------


async def settings_of(session: AsyncSession, team_id: int) -> CrmSettings:
    """The team's CRM settings; the first call sets the team up (statuses, a pipeline).

    Two first calls at once (several bot processes on PostgreSQL): the loser's
    savepoint rolls back and it reads the winner's row.
    """
    row = await session.get(CrmSettings, team_id)
    if row is not None:
        return row
    try:
        async with session.begin_nested():
            row = CrmSettings(team_id=team_id, visibility="own", currency="RUB")
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
    me = await session.get(User, actor.user_id)
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


async def set_owner(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, user_id: int
) -> tuple[Any, User]:
    row = await get_visible(session, actor, entity, entity_id)
    user = await get_team_user(session, actor, user_id)
    if user.role == "extranet" and await session.get(CrmGrant, user.id) is None:
        raise DomainError(N_("{person} has no access to the CRM."), person=user.name)
    row.owner_id = user.id
    await add_history(
        session, actor, entity, entity_id, N_("Responsible: {person}"), person=user.name
    )
    await session.flush()
    return row, user


# -- normalisation and recognition -------------------------------------------------------

EMAIL_RE = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)*\.[a-zа-я]{2,}$", re.IGNORECASE)
PHONE_CHARS = re.compile(r"^[\d\s()+\-.]+$")
COMPANY_MARKS = re.compile(
    r"(^|\s)(ооо|оао|зао|пао|ао|ип|нко|гк|llc|inc\.?|ltd\.?|gmbh|corp\.?|co\.|plc|group)(\s|$)|[«\"]",
    re.IGNORECASE,
)
FIELD_WORDS = {
    "source": "source",
    "источник": "source",
    "phone": "phone",
    "tel": "phone",
    "телефон": "phone",
    "тел": "phone",
    "email": "email",
    "e-mail": "email",
    "почта": "email",
    "company": "company",
    "компания": "company",
    "name": "name",
    "имя": "name",
    "comment": "comment",
    "комментарий": "comment",
}


def phone_key(raw: str) -> str:
    """Digits of a phone in international form ('' when it is not a phone number)."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9" and not raw.strip().startswith("+"):
        digits = "7" + digits
    if not 7 <= len(digits) <= 15:
        return ""
    return digits


def pretty_phone(key: str) -> str:
    if len(key) == 11 and key[0] == "7":
        return f"+7 {key[1:4]} {key[4:7]}-{key[7:9]}-{key[9:]}"
    return "+" + key


def clean_email(raw: str) -> str:
    return raw.strip().strip("<>").lower()


def valid_email(raw: str) -> bool:
    return bool(EMAIL_RE.match(raw))


def name_key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def company_key(text: str) -> str:
    key = name_key(text)
    key = re.sub(r"[«»\"']", "", key)
    key = re.sub(r"^(ооо|оао|зао|пао|ао|ип|llc|inc|ltd)\s+", "", key)
    return key.strip()


def source_of(text: str) -> str | None:
    return SOURCE_WORDS.get(text.strip().casefold())


@dataclass
class Card:
    """Recognised contact data; `warnings` are msgids with their arguments."""

    name: str = ""
    company: str = ""
    phone: str = ""
    phone_key: str = ""
    email: str = ""
    source: str = "other"
    comment: str = ""
    warnings: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "company": self.company,
            "phone": self.phone,
            "phone_key": self.phone_key,
            "email": self.email,
            "source": self.source,
            "comment": self.comment,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        values = {k: str(data.get(k) or "") for k in cls().to_dict()}
        return cls(**values)  # type: ignore[arg-type]

    def set_phone(self, raw: str) -> None:
        key = phone_key(raw)
        if key:
            self.phone, self.phone_key = pretty_phone(key), key
        else:
            self.phone = raw.strip()
            self.warnings.append(
                (
                    N_("{value} does not look like a phone number; kept as text."),
                    {"value": raw.strip()},
                )
            )

    def set_email(self, raw: str) -> None:
        value = clean_email(raw)
        self.email = value
        if not valid_email(value):
            self.warnings.append(
                (N_("{value} does not look like an e-mail; kept as text."), {"value": raw.strip()})
            )


def recognise(text: str, default_source: str = "other") -> Card:
    """Free text like 'Ivan Petrov, Romashka LLC, +7 999 123-45-67, ivan@r.ru, source: call'."""
    card = Card(source=default_source)
    loose: list[str] = []
    for part in re.split(r"[,;\n]+", text):
        part = part.strip()
        if not part:
            continue
        label, sep, value = part.partition(":")
        known = FIELD_WORDS.get(label.strip().casefold()) if sep else None
        if known is not None:
            value = value.strip()
            if known == "source":
                found = source_of(value)
                if found is None:
                    card.warnings.append(
                        (N_("Unknown source {value}; set to other."), {"value": value})
                    )
                card.source = found or "other"
            elif known == "phone":
                card.set_phone(value)
            elif known == "email":
                card.set_email(value)
            elif known == "company":
                card.company = value[:NAME_MAX]
            elif known == "comment":
                card.comment = value
            else:
                card.name = value[:NAME_MAX]
            continue
        if "@" in part and " " not in part.strip():
            card.set_email(part)
        elif PHONE_CHARS.match(part) and sum(c.isdigit() for c in part) >= 5:
            card.set_phone(part)
        elif COMPANY_MARKS.search(part) and not card.company:
            card.company = part[:NAME_MAX]
        else:
            loose.append(part)
    for part in loose:
        if not card.name:
            card.name = part[:NAME_MAX]
        elif not card.company:
            card.company = part[:NAME_MAX]
        else:
            card.comment = (card.comment + "\n" + part).strip()
    if not card.name:
        card.name = card.company or card.email or card.phone
    return card


# -- comments and history ----------------------------------------------------------------


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
        text=text[:4000],
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
    return [(note, name or "") for note, name in rows.all()]


async def user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids))))
    return {uid: name for uid, name in rows.all()}
