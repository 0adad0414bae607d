"""Custom fields per team for leads, deals, contacts and companies.

Values live in the record's `custom` JSON, keyed by the field id: text as typed,
numbers as decimal strings, dates as ISO dates, list values as one of the options.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmField
from services.access import Actor, require_admin
from services.crm import ENTITIES, scope_of
from services.crm_notes import add_history
from services.crm_parse import MULTIPLIERS
from services.crm_rights import get_editable
from services.errors import N_, DomainError, not_found
from services.parsing import parse_when

KINDS = ("text", "number", "date", "list")
KIND_WORDS = {
    "text": "text",
    "текст": "text",
    "строка": "text",
    "number": "number",
    "число": "number",
    "date": "date",
    "дата": "date",
    "list": "list",
    "список": "list",
}
ENTITY_WORDS = {
    "lead": "lead",
    "leads": "lead",
    "лид": "lead",
    "лиды": "lead",
    "deal": "deal",
    "deals": "deal",
    "сделка": "deal",
    "сделки": "deal",
    "contact": "contact",
    "contacts": "contact",
    "контакт": "contact",
    "контакты": "contact",
    "company": "company",
    "companies": "company",
    "компания": "company",
    "компании": "company",
}


async def define_field(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    name: str,
    kind: str,
    options: list[str] | None = None,
) -> CrmField:
    require_admin(actor)
    await scope_of(session, actor)
    if entity not in ENTITIES:
        raise DomainError(N_("Fields belong to leads, deals, contacts or companies."))
    if kind not in KINDS:
        raise DomainError(N_("A field is text, number, date or list."))
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(N_("A field needs a name."))
    opts = [o.strip()[:100] for o in (options or []) if o.strip()]
    if kind == "list" and not opts:
        raise DomainError(N_("A list field needs its options, separated by |."))
    exists = await session.scalar(
        select(CrmField.id).where(
            CrmField.team_id == actor.team_id, CrmField.entity == entity, CrmField.name == name
        )
    )
    if exists is not None:
        raise DomainError(N_("A field named {name} exists already."), name=name)
    row = CrmField(team_id=actor.team_id, entity=entity, name=name, kind=kind, options=opts)
    session.add(row)
    await session.flush()
    return row


async def fields_of(session: AsyncSession, actor: Actor, entity: str) -> list[CrmField]:
    rows = await session.scalars(
        select(CrmField)
        .where(CrmField.team_id == actor.team_id, CrmField.entity == entity)
        .order_by(CrmField.id)
    )
    return list(rows)


_GROUPED_US = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 2,500 and 1,250.75
_GROUPED_EU = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+,\d+")  # 1.250,75


_MULTIPLIED = re.compile(
    rf"(?P<number>.*?\d)\s*(?P<word>{'|'.join(sorted(MULTIPLIERS, key=len, reverse=True))})\.?",
    re.IGNORECASE,
)


def _plain_number(text: str, locale: str) -> str:
    """A number as people write it, for Decimal: "1 250,5", "1,250.75", "1.250,75";
    "2,500" is two thousand five hundred in English and two and a half in Russian."""
    text = "".join(text.split()).replace("\u202f", "")
    if _GROUPED_US.fullmatch(text) and ("." in text or locale.startswith("en")):
        return text.replace(",", "")
    if _GROUPED_EU.fullmatch(text):
        return text.replace(".", "").replace(",", ".")
    return text.replace(",", ".")


def parse_value(fld: CrmField, raw: str, locale: str, tz: str) -> str:
    text = raw.strip()
    if not text:
        raise DomainError(N_("Please type a value, or press Cancel."))
    if fld.kind == "number":
        said = _MULTIPLIED.fullmatch(text)  # "150 тыс", "1,5 млн", "12k"
        try:
            number = Decimal(_plain_number(said["number"] if said else text, locale))
            if said:
                number *= MULTIPLIERS[said["word"].casefold().rstrip(".")]
        except (InvalidOperation, ArithmeticError):
            raise DomainError(N_("{value} is not a number."), value=text) from None
        if not number.is_finite():
            raise DomainError(N_("{value} is not a number."), value=text)
        # a plain number a person reads: at most 15 digits before the point, 6 after
        if not number.is_zero() and not -6 <= number.adjusted() < 15:  # no arithmetic yet
            raise DomainError(
                N_("{value} is too large or too small for a number field."), value=text[:40]
            )
        return format(number.quantize(Decimal("1e-6")).normalize(), "f")
    if fld.kind == "date":  # the day in the person's zone, not in UTC
        return parse_when(text, locale, tz).astimezone(ZoneInfo(tz)).date().isoformat()
    if fld.kind == "list":
        for option in fld.options:
            if option.casefold() == text.casefold():
                return option
        raise DomainError(N_("Choose one of: {options}."), options=", ".join(fld.options))
    return text[:1000]


async def set_value(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, field_id: int, raw: str
) -> tuple[Any, CrmField, str]:
    row = await get_editable(session, actor, entity, entity_id)
    fld = await session.get(CrmField, field_id)
    if fld is None or fld.team_id != actor.team_id or fld.entity != entity:
        raise not_found()
    value = parse_value(fld, raw, actor.locale, actor.timezone)
    custom = dict(row.custom or {})
    custom[str(fld.id)] = value
    row.custom = custom
    await add_history(
        session,
        actor,
        entity,
        entity_id,
        N_("{field}: {value}"),
        field=fld.name,
        value=value,
        value_kind=fld.kind,  # a date or number is shown as each reader writes it
    )
    await session.flush()
    return row, fld, value
