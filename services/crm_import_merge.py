"""What an imported row brings besides its fields, and what it does to the record it
duplicates: its comments (with their times and authors, when the file is our own
export) and history notes, the company a contact works at, and "update existing",
which fills in a matched record's empty fields and adds the comments it lacks, never
overwriting what the record has."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.crm import CrmCompany, CrmContact, CrmLead, CrmNote
from services.access import Actor
from services.crm import company_key, national_number, scope_of, visible
from services.crm_notes import NOTE_MAX, add_history
from services.crm_rights import may_edit
from services.errors import N_

MODELS: dict[str, Any] = {"lead": CrmLead, "contact": CrmContact}
CHUNK = 1000  # ids a statement asks for at once


def time_of(row: dict[str, Any], key: str) -> datetime:
    """A time the preview read from the file (ISO, UTC), or now."""
    text = row.get(key)
    return datetime.fromisoformat(str(text)) if text else utcnow()


def note_rows(
    actor: Actor, entity: str, entity_id: int, row: dict[str, Any]
) -> list[dict[str, Any]]:
    """A row's comments, and history entries for what has no field here: the other phones
    and e-mails, a source name we have no source for. A comment keeps the time and the
    author the file gives ("by" None: the lead page), else it is the importer's, now."""
    notes: list[dict[str, Any]] = []

    def note(kind: str, text: str, params: dict[str, str], at: datetime, by: Any) -> None:
        notes.append(
            dict(
                team_id=actor.team_id,
                entity=entity,
                entity_id=entity_id,
                kind=kind,
                author_id=by,
                text=text,
                params=params,
                created_at=at,
            )
        )

    for comment in row.get("comments") or []:
        by = comment["by"] if "by" in comment else actor.user_id
        note("comment", str(comment["text"])[:NOTE_MAX], {}, time_of(comment, "at"), by)
    now = utcnow()
    if row.get("more"):
        note(
            "history",
            N_("Also in the file: {values}"),
            {"values": str(row["more"])},
            now,
            actor.user_id,
        )
    if row.get("source_text"):
        note(
            "history",
            N_("Source in the file: {value}"),
            {"value": str(row["source_text"])},
            now,
            actor.user_id,
        )
    return notes


def has_notes(row: dict[str, Any]) -> bool:
    return bool(row.get("comments") or row.get("more") or row.get("source_text"))


async def editable(
    session: AsyncSession, actor: Actor, entity: str, ids: set[int]
) -> dict[int, Any]:
    """The records of these ids the importer sees and may change (services.crm_rights)."""
    model = MODELS[entity]
    scope = await scope_of(session, actor)
    wanted = sorted(ids)
    found: dict[int, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        query = visible(model, actor, scope).where(model.id.in_(wanted[start : start + CHUNK]))
        for record in (await session.execute(query)).scalars():
            if await may_edit(session, actor, record):
                found[record.id] = record
    return found


async def fill_in(
    session: AsyncSession, actor: Actor, entity: str, rows: list[dict[str, Any]]
) -> list[int]:
    """Update the records the rows matched (row["match"]): empty fields take the file's
    values, comments and notes the record lacks are added. Returns the ids changed."""
    records = await editable(session, actor, entity, {int(r["match"]) for r in rows})
    if not records:
        return []
    had: set[tuple[Any, ...]] = set()  # the records' notes: what is there is not added again
    ids = sorted(records)
    for start in range(0, len(ids), CHUNK):
        query = select(CrmNote.entity_id, CrmNote.kind, CrmNote.text, CrmNote.params).where(
            CrmNote.team_id == actor.team_id,
            CrmNote.entity == entity,
            CrmNote.entity_id.in_(ids[start : start + CHUNK]),
        )
        had.update(_same(*found) for found in await session.execute(query))
    companies: dict[str, int] = {}
    if entity == "contact":
        wanted = [r["company"] for r in rows if records.get(int(r["match"])) is not None]
        companies = await companies_for(session, actor, [c for c in wanted if c])
    changed: list[int] = []
    for row in rows:
        record = records.get(int(row["match"]))
        if record is None:
            continue
        filled = _fill(record, row, companies)
        notes = []
        for note in note_rows(actor, entity, record.id, row):
            seen = _same(record.id, note["kind"], note["text"], note["params"])
            if seen not in had:
                had.add(seen)
                notes.append(CrmNote(**note))
        session.add_all(notes)
        if filled:
            await add_history(
                session, actor, entity, record.id, N_("Filled in from an import file")
            )
        if (filled or notes) and record.id not in changed:
            changed.append(record.id)
    await session.flush()
    return changed


def _same(entity_id: int, kind: str, text: str, params: dict[str, Any] | None) -> tuple[Any, ...]:
    return (int(entity_id), kind, text.strip(), tuple(sorted((params or {}).items())))


def _fill(record: Any, row: dict[str, Any], companies: dict[str, int]) -> bool:
    """Put the row's values into the record's empty fields; whether any was empty."""
    filled = False
    if not record.phone and row["phone"]:
        record.phone, record.phone_key = row["phone"], row["phone_key"]
        record.phone_nsn = national_number(row["phone"], row["phone_key"])
        filled = True
    if not record.email and row["email"]:
        record.email, filled = row["email"], True
    if isinstance(record, CrmLead) and not record.company and row["company"]:
        record.company, record.company_key = row["company"], company_key(row["company"])
        filled = True
    if isinstance(record, CrmContact) and record.company_id is None and row["company"]:
        record.company_id = companies.get(company_key(row["company"]))
        filled = record.company_id is not None or filled
    return filled


async def companies_for(session: AsyncSession, actor: Actor, names: list[str]) -> dict[str, int]:
    """Company key -> id for the companies imported contacts name: the team's company
    of that name the importer sees, or a new one."""
    from services.crm_people import create_company

    wanted: dict[str, str] = {}
    for name in names:
        key = company_key(name or "")
        if key and key not in wanted:
            wanted[key] = name
    if not wanted:
        return {}
    scope = await scope_of(session, actor)
    found: dict[str, int] = {}
    rows = await session.execute(
        visible(CrmCompany, actor, scope)
        .where(CrmCompany.name_key.in_(list(wanted)))
        .with_only_columns(CrmCompany.name_key, CrmCompany.id)
        .order_by(CrmCompany.id)
    )
    for key, company_id in rows:
        found.setdefault(key, int(company_id))
    for key, name in wanted.items():
        if key not in found:
            found[key] = (await create_company(session, actor, name)).id
    return found
