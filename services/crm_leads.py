"""Leads: create with a duplicate check, list with filters, statuses, drafts and merge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.crm import CrmContact, CrmDraft, CrmLead, CrmStage
from services.access import Actor
from services.crm import (
    SOURCES,
    Card,
    Scope,
    company_key,
    get_visible,
    name_key,
    national_number,
    same_phone,
    scope_of,
    settings_of,
    stage_name,
    user_names,
    valid_email,
    visible,
)
from services.crm_notes import add_comment, add_history
from services.crm_rights import get_editable, may_edit
from services.errors import N_, DomainError, bare, not_found
from services.pagination import Page, paginate


@dataclass(frozen=True, slots=True)
class Duplicate:
    entity: str  # lead | contact
    id: int
    name: str  # '' for a colleague's record the reader may not open
    reason: str  # phone | email | name
    owner: str = ""  # that colleague: whom to ask about the client
    editable: bool = False  # the reader may merge an entry into it (services.crm_rights)


def duplicate_search(actor: Actor, scope: Scope, model: Any) -> Select[Any]:
    """Where a duplicate check looks: the team's whole CRM for its staff (a colleague's
    client is worth a warning, whoever may open the record), the visible records for an
    extranet member (who learns nothing of the team's clients)."""
    if actor.is_extranet:
        return visible(model, actor, scope)
    return select(model).where(model.team_id == actor.team_id)


@dataclass
class LeadResult:
    lead: CrmLead | None
    duplicates: list[Duplicate]
    draft_id: int | None = None


async def find_duplicates(
    session: AsyncSession,
    actor: Actor,
    card: Card,
    *,
    exclude_lead: int | None = None,
    limit: int = 3,
) -> list[Duplicate]:
    """Leads and contacts with the same phone, e-mail, or name + company (see duplicate_search);
    a record the actor may not open is named by its number and responsible only."""
    scope = await scope_of(session, actor)
    found: list[tuple[str, Any, str]] = []
    seen: set[tuple[str, int]] = set()
    email = card.email if valid_email(card.email) else ""
    nkey, ckey = name_key(card.name), company_key(card.company)
    checks: list[tuple[str, Any, Any]] = []
    lead_phone = same_phone(CrmLead, card.phone, card.phone_key)
    contact_phone = same_phone(CrmContact, card.phone, card.phone_key)
    if lead_phone is not None:
        checks.append(("phone", lead_phone, contact_phone))
    if email:
        checks.append(("email", CrmLead.email == email, CrmContact.email == email))
    if nkey and ckey:
        checks.append(("name", (CrmLead.name_key == nkey) & (CrmLead.company_key == ckey), None))
    for reason, lead_cond, contact_cond in checks:
        query = (
            duplicate_search(actor, scope, CrmLead)
            .where(lead_cond)
            .order_by(CrmLead.id)
            .limit(limit)
        )
        if exclude_lead is not None:
            query = query.where(CrmLead.id != exclude_lead)
        for lead in (await session.execute(query)).scalars():
            if ("lead", lead.id) not in seen:
                seen.add(("lead", lead.id))
                found.append(("lead", lead, reason))
        if contact_cond is not None:
            cq = (
                duplicate_search(actor, scope, CrmContact)
                .where(contact_cond)
                .order_by(CrmContact.id)
            )
            for contact in (await session.execute(cq.limit(limit))).scalars():
                if ("contact", contact.id) not in seen:
                    seen.add(("contact", contact.id))
                    found.append(("contact", contact, reason))
    found = found[:limit]
    owners = await user_names(session, {row.owner_id for _, row, _ in found if row.owner_id})
    out = []
    for entity, row, reason in found:
        if scope.owners is None or row.owner_id in scope.owners:
            editable = await may_edit(session, actor, row)
            out.append(Duplicate(entity, row.id, row.name, reason, editable=editable))
        else:
            out.append(Duplicate(entity, row.id, "", reason, owners.get(row.owner_id, "—")))
    return out


async def lead_statuses(session: AsyncSession, team_id: int) -> list[CrmStage]:
    await settings_of(session, team_id)
    rows = await session.scalars(
        select(CrmStage)
        .where(CrmStage.team_id == team_id, CrmStage.pipeline_id.is_(None))
        .order_by(CrmStage.sort, CrmStage.id)
    )
    return list(rows)


async def status_by_code(session: AsyncSession, team_id: int, code: str) -> CrmStage:
    for stage in await lead_statuses(session, team_id):
        if stage.code == code:
            return stage
    raise not_found()


# "5 имя Сергей": a number and what to change in that lead, not a new lead's name
LOOKS_LIKE_CHANGE = re.compile(r"^#?(?P<id>\d+)\s+\S+\s+\S")


def _check(card: Card) -> None:
    if not card.name.strip():
        raise DomainError(N_("A lead needs at least a name, a phone or an e-mail."))
    said = LOOKS_LIKE_CHANGE.match(card.name.strip())
    if said is not None and not (card.phone or card.email or card.company):
        raise DomainError(
            N_(
                "To change lead #{id}, send /lead {id}, what to change (name, phone, email or "
                "company) and the new value, e.g. /lead {id} name Sergey; a new lead named "
                "like that needs a phone, an e-mail or a company."
            ),
            id=said["id"],
        )
    if card.source not in SOURCES:
        raise DomainError(
            N_("There is no source {value}. Choose one: {sources}."),
            value=card.source,
            sources=", ".join(SOURCES),
        )


async def create_lead(
    session: AsyncSession,
    actor: Actor,
    card: Card,
    *,
    force: bool = False,
    owner_id: int | None = None,
    check_duplicates: bool = True,
) -> LeadResult:
    """A new lead; when it looks like a duplicate and not forced, a draft waits instead."""
    await scope_of(session, actor)
    _check(card)
    if check_duplicates and not force:
        dups = await find_duplicates(session, actor, card)
        if dups:
            draft = CrmDraft(
                team_id=actor.team_id, user_id=actor.user_id, kind="lead", data=card.to_dict()
            )
            session.add(draft)
            await session.flush()
            return LeadResult(None, dups, draft.id)
    status = await status_by_code(session, actor.team_id, "new")
    lead = CrmLead(
        team_id=actor.team_id,
        name=card.name.strip()[:200],
        name_key=name_key(card.name),
        company=card.company.strip()[:200],
        company_key=company_key(card.company),
        phone=card.phone[:64],
        phone_key=card.phone_key,
        phone_nsn=national_number(card.phone, card.phone_key),
        email=card.email[:200],
        source=card.source,
        status_id=status.id,
        owner_id=owner_id or actor.user_id,
        created_by=actor.user_id,
        custom={},
    )
    session.add(lead)
    await session.flush()
    await add_history(session, actor, "lead", lead.id, N_("Lead created"))
    if card.comment:
        await add_comment(session, actor, "lead", lead.id, card.comment)
    return LeadResult(lead, [])


async def take_draft(session: AsyncSession, actor: Actor, draft_id: int, kind: str) -> CrmDraft:
    draft = await session.get(CrmDraft, draft_id)
    if draft is None or draft.user_id != actor.user_id or draft.kind != kind:
        raise DomainError(N_("This draft is gone. Send the command again."))
    return draft


async def create_from_draft(session: AsyncSession, actor: Actor, draft_id: int) -> CrmLead:
    draft = await take_draft(session, actor, draft_id, "lead")
    card = Card.from_dict(draft.data)
    await session.delete(draft)
    result = await create_lead(session, actor, card, force=True)
    assert result.lead is not None
    return result.lead


async def merge_draft(
    session: AsyncSession,
    actor: Actor,
    draft_id: int,
    entity: str,
    target_id: int,
    kind: str = "lead",
) -> Any:
    """Fill the existing record's empty fields from the draft; the draft's comment is kept,
    and the history says what the draft held."""
    draft = await take_draft(session, actor, draft_id, kind)
    target = await get_editable(session, actor, entity, target_id)
    card = Card.from_dict(draft.data)
    if not target.phone and card.phone:
        target.phone, target.phone_key = card.phone, card.phone_key
        target.phone_nsn = national_number(card.phone, card.phone_key)
    if not target.email and card.email:
        target.email = card.email
    if entity == "lead" and not target.company and card.company:
        target.company, target.company_key = card.company, company_key(card.company)
    await session.delete(draft)
    # what the entry said, in full: another person's name (a colleague at the company's
    # number) or a field the record kept its own value of is not lost
    entry = " · ".join(x for x in (card.name, card.company, card.phone, card.email) if x)
    await add_history(
        session,
        actor,
        entity,
        target.id,
        N_("A duplicate entry was merged in: {entry}"),
        entry=entry or "—",
    )
    if card.comment:
        await add_comment(session, actor, entity, target.id, card.comment)
    await session.flush()
    return target


@dataclass(frozen=True, slots=True)
class LeadFilter:
    mine: bool = False
    status: str | None = None  # status code
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    period: str = ""  # t, w, m, y: the reader's today, week, month or year `since` began


async def list_leads(
    session: AsyncSession, actor: Actor, flt: LeadFilter, *, page: int = 1, per_page: int = 8
) -> Page[CrmLead]:
    query = await lead_query(session, actor, flt)
    return await paginate(session, query.order_by(CrmLead.id.desc()), page, per_page)


async def lead_query(session: AsyncSession, actor: Actor, flt: LeadFilter) -> Select[Any]:
    """The visible leads matching a filter (unordered)."""
    scope = await scope_of(session, actor)
    query = visible(CrmLead, actor, scope)
    if flt.mine:
        query = query.where(CrmLead.owner_id == actor.user_id)
    if flt.status:
        status = await status_by_code(session, actor.team_id, flt.status)
        query = query.where(CrmLead.status_id == status.id)
    if flt.source:
        query = query.where(CrmLead.source == flt.source)
    if flt.since is not None:
        query = query.where(CrmLead.created_at >= flt.since)
    if flt.until is not None:
        query = query.where(CrmLead.created_at < flt.until)
    if flt.text:
        like = "%" + name_key(flt.text).replace("%", "") + "%"
        query = query.where(or_(CrmLead.name_key.like(like), CrmLead.company_key.like(like)))
    return query


async def get_lead(session: AsyncSession, actor: Actor, lead_id: int) -> CrmLead:
    lead: CrmLead = await get_visible(session, actor, "lead", lead_id)
    return lead


async def set_status(
    session: AsyncSession, actor: Actor, lead_id: int, status_id: int
) -> tuple[CrmLead, CrmStage]:
    lead: CrmLead = await get_editable(session, actor, "lead", lead_id)
    status = await session.get(CrmStage, status_id)
    if status is None or status.team_id != actor.team_id or status.pipeline_id is not None:
        raise not_found()
    if status.kind == "converted" and lead.converted_at is None:
        raise DomainError(N_("Use Convert to turn the lead into a deal, contact or company."))
    if lead.converted_at is not None:
        raise DomainError(N_("The lead is converted already; its status stays."))
    if lead.status_id != status.id:
        lead.status_id = status.id
        await add_history(
            session, actor, "lead", lead.id, N_("Status: {status}"), status=stage_name(status)
        )
    await session.flush()
    return lead, status


async def count_leads(session: AsyncSession, actor: Actor) -> int:
    scope = await scope_of(session, actor)
    query = visible(CrmLead, actor, scope)
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)


