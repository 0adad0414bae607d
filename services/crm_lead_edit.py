"""A lead's own details corrected (its name, phone, e-mail and company: a web lead with
the company in the name field, a typo in the number) and a lead deleted; both for
those who may change the lead (services.crm_rights)."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmCompany, CrmContact, CrmDeal, CrmLead, CrmNote
from services import crm_activities
from services.access import Actor
from services.crm import (
    NAME_MAX,
    Card,
    clean_email,
    company_key,
    name_key,
    national_number,
    team_calling_code,
    valid_email,
)
from services.crm_notes import add_history
from services.crm_rights import get_editable
from services.errors import N_, DomainError

FIELDS = ("name", "phone", "email", "company")
# what a field is called after "/lead 5": "/lead 5 имя Сергей", "/lead 5 phone +7 ..."
FIELD_WORDS = {
    "name": "name",
    "имя": "name",
    "название": "name",
    "phone": "phone",
    "tel": "phone",
    "телефон": "phone",
    "тел": "phone",
    "тел.": "phone",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "почта": "email",
    "почту": "email",
    "емейл": "email",
    "company": "company",
    "компания": "company",
    "компанию": "company",
}
CLEAR = ("-", "—", "–")  # the answer that empties a phone, an e-mail or a company
HISTORY = {
    "name": N_("Name: {value}"),
    "phone": N_("Phone: {value}"),
    "email": N_("E-mail: {value}"),
    "company": N_("Company: {value}"),
}


def checked_phone(text: str, country: str) -> Card:
    """A phone number as a lead keeps it (`country`: the team's calling code);
    DomainError: the text is no phone number."""
    card = Card(country=country)
    card.set_phone(text)
    if card.warnings or not card.phone_key:
        raise DomainError(N_("“{value}” does not look like a phone number."), value=text.strip())
    return card


def checked_email(text: str) -> str:
    """An e-mail address as a lead keeps it; DomainError: the text is no address."""
    email = clean_email(text)
    if not valid_email(email):
        raise DomainError(N_("“{value}” does not look like an e-mail address."), value=text.strip())
    return email


async def edit_lead(
    session: AsyncSession, actor: Actor, lead_id: int, field: str, raw: str
) -> CrmLead:
    """One of the lead's details, checked as a new lead's are; "-" empties any but
    the name. The history keeps the new value."""
    lead: CrmLead = await get_editable(session, actor, "lead", lead_id)
    if field not in FIELDS:
        raise DomainError(N_("A lead's name, phone, e-mail or company can be changed."))
    text = " ".join(raw.split())
    if not text:
        raise DomainError(N_("Type the new value, or - to clear it."))
    clear = text in CLEAR
    if field == "name":
        if clear:
            raise DomainError(N_("A lead needs a name."))
        lead.name, lead.name_key = text[:NAME_MAX], name_key(text)
    elif field == "company":
        lead.company = "" if clear else text[:NAME_MAX]
        lead.company_key = company_key(lead.company)
    elif field == "phone":
        country = await team_calling_code(session, actor)
        card = Card(country=country) if clear else checked_phone(text, country)
        lead.phone, lead.phone_key = card.phone[:64], card.phone_key
        lead.phone_nsn = national_number(card.phone, card.phone_key)
    else:
        lead.email = "" if clear else checked_email(text)[:200]
    shown = {"name": lead.name, "phone": lead.phone, "email": lead.email}.get(field, lead.company)
    await add_history(session, actor, "lead", lead.id, HISTORY[field], value=shown or "—")
    await session.flush()
    return lead


async def delete_lead(session: AsyncSession, actor: Actor, lead_id: int) -> CrmLead:
    """The lead goes with its comments, history and activities (their reminders called
    off); a deal, contact or company made of it stays, no longer linked to it."""
    lead: CrmLead = await get_editable(session, actor, "lead", lead_id)
    await crm_activities.drop_all(session, actor.team_id, "lead", lead.id)
    for model in (CrmDeal, CrmContact, CrmCompany):
        await session.execute(
            update(model)
            .where(model.team_id == actor.team_id, model.lead_id == lead.id)
            .values(lead_id=None)
        )
    await session.execute(
        delete(CrmNote).where(
            CrmNote.team_id == actor.team_id, CrmNote.entity == "lead", CrmNote.entity_id == lead.id
        )
    )
    await session.delete(lead)
    await session.flush()
    return lead
