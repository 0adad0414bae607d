"""Lead conversion: a lead becomes any mix of deal, contact and company, linked both ways."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.crm import CrmContact, CrmLead, CrmNote
from models.teams import User
from services.access import Actor
from services.crm import same_phone, scope_of, valid_email, visible
from services.crm_deals import create_deal
from services.crm_leads import mark_converted
from services.crm_notes import add_history
from services.crm_people import create_company, create_contact, find_company
from services.crm_rights import get_editable
from services.errors import N_, DomainError

# -- conversion --------------------------------------------------------------------------

DEAL, CONTACT, COMPANY = 1, 2, 4


@dataclass
class Conversion:
    lead: CrmLead
    deal_id: int | None
    contact_id: int | None
    company_id: int | None
    # the contact the team already had (same phone or e-mail), linked instead of made
    linked_contact: CrmContact | None = None


async def existing_contact(session: AsyncSession, actor: Actor, lead: CrmLead) -> CrmContact | None:
    """A contact the actor sees with the lead's phone or e-mail: the same person."""
    conds = []
    if (phone := same_phone(CrmContact, lead.phone, lead.phone_key)) is not None:
        conds.append(phone)
    email = lead.email.strip().casefold()
    if email and valid_email(email):
        conds.append(func.lower(CrmContact.email) == email)
    if not conds:
        return None
    scope = await scope_of(session, actor)
    query = visible(CrmContact, actor, scope).where(or_(*conds)).order_by(CrmContact.id).limit(1)
    return (await session.execute(query)).scalars().first()


async def convert_lead(session: AsyncSession, actor: Actor, lead_id: int, mask: int) -> Conversion:
    """Turn a lead into any mix of deal (1), contact (2) and company (4), linked both ways."""
    lead: CrmLead = await get_editable(session, actor, "lead", lead_id)
    if lead.converted_at is not None:
        raise DomainError(N_("The lead is converted already."))
    if not mask & (DEAL | CONTACT | COMPANY) or mask > 7:
        raise DomainError(N_("Choose what the lead becomes: a deal, a contact or a company."))
    company_id = contact_id = deal_id = None
    # the records made are the lead's responsible's, as in Bitrix24; a contact or company
    # the team has already is looked for among theirs, so their deal never points at
    # records they cannot open
    owner = await _responsible(session, actor, lead)
    linked = await existing_contact(session, owner, lead) if mask & CONTACT else None
    if mask & COMPANY and linked is not None and linked.company_id is not None:
        company_id = linked.company_id  # the person's company comes with them
    elif mask & COMPANY:
        if not lead.company:
            raise DomainError(N_("The lead has no company name to make a company from."))
        # a company the team already has is linked, not made twice
        company_id = await find_company(session, owner, lead.company)
        if company_id is None:
            company = await create_company(
                session,
                actor,
                lead.company,
                phone="",
                email="",
                lead_id=lead.id,
                owner_id=lead.owner_id,
            )
            company_id = company.id
    if linked is not None:
        contact_id = linked.id
        if company_id is None and linked.company_id is not None:
            company_id = linked.company_id
        await add_history(
            session,
            actor,
            "lead",
            lead.id,
            N_("Linked to the existing contact #{id} {name}"),
            id=str(linked.id),
            name=linked.name,
        )
    elif mask & CONTACT:
        contact = await create_contact(
            session,
            actor,
            lead.name,
            phone=lead.phone,
            phone_key=lead.phone_key,
            email=lead.email,
            company_id=company_id,
            lead_id=lead.id,
            owner_id=lead.owner_id,
        )
        contact_id = contact.id
    if mask & DEAL:
        deal = await create_deal(
            session,
            actor,
            lead.company or lead.name,
            contact_id=contact_id,
            company_id=company_id,
            lead_id=lead.id,
        )
        deal.owner_id = lead.owner_id
        deal_id = deal.id
        await _copy_comments(session, lead, deal_id)
    await mark_converted(
        session, actor, lead, deal_id=deal_id, contact_id=contact_id, company_id=company_id
    )
    await add_history(session, actor, "lead", lead.id, N_("Lead converted"))
    return Conversion(lead, deal_id, contact_id, company_id, linked)


async def _responsible(session: AsyncSession, actor: Actor, lead: CrmLead) -> Actor:
    """The lead's responsible person as an actor (the converter where there is none)."""
    if lead.owner_id is None or lead.owner_id == actor.user_id:
        return actor
    user = await db.get(session, User, lead.owner_id)
    if user is None or user.team_id != actor.team_id or not user.active:
        return actor
    return Actor.of(user)


async def _copy_comments(session: AsyncSession, lead: CrmLead, deal_id: int) -> None:
    """The lead's comments (what the client wants) go on the deal too, as written, by
    whom and when, as Bitrix24 carries them over."""
    comments = await session.scalars(
        select(CrmNote)
        .where(
            CrmNote.team_id == lead.team_id,
            CrmNote.entity == "lead",
            CrmNote.entity_id == lead.id,
            CrmNote.kind == "comment",
        )
        .order_by(CrmNote.id)
    )
    for note in list(comments):
        session.add(
            CrmNote(
                team_id=note.team_id,
                entity="deal",
                entity_id=deal_id,
                kind="comment",
                author_id=note.author_id,
                text=note.text,
                params={},
                created_at=note.created_at,
            )
        )
    await session.flush()
