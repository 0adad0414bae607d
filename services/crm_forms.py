"""Lead forms: public web pages whose submissions become leads (source "web form")
of the form's responsible person. Admins make and switch them; anyone may send one.

A send is taken once: the page is drawn with a one-off token (`send_token`) that the
send carries back, and a taken send's key is stored unique per form (`CrmFormSend`),
so the same send again (a double click, a browser's retry, after a restart or on
another process) creates nothing. A copy of the form without the token (a site's own)
is recognised by its sender and what they typed within `REPEAT_WINDOW`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.crm import CrmForm, CrmFormSend, CrmLead, CrmNote
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
PHONE_MAX = 64
EMAIL_MAX = 200
FIELD_MAX = {"name": NAME_MAX, "phone": PHONE_MAX, "email": EMAIL_MAX, "message": MESSAGE_MAX}
TOO_LONG = {
    "name": N_("Please shorten the name to 200 characters."),
    "phone": N_("This does not look like a phone number."),
    "email": N_("This does not look like an e-mail address."),
    "message": N_("Please shorten the message to 2,000 characters."),
}


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
        name=" ".join(str(data.get("name", "")).split()),
        phone=str(data.get("phone", "")).strip(),
        email=str(data.get("email", "")).strip(),
        message=str(data.get("message", "")).strip(),
    )
    # too long to keep whole: refused, shown with what was typed, never cut unsaid
    for name, most in FIELD_MAX.items():
        if len(getattr(sent, name)) > most:
            sent.errors[name] = TOO_LONG[name]
    if sent.errors:
        return sent
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


REPEAT_WINDOW = 10 * 60  # seconds: the same tokenless send again is not a new lead
SEND_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def send_token() -> str:
    """A one-off token for a page being drawn: its send carries it back."""
    return secrets.token_urlsafe(18)


def send_keys(sent: Submission, token: str, sender: str, now: datetime | None = None) -> list[str]:
    """The keys a send is known by when it comes again, the one to store first: its
    page's token; without a (well-formed) one, the sender and what they typed in this
    window of minutes, or the one before (a repeat across the windows' edge)."""
    if SEND_TOKEN.fullmatch(token):
        return [f"t:{token}"]
    what = "\x1f".join(
        " ".join(part.split()).casefold()
        for part in (sender, sent.name, sent.phone, sent.email, sent.message)
    )
    digest = hashlib.sha256(what.encode()).hexdigest()[:40]
    window = int((now or utcnow()).timestamp()) // REPEAT_WINDOW
    return [f"d:{digest}:{window}", f"d:{digest}:{window - 1}"]


async def received(session: AsyncSession, form: CrmForm, keys: Sequence[str]) -> bool:
    """Whether a send with one of these keys was taken already."""
    found = await session.scalar(
        select(func.count())
        .select_from(CrmFormSend)
        .where(CrmFormSend.form_id == form.id, CrmFormSend.key.in_(list(keys)))
    )
    return bool(found)


async def _claim(session: AsyncSession, form: CrmForm, keys: Sequence[str]) -> CrmFormSend | None:
    """The send's key stored, or None when it was taken before (by this process or
    another at the same moment: the unique key lets one of them in)."""
    if not keys or await received(session, form, keys):
        return None
    row = CrmFormSend(form_id=form.id, key=keys[0])
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return None
    return row


async def _taker(session: AsyncSession, form: CrmForm) -> User | None:
    """Who gets the lead: the form's responsible, or the team's first admin."""
    if form.owner_id is not None:
        owner = await db.get(session, User, form.owner_id)
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


@dataclass
class Submitted:
    """What became of a checked send: its lead, the taker and the records the lead may
    duplicate; `repeat` when the send was taken before (nothing made again); no lead
    when the team has nobody to take it."""

    lead: CrmLead | None = None
    taker: User | None = None
    duplicates: list[Duplicate] = field(default_factory=list)
    repeat: bool = False


async def submit(
    session: AsyncSession, form: CrmForm, sent: Submission, keys: Sequence[str]
) -> Submitted:
    """A checked submission becomes a lead of the form's responsible (with the records it
    may duplicate, for them to see: a visitor is never turned away), once for its `keys`
    (see send_keys). Its history and comment are the visitor's, not the taker's."""
    taker = await _taker(session, form)
    if taker is None:
        return Submitted()
    claimed = await _claim(session, form, keys)
    if claimed is None:
        return Submitted(repeat=True)
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
    claimed.lead_id = lead.id
    await session.flush()
    return Submitted(lead, taker, dups)
