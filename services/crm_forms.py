"""Lead forms: public web pages whose submissions become leads (source "web form")
of the form's responsible person. Admins make and switch them; anyone may send one.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmForm, CrmLead, CrmNote
from models.teams import Team, User
from services.access import Actor, get_team_user, require_admin
from services.crm import scope_of
from services.crm_leads import Duplicate, create_lead, find_duplicates
from services.crm_parse import Card, valid_email
from services.crm_phones import phone_key, team_country
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate

NAME_MAX = 200
INTRO_MAX = 2000
MESSAGE_MAX = 2000


async def create_form(session: AsyncSession, actor: Actor, name: str) -> CrmForm:
    require_admin(actor)
    await scope_of(session, actor)
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise DomainError(N_("Name the form, for example: /crm form new Consultation request"))
    form = CrmForm(
        team_id=actor.team_id,
        token=secrets.token_urlsafe(18),
        name=name,
        intro="",
        owner_id=actor.user_id,
        active=True,
        submissions=0,
    )
    session.add(form)
    await session.flush()
    return form


async def list_forms(
    session: AsyncSession, actor: Actor, page: int = 1, per_page: int = 10
) -> Page[CrmForm]:
    require_admin(actor)
    query = select(CrmForm).where(CrmForm.team_id == actor.team_id).order_by(CrmForm.id)
    return await paginate(session, query, page, per_page)


async def get_form(session: AsyncSession, actor: Actor, form_id: int) -> CrmForm:
    require_admin(actor)
    form = await session.get(CrmForm, form_id)
    if form is None or form.team_id != actor.team_id:
        raise not_found()
    return form


async def set_active(session: AsyncSession, actor: Actor, form_id: int, active: bool) -> CrmForm:
    form = await get_form(session, actor, form_id)
    form.active = active
    await session.flush()
    return form


async def set_intro(session: AsyncSession, actor: Actor, form_id: int, intro: str) -> CrmForm:
    form = await get_form(session, actor, form_id)
    form.intro = intro.strip()[:INTRO_MAX]
    await session.flush()
    return form


async def set_owner(session: AsyncSession, actor: Actor, form_id: int, user_id: int) -> CrmForm:
    form = await get_form(session, actor, form_id)
    user = await get_team_user(session, actor, user_id)
    if not user.active or user.role == "extranet":
        raise DomainError(N_("{person} cannot take the form's leads."), person=user.name)
    form.owner_id = user.id
    await session.flush()
    return form


async def public_form(session: AsyncSession, token: str) -> tuple[CrmForm, Team] | None:
    """The form behind a page address, if it is on (the same None for a wrong token)."""
    if not token or len(token) > 32:
        return None
    form = (
        await session.execute(select(CrmForm).where(CrmForm.token == token))
    ).scalar_one_or_none()
    if form is None or not form.active:
        return None
    team = await session.get(Team, form.team_id)
    return (form, team) if team is not None else None


@dataclass
class Submission:
    name: str = ""
    phone: str = ""
    email: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field -> msgid


def plausible_phone(raw: str) -> bool:
    """A number someone can call back: at least 7 digits, not one digit over and over
    (1111111), and not ending in a lone digit after a space (555 0199 9: a slip)."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7 or len(set(digits)) == 1:
        return False
    groups = re.findall(r"\d+", raw)
    return not (len(groups) > 1 and len(groups[-1]) == 1)


def check(data: dict[str, str]) -> Submission:
    """What a visitor typed, cleaned; errors per field (msgids) when it cannot be kept."""
    sent = Submission(
        name=" ".join(str(data.get("name", "")).split())[:NAME_MAX],
        phone=str(data.get("phone", "")).strip()[:64],
        email=str(data.get("email", "")).strip()[:200],
        message=str(data.get("message", "")).strip()[:MESSAGE_MAX],
    )
    if not sent.name:
        sent.errors["name"] = N_("Please give your name.")
    if not sent.phone and not sent.email:
        sent.errors["phone"] = N_("Please leave a phone number or an e-mail.")
    if sent.phone and not phone_key(sent.phone):
        sent.errors["phone"] = N_("This does not look like a phone number.")
    elif sent.phone and not plausible_phone(sent.phone):
        sent.errors["phone"] = N_(
            "Please check the phone number: it needs all its digits, with the area code, "
            "for example +44 20 7946 0958."
        )
    if sent.email and not valid_email(sent.email.casefold()):
        sent.errors["email"] = N_("This does not look like an e-mail address.")
    return sent


async def _taker(session: AsyncSession, form: CrmForm) -> User | None:
    """Who gets the lead: the form's responsible, or the team's first admin."""
    if form.owner_id is not None:
        owner = await session.get(User, form.owner_id)
        if owner is not None and owner.active and owner.role != "extranet":
            return owner
    return (
        await session.execute(
            select(User)
            .where(User.team_id == form.team_id, User.role == "admin", User.active.is_(True))
            .order_by(User.id)
            .limit(1)
        )
    ).scalar_one_or_none()


async def submit(
    session: AsyncSession, form: CrmForm, sent: Submission
) -> tuple[CrmLead, User, list[Duplicate]] | None:
    """A checked submission becomes a lead of the form's responsible (with the records it
    may duplicate, for them to see: a visitor is never turned away); None when the team
    has nobody to take it. Its history and comment are the visitor's, not the taker's."""
    taker = await _taker(session, form)
    if taker is None:
        return None
    card = Card(name=sent.name, source="web", comment=sent.message)
    if sent.phone:
        team = await session.get(Team, form.team_id)  # its local numbers take its code
        card.set_phone(sent.phone, team_country(team.locale, team.timezone) if team else "")
    if sent.email:
        card.set_email(sent.email)
    result = await create_lead(
        session, Actor.of(taker), card, owner_id=taker.id, check_duplicates=False
    )
    assert result.lead is not None
    lead = result.lead
    await session.execute(
        update(CrmNote)
        .where(CrmNote.entity == "lead", CrmNote.entity_id == lead.id)
        .values(author_id=None)
    )
    dups = await find_duplicates(session, Actor.of(taker), card, exclude_lead=lead.id)
    form.submissions += 1
    await session.flush()
    return lead, taker, dups
