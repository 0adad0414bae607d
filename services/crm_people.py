"""Contacts and companies, and /crm find across leads, contacts and companies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmActivity, CrmCompany, CrmContact, CrmDeal, CrmDraft, CrmLead
from services.access import Actor
from services.crm import (
    Card,
    Scope,
    clean_email,
    company_key,
    get_visible,
    name_key,
    national_number,
    phone_key,
    same_phone,
    scope_of,
    team_calling_code,
    visible,
)
from services.crm_notes import add_comment, add_history
from services.errors import N_, DomainError
from services.pagination import Page, paginate


async def create_company(
    session: AsyncSession,
    actor: Actor,
    name: str,
    *,
    phone: str = "",
    email: str = "",
    lead_id: int | None = None,
    owner_id: int | None = None,
) -> CrmCompany:
    await scope_of(session, actor)
    name = " ".join(name.split())[:200]
    if not name:
        raise DomainError(N_("A company needs a name."))
    key = phone_key(phone, await team_calling_code(session, actor)) if phone else ""
    company = CrmCompany(
        team_id=actor.team_id,
        name=name,
        name_key=company_key(name),
        phone=phone[:64],
        phone_key=key,
        phone_nsn=national_number(phone, key),
        email=clean_email(email)[:200],
        owner_id=owner_id or actor.user_id,
        lead_id=lead_id,
        custom={},
    )
    session.add(company)
    await session.flush()
    await add_history(session, actor, "company", company.id, N_("Company created"))
    return company


async def find_company(session: AsyncSession, actor: Actor, name: str) -> int | None:
    """The team's company of that name (any case and spacing) the actor sees, if any."""
    scope = await scope_of(session, actor)
    found = await session.scalar(
        visible(CrmCompany, actor, scope)
        .where(CrmCompany.name_key == company_key(name))
        .with_only_columns(CrmCompany.id)
        .order_by(CrmCompany.id)
        .limit(1)
    )
    return int(found) if found is not None else None


async def create_contact(
    session: AsyncSession,
    actor: Actor,
    name: str,
    *,
    phone: str = "",
    phone_key: str = "",
    email: str = "",
    company_id: int | None = None,
    lead_id: int | None = None,
    owner_id: int | None = None,
) -> CrmContact:
    await scope_of(session, actor)
    name = " ".join(name.split())[:200]
    if not name:
        raise DomainError(N_("A contact needs a name."))
    if company_id is not None:
        await get_visible(session, actor, "company", company_id)
    contact = CrmContact(
        team_id=actor.team_id,
        name=name,
        name_key=name_key(name),
        phone=phone[:64],
        phone_key=phone_key,
        phone_nsn=national_number(phone, phone_key),
        email=email[:200],
        company_id=company_id,
        owner_id=owner_id or actor.user_id,
        lead_id=lead_id,
        custom={},
    )
    session.add(contact)
    await session.flush()
    await add_history(session, actor, "contact", contact.id, N_("Contact created"))
    return contact


@dataclass
class Created:
    """A new record, or the duplicates that stopped it and the draft that waits."""

    row: Any
    duplicates: list[Any]
    draft_id: int | None = None


async def create_contact_checked(
    session: AsyncSession, actor: Actor, card: Card, *, force: bool = False
) -> Created:
    """A contact from recognised data, after the duplicate check (phone, e-mail)."""
    from services.crm_leads import find_duplicates

    await scope_of(session, actor)
    if not card.name.strip():
        raise DomainError(N_("A contact needs a name."))
    if not force:
        dups = await find_duplicates(session, actor, card)
        if dups:
            return Created(None, dups, await _draft(session, actor, "contact", card))
    company_id = await find_company(session, actor, card.company) if card.company else None
    if card.company and company_id is None:  # a company named for the first time: made
        company_id = (await create_company(session, actor, card.company)).id
    contact = await create_contact(
        session,
        actor,
        card.name,
        phone=card.phone,
        phone_key=card.phone_key,
        email=card.email,
        company_id=company_id,
    )
    if card.comment:
        await add_comment(session, actor, "contact", contact.id, card.comment)
    return Created(contact, [])