async def mark_converted(
    session: AsyncSession,
    actor: Actor,
    lead: CrmLead,
    *,
    deal_id: int | None,
    contact_id: int | None,
    company_id: int | None,
) -> None:
    status = await status_by_code(session, actor.team_id, "converted")
    lead.status_id = status.id
    lead.converted_at = utcnow()
    lead.deal_id, lead.contact_id, lead.company_id = deal_id, contact_id, company_id
    await session.flush()


async def add_status(session: AsyncSession, actor: Actor, name: str) -> CrmStage:
    """A team's own lead status, placed before the closing ones (junk, converted)."""
    from services.access import require_admin

    require_admin(actor)
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(N_("A status needs a name."))
    statuses = await lead_statuses(session, actor.team_id)
    if any(bare(stage_name(s)).casefold() == name.casefold() for s in statuses):
        raise DomainError(N_("A status named {name} already exists."), name=name)
    opened = [s for s in statuses if s.kind == "open"]
    sort = (opened[-1].sort if opened else 0) + 1
    for stage in statuses:
        if stage.kind != "open" and stage.sort >= sort:
            stage.sort += 1
    code = f"s{len(statuses) + 1}"
    stage = CrmStage(
        team_id=actor.team_id, pipeline_id=None, code=code, name=name, sort=sort, kind="open"
    )
    session.add(stage)
    await session.flush()
    return stage