async def create_company_checked(
    session: AsyncSession, actor: Actor, card: Card, *, force: bool = False
) -> Created:
    """A company from recognised data, after the duplicate check (same name)."""
    from services.crm_leads import Duplicate

    scope = await scope_of(session, actor)
    name = card.company or card.name
    if not name.strip():
        raise DomainError(N_("A company needs a name."))
    if not force:
        rows = await session.scalars(
            visible(CrmCompany, actor, scope)
            .where(CrmCompany.name_key == company_key(name))
            .order_by(CrmCompany.id)
            .limit(3)
        )
        dups = [Duplicate("company", row.id, row.name, "name") for row in rows]
        if dups:
            return Created(None, dups, await _draft(session, actor, "company", card))
    company = await create_company(session, actor, name, phone=card.phone, email=card.email)
    return Created(company, [])


async def _draft(session: AsyncSession, actor: Actor, kind: str, card: Card) -> int:
    draft = CrmDraft(team_id=actor.team_id, user_id=actor.user_id, kind=kind, data=card.to_dict())
    session.add(draft)
    await session.flush()
    return draft.id


async def create_from_draft(session: AsyncSession, actor: Actor, draft_id: int, kind: str) -> Any:
    """'Create anyway' for a contact or a company draft."""
    from services.crm_leads import take_draft

    draft = await take_draft(session, actor, draft_id, kind)
    card = Card.from_dict(draft.data)
    await session.delete(draft)
    if kind == "contact":
        result = await create_contact_checked(session, actor, card, force=True)
    else:
        result = await create_company_checked(session, actor, card, force=True)
    return result.row


async def list_contacts(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 8
) -> Page[CrmContact]:
    scope = await scope_of(session, actor)
    query = visible(CrmContact, actor, scope).order_by(CrmContact.name_key, CrmContact.id)
    return await paginate(session, query, page, per_page)


async def list_companies(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 8
) -> Page[CrmCompany]:
    scope = await scope_of(session, actor)
    query = visible(CrmCompany, actor, scope).order_by(CrmCompany.name_key, CrmCompany.id)
    return await paginate(session, query, page, per_page)


async def related_deals_page(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, page: int, per_page: int
) -> Page[CrmDeal]:
    """All visible deals of a contact or a company, newest first, one page."""
    await get_visible(session, actor, entity, entity_id)
    scope = await scope_of(session, actor)
    column = CrmDeal.contact_id if entity == "contact" else CrmDeal.company_id
    query = visible(CrmDeal, actor, scope).where(column == entity_id)
    return await paginate(session, query.order_by(CrmDeal.id.desc()), page, per_page)


async def company_contacts_page(
    session: AsyncSession, actor: Actor, company_id: int, page: int, per_page: int
) -> Page[CrmContact]:
    """All visible contacts of a company, by name, one page."""
    await get_visible(session, actor, "company", company_id)
    scope = await scope_of(session, actor)
    query = visible(CrmContact, actor, scope).where(CrmContact.company_id == company_id)
    return await paginate(
        session, query.order_by(CrmContact.name_key, CrmContact.id), page, per_page
    )


@dataclass(frozen=True, slots=True)
class Hit:
    entity: str
    id: int
    name: str
    detail: str


async def find(session: AsyncSession, actor: Actor, text: str, limit: int = 200) -> list[Hit]:
    """Visible leads, contacts and companies by name, a lead's company, phone or e-mail,
    and deals by title (newest first within each kind; the caller pages through them).
    A Russian word in another case ("Ромашку", "Петрову") is found in its own when the
    words as typed find nothing: each long enough word is tried without its ending."""
    scope = await scope_of(session, actor)
    text = text.strip()
    if len(text) < 2:
        raise DomainError(N_("Type at least two characters to search."))
    # a number as typed and as stored: a whole one as duplicate detection matches it
    # ("8 912 ...", "+7 912 ..." and "912 ..." are one), a fragment ("345-67") by its digits
    digits = "".join(c for c in text if c.isdigit())
    numbers = {digits} if len(digits) >= 4 else set()
    phone = ("", "")
    if numbers and (key := phone_key(text, await team_calling_code(session, actor))):
        numbers.add(key)
        phone = (text, key)
    names, companies = _words(name_key(text)), _words(company_key(text))
    hits = await _find(session, actor, scope, names, companies, numbers, phone)
    stems = [_stem(word) for word in names], [_stem(word) for word in companies]
    if not hits and stems != (names, companies):
        hits = await _find(session, actor, scope, *stems, set(), inflected=True)
    return hits[:limit]


# the endings of a Russian noun or adjective in its cases; one is taken off a word that
# keeps 4 letters or more: "Ромашку", "Ромашкой" -> "ромашк"; "Петрову" -> "петров"
_ENDINGS = "ами|ями|ого|его|ому|ему|ой|ей|ом|ем|ую|юю|ах|ях|ам|ям|а|я|у|ю|е|и|ы"
_CASE_ENDING = re.compile(rf"(?<=[а-яе]{{4}})(?:{_ENDINGS})$")


def _words(key: str) -> list[str]:
    return key.replace("%", "").replace("_", "").split()


def _stem(word: str) -> str:
    return _CASE_ENDING.sub("", word)


def _pattern(words: list[str], inflected: bool) -> re.Pattern[str]:
    """The words as typed, anywhere; or stems, each ending a word there with nothing or
    a case ending (so "марию" finds Мария and not Марина)."""
    if not inflected:
        return re.compile(re.escape(" ".join(words)))
    return re.compile(r"\s".join(rf"{re.escape(w)}(?:{_ENDINGS})?(?!\w)" for w in words))


async def _find(
    session: AsyncSession,
    actor: Actor,
    scope: Scope,
    names: list[str],
    companies: list[str],
    numbers: set[str],
    phone: tuple[str, str] = ("", ""),
    *,
    inflected: bool = False,
    limit: int = 200,
) -> list[Hit]:
    """Records whose name (a lead's company, an e-mail) holds the words, whose phone
    holds one of the numbers or is `phone` (as typed, its key) however it was stored;
    `inflected`: the words are stems of words there."""
    joint = "% " if inflected else " "
    named, company = _pattern(names, inflected), _pattern(companies, inflected)
    hits: list[Hit] = []
    for entity, model in (("lead", CrmLead), ("contact", CrmContact), ("company", CrmCompany)):
        like = "%" + joint.join(names) + "%"
        conds: list[ColumnElement[bool]] = [model.name_key.like(like), model.email.like(like)]
        # a company's key and a lead's company key are kept without "ООО" and quotes;
        # "/crm find Ромашка" finds the company's people among the leads too
        company_of = {CrmLead: CrmLead.company_key, CrmCompany: CrmCompany.name_key}.get(model)
        if company_of is not None and companies:
            conds.append(company_of.like("%" + joint.join(companies) + "%"))
        conds += [model.phone_key.like(f"%{number}%") for number in sorted(numbers)]
        if (same := same_phone(model, *phone)) is not None:
            conds.append(same)
        rows = await session.scalars(
            visible(model, actor, scope).where(or_(*conds)).order_by(model.id.desc()).limit(limit)
        )
        for row in rows:
            held = row.company_key if model is CrmLead else row.name_key
            if inflected and not (
                named.search(row.name_key)
                or (company_of is not None and companies and company.search(held))
            ):
                continue
            detail = " · ".join(x for x in (row.phone, row.email) if x)
            hits.append(Hit(entity, row.id, row.name, detail))
    # deal titles have no search key: the newest visible ones are matched here, so a
    # title in any case and alphabet is found ("поставка" in "Поставка мониторов")
    deals = await session.execute(
        visible(CrmDeal, actor, scope)
        .with_only_columns(CrmDeal.id, CrmDeal.title)
        .order_by(CrmDeal.id.desc())
        .limit(DEALS_SCANNED)
    )
    for deal_id, title in deals.all():
        if named.search(name_key(title)):
            hits.append(Hit("deal", deal_id, title, ""))
    return hits


DEALS_SCANNED = 5000  # the newest deals /crm find looks through


async def activities_page(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, page: int, per_page: int
) -> Page[CrmActivity]:
    """A record's activities, the open ones first and the soonest first, one page."""
    await get_visible(session, actor, entity, entity_id)
    query = (
        select(CrmActivity)
        .where(
            CrmActivity.team_id == actor.team_id,
            CrmActivity.entity == entity,
            CrmActivity.entity_id == entity_id,
        )
        .order_by(CrmActivity.done, CrmActivity.due_at, CrmActivity.id)
    )
    return await paginate(session, query, page, per_page)
